// A bank's journal: a restart from it restores every leg and the balances they imply, a torn
// last line is dropped, and a corrupt line stops the bank.
#include "banks/bank_journal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace upi::banks {
namespace {

const World& demo() {
  static const World world = parse_world(demo_world_json()).value();
  return world;
}

std::string temp_path() {
  char path[] = "/tmp/upi-journal.XXXXXX";
  const int fd = mkstemp(path);
  close(fd);
  return path;
}

TEST(BankJournal, ARestartRestoresLegsAndBalances) {
  const std::string path = temp_path();
  const BankSpec& hdfc = *demo().find_bank("HDFC");
  const std::string account = "50100012345678";
  Paise before = 0, after_debit = 0;
  std::vector<LegRecord> legs_before;
  {
    std::vector<LegRecord> none;
    auto journal = BankJournal::open(path, &none);
    ASSERT_TRUE(journal.has_value());
    MockBank bank(hdfc, demo().accounts, 1);
    bank.set_journal([&](const LegRecord& leg) { (*journal)->append(leg); });
    before = bank.balance(account).value();
    bank.debit("p1:debit:1", account, 100'00);
    bank.debit("p2:debit:1", account, 50'00);
    bank.reverse("p2:reversal:1", "p2:debit:1");
    bank.status("p3:debit:1");  // closes an unseen leg
    after_debit = bank.balance(account).value();
    legs_before = bank.legs();
  }
  std::ofstream(path, std::ios::app) << R"({"leg_id":"torn)";  // a crash mid-write
  std::vector<LegRecord> records;
  auto journal = BankJournal::open(path, &records);
  ASSERT_TRUE(journal.has_value()) << journal.error().message;
  MockBank restarted(hdfc, demo().accounts, 1);
  restarted.restore(records);
  EXPECT_EQ(restarted.balance(account).value(), after_debit);
  EXPECT_EQ(after_debit, before - 100'00);
  ASSERT_EQ(restarted.legs().size(), legs_before.size());
  EXPECT_EQ(restarted.debit("p1:debit:1", account, 100'00).bank_reference,
            legs_before[0].answer.bank_reference)
      << "a replayed leg answers as before and moves nothing";
  EXPECT_EQ(restarted.balance(account).value(), after_debit);
  EXPECT_EQ(restarted.debit("p3:debit:1", account, 1'00).code, "LEG_CLOSED");
  std::remove(path.c_str());
}

TEST(BankJournal, ACorruptLineStopsTheBank) {
  const std::string path = temp_path();
  std::ofstream(path) << "{\"leg_id\":\"x\",\"kind\":\"loan\"}\n";
  std::vector<LegRecord> records;
  auto journal = BankJournal::open(path, &records);
  ASSERT_FALSE(journal.has_value());
  EXPECT_EQ(journal.error().code, "JOURNAL_CORRUPT");
  EXPECT_NE(journal.error().message.find("line 1"), std::string::npos);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace upi::banks
