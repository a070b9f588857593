// A table's columns described once, for rows of a C++ type: each column's name, SQL type, how a
// row gives the column's text (written) and how that text fills a row (read). From the one
// description come the column lists, an unnest() over one array parameter per column (a whole
// batch in one statement), those parameters, and the mapping of a result row, so no statement
// ties columns to positions by hand.
#pragma once

#include <charconv>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/pg.h"

namespace upi::pg {

template <typename T>
struct Column {
  std::string_view name;
  std::string_view sql_type;                      // of one element: "bigint", "text", ...
  std::string (*write)(const T& row);             // null: never written from T
  bool (*read)(T& row, const std::string& text);  // null: never read into T; false: malformed
};

template <typename M>
struct MemberOf;
template <typename C, typename F>
struct MemberOf<F C::*> {
  using Owner = C;
  using Field = F;
};

// A text column stored from and read into the member.
template <auto Member>
constexpr Column<typename MemberOf<decltype(Member)>::Owner> text_column(std::string_view name) {
  using T = typename MemberOf<decltype(Member)>::Owner;
  return {name, "text", [](const T& row) { return std::string(row.*Member); },
          [](T& row, const std::string& text) {
            row.*Member = text;
            return true;
          }};
}

// A bigint column stored from and read into the integer member.
template <auto Member>
constexpr Column<typename MemberOf<decltype(Member)>::Owner> int_column(std::string_view name) {
  using T = typename MemberOf<decltype(Member)>::Owner;
  return {name, "bigint", [](const T& row) { return std::to_string(row.*Member); },
          [](T& row, const std::string& text) {
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), row.*Member);
            return ec == std::errc() && end == text.data() + text.size();
          }};
}

template <typename T>
class Table {
 public:
  constexpr Table(std::string_view name, std::span<const Column<T>> columns)
      : name_(name), columns_(columns) {}

  std::string_view name() const { return name_; }

  // "a, b, c": the columns read into T, in order (prefix e.g. "e." inside a join).
  std::string read_list(std::string_view prefix = "") const {
    return list([](const Column<T>& c) { return c.read != nullptr; }, prefix);
  }
  // The columns written from T, in order.
  std::string write_list() const {
    return list([](const Column<T>& c) { return c.write != nullptr; }, "");
  }
  // "unnest($1::bigint[], $2::text[]) AS r(a, b)": the written columns as rows, their arrays
  // being the parameters from first_param on (see arrays()).
  std::string unnest(int first_param, std::string_view alias = "r") const {
    std::string types, names;
    int param = first_param;
    for (const auto& c : columns_) {
      if (c.write == nullptr) continue;
      if (param > first_param) types += ", ", names += ", ";
      types += "$" + std::to_string(param++) + "::" + std::string(c.sql_type) + "[]";
      names += c.name;
    }
    return "unnest(" + types + ") AS " + std::string(alias) + "(" + names + ")";
  }
  // One array literal per written column, over rows in order.
  template <typename Rows>
  std::vector<Param> arrays(const Rows& rows) const {
    std::vector<Param> out;
    for (const auto& c : columns_) {
      if (c.write == nullptr) continue;
      std::vector<std::string> values;
      for (const auto& row : rows) values.push_back(c.write(deref(row)));
      out.emplace_back(text_array(values));
    }
    return out;
  }
  // Result row i of a SELECT of read_list(); nullopt when a column does not parse.
  std::optional<T> row(const pg::Rows& rows, int i) const {
    T out{};
    int column = 0;
    for (const auto& c : columns_) {
      if (c.read == nullptr) continue;
      if (!c.read(out, rows.text(i, column++))) return std::nullopt;
    }
    return out;
  }

 private:
  template <typename Keep>
  std::string list(Keep keep, std::string_view prefix) const {
    std::string out;
    for (const auto& c : columns_) {
      if (!keep(c)) continue;
      if (!out.empty()) out += ", ";
      out += std::string(prefix) + std::string(c.name);
    }
    return out;
  }
  static const T& deref(const T& row) { return row; }
  static const T& deref(const T* row) { return *row; }
  template <typename K>
  static const T& deref(const std::pair<const K, T>& entry) {
    return entry.second;
  }

  std::string_view name_;
  std::span<const Column<T>> columns_;
};

}  // namespace upi::pg
