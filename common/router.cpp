#include "common/router.h"

namespace upi::http {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const auto end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? s.npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) {
        return fail(ErrorKind::kInvalid, "INVALID_QUERY", "truncated %-escape in the query string");
      }
      const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0)
        return fail(ErrorKind::kInvalid, "INVALID_QUERY", "bad %-escape in the query string");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

Result<Target> parse_target(std::string_view target) {
  Target out;
  const auto q = target.find('?');
  out.path = std::string(target.substr(0, q));
  if (q == std::string_view::npos) return out;
  for (std::string_view pair : split(target.substr(q + 1), '&')) {
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq));
    auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!key || !value) return std::unexpected(!key ? key.error() : value.error());
    if (out.query.contains(*key)) {
      return fail(ErrorKind::kInvalid, "INVALID_QUERY",
                  "query parameter \"" + *key + "\" is given twice");
    }
    out.query[*key] = *value;
  }
  return out;
}

bool match_path(std::string_view pattern, std::string_view path, Params& params) {
  const auto want = split(pattern, '/');
  const auto got = split(path, '/');
  if (want.size() != got.size()) return false;
  Params found;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      if (got[i].empty()) return false;
      auto decoded = percent_decode(got[i]);
      if (!decoded) return false;
      found[std::string(want[i].substr(1, want[i].size() - 2))] = *decoded;
    } else if (want[i] != got[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

void Router::add(std::string method, std::string pattern, Access access, RouteHandler handler) {
  routes_.push_back(Route{std::move(method), std::move(pattern), access, std::move(handler)});
}

std::expected<RouteMatch, Response> Router::match(const Request& request) const {
  const std::string_view target = request.target();
  const std::string path(target.substr(0, target.find('?')));
  // HEAD is GET without the body (the server drops it).
  const std::string_view method = request.method() == beast_http::verb::head
                                      ? std::string_view("GET")
                                      : std::string_view(request.method_string());
  std::string allowed;
  for (const auto& route : routes_) {
    Params params;
    if (!match_path(route.pattern, path, params)) continue;
    if (route.method == method) return RouteMatch{&route, std::move(params)};
    allowed += (allowed.empty() ? "" : ", ") + route.method;
    if (route.method == "GET") allowed += ", HEAD";
  }
  if (allowed.empty()) {
    return std::unexpected(
        http::problem(Error{ErrorKind::kNotFound, "ROUTE_NOT_FOUND",
                            "no endpoint at " + path + " (see specs/openapi.yaml)"}));
  }
  Response res = http::problem(http::Status::method_not_allowed, "METHOD_NOT_ALLOWED",
                               std::string(request.method_string()) + " is not allowed on " + path +
                                   "; allowed: " + allowed);
  res.set(http::beast_http::field::allow, allowed);
  return std::unexpected(std::move(res));
}

asio::awaitable<Response> Router::dispatch(const Request& request, const Principal& caller) const {
  auto matched = match(request);
  if (!matched) co_return std::move(matched.error());
  co_return co_await matched->route->handler(request, matched->params, caller);
}

}  // namespace upi::http
