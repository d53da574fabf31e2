#include "identity/person_record.h"

#include <cctype>
#include <unordered_map>

#include "core/names.h"
#include "core/postcode.h"
#include "identity/string_metrics.h"
#include "interop/extract_reader.h"

namespace jc::identity {
namespace {

// Latin-1 supplement letters (UTF-8 C3 xx) to their plain letter.
char fold_c3(unsigned char second) {
  static const char* kMap =
      "aaaaaaeceeeeiiiidnooooo/ouuuuyts"   // 0x80-0x9F (uppercase, folded)
      "aaaaaaeceeeeiiiidnooooo/ouuuuyty";  // 0xA0-0xBF
  if (second < 0x80 || second > 0xBF) return 0;
  char c = kMap[second - 0x80];
  return c == '/' ? 0 : c;
}

}  // namespace

std::string normalise_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto u = static_cast<unsigned char>(text[i]);
    char c = 0;
    if (u == 0xC3 && i + 1 < text.size()) {
      c = fold_c3(static_cast<unsigned char>(text[++i]));
    } else if (u >= 'A' && u <= 'Z') {
      c = static_cast<char>(u - 'A' + 'a');
    } else if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9')) {
      c = static_cast<char>(u);
    } else if (u == ' ' || u == '-' || u == '\t' || u == ',' || u == '/' || u == '.') {
      space = !out.empty();
      continue;
    } else {
      continue;  // apostrophes and other marks vanish: o'neil → oneil
    }
    if (!c) continue;
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string canonical_given_name(const std::string& n) {
  static const std::unordered_map<std::string, std::string> kFormal = [] {
    std::unordered_map<std::string, std::string> m;
    for (const auto& v : names::given_name_variants()) m.emplace(std::string(v.variant), std::string(v.formal));
    return m;
  }();
  auto it = kFormal.find(n);
  return it == kFormal.end() ? n : it->second;
}

Result<std::vector<PersonRecord>> load_person_records(const std::string& csv_path, const interop::ExtractProfile& profile,
                                                      std::vector<std::string>& problems) {
  auto reader = interop::ExtractReader::open(csv_path, profile, interop::Strictness::Lenient);
  if (!reader) return reader.error();
  std::vector<PersonRecord> out;
  while (true) {
    auto next = (*reader)->next();
    if (!next) return next.error();
    if (!next->has_value()) break;
    const interop::ExtractRecord& r = **next;
    PersonRecord p;
    p.id = r.id;
    p.line = r.line;
    p.given = normalise_text(r.given_name);
    p.given_canonical = canonical_given_name(p.given);
    p.family = normalise_text(r.family_name);
    p.given_sx = soundex(p.given);
    p.family_sx = soundex(p.family);
    if (r.birth_date) {
      p.dob_days = r.birth_date->days();
      p.birth_year = r.birth_date->year();
      p.dob = r.birth_date->format("%Y%m%d");
    } else {
      for (char c : r.birth_date_raw)
        if (c >= '0' && c <= '9') p.dob += c;
      if (p.dob.size() >= 4) p.birth_year = std::stoi(p.dob.substr(0, 4));
    }
    p.sex = r.sex == Sex::Female ? 'f' : r.sex == Sex::Male ? 'm' : r.sex == Sex::Other ? 'o' : 0;
    if (!r.postcode.empty()) {
      auto pc = Postcode::parse(r.postcode);
      if (pc) {
        p.postcode = pc->full();
        p.pc_sector = pc->sector();
        p.pc_district = pc->district();
      } else {
        p.postcode = normalise_text(r.postcode);
      }
    }
    p.address = normalise_text(r.address);
    p.town = normalise_text(r.town);
    if (r.nhs_number) {
      p.identifier = *r.nhs_number;
    } else if (!r.nhs_number_raw.empty()) {
      std::string digits;
      for (char c : r.nhs_number_raw)
        if (c != ' ' && c != '-') digits += c;
      // Ten digits that fail the check are a malformed NHS number: flagged, never used. Anything
      // else is another organisation's identifier (FEBRL's soc_sec_id): compared as it is.
      if (digits.size() != 10) p.identifier = normalise_text(r.nhs_number_raw);
    }
    for (char c : r.email) p.email += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.push_back(std::move(p));
  }
  for (const auto& problem : (*reader)->problems()) problems.push_back(problem);
  return out;
}

}  // namespace jc::identity
