#include "common/scheme.h"

#include <cassert>
#include <fstream>
#include <sstream>

#include "common/json.h"

namespace upi {

std::string_view rail_name(Rail rail) {
  switch (rail) {
    case Rail::kImps:
      return "IMPS";
    case Rail::kNeft:
      return "NEFT";
    case Rail::kRtgs:
      return "RTGS";
  }
  assert(false && "unknown rail");
  return "";
}

Result<Rail> parse_rail(std::string_view name) {
  for (Rail rail : kAllRails) {
    if (rail_name(rail) == name) return rail;
  }
  return fail(ErrorKind::kInvalid, "INVALID_RAIL",
              "unknown rail \"" + std::string(name) + "\" (IMPS, NEFT, RTGS)");
}

namespace {

Result<RailLimit> parse_rail_limit(const json::value& value, std::size_t index) {
  const std::string where = "scheme rails[" + std::to_string(index) + "]";
  if (!value.is_object())
    return fail(ErrorKind::kInvalid, "INVALID_SCHEME", where + " must be an object");
  const auto& obj = value.as_object();
  if (auto ok = reject_unknown_fields(obj, {"rail", "min", "max"}, where); !ok) {
    return std::unexpected(ok.error());
  }
  auto name = required_string(obj, "rail", where);
  auto min = name ? required_string(obj, "min", where) : name;
  auto max = min ? required_string(obj, "max", where) : min;
  if (!max) return std::unexpected(max.error());
  auto rail = parse_rail(*name);
  if (!rail) return std::unexpected(rail.error());
  auto min_paise = parse_money(*min);
  auto max_paise = parse_money(*max);
  if (!min_paise || !max_paise) {
    return fail(ErrorKind::kInvalid, "INVALID_SCHEME",
                where + ": " + (!min_paise ? min_paise : max_paise).error().message);
  }
  if (*min_paise > *max_paise)
    return fail(ErrorKind::kInvalid, "INVALID_SCHEME", where + ": min is above max");
  return RailLimit{*rail, *min_paise, *max_paise};
}

// "HH:MM" as minutes after midnight.
std::optional<int> parse_time_of_day(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (std::size_t i : {0u, 1u, 3u, 4u}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) return std::nullopt;
  return hours * 60 + minutes;
}

Result<std::vector<int>> parse_cutoffs(const json::array& cutoffs, const std::string& where) {
  if (cutoffs.empty() || cutoffs.size() > kCutoffsPerDayMax) {
    return fail(
        ErrorKind::kInvalid, "INVALID_SCHEME",
        where + ".cutoffs_utc must list 1 to " + std::to_string(kCutoffsPerDayMax) + " times");
  }
  std::vector<int> minutes;
  for (const auto& item : cutoffs) {
    const auto parsed =
        item.is_string() ? parse_time_of_day(item.as_string()) : std::optional<int>();
    if (!parsed || (!minutes.empty() && *parsed <= minutes.back())) {
      return fail(ErrorKind::kInvalid, "INVALID_SCHEME",
                  where + ".cutoffs_utc must be \"HH:MM\" times (UTC) in ascending order");
    }
    minutes.push_back(*parsed);
  }
  return minutes;
}

// Fills the scheme's settlement fields from its "settlement" object (each optional).
Result<void> parse_settlement(const json::value& value, Scheme& scheme) {
  const std::string where = "scheme settlement";
  if (!value.is_object())
    return fail(ErrorKind::kInvalid, "INVALID_SCHEME", where + " must be an object");
  const auto& obj = value.as_object();
  if (auto ok = reject_unknown_fields(obj, {"cutoffs_utc", "neft_batch_interval_s"}, where); !ok) {
    return fail(ErrorKind::kInvalid, "INVALID_SCHEME", ok.error().message);
  }
  if (obj.contains("cutoffs_utc")) {
    auto cutoffs = required_array(obj, "cutoffs_utc", where);
    if (!cutoffs) return fail(ErrorKind::kInvalid, "INVALID_SCHEME", cutoffs.error().message);
    auto minutes = parse_cutoffs(**cutoffs, where);
    if (!minutes) return std::unexpected(minutes.error());
    scheme.cutoff_minutes_utc = std::move(*minutes);
  }
  if (const json::value* interval = obj.if_contains("neft_batch_interval_s")) {
    if (!interval->is_int64() || interval->as_int64() < 1 ||
        interval->as_int64() > kNeftBatchIntervalSMax) {
      return fail(ErrorKind::kInvalid, "INVALID_SCHEME",
                  where + ".neft_batch_interval_s must be a whole number of seconds from 1 to " +
                      std::to_string(kNeftBatchIntervalSMax));
    }
    scheme.neft_batch_interval_s = interval->as_int64();
  }
  return {};
}

Result<std::int64_t> whole_number(const json::object& obj, std::string_view field, std::int64_t min,
                                  std::int64_t max, std::int64_t fallback) {
  const json::value* v = obj.if_contains(field);
  if (v == nullptr) return fallback;
  if (!v->is_int64() || v->as_int64() < min || v->as_int64() > max) {
    return fail(ErrorKind::kInvalid, "INVALID_SCHEME",
                "scheme collect." + std::string(field) + " must be a whole number from " +
                    std::to_string(min) + " to " + std::to_string(max));
  }
  return v->as_int64();
}

// Fills the scheme's collect limits from its "collect" object (each field optional).
Result<void> parse_collect(const json::value& value, Scheme& scheme) {
  const std::string where = "scheme collect";
  if (!value.is_object())
    return fail(ErrorKind::kInvalid, "INVALID_SCHEME", where + " must be an object");
  const auto& obj = value.as_object();
  if (auto ok = reject_unknown_fields(
          obj, {"amount_max", "expiry_default_s", "expiry_max_s", "pending_per_payee_max"}, where);
      !ok) {
    return fail(ErrorKind::kInvalid, "INVALID_SCHEME", ok.error().message);
  }
  CollectLimits& limits = scheme.collect;
  if (obj.contains("amount_max")) {
    auto text = required_string(obj, "amount_max", where);
    auto amount = text ? parse_money(*text) : Result<Paise>(std::unexpected(text.error()));
    if (!amount || *amount > scheme.amount_max()) {
      return fail(ErrorKind::kInvalid, "INVALID_SCHEME",
                  where + ".amount_max must be an amount up to the scheme maximum");
    }
    limits.amount_max = *amount;
  }
  auto max_s = whole_number(obj, "expiry_max_s", 1, kCollectExpiryMaxS, limits.expiry_max_s);
  if (!max_s) return std::unexpected(max_s.error());
  limits.expiry_max_s = *max_s;
  auto default_s = whole_number(obj, "expiry_default_s", 1, limits.expiry_max_s,
                                std::min(limits.expiry_default_s, limits.expiry_max_s));
  if (!default_s) return std::unexpected(default_s.error());
  limits.expiry_default_s = *default_s;
  auto pending = whole_number(obj, "pending_per_payee_max", 1, kCollectPendingPerPayeeMax,
                              limits.pending_per_payee_max);
  if (!pending) return std::unexpected(pending.error());
  limits.pending_per_payee_max = *pending;
  return {};
}

}  // namespace

std::vector<int> default_cutoff_minutes_utc() {
  // 00:00, 02:00, ... 22:00 IST except 18:00 and 20:00 IST, as UTC.
  return {30, 150, 270, 390, 510, 630, 750, 1110, 1230, 1350};
}

Result<Scheme> parse_scheme(std::string_view json_text) {
  auto obj = parse_json_object(json_text);
  if (!obj) return fail(ErrorKind::kInvalid, "INVALID_SCHEME", obj.error().message);
  if (auto ok =
          reject_unknown_fields(*obj, {"currency", "rails", "settlement", "collect"}, "scheme");
      !ok) {
    return fail(ErrorKind::kInvalid, "INVALID_SCHEME", ok.error().message);
  }
  auto currency = required_string(*obj, "currency", "scheme");
  if (!currency) return fail(ErrorKind::kInvalid, "INVALID_SCHEME", currency.error().message);
  if (*currency != "INR")
    return fail(ErrorKind::kInvalid, "INVALID_SCHEME", "scheme currency must be \"INR\"");
  auto rails = required_array(*obj, "rails", "scheme");
  if (!rails) return fail(ErrorKind::kInvalid, "INVALID_SCHEME", rails.error().message);
  Scheme scheme{*currency, {}};
  for (std::size_t i = 0; i < (*rails)->size(); ++i) {
    auto limit = parse_rail_limit((**rails)[i], i);
    if (!limit) return fail(ErrorKind::kInvalid, "INVALID_SCHEME", limit.error().message);
    const Paise expected_min = scheme.rails.empty() ? 1 : scheme.rails.back().max + 1;
    if (limit->min != expected_min) {
      return fail(ErrorKind::kInvalid, "INVALID_SCHEME",
                  "scheme rails must be contiguous: rails[" + std::to_string(i) + "].min must be " +
                      format_money(expected_min));
    }
    for (const auto& seen : scheme.rails) {
      if (seen.rail == limit->rail)
        return fail(ErrorKind::kInvalid, "INVALID_SCHEME", "scheme lists a rail twice");
    }
    scheme.rails.push_back(*limit);
  }
  if (scheme.rails.empty())
    return fail(ErrorKind::kInvalid, "INVALID_SCHEME", "scheme must list at least one rail");
  if (const json::value* settlement = obj->if_contains("settlement")) {
    if (auto ok = parse_settlement(*settlement, scheme); !ok) return std::unexpected(ok.error());
  }
  if (const json::value* collect = obj->if_contains("collect")) {
    if (auto ok = parse_collect(*collect, scheme); !ok) return std::unexpected(ok.error());
  }
  return scheme;
}

Result<std::string> read_file(const std::string& path, std::size_t bytes_max) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorKind::kUnavailable, "FILE_UNREADABLE", "cannot open " + path);
  std::ostringstream out;
  out << in.rdbuf();
  std::string text = out.str();
  if (text.size() > bytes_max)
    return fail(ErrorKind::kUnavailable, "FILE_UNREADABLE", path + " is too large");
  return text;
}

Result<Scheme> load_scheme(const std::string& path) {
  auto text = read_file(path);
  if (!text) return std::unexpected(text.error());
  auto scheme = parse_scheme(*text);
  if (!scheme) return fail_in(path, scheme.error());
  return scheme;
}

std::optional<Rail> select_rail(const Scheme& scheme, Paise amount) {
  for (const auto& limit : scheme.rails) {
    if (amount >= limit.min && amount <= limit.max) return limit.rail;
  }
  return std::nullopt;
}

}  // namespace upi
