#include <cstdint>
#include <string_view>

#include "core/money.h"
#include "core/time.h"

// The first byte picks a format; the rest is the text.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr std::string_view kFormats[] = {"%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d-%b-%Y", "%d %B %y"};
  std::string_view format = kFormats[data[0] % 5];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  auto d = jc::Date::parse(text, format);
  if (d.ok() && format != "%d %B %y") {
    auto again = jc::Date::parse(d->format(format), format);
    if (!again.ok() || !(*again == *d)) __builtin_trap();
  }
  (void)jc::Timestamp::parse_iso(text);
  (void)jc::Money::parse(text);
  return 0;
}
