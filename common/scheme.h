// The scheme profile: currency, the rails and their amount limits (specs/scheme.json).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/money.h"

namespace upi {

enum class Rail { kImps, kNeft, kRtgs };
inline constexpr Rail kAllRails[] = {Rail::kImps, Rail::kNeft, Rail::kRtgs};

std::string_view rail_name(Rail rail);
// "IMPS", "NEFT" or "RTGS" (exact case). Error code: INVALID_RAIL.
Result<Rail> parse_rail(std::string_view name);

struct RailLimit {
  Rail rail;
  Paise min;  // inclusive
  Paise max;  // inclusive
};

// Settlement cut-offs: ten a day by default (specs/scheme.json), as minutes after 00:00 UTC.
inline constexpr std::size_t kCutoffsPerDayMax = 48;
std::vector<int> default_cutoff_minutes_utc();

// NEFT batches: half-hourly by default, as NPCI runs them; at most one a day.
inline constexpr std::int64_t kNeftBatchIntervalSDefault = 1'800;
inline constexpr std::int64_t kNeftBatchIntervalSMax = 86'400;

// Collect requests (a payee asks, the payer approves): NPCI caps a P2P collect at 2,000.00 and
// lets it wait at most a set time for an answer; a payee may have only so many pending.
struct CollectLimits {
  Paise amount_max = 2'000'00;
  std::int64_t expiry_default_s = 1'800;  // when the request names none
  std::int64_t expiry_max_s = 604'800;    // 7 days
  std::int64_t pending_per_payee_max = 100;
};
inline constexpr std::int64_t kCollectExpiryMaxS = 2'592'000;  // 30 days: a bound on the bound
inline constexpr std::int64_t kCollectPendingPerPayeeMax = 100'000;

struct Scheme {
  std::string currency;
  std::vector<RailLimit> rails;  // ascending, contiguous, starting at 0.01
  std::vector<int> cutoff_minutes_utc = default_cutoff_minutes_utc();  // ascending, in [0, 1440)
  // NEFT credits wait for the next batch, every this many seconds from 00:00 UTC; 0: NEFT is
  // credited at once like IMPS (a simulation switch, --neft-batch-interval-s 0).
  std::int64_t neft_batch_interval_s = kNeftBatchIntervalSDefault;
  CollectLimits collect;

  Paise amount_max() const { return rails.back().max; }
};

// Parses and checks a scheme profile: rails contiguous and non-overlapping from 0.01 up;
// settlement.cutoffs_utc (optional) "HH:MM" times, ascending, 1 to kCutoffsPerDayMax of them;
// settlement.neft_batch_interval_s (optional) 1 to kNeftBatchIntervalSMax; collect (optional):
// amount_max (at most the scheme maximum), expiry_default_s <= expiry_max_s <=
// kCollectExpiryMaxS, pending_per_payee_max 1 to kCollectPendingPerPayeeMax.
// Error code: INVALID_SCHEME.
Result<Scheme> parse_scheme(std::string_view json_text);
Result<Scheme> load_scheme(const std::string& path);

// The built-in scheme profile (the same text as specs/scheme.json).
std::string_view builtin_scheme_json();

// The rail whose limits contain amount, or nothing when amount is above the scheme maximum.
std::optional<Rail> select_rail(const Scheme& scheme, Paise amount);

// Reads a whole file. Error code: FILE_UNREADABLE.
Result<std::string> read_file(const std::string& path, std::size_t bytes_max = 16 << 20);

}  // namespace upi
