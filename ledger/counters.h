// The ledger's counters (CounterCharge, ledger/event.h): their values and the check an append
// passes before it is written. One implementation for every store, so that they decide alike.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "ledger/event.h"

namespace upi::ledger {

class Counters {
 public:
  // A counter's value; zero for one never charged.
  std::int64_t value(std::string_view counter) const;
  // Checks the charges of events, in order, as if each before it had applied; when every one
  // holds, applies them all. Error code: LIMIT_EXCEEDED (names the counter, its value, the
  // delta and the max); then nothing is applied.
  Result<void> charge(const std::vector<NewEvent>& events);
  // Applies a recorded event's charges without checks: a fold of the log.
  void apply(const Metadata& metadata);
  // A value as storage holds it.
  void set(const std::string& counter, std::int64_t value) { values_[counter] = value; }
  const std::map<std::string, std::int64_t, std::less<>>& values() const { return values_; }

 private:
  std::map<std::string, std::int64_t, std::less<>> values_;
};

// The counters an append's events charge: sorted, each once.
std::vector<std::string> counters_charged(const std::vector<NewEvent>& events);
// Checks the charges of one event (shared by check_append). Error code: INVALID_APPEND.
Result<void> check_charges(const std::vector<CounterCharge>& charges);

}  // namespace upi::ledger
