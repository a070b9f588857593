// Helpers of the end-to-end tests of the durable switch: SQL from outside the switch, payments
// sent from several threads, and the invariants checked from the banks' own leg records.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/pg.h"
#include "tests/e2e_helpers.h"
#include "tools/sim/checker.h"

namespace upi::testing {

// Null when UPI_TEST_DATABASE_URL is unset or empty.
const char* database_url();
// Runs one statement in schema on a fresh connection.
pg::PgResult<pg::Rows> sql(const std::string& schema, const std::string& text);

struct Sent {
  std::string key;
  std::string body;
  std::string id;
  sim::PaymentOutcome asked;  // payer, payee and amount (status and reason come later)
};

// Where every payment ended, as the switch reports it.
struct Settled {
  std::map<std::string, sim::PaymentOutcome> outcomes;  // by payment id
  std::int64_t position = 0;  // the highest ledger position of the payments seen
  std::map<std::string, int> by_status;
};

// Sends count seeded payments between the demo world's accounts from a few threads, as fast as
// the switch accepts them (each answered 201 without waiting for the outcome).
std::vector<Sent> send_payments(const SwitchProcess& sw, int count, std::uint64_t seed);
// Polls until every payment is terminal (by sw's view of it) or the deadline; fails the test
// for any payment still pending.
Settled wait_all_terminal(const SwitchProcess& sw, const std::vector<Sent>& sent,
                          std::chrono::seconds deadline);
// Runs upi-sim's independent checker (tools/sim/checker.h) on the banks' books in schema (the
// bank_accounts and bank_legs tables, opening balances from the demo world) against where the
// payments ended and sw's positions, and fails the test for every check that fails.
void check_bank_records(const SwitchProcess& sw, const std::string& schema, const Settled& settled);

}  // namespace upi::testing
