// Where tests find the shared reference data and scratch space.
#pragma once

#include <filesystem>
#include <string>

#include <unistd.h>

namespace jc::testing {

inline std::string shared_dir() { return JC_TEST_SHARED_DIR; }
inline std::string reference_dir() { return shared_dir() + "/data/reference"; }

// A fresh empty directory under the system temp dir, removed by the caller when wanted.
inline std::filesystem::path scratch_dir(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() / ("jointcare-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}

}  // namespace jc::testing
