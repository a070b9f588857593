// Maps "METHOD /path/{param}" to handlers; unknown paths get 404, known paths with another
// method 405 with an Allow header.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <expected>

#include "common/principal.h"
#include "common/problem.h"

namespace upi::http {

namespace asio = boost::asio;

using Params = std::map<std::string, std::string>;
// A handler gets the request, its path parameters and the principal the gate admitted.
using RouteHandler =
    std::function<asio::awaitable<Response>(const Request&, const Params&, const Principal&)>;

// A handler that calls a member function of self (which must outlive the router).
template <typename T>
RouteHandler member_handler(T* self,
                            asio::awaitable<Response> (T::*method)(const Request&, const Params&,
                                                                   const Principal&)) {
  return [self, method](const Request& req, const Params& params, const Principal& caller) {
    return (self->*method)(req, params, caller);
  };
}

struct Route {
  std::string method;   // "GET", "POST", ...
  std::string pattern;  // "/v1/payments/{id}"
  Access access;        // who may call it
  RouteHandler handler;
};

// A request's route and its path parameters.
struct RouteMatch {
  const Route* route;
  Params params;
};

class Router {
 public:
  void add(std::string method, std::string pattern, Access access, RouteHandler handler);
  // The route a request names (HEAD finds GET's), or the 404 or 405 (with Allow) to answer.
  std::expected<RouteMatch, Response> match(const Request& request) const;
  // Matches and calls the handler as caller, for servers whose callers were checked before.
  asio::awaitable<Response> dispatch(const Request& request, const Principal& caller) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// Splits "/a/b?x=1&y=2" into path and decoded query parameters. Error code: INVALID_QUERY.
struct Target {
  std::string path;
  std::map<std::string, std::string> query;
};
Result<Target> parse_target(std::string_view target);

// Matches a path against a pattern, filling params; false when they differ.
bool match_path(std::string_view pattern, std::string_view path, Params& params);

}  // namespace upi::http
