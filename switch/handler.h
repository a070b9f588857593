// What every group of handlers (api_*.h) shares: the HTTP types and the router.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "common/principal.h"
#include "common/router.h"

namespace upi::api {

namespace asio = boost::asio;
using http::Params;
using http::parse_target;
using http::Request;
using http::Response;

// Who may call a route (the role-by-route table is the routes' add() calls; the README has it).
// PSPs see only what concerns their own customers; the handlers narrow it further.
inline constexpr Access kEveryRole = Access::roles({Role::kPsp, Role::kAuditor, Role::kAdmin});
inline constexpr Access kPayers = Access::roles({Role::kPsp, Role::kAdmin});
inline constexpr Access kPsps = Access::roles({Role::kPsp});
inline constexpr Access kReaders = Access::roles({Role::kAuditor, Role::kAdmin});
inline constexpr Access kAdmins = Access::roles({Role::kAdmin});
inline constexpr Access kOpen = Access::open();

// A function that adds routes handled by member functions of api:
// on("GET", "/v1/x", kReaders, &Api::get_x).
template <class Api>
auto member_routes(http::Router& router, Api* api) {
  return [&router, api](const char* method, const char* pattern, Access access, auto handler) {
    router.add(method, pattern, access, http::member_handler(api, handler));
  };
}

}  // namespace upi::api
