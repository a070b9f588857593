// Where a test finds the source tree: UPI_SOURCE_DIR (CTest sets it), else the directory CMake
// configured (UPI_SOURCE_DIR_DEFAULT), so a test binary also runs on its own.
#pragma once

#include <cstdlib>
#include <string>

namespace upi::testing {

inline std::string source_path(const std::string& relative) {
  const char* dir = std::getenv("UPI_SOURCE_DIR");
  return std::string(dir != nullptr && *dir != '\0' ? dir : UPI_SOURCE_DIR_DEFAULT) + "/" +
         relative;
}

}  // namespace upi::testing
