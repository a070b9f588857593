#include "common/world.h"

#include <set>

#include "common/json.h"

namespace upi {
namespace {

bool is_bank_code(std::string_view s) {
  if (s.size() < 2 || s.size() > 11) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

bool is_account_number(std::string_view s) {
  if (s.size() < 6 || s.size() > 18) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Result<const json::object*> entry_object(const json::value& v, const std::string& where) {
  if (!v.is_object())
    return fail(ErrorKind::kInvalid, "INVALID_WORLD", where + " must be an object");
  return &v.as_object();
}

Result<BankSpec> parse_bank(const json::value& v, const std::string& where) {
  auto obj = entry_object(v, where);
  if (!obj) return std::unexpected(obj.error());
  if (auto ok = reject_unknown_fields(**obj, {"code", "name", "rails", "endpoint", "net_debit_cap"},
                                      where);
      !ok) {
    return std::unexpected(ok.error());
  }
  BankSpec bank;
  auto code = required_string(**obj, "code", where);
  if (!code) return std::unexpected(code.error());
  if (!is_bank_code(*code))
    return fail(ErrorKind::kInvalid, "INVALID_WORLD", where + ".code must be 2-11 of [A-Z0-9]");
  auto name = required_string(**obj, "name", where);
  if (!name) return std::unexpected(name.error());
  auto rails = required_array(**obj, "rails", where);
  if (!rails) return std::unexpected(rails.error());
  for (const auto& r : **rails) {
    auto rail = r.is_string() ? parse_rail(r.as_string()) : parse_rail("");
    if (!rail)
      return fail(ErrorKind::kInvalid, "INVALID_WORLD", where + ".rails: " + rail.error().message);
    bank.rails.push_back(*rail);
  }
  auto endpoint = optional_string(**obj, "endpoint", where);
  if (!endpoint) return std::unexpected(endpoint.error());
  bank.code = *code;
  bank.name = *name;
  bank.endpoint = endpoint->value_or("");
  auto cap = optional_string(**obj, "net_debit_cap", where);
  if (!cap) return std::unexpected(cap.error());
  if (*cap) {
    auto paise = parse_money(**cap, ZeroPolicy::kAllow);
    if (!paise) {
      return fail(ErrorKind::kInvalid, "INVALID_WORLD",
                  where + ".net_debit_cap: " + paise.error().message);
    }
    bank.net_debit_cap = *paise;
  }
  return bank;
}

Result<PspSpec> parse_psp(const json::value& v, const std::string& where) {
  auto obj = entry_object(v, where);
  if (!obj) return std::unexpected(obj.error());
  if (auto ok = reject_unknown_fields(**obj, {"handle", "name", "partner_bank"}, where); !ok) {
    return std::unexpected(ok.error());
  }
  auto handle = required_string(**obj, "handle", where);
  if (!handle) return std::unexpected(handle.error());
  auto name = required_string(**obj, "name", where);
  if (!name) return std::unexpected(name.error());
  auto partner = required_string(**obj, "partner_bank", where);
  if (!partner) return std::unexpected(partner.error());
  auto probe = parse_vpa("xxx@" + *handle);
  if (!probe || probe->handle != *handle) {
    return fail(ErrorKind::kInvalid, "INVALID_WORLD", where + ".handle must be 2-32 of [a-z0-9]");
  }
  return PspSpec{*handle, *name, *partner};
}

Result<AccountSpec> parse_account(const json::value& v, const std::string& where) {
  auto obj = entry_object(v, where);
  if (!obj) return std::unexpected(obj.error());
  if (auto ok = reject_unknown_fields(**obj, {"vpa", "name", "bank", "account", "balance"}, where);
      !ok) {
    return std::unexpected(ok.error());
  }
  std::string fields[5];
  const char* names[5] = {"vpa", "name", "bank", "account", "balance"};
  for (int i = 0; i < 5; ++i) {
    auto value = required_string(**obj, names[i], where);
    if (!value) return std::unexpected(value.error());
    fields[i] = *value;
  }
  auto vpa = parse_vpa(fields[0]);
  if (!vpa)
    return fail(ErrorKind::kInvalid, "INVALID_WORLD", where + ".vpa: " + vpa.error().message);
  if (!is_account_number(fields[3])) {
    return fail(ErrorKind::kInvalid, "INVALID_WORLD", where + ".account must be 6-18 digits");
  }
  auto balance = parse_money(fields[4], ZeroPolicy::kAllow);
  if (!balance)
    return fail(ErrorKind::kInvalid, "INVALID_WORLD",
                where + ".balance: " + balance.error().message);
  return AccountSpec{*vpa, fields[1], fields[2], fields[3], *balance};
}

Result<void> cross_check(const World& world) {
  std::set<std::string> handles;
  for (const auto& psp : world.psps) {
    if (!handles.insert(psp.handle).second) {
      return fail(ErrorKind::kInvalid, "INVALID_WORLD",
                  "PSP handle \"" + psp.handle + "\" is listed twice");
    }
    if (!world.find_bank(psp.partner_bank)) {
      return fail(
          ErrorKind::kInvalid, "INVALID_WORLD",
          "PSP \"" + psp.handle + "\" names unknown partner bank \"" + psp.partner_bank + "\"");
    }
  }
  std::set<std::string> vpas;
  std::set<std::pair<std::string, std::string>> numbers;
  for (const auto& acc : world.accounts) {
    const std::string vpa = acc.vpa.str();
    if (!vpas.insert(vpa).second)
      return fail(ErrorKind::kInvalid, "INVALID_WORLD", "VPA " + vpa + " is listed twice");
    if (!world.find_bank(acc.bank)) {
      return fail(ErrorKind::kInvalid, "INVALID_WORLD",
                  "account " + vpa + " names unknown bank \"" + acc.bank + "\"");
    }
    if (!handles.contains(acc.vpa.handle)) {
      return fail(ErrorKind::kInvalid, "INVALID_WORLD",
                  "account " + vpa + " has a handle that no PSP owns");
    }
    if (!numbers.insert({acc.bank, acc.account}).second) {
      return fail(ErrorKind::kInvalid, "INVALID_WORLD",
                  "account number " + acc.account + " is used twice at " + acc.bank);
    }
  }
  return {};
}

template <typename T, typename Parse>
Result<void> parse_list(const json::object& root, std::string_view field, std::size_t count_max,
                        std::vector<T>& out, Parse parse) {
  auto list = required_array(root, field, "world");
  if (!list) return fail(ErrorKind::kInvalid, "INVALID_WORLD", list.error().message);
  if ((*list)->size() > count_max) {
    return fail(ErrorKind::kInvalid, "INVALID_WORLD",
                "world lists more than " + std::to_string(count_max) + " " + std::string(field));
  }
  for (std::size_t i = 0; i < (*list)->size(); ++i) {
    auto item = parse((**list)[i], std::string(field) + "[" + std::to_string(i) + "]");
    if (!item) return fail(ErrorKind::kInvalid, "INVALID_WORLD", item.error().message);
    out.push_back(std::move(*item));
  }
  return {};
}

}  // namespace

const BankSpec* World::find_bank(std::string_view code) const {
  for (const auto& bank : banks) {
    if (bank.code == code) return &bank;
  }
  return nullptr;
}

Result<World> parse_world(std::string_view json_text) {
  auto root = parse_json_object(json_text);
  if (!root) return fail(ErrorKind::kInvalid, "INVALID_WORLD", root.error().message);
  if (auto ok = reject_unknown_fields(*root, {"banks", "psps", "accounts"}, "world"); !ok) {
    return fail(ErrorKind::kInvalid, "INVALID_WORLD", ok.error().message);
  }
  World world;
  if (auto ok = parse_list(*root, "banks", kWorldBanksMax, world.banks, parse_bank); !ok) {
    return std::unexpected(ok.error());
  }
  std::set<std::string> codes;
  for (const auto& bank : world.banks) {
    if (!codes.insert(bank.code).second) {
      return fail(ErrorKind::kInvalid, "INVALID_WORLD",
                  "bank code \"" + bank.code + "\" is listed twice");
    }
  }
  if (auto ok = parse_list(*root, "psps", kWorldPspsMax, world.psps, parse_psp); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = parse_list(*root, "accounts", kWorldAccountsMax, world.accounts, parse_account);
      !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = cross_check(world); !ok) return std::unexpected(ok.error());
  return world;
}

Result<World> load_world(const std::string& path) {
  auto text = read_file(path, 64 << 20);
  if (!text) return std::unexpected(text.error());
  auto world = parse_world(*text);
  if (!world) return fail_in(path, world.error());
  return world;
}

}  // namespace upi
