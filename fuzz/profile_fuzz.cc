#include <cstdint>
#include <string_view>

#include "interop/extract_profile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto p = jc::interop::ExtractProfile::parse(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  if (p.ok()) {
    auto again = jc::interop::ExtractProfile::parse(p->to_toml(), "fuzz-again");
    if (!again.ok() || again->id != p->id || again->address != p->address) __builtin_trap();
  }
  return 0;
}
