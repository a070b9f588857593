// What every group of handlers (api_*.h) shares: the HTTP types and the router.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "common/router.h"

namespace upi::api {

namespace asio = boost::asio;
using http::Params;
using http::parse_target;
using http::Request;
using http::Response;

}  // namespace upi::api
