// The operator console: one page, its script and its style, compiled into the switch and served
// at /console to anyone (the page holds no data; every read it makes carries the API key the
// operator signs in with, and the switch's routes decide what that key may see).
#pragma once

#include <span>
#include <string_view>

#include "common/problem.h"
#include "common/router.h"

namespace upi::console {

struct Asset {
  std::string_view name;          // "index.html"
  std::string_view content_type;  // "text/html; charset=utf-8"
  std::string_view etag;          // the quoted SHA-256 of body
  std::string_view body;
};

// Every asset, generated from console/assets/ at build time (embed_assets.cmake).
std::span<const Asset> assets();
// The asset called name, or nullptr.
const Asset* find_asset(std::string_view name);
// The answer to a GET of the asset called name: the asset with headers that keep it from being
// framed, sniffed or given scripts from elsewhere; 304 when if_none_match is its ETag; 404
// ASSET_NOT_FOUND (problem+json) for a name it does not have.
http::Response serve(std::string_view name, std::string_view if_none_match);
// serve() for a request, with its If-None-Match.
http::Response serve_request(std::string_view name, const http::Request& request);
// Adds GET /console (the page) and GET /console/{asset}, open to every caller.
void add_routes(http::Router& router);

}  // namespace upi::console
