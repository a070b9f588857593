// Serves the console's compiled-in assets.
#include "console/console.h"

#include <algorithm>

namespace upi::console {
namespace {

// The page runs only its own script and style, talks only to this switch, and is never framed:
// an injected string cannot load or send anything (the script also writes text, never HTML).
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

void add_safety_headers(http::Response& response) {
  response.set("Content-Security-Policy", kContentSecurityPolicy);
  response.set("X-Content-Type-Options", "nosniff");
  response.set("X-Frame-Options", "DENY");
  response.set("Referrer-Policy", "no-referrer");
  // Revalidated on every load (the ETag makes that a 304), so a new build is seen at once.
  response.set(http::beast_http::field::cache_control, "no-cache");
}

}  // namespace

http::Response serve_request(std::string_view name, const http::Request& request) {
  const auto etag = request.find(http::beast_http::field::if_none_match);
  std::string_view if_none_match;
  if (etag != request.end()) if_none_match = etag->value();
  return serve(name, if_none_match);
}

const Asset* find_asset(std::string_view name) {
  const auto all = assets();
  auto it = std::find_if(all.begin(), all.end(), [&](const Asset& a) { return a.name == name; });
  return it == all.end() ? nullptr : &*it;
}

http::Response serve(std::string_view name, std::string_view if_none_match) {
  const Asset* asset = find_asset(name);
  if (asset == nullptr) {
    return http::problem(http::Status::not_found, "ASSET_NOT_FOUND",
                         "the console has no asset called " + std::string(name.substr(0, 64)));
  }
  http::Response response;
  response.version(11);
  if (if_none_match == asset->etag) {
    response.result(http::Status::not_modified);
  } else {
    response.result(http::Status::ok);
    response.set(http::beast_http::field::content_type, asset->content_type);
    response.body() = std::string(asset->body);
  }
  response.set(http::beast_http::field::etag, asset->etag);
  add_safety_headers(response);
  response.prepare_payload();
  return response;
}

void add_routes(http::Router& router) {
  router.add("GET", "/console", Access::open(),
             [](const http::Request& request, const http::Params&,
                const Principal&) -> boost::asio::awaitable<http::Response> {
               co_return serve_request("index.html", request);
             });
  router.add("GET", "/console/{asset}", Access::open(),
             [](const http::Request& request, const http::Params& params,
                const Principal&) -> boost::asio::awaitable<http::Response> {
               co_return serve_request(params.at("asset"), request);
             });
}

}  // namespace upi::console
