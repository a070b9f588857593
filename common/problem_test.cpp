#include "common/problem.h"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace upi::http {
namespace {

TEST(Problem, EveryErrorKindHasOneStatus) {
  EXPECT_EQ(status_for(ErrorKind::kInvalid), Status::unprocessable_entity);
  EXPECT_EQ(status_for(ErrorKind::kMalformed), Status::bad_request);
  EXPECT_EQ(status_for(ErrorKind::kUnauthenticated), Status::unauthorized);
  EXPECT_EQ(status_for(ErrorKind::kForbidden), Status::forbidden);
  EXPECT_EQ(status_for(ErrorKind::kNotFound), Status::not_found);
  EXPECT_EQ(status_for(ErrorKind::kConflict), Status::conflict);
  EXPECT_EQ(status_for(ErrorKind::kTooLarge), Status::payload_too_large);
  EXPECT_EQ(status_for(ErrorKind::kUnsupported), Status::unsupported_media_type);
  EXPECT_EQ(status_for(ErrorKind::kRateLimited), Status::too_many_requests);
  EXPECT_EQ(status_for(ErrorKind::kBusy), Status::service_unavailable);
  EXPECT_EQ(status_for(ErrorKind::kUnavailable), Status::service_unavailable);
  EXPECT_EQ(status_for(ErrorKind::kBadUpstream), Status::bad_gateway);
  EXPECT_EQ(status_for(ErrorKind::kTimeout), Status::gateway_timeout);
  EXPECT_EQ(status_for(ErrorKind::kInternal), Status::internal_server_error);
}

TEST(Problem, TheStatusFollowsTheKindNotTheCode) {
  // A code that reads like a 404 but is declared a conflict answers 409.
  const Response res = problem(Error{ErrorKind::kConflict, "THING_NOT_FOUND", "moved"});
  EXPECT_EQ(res.result(), Status::conflict);
  EXPECT_EQ(res[beast_http::field::content_type], "application/problem+json");
  const auto body = json::parse(res.body()).as_object();
  EXPECT_EQ(body.at("status").as_int64(), 409);
  EXPECT_EQ(body.at("code").as_string(), "THING_NOT_FOUND");
  EXPECT_EQ(body.at("detail").as_string(), "moved");
  EXPECT_EQ(body.at("type").as_string(), "urn:upi-switch:problem:THING_NOT_FOUND");
}

TEST(Problem, FailInKeepsKindAndCodeAndAddsContext) {
  const Error inner{ErrorKind::kNotFound, "VPA_NOT_FOUND", "no such VPA"};
  const auto outer = fail_in("payer_vpa", inner);
  EXPECT_EQ(outer.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(outer.error().code, "VPA_NOT_FOUND");
  EXPECT_EQ(outer.error().message, "payer_vpa: no such VPA");
  EXPECT_EQ(error_kind_name(ErrorKind::kBadUpstream), "bad_upstream");
}

}  // namespace
}  // namespace upi::http
