#include "interop/extract_profile.h"

#include <cstdio>

#include "io/toml_file.h"

namespace jc::interop {
namespace {

Status read_columns(const toml::table& fields, std::string_view key, std::vector<std::string>& out,
                    const std::string& source) {
  const toml::node* node = fields.get(key);
  if (node == nullptr) return {};
  if (auto s = node->value<std::string>()) {
    out = {*s};
    return {};
  }
  if (const auto* arr = node->as_array()) {
    for (const auto& item : *arr) {
      auto s = item.value<std::string>();
      if (!s) return Error{source + ": fields." + std::string(key) + ": every item must be a column name (a string)"};
      out.push_back(*s);
    }
    return {};
  }
  return Error{source + ": fields." + std::string(key) + " must be a column name or a list of them"};
}

std::string quoted(const std::string& s) {
  // A TOML basic string: quotes, backslashes and control characters escaped.
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04X", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

Result<ExtractProfile> ExtractProfile::parse(std::string_view text, const std::string& source) {
  auto parsed = io::parse_toml(text, source);
  if (!parsed) return parsed.error();
  const toml::table& t = *parsed;
  ExtractProfile p;
  auto id = t["id"].value<std::string>();
  if (!id || id->empty()) return Error{source + ": \"id\" (the record id column) is required"};
  p.id = *id;
  if (auto sep = t["separator"].value<std::string>()) {
    if (sep->size() != 1) return Error{source + ": separator must be one character"};
    p.separator = (*sep)[0];
  }
  if (auto sys = t["source_system"].value<std::string>()) p.source_system = *sys;
  const toml::table* fields = t["fields"].as_table();
  if (fields != nullptr) {
    static const char* kKnown[] = {"nhs_number", "given_name", "family_name", "birth_date", "birth_date_format",
                                   "sex", "address", "town", "postcode", "email"};
    for (const auto& [key, value] : *fields) {
      bool known = false;
      for (const char* k : kKnown) known = known || key.str() == k;
      if (!known) return Error{source + ": unknown field \"" + std::string(key.str()) + "\" in [fields]"};
    }
    for (auto [key, dest] : {std::pair{"nhs_number", &p.nhs_number}, {"given_name", &p.given_name},
                             {"family_name", &p.family_name}, {"birth_date", &p.birth_date}, {"sex", &p.sex},
                             {"address", &p.address}, {"town", &p.town}, {"postcode", &p.postcode},
                             {"email", &p.email}}) {
      if (auto st = read_columns(*fields, key, *dest, source); !st) return st.error();
    }
    if (auto fmt = (*fields)["birth_date_format"].value<std::string>()) p.birth_date_format = *fmt;
  }
  return p;
}

Result<ExtractProfile> ExtractProfile::load(const std::string& path) {
  auto text = io::read_text_file(path);
  if (!text) return text.error();
  return parse(*text, path);
}

std::string ExtractProfile::to_toml() const {
  std::string out = "id = " + quoted(id) + "\n";
  out += "separator = " + quoted(std::string(1, separator)) + "\n";
  if (source_system) out += "source_system = " + quoted(*source_system) + "\n";
  out += "\n[fields]\n";
  auto put = [&](const char* key, const std::vector<std::string>& cols) {
    if (cols.empty()) return;
    out += std::string(key) + " = ";
    if (cols.size() == 1) {
      out += quoted(cols[0]);
    } else {
      out += "[";
      for (std::size_t i = 0; i < cols.size(); ++i) out += (i ? ", " : "") + quoted(cols[i]);
      out += "]";
    }
    out += "\n";
  };
  put("nhs_number", nhs_number);
  put("given_name", given_name);
  put("family_name", family_name);
  put("birth_date", birth_date);
  if (!birth_date.empty()) out += "birth_date_format = " + quoted(birth_date_format) + "\n";
  put("sex", sex);
  put("address", address);
  put("town", town);
  put("postcode", postcode);
  put("email", email);
  return out;
}

}  // namespace jc::interop
