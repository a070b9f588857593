#include "common/pg_table.h"

#include <gtest/gtest.h>

namespace upi::pg {
namespace {

struct Thing {
  std::string name;
  std::int64_t count = 0;
  std::string derived;
};

const Column<Thing> kThingColumns[] = {
    text_column<&Thing::name>("name"),
    int_column<&Thing::count>("count_total"),
    {"shout", "text", [](const Thing& t) { return t.name + "!"; }, nullptr},  // written only
};
const Table<Thing> kThings("things", kThingColumns);

TEST(PgTable, OneDescriptionGivesTheListsTheUnnestAndTheArrays) {
  EXPECT_EQ(kThings.read_list(), "name, count_total");
  EXPECT_EQ(kThings.read_list("t."), "t.name, t.count_total");
  EXPECT_EQ(kThings.write_list(), "name, count_total, shout");
  EXPECT_EQ(kThings.unnest(3, "x"),
            "unnest($3::text[], $4::bigint[], $5::text[]) AS x(name, count_total, shout)");
  const std::vector<Thing> rows{{"a\"b", 7, ""}, {"c", -2, ""}};
  const auto params = kThings.arrays(rows);
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(*params[0], R"({"a\"b","c"})");
  EXPECT_EQ(*params[1], R"({"7","-2"})");
  EXPECT_EQ(*params[2], R"({"a\"b!","c!"})");
}

TEST(PgTable, IntColumnsReadOnlyWholeNumbers) {
  Thing t;
  EXPECT_TRUE(kThingColumns[1].read(t, "42"));
  EXPECT_EQ(t.count, 42);
  EXPECT_FALSE(kThingColumns[1].read(t, "4x"));
  EXPECT_FALSE(kThingColumns[1].read(t, ""));
}

}  // namespace
}  // namespace upi::pg
