// specs/openapi.yaml and the routes upi-switch registers are the same set.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "tests/run_command.h"
#include "tests/source_path.h"
#include "tests/switch_process.h"

namespace upi::testing {
namespace {

std::set<std::string> routes_the_binary_registers() {
  std::set<std::string> routes;
  const CommandRun run =
      run_command(binary_path("upi-switch") + " --print-routes", Stderr::kDropped);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  std::istringstream lines(run.output);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) routes.insert(line);
  }
  return routes;
}

// Reads "paths:" of an OpenAPI document written with two-space indents.
std::set<std::string> routes_in_openapi(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::set<std::string> routes;
  const std::regex path_line(R"(^  (/[^:]*):\s*$)");
  const std::regex method_line(R"(^    (get|put|post|delete|patch):\s*$)");
  std::string line, current;
  bool in_paths = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != ' ' && line[0] != '#') in_paths = line.rfind("paths:", 0) == 0;
    if (!in_paths) continue;
    std::smatch m;
    if (std::regex_match(line, m, path_line)) current = m[1];
    if (std::regex_match(line, m, method_line)) {
      std::string method = m[1];
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      routes.insert(method + " " + current);
    }
  }
  return routes;
}

TEST(OpenApi, DocumentsExactlyTheRoutesTheServerRegisters) {
  const auto registered = routes_the_binary_registers();
  const auto documented = routes_in_openapi(source_path("specs/openapi.yaml"));
  EXPECT_GE(registered.size(), 15u);
  for (const auto& r : registered) EXPECT_TRUE(documented.contains(r)) << "not documented: " << r;
  for (const auto& r : documented) EXPECT_TRUE(registered.contains(r)) << "not registered: " << r;
}

}  // namespace
}  // namespace upi::testing
