// Reads a table of specs/events.md's catalogue for the tests that keep it and the code equal.
#pragma once

#include <fstream>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "tests/source_path.h"

namespace upi::testing {

// The table whose header row starts with header ("| type | data fields |"): each type -> the
// leading name of each comma-separated entry of its data fields (notes in brackets, and the
// fields of nested objects in braces, are not fields of their own).
inline std::map<std::string, std::set<std::string>> catalogue_table(std::string_view header) {
  std::ifstream in(source_path("specs/events.md"));
  std::map<std::string, std::set<std::string>> out;
  std::string line;
  bool in_table = false;
  while (std::getline(in, line)) {
    if (line.starts_with(header)) {
      in_table = true;
      continue;
    }
    if (!in_table || line.starts_with("|---")) continue;
    if (!line.starts_with("| ")) break;
    const auto first = line.find(" | "), second = line.find(" | ", first + 3);
    const std::string type = line.substr(2, first - 2);
    int depth = 0;
    std::string entry;
    for (char c : line.substr(first + 3, second - first - 3) + ",") {
      if (c == '(' || c == '[' || c == '{') ++depth;
      if (c == ')' || c == ']' || c == '}') --depth;
      if (c != ',' || depth > 0) {
        entry += c;
        continue;
      }
      const auto start = entry.find_first_not_of(' ');
      const auto end = entry.find_first_not_of("abcdefghijklmnopqrstuvwxyz_", start);
      if (start != std::string::npos) out[type].insert(entry.substr(start, end - start));
      entry.clear();
    }
  }
  return out;
}

}  // namespace upi::testing
