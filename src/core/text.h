// Text from outside (URLs, headers, files, bodies) is checked here before anything uses it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jc {

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s);

// Valid UTF-8 with no control characters (C0 other than tab, line feed and carriage return; DEL;
// C1), which no field of a person's record or a request holds; NUL above all.
bool clean_text(std::string_view s);

// What is wrong with a text, for an error message ("is not valid UTF-8", "holds a control
// character"), or nothing when it is clean.
std::optional<std::string> text_problem(std::string_view s);

// The longest prefix of `s` of at most `max_bytes` that does not cut a UTF-8 character in two.
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes);

// application/x-www-form-urlencoded and URL percent-decoding ('+' is a space only when
// `plus_is_space`). A '%' not followed by two hex digits is kept as it is.
std::string percent_decode(std::string_view s, bool plus_is_space);

}  // namespace jc
