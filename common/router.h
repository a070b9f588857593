// Maps "METHOD /path/{param}" to handlers; unknown paths get 404, known paths with another
// method 405 with an Allow header.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/problem.h"

namespace upi::http {

namespace asio = boost::asio;

using Params = std::map<std::string, std::string>;
using RouteHandler = std::function<asio::awaitable<Response>(const Request&, const Params&)>;

// A handler that calls a member function of self (which must outlive the router).
template <typename T>
RouteHandler member_handler(T* self,
                            asio::awaitable<Response> (T::*method)(const Request&, const Params&)) {
  return [self, method](const Request& req, const Params& params) {
    return (self->*method)(req, params);
  };
}

struct Route {
  std::string method;   // "GET", "POST", ...
  std::string pattern;  // "/v1/payments/{id}"
  RouteHandler handler;
};

class Router {
 public:
  void add(std::string method, std::string pattern, RouteHandler handler);
  // The route for a request and its path parameters, or a 404/405 problem; the pattern that
  // matched goes to matched_pattern unless it is null.
  asio::awaitable<Response> dispatch(const Request& request, std::string* matched_pattern) const;
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
