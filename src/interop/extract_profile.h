// An extract profile: where each person field is in an organisation's CSV extract, and the
// date format. TOML, in the form given in docs (PRODUCT.md "Interfaces"):
//   id = "rec_id"; separator = ","; [fields] given_name = "...", address = ["a", "b"], ...
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace jc::interop {

struct ExtractProfile {
  std::string id;  // the record id column (required)
  char separator = ',';
  std::vector<std::string> nhs_number;
  std::vector<std::string> given_name;
  std::vector<std::string> family_name;
  std::vector<std::string> birth_date;
  std::string birth_date_format = "%Y-%m-%d";
  std::vector<std::string> sex;
  std::vector<std::string> address;
  std::vector<std::string> town;
  std::vector<std::string> postcode;
  std::vector<std::string> email;
  std::optional<std::string> source_system;  // optional: the system the extract came from

  static Result<ExtractProfile> load(const std::string& path);
  static Result<ExtractProfile> parse(std::string_view toml_text, const std::string& source_name);
  std::string to_toml() const;
};

}  // namespace jc::interop
