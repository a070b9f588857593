// The reason table in code and the one in specs/events.md are the same table.
#include "common/reasons.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/source_path.h"

namespace upi {
namespace {

// "| CODE | UPI | status | meaning |" rows under "## Reason codes": code -> its UPI codes.
std::map<std::string, std::set<std::string>> documented_reasons() {
  std::ifstream in(testing::source_path("specs/events.md"));
  EXPECT_TRUE(in.good());
  std::map<std::string, std::set<std::string>> out;
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (line.starts_with("## ")) in_section = line == "## Reason codes";
    if (!in_section || !line.starts_with("| ") || line.starts_with("| code ")) continue;
    std::vector<std::string> cells;
    std::stringstream row(line.substr(1));
    for (std::string cell; std::getline(row, cell, '|');) {
      const auto start = cell.find_first_not_of(' '), end = cell.find_last_not_of(' ');
      cells.push_back(start == std::string::npos ? "" : cell.substr(start, end - start + 1));
    }
    if (cells.size() < 2) continue;
    const std::string code = cells[0], upi = cells[1];
    auto& codes = out[code];
    for (std::size_t at = 0; at <= upi.size();) {
      const auto slash = std::min(upi.find('/', at), upi.size());
      codes.insert(upi.substr(at, slash - at));
      at = slash + 1;
    }
  }
  return out;
}

TEST(Reasons, TheTableInCodeIsTheTableInSpecsEventsMd) {
  std::map<std::string, std::set<std::string>> in_code;
  for (const auto& r : all_reasons()) {
    in_code[std::string(r.code)].insert(std::string(r.upi_code));
    EXPECT_EQ(&reason_info(r.reason), &r);
  }
  EXPECT_EQ(in_code, documented_reasons());
}

}  // namespace
}  // namespace upi
