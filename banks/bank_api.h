// The wire format of a bank's HTTP API (upi-bank), shared by the server, the switch's HTTP
// gateway, the journal and upi-sim's checker:
//
//   POST /v1/debit    {"leg_id","account","amount"}        -> 200 answer
//   POST /v1/credit   {"leg_id","account","amount"}        -> 200 answer
//   POST /v1/reversal {"leg_id","debit_leg_id"}            -> 200 answer
//   GET  /v1/legs/{leg_id}                                 -> 200 {"state", "answer"?} (status)
//   GET  /v1/legs?after=LEG_ID&limit=N                     -> 200 {"legs":[record...]}
//   GET  /v1/accounts                                      -> 200 {"accounts":[{account,balance}]}
//   GET  /v1/accounts/{account}/balance                    -> 200 {"account","balance"}
//   GET  /v1/heartbeat                                     -> 200 {"bank","status":"UP"}
//   GET  /v1/activity                                      -> 200 {"bank","activity":{name: n}}
//   GET | PUT | DELETE /v1/faults                          -> 200 {"rules":[...]}
//
// An answer is {"outcome":"APPLIED","bank_reference","nothing_to_reverse"} or
// {"outcome":"DECLINED","code","upi_code","message"}. Amounts are decimal strings.
// The caller's deadline travels in the Request-Deadline-Ms header (milliseconds left).
#pragma once

#include "banks/mock_bank.h"
#include "common/json.h"

namespace upi::banks {

inline constexpr std::size_t kLegsPageMax = 1000;
inline constexpr char kDeadlineHeader[] = "Request-Deadline-Ms";

json::object answer_to_json(const LegAnswer& answer);
// Error code: INVALID_BANK_ANSWER.
Result<LegAnswer> answer_from_json(const json::object& o);

json::object leg_record_to_json(const LegRecord& leg);
// Error code: INVALID_BANK_ANSWER.
Result<LegRecord> leg_record_from_json(const json::object& o);

std::string_view leg_state_name(LegState state);
// Error code: INVALID_BANK_ANSWER.
Result<StatusAnswer> status_from_json(const json::object& o);
json::object status_to_json(const StatusAnswer& status);

json::object activity_to_json(const BankActivity& activity);
// Error code: INVALID_BANK_ANSWER.
Result<BankActivity> activity_from_json(const json::object& o);

}  // namespace upi::banks
