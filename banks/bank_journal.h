// The books of a bank process on disk: an append-only file of leg records, one JSON line
// each, written and synced before the bank answers, so a bank killed and restarted still
// knows every leg it applied (its balances are the opening balances plus those legs).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "banks/mock_bank.h"

namespace upi::banks {

class BankJournal {
 public:
  // Opens the file (creating it) and reads back its records; a torn last line, from a crash
  // mid-write, is dropped. Error codes: JOURNAL_UNREADABLE, JOURNAL_CORRUPT.
  static Result<std::unique_ptr<BankJournal>> open(const std::string& path,
                                                   std::vector<LegRecord>* records);
  ~BankJournal();
  BankJournal(const BankJournal&) = delete;
  BankJournal& operator=(const BankJournal&) = delete;

  // Appends one record and syncs it. A bank that cannot keep its books stops: on a write
  // failure the process aborts.
  void append(const LegRecord& leg);

 private:
  explicit BankJournal(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace upi::banks
