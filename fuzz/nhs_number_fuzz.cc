#include <cstdint>
#include <string_view>

#include "core/nhs_number.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto n = jc::NhsNumber::parse(text);
  if (n.ok()) {
    // Whatever parses must format and parse back to itself.
    auto again = jc::NhsNumber::parse(n->formatted());
    if (!again.ok() || !(*again == *n)) __builtin_trap();
  }
  (void)jc::nhs_number_status_from_code(text);
  return 0;
}
