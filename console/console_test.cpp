#include "console/console.h"

#include <gtest/gtest.h>

namespace upi::console {
namespace {

TEST(Console, ServesEveryAssetWithItsTypeAndSafetyHeaders) {
  ASSERT_GE(assets().size(), 10u);
  for (const Asset& asset : assets()) {
    const http::Response response = serve(asset.name, "");
    EXPECT_EQ(response.result(), http::Status::ok) << asset.name;
    EXPECT_EQ(response[http::beast_http::field::content_type], asset.content_type);
    EXPECT_EQ(response.body(), asset.body);
    EXPECT_FALSE(asset.body.empty());
    EXPECT_NE(response["Content-Security-Policy"].find("script-src 'self'"), std::string::npos);
    EXPECT_EQ(response["X-Content-Type-Options"], "nosniff");
    EXPECT_EQ(response["X-Frame-Options"], "DENY");
  }
}

TEST(Console, AnswersNotModifiedForTheCurrentETag) {
  const Asset* page = find_asset("index.html");
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(page->etag.size(), 66u);  // a quoted SHA-256
  const http::Response again = serve("index.html", page->etag);
  EXPECT_EQ(again.result(), http::Status::not_modified);
  EXPECT_TRUE(again.body().empty());
  EXPECT_EQ(serve("index.html", "\"stale\"").result(), http::Status::ok);
}

TEST(Console, RefusesNamesItDoesNotHave) {
  for (std::string_view name : {"", "..", "../CMakeLists.txt", "index.htm", "console.js.map"}) {
    const http::Response response = serve(name, "");
    EXPECT_EQ(response.result(), http::Status::not_found) << name;
    EXPECT_NE(response.body().find("ASSET_NOT_FOUND"), std::string::npos);
  }
}

TEST(Console, PageLoadsOnlyItsOwnScriptAndStyle) {
  const Asset* page = find_asset("index.html");
  ASSERT_NE(page, nullptr);
  EXPECT_NE(page->body.find("<script type=\"module\" src=\"/console/console.js\">"),
            std::string::npos);
  EXPECT_NE(page->body.find("href=\"/console/console.css\""), std::string::npos);
  EXPECT_EQ(page->body.find("http://"), std::string::npos);
  EXPECT_EQ(page->body.find("https://"), std::string::npos);
}

}  // namespace
}  // namespace upi::console
