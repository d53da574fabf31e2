#include <cstdint>
#include <string_view>

#include "core/postcode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto p = jc::Postcode::parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (p.ok()) {
    auto again = jc::Postcode::parse(p->full());
    if (!again.ok() || !(*again == *p) || p->sector().size() < 4) __builtin_trap();
  }
  return 0;
}
