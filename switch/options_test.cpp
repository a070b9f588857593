#include "switch/options.h"

#include <gtest/gtest.h>

#include <vector>

namespace upi::api {
namespace {

Result<Options> parse(std::vector<const char*> args) {
  args.insert(args.begin(), "upi-switch");
  return parse_options(static_cast<int>(args.size()), args.data());
}

TEST(Options, DefaultsAndFlags) {
  auto o = parse({});
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->listen, "127.0.0.1:8080");
  o = parse({"--listen", "0.0.0.0:9000", "--world", "w.json", "--leg-timeout-ms", "150",
             "--node-id", "3", "--log-level", "warn"});
  ASSERT_TRUE(o.has_value()) << o.error().message;
  EXPECT_EQ(o->listen, "0.0.0.0:9000");
  EXPECT_EQ(o->leg_timeout_ms, 150);
  EXPECT_EQ(o->node_id, 3);
}

TEST(Options, RejectsBadInput) {
  EXPECT_EQ(parse({"--node-id", "5000"}).error().message,
            "--node-id takes a whole number from 0 to 1023");
  EXPECT_EQ(parse({"--leg-timeout-ms"}).error().message,
            "--leg-timeout-ms needs a value (see --help)");
  EXPECT_EQ(parse({"--colour", "red"}).error().message, "unknown option --colour (see --help)");
  EXPECT_EQ(parse({"--log-level", "loud"}).error().code, "USAGE");
}

}  // namespace
}  // namespace upi::api
