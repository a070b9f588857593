// What a mock bank does, without faults or deadlines: the same operations over its books in
// memory (MemoryBankCore) or in PostgreSQL (postgres_bank.h). An error means the books could
// not be reached; the gateway turns it into an unknown outcome.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "banks/mock_bank.h"

namespace upi::banks {

namespace asio = boost::asio;

class BankCore {
 public:
  virtual ~BankCore() = default;
  virtual const BankSpec& spec() const = 0;
  virtual asio::awaitable<Result<LegAnswer>> debit(std::string leg_id, std::string account,
                                                   Paise amount) = 0;
  virtual asio::awaitable<Result<LegAnswer>> credit(std::string leg_id, std::string account,
                                                    Paise amount) = 0;
  virtual asio::awaitable<Result<LegAnswer>> reverse(std::string leg_id,
                                                     std::string debit_leg_id) = 0;
  // Records a declined leg (the "fail" fault) unless the leg is already known.
  virtual asio::awaitable<Result<LegAnswer>> decline(LegKind kind, std::string leg_id,
                                                     std::string account, Paise amount) = 0;
  virtual asio::awaitable<Result<StatusAnswer>> status(std::string leg_id) = 0;
  // Error code: ACCOUNT_NOT_FOUND.
  virtual asio::awaitable<Result<Paise>> balance(std::string account) = 0;
  // The bank's own leg records with leg ids after `after` (byte order), in that order, at most
  // limit (1..kLegsPageMax): what reconciliation reads.
  virtual asio::awaitable<Result<std::vector<LegRecord>>> legs(std::string after,
                                                               std::size_t limit) = 0;
};

// The books of a MockBank in this process.
class MemoryBankCore final : public BankCore {
 public:
  explicit MemoryBankCore(MockBank& bank) : bank_(bank) {}
  const BankSpec& spec() const override { return bank_.spec(); }
  asio::awaitable<Result<LegAnswer>> debit(std::string leg_id, std::string account,
                                           Paise amount) override {
    co_return bank_.debit(leg_id, account, amount);
  }
  asio::awaitable<Result<LegAnswer>> credit(std::string leg_id, std::string account,
                                            Paise amount) override {
    co_return bank_.credit(leg_id, account, amount);
  }
  asio::awaitable<Result<LegAnswer>> reverse(std::string leg_id,
                                             std::string debit_leg_id) override {
    co_return bank_.reverse(leg_id, debit_leg_id);
  }
  asio::awaitable<Result<LegAnswer>> decline(LegKind kind, std::string leg_id, std::string account,
                                             Paise amount) override {
    co_return bank_.decline(kind, leg_id, account, amount);
  }
  asio::awaitable<Result<StatusAnswer>> status(std::string leg_id) override {
    co_return bank_.status(leg_id);
  }
  asio::awaitable<Result<Paise>> balance(std::string account) override {
    co_return bank_.balance(account);
  }
  asio::awaitable<Result<std::vector<LegRecord>>> legs(std::string after,
                                                       std::size_t limit) override {
    std::vector<LegRecord> page;
    for (auto& leg : bank_.legs()) {  // in leg id order
      if (page.size() == limit) break;
      if (leg.leg_id > after) page.push_back(std::move(leg));
    }
    co_return page;
  }

 private:
  MockBank& bank_;
};

}  // namespace upi::banks
