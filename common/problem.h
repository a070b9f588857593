// HTTP types shared by the server, the client and the handlers, and RFC 9457 problems.
#pragma once

#include <boost/beast/http.hpp>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/json.h"

namespace upi::http {

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;
using Status = beast_http::status;

// An application/problem+json response: {"type","title","status","detail","code"}.
Response problem(Status status, std::string_view code, std::string_view detail);
// The HTTP status that fits an Error's code (INVALID_* -> 422, *_NOT_FOUND -> 404, ...).
Status status_for(const Error& error);
Response problem(const Error& error);
// An application/json response.
Response json_response(Status status, const json::value& body);

}  // namespace upi::http
