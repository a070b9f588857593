// Helpers of the end-to-end tests of the durable switch: SQL from outside the switch, payments
// sent from several threads, and the invariants checked from the banks' own leg records.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/pg.h"
#include "tests/e2e_helpers.h"

namespace upi::testing {

// Null when UPI_TEST_DATABASE_URL is unset or empty.
const char* database_url();
// Runs one statement in schema on a fresh connection.
pg::PgResult<pg::Rows> sql(const std::string& schema, const std::string& text);

struct Sent {
  std::string key;
  std::string body;
  std::string id;
};

// Sends count seeded payments between the demo world's accounts from a few threads, as fast as
// the switch accepts them (each answered 201 without waiting for the outcome).
std::vector<Sent> send_payments(const SwitchProcess& sw, int count, std::uint64_t seed);
// Polls until every payment is terminal (by sw's view of it) or the deadline; returns the
// statuses, and fails the test for any payment still pending.
std::map<std::string, std::string> wait_all_terminal(const SwitchProcess& sw,
                                                     const std::vector<Sent>& sent,
                                                     std::chrono::seconds deadline);
// Checks, from the bank_accounts and bank_legs tables: no negative balance, and per payment
// the legs that moved money match its status (completed: one debit and one credit; reversed:
// one debit and one reversal; failed: no credit, each debit reversed). Returns counts by status.
std::map<std::string, int> check_bank_records(const std::string& schema,
                                              const std::map<std::string, std::string>& status);

}  // namespace upi::testing
