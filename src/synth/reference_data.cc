#include "synth/reference_data.h"

#include <cmath>
#include <unordered_map>

#include "io/csv_reader.h"

namespace jc::synth {
namespace {

Result<int> whole(const io::CsvRecord& rec, std::size_t col, const std::string& path, const char* field) {
  auto v = io::parse_grouped_integer(rec.fields[col]);
  if (!v) return Error{path + ":" + std::to_string(rec.line) + ": field " + field + ": " + v.error().message};
  return static_cast<int>(*v);
}

}  // namespace

Result<LocalAuthorityReference> load_local_authority(const std::string& dir, const std::string& la_code) {
  LocalAuthorityReference la;
  la.code = la_code;
  std::unordered_map<std::string, std::size_t> index;
  {
    std::string path = dir + "/imd2019_lsoa.csv.gz";
    auto t = io::CsvTable::open(path);
    if (!t) return t.error();
    while (true) {
      auto rec = t->next();
      if (!rec) return rec.error();
      if (!rec->has_value()) break;
      const auto& f = (*rec)->fields;
      if (f[2] != la_code) continue;
      la.name = f[3];
      LsoaReference l;
      l.code = f[0];
      l.name = f[1];
      auto rank = whole(**rec, 4, path, "IMD rank");
      if (!rank) return rank.error();
      auto decile = whole(**rec, 5, path, "IMD decile");
      if (!decile) return decile.error();
      l.imd_rank = *rank;
      l.imd_decile = *decile;
      index.emplace(l.code, la.lsoas.size());
      la.lsoas.push_back(std::move(l));
    }
  }
  if (la.lsoas.empty()) return Error{"no LSOAs for local authority " + la_code + " in " + dir};
  {
    std::string path = dir + "/iod2019_lsoa_population.csv.gz";
    auto t = io::CsvTable::open(path);
    if (!t) return t.error();
    std::size_t found = 0;
    while (true) {
      auto rec = t->next();
      if (!rec) return rec.error();
      if (!rec->has_value()) break;
      auto it = index.find((*rec)->fields[0]);
      if (it == index.end()) continue;
      LsoaReference& l = la.lsoas[it->second];
      auto total = whole(**rec, 4, path, "total population");
      auto kids = whole(**rec, 5, path, "aged 0-15");
      auto adults = whole(**rec, 6, path, "aged 16-59");
      auto older = whole(**rec, 7, path, "aged 60 and over");
      for (auto* r : {&total, &kids, &adults, &older})
        if (!*r) return r->error();
      l.population = *total;
      l.aged_0_15 = *kids;
      l.aged_16_59 = *adults;
      l.aged_60_plus = *older;
      ++found;
    }
    if (found != la.lsoas.size()) {
      return Error{path + ": population missing for " + std::to_string(la.lsoas.size() - found) + " LSOAs of " +
                   la_code};
    }
  }
  return la;
}

Result<NhsUnitCosts> load_nhs_unit_costs(const std::string& path) {
  auto t = io::CsvTable::open(path);
  if (!t) return t.error();
  struct Acc {
    double activity = 0, cost = 0;
  };
  Acc emergency, short_stay, long_stay, dn, hv, mh;
  while (true) {
    auto rec = t->next();
    if (!rec) return rec.error();
    if (!rec->has_value()) break;
    const auto& f = (*rec)->fields;
    if (f.size() < 6) continue;
    double activity = std::strtod(f[3].c_str(), nullptr);
    double cost = std::strtod(f[5].c_str(), nullptr);
    const std::string& service = f[0];
    const std::string& code = f[1];
    Acc* acc = nullptr;
    if (service == "Emergency Care") acc = &emergency;
    else if (service == "Non-Elective Inpatient - Short Stay") acc = &short_stay;
    else if (service == "Non-Elective Inpatient - Long Stay") acc = &long_stay;
    else if (service == "Community Health Service" && code == "N02AF") acc = &dn;
    else if (service == "Community Health Service" && code == "N03G") acc = &hv;
    else if (service == "Mental Health Care Contact") acc = &mh;
    if (acc) {
      acc->activity += activity;
      acc->cost += cost;
    }
  }
  auto mean = [&](const Acc& a, const char* what) -> Result<Money> {
    if (a.activity <= 0) return Error{path + ": no rows for " + std::string(what)};
    return Money::pence(std::llround(a.cost / a.activity * 100.0));
  };
  NhsUnitCosts c;
  for (auto [acc, dest, what] : {std::tuple{&emergency, &c.emergency_care, "Emergency Care"},
                                 {&short_stay, &c.non_elective_short_stay, "non-elective short stay"},
                                 {&long_stay, &c.non_elective_long_stay, "non-elective long stay"},
                                 {&dn, &c.district_nurse_visit, "N02AF district nurse"},
                                 {&hv, &c.health_visitor_contact, "N03G health visitor"},
                                 {&mh, &c.mental_health_contact, "mental health care contact"}}) {
    auto m = mean(*acc, what);
    if (!m) return m.error();
    *dest = *m;
  }
  return c;
}

}  // namespace jc::synth
