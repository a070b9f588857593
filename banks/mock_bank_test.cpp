#include "banks/mock_bank.h"

#include <gtest/gtest.h>

#include "banks/bank_core_contract.h"

namespace upi::banks {
namespace {

MockBank make_bank() {
  BankSpec spec{"HDFC", "HDFC Bank", {Rail::kImps}, ""};
  std::vector<AccountSpec> accounts{
      {{"alice", "ok"}, "Alice", "HDFC", "111111", 100'00},
      {{"bob", "ok"}, "Bob", "HDFC", "222222", 0},
      {{"carol", "ok"}, "Carol", "SBI", "333333", 500'00},  // another bank's: ignored
  };
  return MockBank(spec, accounts, 1);
}

// What only the memory books show: a leg recorded once however often it comes, each repeat
// counted in the bank's activity (the leg rules themselves: bank_core_contract.h).
TEST(MockBank, ARepeatedLegIsRecordedOnceAndCountedAsRepeated) {
  MockBank bank = make_bank();
  const LegAnswer first = bank.debit("p1:debit:1", "111111", 30'00);
  EXPECT_EQ(bank.debit("p1:debit:1", "111111", 30'00).bank_reference, first.bank_reference);
  EXPECT_EQ(bank.legs().size(), 1u);
  EXPECT_EQ(bank.activity()["repeated.debit"], 1);
  EXPECT_EQ(bank.status("p1:debit:1").state, LegState::kApplied);
  EXPECT_EQ(bank.activity()["status.debit.applied"], 1);
  EXPECT_EQ(bank.total_balance(), 70'00);  // carol's SBI account is not HDFC's
}

// The leg rules shared with the PostgreSQL books (bank_core_contract.h), on the memory books.
struct MemoryBankFixture : BankCoreFixture {
  MemoryBankFixture() : bank(world.banks[0], world.accounts, 1), memory(bank) {}
  BankCore& core() override { return memory; }
  asio::io_context& io() override { return io_context; }
  World world = bank_contract_world();
  MockBank bank;
  MemoryBankCore memory;
  asio::io_context io_context;
};

INSTANTIATE_TEST_SUITE_P(Memory, BankCoreContract, ::testing::Values(BankCoreFactory([] {
                           return std::make_unique<MemoryBankFixture>();
                         })));

}  // namespace
}  // namespace upi::banks
