// The request as the transport hands it on: checked at the edge. A request whose URL (decoded),
// query or header values are not clean UTF-8 is answered 400 naming the part, before any handler
// sees it; cookies are parsed strictly.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/http_types.h"

namespace jc::server {

// Splits the target into path and query and checks every part: the percent-decoded path and each
// decoded query name and value must be valid UTF-8 without control characters, and every header
// value valid UTF-8 without control characters other than tab. Returns what is wrong ("the
// query parameter 'birth_date' is not valid UTF-8"), or nothing.
std::optional<std::string> check_request(HttpRequest& request);

// The value of the cookie `name` in a Cookie header (RFC 6265 §5.4: pairs separated by "; "),
// by exact name: "xjc_session=…" is not "jc_session". Nothing when absent or empty.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);

}  // namespace jc::server
