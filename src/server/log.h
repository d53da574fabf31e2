// Structured logs: one JSON object a line on stderr. Callers pass only identifiers and
// technical facts: never names, NHS numbers, addresses or other personal data. Thread-safe.
#pragma once

#include <initializer_list>
#include <string_view>
#include <utility>
#include <variant>

namespace jc::server {

using LogValue = std::variant<std::string_view, long long, double, bool>;
// Never throws: invalid UTF-8 in a value is written as U+FFFD, and an event that cannot be
// written at all is dropped.
void log_event(std::string_view level, std::string_view event,
               std::initializer_list<std::pair<std::string_view, LogValue>> fields = {}) noexcept;
// Events below this level (debug < info < warn < error) are not written; default info. Returns
// false for an unknown level.
bool set_log_level(std::string_view level);

}  // namespace jc::server
