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

// The HTTP status of an error kind: kInvalid 422, kMalformed 400, kNotFound 404, ... (one table).
Status status_for(ErrorKind kind);
// An application/problem+json response {"type","title","status","detail","code"} whose status
// follows from the error's kind. Handlers answer every failure this way.
Response problem(const Error& error);
// The same for the HTTP layer's own refusals that no Error kind names (431, 405).
Response problem(Status status, std::string_view code, std::string_view detail);
// An application/json response.
Response json_response(Status status, const json::value& body);

}  // namespace upi::http
