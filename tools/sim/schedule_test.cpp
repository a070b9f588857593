// Fault schedules: validated precisely, and the chaos schedule is a function of the seed.
#include "tools/sim/schedule.h"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace upi::sim {
namespace {

const World& demo() {
  static const World world = parse_world(demo_world_json()).value();
  return world;
}

TEST(ChaosSchedule, TheSameSeedGivesTheSameScheduleAndEveryFaultAction) {
  const auto a = to_json(schedule_to_json(chaos_schedule(42, demo(), 3000, true)));
  const auto b = to_json(schedule_to_json(chaos_schedule(42, demo(), 3000, true)));
  const auto c = to_json(schedule_to_json(chaos_schedule(43, demo(), 3000, true)));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  for (const char* part : {"\"fail\"", "\"timeout\"", "\"lost_response\"", "\"delay\"", "kill_bank",
                           "restart_bank", "kill_switch", "restart_switch"}) {
    EXPECT_NE(a.find(part), std::string::npos) << part;
  }
  const auto memory = to_json(schedule_to_json(chaos_schedule(42, demo(), 3000, false)));
  EXPECT_EQ(memory.find("kill_switch"), std::string::npos);
}

TEST(ChaosSchedule, ParsesSortsAndRejectsBadStepsPrecisely) {
  auto steps = json::parse(R"([{"at_ms": 500, "action": "restart_bank", "bank": "HDFC"},
      {"at_ms": 100, "action": "kill_bank", "bank": "HDFC"},
      {"at_ms": 0, "action": "faults", "bank": "SBI",
       "rules": [{"operation": "credit", "action": "fail"}]}])")
                   .as_array();
  auto parsed = parse_schedule(steps, demo());
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[0].action, Action::kFaults);
  EXPECT_EQ((*parsed)[1].action, Action::kKillBank);
  const std::pair<const char*, const char*> bad[] = {
      {R"([{"action": "explode"}])", "unknown action explode"},
      {R"([{"action": "kill_bank", "bank": "NOPE"}])", "no bank NOPE"},
      {R"([{"action": "faults", "bank": "SBI"}])", "faults needs rules"},
      {R"([{"action": "faults", "bank": "SBI", "rules": [{"operation": "x"}]}])", "schedule[0]"},
      {R"([{"at_ms": -1, "action": "kill_switch"}])", "at_ms"},
      {R"([{"action": "kill_switch", "when": 1}])", "when"}};
  for (const auto& [text, message] : bad) {
    auto result = parse_schedule(json::parse(text).as_array(), demo());
    ASSERT_FALSE(result.has_value()) << text;
    EXPECT_NE(result.error().message.find(message), std::string::npos)
        << text << " -> " << result.error().message;
  }
}

}  // namespace
}  // namespace upi::sim
