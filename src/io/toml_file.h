// Reading configuration files: whole text files, and TOML with errors as "file:line:column:
// message". Includes toml++: include this only from .cc files.
#pragma once

#include <string>
#include <string_view>
#include <toml++/toml.h>

#include "core/result.h"

namespace jc::io {

Result<std::string> read_text_file(const std::string& path);
Result<toml::table> parse_toml(std::string_view text, const std::string& source);

}  // namespace jc::io
