#include "tests/switch_process.h"

#include <gtest/gtest.h>

#include <strings.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "tests/openapi_validator.h"

namespace upi::testing {

std::string binary_path(const std::string& name) {
  const char* dir = std::getenv("UPI_BINARY_DIR");
  return std::string(dir ? dir : UPI_BINARY_DIR_DEFAULT) + "/switch/" + name;
}

SwitchProcess::SwitchProcess(std::vector<std::string> extra_args) {
  // No scheduled settlement cut-off lands in a test by chance, and NEFT batches run every
  // second, so NEFT payments wait for one but not for long (a test that wants other periods
  // asks in extra_args, which come later and win).
  std::vector<std::string> args = {binary_path("upi-switch"),
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--log-level",
                                   "warn",
                                   "--settlement-period-s",
                                   "0",
                                   "--neft-batch-interval-s",
                                   "1"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  auto child = ChildProcess::start(std::move(args), std::chrono::seconds(10));
  if (!child) {
    ADD_FAILURE() << child.error().message;
    return;
  }
  child_ = std::move(*child);
  port_ = child_->port();
}

SwitchProcess::~SwitchProcess() = default;

void SwitchProcess::kill_now() {
  if (child_) child_->kill_now();
}

int SwitchProcess::terminate() {
  return child_ ? child_->terminate() : -1;
}

http::ClientResponse SwitchProcess::request(
    const std::string& method, const std::string& target, const std::string& body,
    std::vector<std::pair<std::string, std::string>> headers) const {
  auto own = std::find_if(headers.begin(), headers.end(), [](const auto& header) {
    return strcasecmp(header.first.c_str(), "Authorization") == 0;
  });
  if (own == headers.end()) {
    headers.emplace_back("Authorization", std::string("Bearer ") + kDemoAdminKey);
  } else if (own->second.empty()) {
    headers.erase(own);
  }
  http::ClientRequest req{method, target, body, std::move(headers)};
  auto res = http::fetch("127.0.0.1", port_, req, 30'000);
  if (!res) {
    ADD_FAILURE() << method << " " << target << ": " << res.error().message;
    return {};
  }
  // Every answer a test receives must be one the OpenAPI document describes.
  for (const auto& drift : openapi().check_response(method, target, res->status,
                                                    res->header("content-type"), res->body))
    ADD_FAILURE() << "specs/openapi.yaml: " << drift;
  return *res;
}

json::object parse_body(const http::ClientResponse& response) {
  auto obj = parse_json_object(response.body, 64);
  if (!obj) {
    ADD_FAILURE() << "not a JSON object: " << response.body;
    return {};
  }
  return *obj;
}

json::object SwitchProcess::get_json(const std::string& target) const {
  auto res = request("GET", target);
  EXPECT_EQ(res.status, 200) << target << ": " << res.body;
  return parse_body(res);
}

}  // namespace upi::testing
