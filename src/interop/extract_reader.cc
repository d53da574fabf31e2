#include "interop/extract_reader.h"

namespace jc::interop {
namespace {

std::string joined(const io::CsvRecord& rec, const std::vector<std::size_t>& cols) {
  std::string out;
  for (std::size_t c : cols) {
    const std::string& v = rec.fields[c];
    if (v.empty()) continue;
    if (!out.empty()) out += ' ';
    out += v;
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<ExtractReader>> ExtractReader::open(const std::string& csv_path, const ExtractProfile& profile,
                                                           Strictness strictness) {
  auto table = io::CsvTable::open(csv_path, profile.separator, true);
  if (!table) return table.error();
  std::unique_ptr<ExtractReader> r(new ExtractReader(std::move(table).value(), profile, strictness));
  if (auto st = r->resolve_columns(); !st) return st.error();
  return r;
}

Status ExtractReader::resolve_columns() {
  auto find = [&](const std::string& name, const char* field) -> Result<std::size_t> {
    auto c = table_.column(name);
    if (!c) {
      return Error{table_.path() + ":1: the profile maps " + field + " to column \"" + name +
                   "\", which the header does not have"};
    }
    return *c;
  };
  auto id = find(profile_.id, "id");
  if (!id) return id.error();
  cols_.id = *id;
  for (auto [names, dest, field] :
       {std::tuple{&profile_.nhs_number, &cols_.nhs, "nhs_number"}, {&profile_.given_name, &cols_.given, "given_name"},
        {&profile_.family_name, &cols_.family, "family_name"}, {&profile_.birth_date, &cols_.birth, "birth_date"},
        {&profile_.sex, &cols_.sex, "sex"}, {&profile_.address, &cols_.address, "address"},
        {&profile_.town, &cols_.town, "town"}, {&profile_.postcode, &cols_.postcode, "postcode"},
        {&profile_.email, &cols_.email, "email"}}) {
    for (const auto& n : *names) {
      auto c = find(n, field);
      if (!c) return c.error();
      dest->push_back(*c);
    }
  }
  return {};
}

Status ExtractReader::problem(long line, const std::string& field, const std::string& message) {
  std::string text = table_.path() + ":" + std::to_string(line) + ": field " + field + ": " + message;
  if (strictness_ == Strictness::Strict) return Error{text};
  problems_.push_back(std::move(text));
  return {};
}

Result<std::optional<ExtractRecord>> ExtractReader::next() {
  auto got = table_.next();
  if (!got) return got.error();
  if (!got->has_value()) return std::optional<ExtractRecord>{};
  const io::CsvRecord& rec = **got;
  ExtractRecord r;
  r.line = rec.line;
  r.id = rec.fields[cols_.id];
  if (r.id.empty()) {
    return Error{table_.path() + ":" + std::to_string(rec.line) + ": field " + profile_.id + ": the record id is empty"};
  }
  r.nhs_number_raw = joined(rec, cols_.nhs);
  if (!r.nhs_number_raw.empty()) {
    auto n = NhsNumber::parse(r.nhs_number_raw);
    if (n) {
      r.nhs_number = n->digits();
    } else if (auto st = problem(rec.line, profile_.nhs_number.front(),
                                 "\"" + r.nhs_number_raw + "\": " + n.error().message);
               !st) {
      return st.error();
    }
  }
  r.given_name = joined(rec, cols_.given);
  r.family_name = joined(rec, cols_.family);
  r.birth_date_raw = joined(rec, cols_.birth);
  if (!r.birth_date_raw.empty()) {
    auto d = Date::parse(r.birth_date_raw, profile_.birth_date_format);
    if (d) {
      r.birth_date = *d;
    } else if (auto st = problem(rec.line, profile_.birth_date.front(), d.error().message); !st) {
      return st.error();
    }
  }
  r.sex_raw = joined(rec, cols_.sex);
  auto sex = sex_from_text(r.sex_raw);
  if (sex) {
    r.sex = *sex;
  } else if (auto st = problem(rec.line, profile_.sex.front(), sex.error().message); !st) {
    return st.error();
  }
  r.address = joined(rec, cols_.address);
  r.town = joined(rec, cols_.town);
  r.postcode = joined(rec, cols_.postcode);
  r.email = joined(rec, cols_.email);
  return std::optional<ExtractRecord>{std::move(r)};
}

}  // namespace jc::interop
