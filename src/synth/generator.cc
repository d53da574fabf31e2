#include "synth/generator.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <unordered_map>

#include "core/names.h"
#include "core/nhs_number.h"
#include "core/person.h"
#include "governance/authentication.h"
#include "synth/area_model.h"
#include "synth/random.h"
#include "synth/reference_data.h"

namespace jc::synth {
namespace {

using store::Params;
using store::Value;

// Social care and other unit costs not in the NHS cost file. Home care, residential and nursing
// weeks are REFERENCE.md's 2023/24 figures; the rest are stated assumptions of the same order as
// PSSRU Unit Costs of Health and Social Care 2023 (docs/synthetic-area.md).
constexpr SocialCareUnitCosts kCosts = {
    .home_care_hour_pence = 2700,
    .residential_week_pence = 89700,
    .nursing_week_pence = 100300,
    .funded_nursing_care_week_pence = 23600,
    .day_care_day_pence = 6200,
    .reablement_hour_pence = 3200,
    .gp_consultation_pence = 4200,
    .children_social_work_visit_pence = 15000,
    .foster_placement_week_pence = 60000,
    .befriending_session_pence = 1800,
};

enum class AscService : std::uint8_t { None, HomeCare, DayCare, Residential, Nursing, ChcNursing, Reablement, SupportedLiving };

// Indexes into a person's record slots.
enum Slot : std::size_t { kGp, kAcute, kCommunity, kMental, kAsc, kChildren, kVoluntary, kSlots };

struct TruePerson {
  std::int64_t key = 0;
  std::string given, family, maiden;
  Sex sex = Sex::Unknown;
  Date birth;
  int age = 0;
  std::uint32_t lsoa = 0;
  std::string address, postcode;
  std::string nhs;
  std::uint32_t practice = 0;  // organisation index
  std::uint16_t gp = 0, ae = 0, adm_short = 0, adm_long = 0, dn = 0, hv = 0, mh = 0, vol = 0;
  AscService asc = AscService::None;
  std::uint8_t cf = 0;  // 1 child in need, 2 looked after
  bool frequent = false, deteriorating = false;
  bool very_high_use = false;  // planted for the Case Committee to find
  std::array<std::int64_t, kSlots> record{};  // local_records.id per slot, 0 = none
};

struct ErrorRates {
  double typo_family, typo_given, nickname, swap_day_month, dob_digit, moved, surname_change, missing_nhs,
      wrong_nhs, missing_postcode;
};

ErrorRates rates_for(OrganisationKind kind) {
  switch (kind) {
    case OrganisationKind::GpPractice:
      return {0.005, 0.005, 0.01, 0.002, 0.002, 0.02, 0.005, 0.002, 0.001, 0.002};
    case OrganisationKind::CouncilAdultSocialCare:
    case OrganisationKind::CouncilChildrenAndFamilies:
      return {0.04, 0.03, 0.07, 0.015, 0.01, 0.08, 0.02, 0.33, 0.005, 0.01};
    case OrganisationKind::VoluntarySectorProvider:
      return {0.05, 0.04, 0.10, 0.02, 0.01, 0.08, 0.02, 0.60, 0.005, 0.02};
    default:
      return {0.03, 0.02, 0.04, 0.01, 0.01, 0.06, 0.015, 0.03, 0.004, 0.01};
  }
}

std::string_view source_system_for(OrganisationKind kind) {
  switch (kind) {
    case OrganisationKind::CouncilAdultSocialCare: return "Mosaic";
    case OrganisationKind::CouncilChildrenAndFamilies: return "Liquidlogic LCS";
    case OrganisationKind::CommunityHealthProvider: return "SystmOne";
    case OrganisationKind::AcuteTrust: return "Lorenzo";
    case OrganisationKind::MentalHealthTrust: return "RiO";
    case OrganisationKind::GpPractice: return "EMIS Web";
    case OrganisationKind::VoluntarySectorProvider: return "Charitylog";
    case OrganisationKind::NhsCommissioner: break;
  }
  return "Other";
}

std::string local_id_for(OrganisationKind kind, long long n) {
  char buf[32];
  switch (kind) {
    case OrganisationKind::CouncilAdultSocialCare: std::snprintf(buf, sizeof buf, "%lld", 200000 + n * 7); break;
    case OrganisationKind::CouncilChildrenAndFamilies: std::snprintf(buf, sizeof buf, "LCS%06lld", n); break;
    case OrganisationKind::CommunityHealthProvider: std::snprintf(buf, sizeof buf, "%09lld", 300000000 + n * 13); break;
    case OrganisationKind::AcuteTrust: std::snprintf(buf, sizeof buf, "M%07lld", 1000000 + n * 3); break;
    case OrganisationKind::MentalHealthTrust: std::snprintf(buf, sizeof buf, "RIO%06lld", n); break;
    case OrganisationKind::GpPractice: std::snprintf(buf, sizeof buf, "%lld", 500000 + n * 11); break;
    default: std::snprintf(buf, sizeof buf, "CL-%05lld", n); break;
  }
  return buf;
}

// Deterministic unique NHS numbers: stems of the 999 test range visited in a scrambled order,
// skipping stems whose check digit computes to 10. The range holds 909,091 valid numbers; a
// larger synthetic population continues in the 998, 997, ... ranges (never issued in England).
class NhsNumberSource {
 public:
  explicit NhsNumberSource(std::uint64_t seed) : offset_(seed % kStems) {}
  std::string next() {
    while (true) {
      std::uint64_t j = counter_++;
      std::uint64_t block = j / kStems;
      std::uint64_t stem = (j % kStems * kStride + offset_) % kStems;
      char nine[16];
      std::snprintf(nine, sizeof nine, "%03llu%06llu", static_cast<unsigned long long>(999 - block),
                    static_cast<unsigned long long>(stem));
      auto c = NhsNumber::check_digit(nine);
      if (!c) continue;
      return std::string(nine) + static_cast<char>('0' + *c);
    }
  }

 private:
  static constexpr std::uint64_t kStems = 1'000'000;
  static constexpr std::uint64_t kStride = 7'919;  // coprime with 10^6
  std::uint64_t offset_;
  std::uint64_t counter_ = 0;
};

double deprivation_multiplier(int decile) { return 1.0 + 0.07 * (5.5 - decile); }

int draw_age(int band, Random& r) {
  if (band == 0) return static_cast<int>(r.between(0, 15));
  if (band == 1) return static_cast<int>(r.between(16, 59));
  // 60+: five-year groups with weights that fall with age (about 10% of the 60+ are 85+).
  static const WeightedPicker picker({1.0, 0.95, 0.9, 0.65, 0.45, 0.27, 0.12, 0.04, 0.005});
  return 60 + static_cast<int>(picker.pick(r)) * 5 + static_cast<int>(r.between(0, 4));
}

double female_share(int age) {
  if (age < 60) return 0.49;
  if (age < 75) return 0.52;
  if (age < 85) return 0.56;
  if (age < 95) return 0.64;
  return 0.75;
}

template <std::size_t N>
double by_age(int age, const std::array<std::pair<int, double>, N>& table) {
  for (const auto& [upto, value] : table)
    if (age < upto) return value;
  return table.back().second;
}

const WeightedPicker& picker_for(std::span<const names::WeightedName> names) {
  static std::unordered_map<const void*, WeightedPicker> cache;
  auto it = cache.find(names.data());
  if (it != cache.end()) return it->second;
  std::vector<double> w;
  for (const auto& n : names) w.push_back(n.weight);
  return cache.emplace(names.data(), WeightedPicker(w)).first->second;
}

std::string_view pick_name(std::span<const names::WeightedName> names, Random& r) {
  return names[picker_for(names).pick(r)].name;
}

// A typing error: substitute, delete, transpose or double one letter (keeping the first).
std::string typo(const std::string& s, Random& r) {
  if (s.size() < 3) return s;
  std::string out = s;
  std::size_t i = 1 + static_cast<std::size_t>(r.next() % (s.size() - 1));
  switch (r.next() % 4) {
    case 0: {
      char c = static_cast<char>('a' + r.next() % 26);
      if (std::tolower(static_cast<unsigned char>(out[i])) == c) c = c == 'z' ? 'a' : static_cast<char>(c + 1);
      out[i] = c;
      break;
    }
    case 1: out.erase(i, 1); break;
    case 2:
      if (i + 1 < out.size()) std::swap(out[i], out[i + 1]);
      else std::swap(out[i - 1], out[i]);
      break;
    default: out.insert(i, 1, out[i]); break;
  }
  return out;
}

std::string capitalised(std::string_view lower) {
  std::string s(lower);
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::optional<std::string> nickname_of(const std::string& given, Random& r) {
  std::string lower;
  for (char c : given) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::vector<std::string_view> options;
  for (const auto& v : names::given_name_variants())
    if (v.formal == lower) options.push_back(v.variant);
  if (options.empty()) return std::nullopt;
  return capitalised(options[static_cast<std::size_t>(r.next() % options.size())]);
}

Date end_of_period(Date start, int months) {
  int y = start.year(), m = start.month() - 1 + months;
  y += m / 12;
  m = m % 12 + 1;
  return *Date::from_ymd(y, m, 1);
}

class Generator {
 public:
  Generator(store::Database& db, const GenerateOptions& o) : db_(db), o_(o), r_(o.seed), nhs_(o.seed * 2654435761ULL) {}

  Result<GenerateSummary> run() {
    if (db_.query_integer("SELECT COUNT(*) FROM organisations").value_or(0) > 0) {
      return Error{"the database already holds a local area: generate into a new database"};
    }
    auto la = load_local_authority(o_.reference_dir, o_.la_code);
    if (!la) return la.error();
    auto costs = load_nhs_unit_costs(o_.reference_dir + "/nhs_national_cost_collection_2023_24.csv");
    if (!costs) return costs.error();
    nhs_costs_ = *costs;
    if (o_.population != 0 && (o_.population < 1000 || o_.population > 10'000'000)) {
      return Error{"--population must be between 1,000 and 10,000,000"};
    }
    AreaOptions ao;
    ao.la_code = o_.la_code;
    ao.population = o_.population;
    auto area = build_area(*la, ao, r_);
    if (!area) return area.error();
    a_ = std::move(area).value();
    practice_team_.assign(a_.organisations.size(), TeamId());
    for (auto it = a_.teams.rbegin(); it != a_.teams.rend(); ++it) {
      practice_team_[static_cast<std::size_t>(it->organisation.value - 1)] = it->id;
    }
    period_start_ = o_.start;
    period_end_ = end_of_period(o_.start, o_.months);
    period_days_ = period_end_.days() - period_start_.days();

    store::Transaction tx(db_);
    write_structure();
    make_people();
    write_records();
    write_activity_and_packages();
    write_referrals();
    for (const char* t : {"localities", "wards", "organisations", "teams", "staff_users", "pools", "local_records",
                          "activity", "care_packages", "referrals"}) {
      db_.sync_id_sequence(t);
    }
    tx.commit();
    summary_.people = static_cast<long long>(people_.size());
    return summary_;
  }

 private:
  void progress(const std::string& phase, long long done, long long total) {
    if (o_.progress) o_.progress(phase, done, total);
  }

  // ---- structure -------------------------------------------------------------------------
  void write_structure() {
    db_.execute("INSERT INTO local_authorities (code, name) VALUES (?, ?)", {a_.la_code, a_.la_name});
    for (std::size_t i = 0; i < a_.localities.size(); ++i) {
      db_.execute("INSERT INTO localities (id, name, local_authority_code) VALUES (?, ?, ?)",
                  {static_cast<std::int64_t>(i + 1), a_.localities[i].name, a_.la_code});
    }
    for (std::size_t i = 0; i < a_.wards.size(); ++i) {
      db_.execute("INSERT INTO wards (id, name, locality_id) VALUES (?, ?, ?)",
                  {static_cast<std::int64_t>(i + 1), a_.wards[i].first, static_cast<std::int64_t>(a_.wards[i].second + 1)});
    }
    auto lsoas = db_.bulk_insert("lsoas", {"code", "name", "ward_id", "imd_decile", "imd_rank", "population", "postcode_sector"});
    for (const auto& l : a_.lsoas) {
      lsoas->add({l.ref.code, l.ref.name, static_cast<std::int64_t>(l.ward + 1), std::int64_t{l.ref.imd_decile},
                  std::int64_t{l.ref.imd_rank}, std::int64_t{l.people[0] + l.people[1] + l.people[2]}, l.sector});
    }
    lsoas->finish();
    for (const auto& o : a_.organisations) {
      db_.execute("INSERT INTO organisations (id, ods_code, name, kind, locality_id) VALUES (?, ?, ?, ?, ?)",
                  {o.id.value, o.ods_code, o.name, std::string(to_code(o.kind)),
                   o.locality ? Value(o.locality->value) : store::null()});
    }
    for (const auto& t : a_.teams) {
      db_.execute("INSERT INTO teams (id, organisation_id, name, service, locality_id) VALUES (?, ?, ?, ?, ?)",
                  {t.id.value, t.organisation.value, t.name, t.service, t.locality ? Value(t.locality->value) : store::null()});
    }
    for (const auto& p : a_.pools) {
      db_.execute("INSERT INTO pools (id, name, kind, host_organisation_id) VALUES (?, ?, ?, ?)",
                  {p.id.value, p.name, p.kind, p.host.value});
    }
    std::int64_t uid = 1;
    for (const auto& u : a_.demo_users) {
      progress("staff", uid, static_cast<long long>(a_.demo_users.size()));
      db_.execute(
          "INSERT INTO staff_users (id, username, display_name, role, organisation_id, team_id, password_hash) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)",
          {uid++, u.username, u.display_name, std::string(to_code(u.role)), u.organisation.value,
           u.team ? Value(u.team->value) : store::null(), governance::hash_password(o_.demo_password)});
    }
  }

  // ---- people ----------------------------------------------------------------------------
  void make_people() {
    long long total = a_.target_population;
    people_.reserve(static_cast<std::size_t>(total));
    std::vector<long long> list_sizes(a_.organisations.size(), 0);
    for (std::uint32_t li = 0; li < a_.lsoas.size(); ++li) {
      const AreaLsoa& l = a_.lsoas[li];
      const auto& practices = a_.localities[l.locality].practices;
      double m = deprivation_multiplier(l.ref.imd_decile);
      for (int band = 0; band < 3; ++band) {
        for (int k = 0; k < l.people[static_cast<std::size_t>(band)]; ++k) {
          TruePerson p;
          p.key = static_cast<std::int64_t>(people_.size() + 1);
          p.lsoa = li;
          p.age = draw_age(band, r_);
          std::int32_t birth_days = period_start_.days() -
                                    static_cast<std::int32_t>(std::floor((p.age + r_.uniform()) * 365.2425));
          p.birth = Date::from_days(birth_days);
          p.age = period_start_.years_since(p.birth);
          p.sex = r_.chance(female_share(p.age)) ? Sex::Female : Sex::Male;
          p.given = std::string(pick_name(p.sex == Sex::Female ? names::female_given_names() : names::male_given_names(), r_));
          p.family = std::string(pick_name(names::surnames(), r_));
          if (p.sex == Sex::Female && p.age >= 20 && p.age <= 75 && r_.chance(0.35)) {
            p.maiden = std::string(pick_name(names::surnames(), r_));
          }
          p.address = std::to_string(r_.between(1, 180)) + " " + l.streets[r_.next() % l.streets.size()] + ", " +
                      a_.localities[l.locality].town;
          p.postcode = l.postcodes[r_.next() % l.postcodes.size()];
          p.nhs = nhs_.next();
          p.practice = static_cast<std::uint32_t>(practices[r_.next() % practices.size()]);
          ++list_sizes[p.practice];
          draw_service_use(p, m);
          people_.push_back(std::move(p));
          if (people_.size() % 20000 == 0) progress("people", static_cast<long long>(people_.size()), total);
        }
      }
    }
    plant_very_high_use();
    progress("people", total, total);
    for (auto& info : a_.practices) {
      auto idx = static_cast<std::size_t>(info.organisation.value - 1);
      db_.execute("INSERT INTO gp_practices (organisation_id, lsoa_code, list_size) VALUES (?, ?, ?)",
                  {info.organisation.value, info.lsoa_code, std::int64_t{list_sizes[idx]}});
    }
  }

  // A few older people per locality (one per 25,000 residents, at least one) whose use of the whole
  // system is far above anyone else's: in a nursing home all year, frequent A&E attendances and
  // long admissions, mental health and district nursing contacts, so several organisations each
  // hold part of the cost. The Case Committee should list every one of them. Drawn from their own
  // random stream, so the rest of the area is as it would be without them.
  void plant_very_high_use() {
    Random pick(o_.seed ^ 0x9E3779B97F4A7C15ULL);
    std::vector<std::vector<std::size_t>> older(a_.localities.size());
    std::vector<long long> residents(a_.localities.size(), 0);
    for (std::size_t i = 0; i < people_.size(); ++i) {
      std::size_t loc = a_.lsoas[people_[i].lsoa].locality;
      ++residents[loc];
      if (people_[i].age >= 65) older[loc].push_back(i);
    }
    auto traits = db_.bulk_insert("synthetic_traits", {"true_person", "trait"});
    for (std::size_t loc = 0; loc < older.size(); ++loc) {
      std::size_t want = std::min(older[loc].size(), static_cast<std::size_t>(std::max<long long>(1, residents[loc] / 25000)));
      for (std::size_t k = 0; k < want; ++k) {
        std::size_t at = k + static_cast<std::size_t>(pick.next() % (older[loc].size() - k));
        std::swap(older[loc][k], older[loc][at]);
        TruePerson& p = people_[older[loc][k]];
        p.very_high_use = true;
        p.asc = AscService::Nursing;
        p.ae = static_cast<std::uint16_t>(30 + pick.next() % 15);
        p.adm_long = static_cast<std::uint16_t>(4 + pick.next() % 3);
        p.adm_short = static_cast<std::uint16_t>(2 + pick.next() % 3);
        p.mh = static_cast<std::uint16_t>(20 + pick.next() % 10);
        p.dn = static_cast<std::uint16_t>(30 + pick.next() % 20);
        traits->add({p.key, std::string("very_high_use")});
      }
    }
    traits->finish();
  }

  void draw_service_use(TruePerson& p, double m) {
    int a = p.age;
    p.frequent = a >= 65 && r_.chance(0.003);
    p.deteriorating = a >= 75 && r_.chance(0.03);
    double boost = p.deteriorating ? 1.5 : 1.0;
    static constexpr std::array<std::pair<int, double>, 7> kGp = {{{5, 6}, {16, 2.5}, {45, 3}, {65, 4.5}, {75, 6.5}, {85, 8.5}, {200, 10}}};
    static constexpr std::array<std::pair<int, double>, 7> kAe = {{{5, .45}, {16, .22}, {45, .33}, {65, .28}, {75, .33}, {85, .5}, {200, .85}}};
    static constexpr std::array<std::pair<int, double>, 6> kAdm = {{{16, .04}, {45, .05}, {65, .08}, {75, .15}, {85, .28}, {200, .5}}};
    p.gp = static_cast<std::uint16_t>(r_.poisson(by_age(a, kGp) * m * boost));
    p.ae = static_cast<std::uint16_t>(r_.poisson(by_age(a, kAe) * m * boost * (p.frequent ? 12 : 1)));
    int adm = r_.poisson(by_age(a, kAdm) * m * boost * (p.frequent ? 4 : 1));
    double long_share = a < 65 ? 0.35 : a < 75 ? 0.5 : 0.65;
    for (int i = 0; i < adm; ++i) (r_.chance(long_share) ? p.adm_long : p.adm_short)++;
    static constexpr std::array<std::pair<int, double>, 4> kDn = {{{65, .002}, {75, .02}, {85, .07}, {200, .2}}};
    if (a >= 18 && r_.chance(by_age(a, kDn) * m * boost)) p.dn = static_cast<std::uint16_t>(1 + r_.poisson(18));
    if (a == 0) p.hv = static_cast<std::uint16_t>(5 + r_.poisson(1));
    else if (a < 5) p.hv = static_cast<std::uint16_t>(r_.poisson(1.5));
    if (a >= 18 && r_.chance((a < 65 ? 0.025 : 0.03) * m)) p.mh = static_cast<std::uint16_t>(1 + r_.poisson(11));
    static constexpr std::array<std::pair<int, double>, 5> kAsc = {{{18, 0}, {65, .01}, {75, .025}, {85, .07}, {200, .2}}};
    if (r_.chance(std::min(0.9, by_age(a, kAsc) * m * boost * (p.frequent ? 3 : 1)))) {
      if (a < 65) {
        static const WeightedPicker young({0.45, 0.3, 0.25});
        static constexpr AscService kYoung[] = {AscService::SupportedLiving, AscService::HomeCare, AscService::DayCare};
        p.asc = kYoung[young.pick(r_)];
      } else {
        static const WeightedPicker older({0.5, 0.08, 0.14, 0.07, 0.01, 0.2});
        static constexpr AscService kOlder[] = {AscService::HomeCare,  AscService::DayCare,    AscService::Residential,
                                                AscService::Nursing,   AscService::ChcNursing, AscService::Reablement};
        p.asc = kOlder[older.pick(r_)];
      }
      if (a >= 65 && r_.chance(0.2)) p.vol = static_cast<std::uint16_t>(10 + r_.poisson(16));
    }
    if (a < 18) {
      if (r_.chance(0.006 * m)) p.cf = 2;
      else if (r_.chance(0.03 * m)) p.cf = 1;
    }
  }

  // ---- each organisation's records ---------------------------------------------------------
  struct Counters {
    std::vector<long long> per_org;
  } counters_;

  void write_records() {
    counters_.per_org.assign(a_.organisations.size(), 0);
    auto records = db_.bulk_insert("local_records",
                                   {"id", "organisation_id", "source_system", "local_id", "nhs_number", "nhs_number_status",
                                    "given_name", "family_name", "birth_date", "sex", "address", "postcode", "lsoa_code",
                                    "gp_practice_id"});
    auto truth = db_.bulk_insert("synthetic_truth", {"local_record_id", "true_person", "injected_errors"});
    std::int64_t next_id = 1;
    long long done = 0;
    for (auto& p : people_) {
      const AreaLsoa& l = a_.lsoas[p.lsoa];
      const AreaLocality& loc = a_.localities[l.locality];
      std::array<std::optional<std::size_t>, kSlots> orgs{};
      orgs[kGp] = p.practice;
      if (p.ae + p.adm_short + p.adm_long > 0 || r_.chance(0.08)) orgs[kAcute] = loc.acute;
      if (p.dn > 0 || p.hv > 0) orgs[kCommunity] = a_.community;
      if (p.mh > 0) orgs[kMental] = a_.mental_health;
      if (p.asc != AscService::None) orgs[kAsc] = a_.adult_social_care;
      if (p.cf > 0) orgs[kChildren] = a_.children_families;
      if (p.vol > 0) orgs[kVoluntary] = a_.voluntary[0];
      for (std::size_t s = 0; s < kSlots; ++s) {
        if (!orgs[s]) continue;
        std::int64_t id = next_id++;
        p.record[s] = id;
        write_record(*records, *truth, p, *orgs[s], id);
      }
      if (++done % 20000 == 0) progress("records", done, static_cast<long long>(people_.size()));
    }
    records->finish();
    truth->finish();
    summary_.local_records = next_id - 1;
    progress("records", done, static_cast<long long>(people_.size()));
  }

  void write_record(store::BulkWriter& records, store::BulkWriter& truth, const TruePerson& p, std::size_t org_index,
                    std::int64_t id) {
    const Organisation& org = a_.organisations[org_index];
    ErrorRates er = rates_for(org.kind);
    std::string errors;
    auto note = [&](const char* e) {
      if (!errors.empty()) errors += ',';
      errors += e;
    };
    std::string given = p.given, family = p.family, address = p.address, postcode = p.postcode;
    Date birth = p.birth;
    std::optional<std::string> nhs = p.nhs;
    if (r_.chance(er.nickname)) {
      if (auto nick = nickname_of(given, r_)) {
        given = *nick;
        note("nickname");
      }
    }
    if (r_.chance(er.typo_given)) {
      given = typo(given, r_);
      note("typo_given_name");
    }
    if (!p.maiden.empty() && r_.chance(er.surname_change * 10)) {  // the name before marriage
      family = p.maiden;
      note("changed_surname");
    }
    if (r_.chance(er.typo_family)) {
      family = typo(family, r_);
      note("typo_family_name");
    }
    if (r_.chance(er.swap_day_month) && birth.day() <= 12 && birth.day() != birth.month()) {
      birth = *Date::from_ymd(birth.year(), birth.day(), birth.month());
      note("swapped_day_month");
    } else if (r_.chance(er.dob_digit)) {
      int d = birth.day();
      int nd = d % 10 == 9 ? d - 1 : d + 1;
      if (auto nb = Date::from_ymd(birth.year(), birth.month(), nd)) {
        birth = *nb;
        note("birth_date_digit");
      }
    }
    if (r_.chance(er.moved)) {
      // The address they lived at before, elsewhere in the area.
      const AreaLsoa& other = a_.lsoas[r_.next() % a_.lsoas.size()];
      address = std::to_string(r_.between(1, 180)) + " " + other.streets[r_.next() % other.streets.size()] + ", " +
                a_.localities[other.locality].town;
      postcode = other.postcodes[r_.next() % other.postcodes.size()];
      note("moved_address");
    }
    if (r_.chance(er.missing_postcode)) {
      postcode.clear();
      note("missing_postcode");
    }
    NhsNumberStatus status = NhsNumberStatus::PresentVerified;
    if (r_.chance(er.missing_nhs)) {
      nhs.reset();
      status = r_.chance(0.9) ? NhsNumberStatus::TraceRequired : NhsNumberStatus::TraceNoOrMultipleMatch;
      note("missing_nhs_number");
    } else if (r_.chance(er.wrong_nhs) && people_.size() > 1) {
      const TruePerson& someone = people_[r_.next() % people_.size()];
      if (someone.key != p.key) {
        nhs = someone.nhs;
        note("wrong_nhs_number");
      }
    }
    if (nhs && org.kind != OrganisationKind::GpPractice && status == NhsNumberStatus::PresentVerified) {
      if (is_council(org.kind) || org.kind == OrganisationKind::VoluntarySectorProvider || r_.chance(0.15)) {
        status = NhsNumberStatus::PresentNotTraced;
      }
    }
    long long n = ++counters_.per_org[org_index];
    records.add({id, org.id.value, std::string(source_system_for(org.kind)), local_id_for(org.kind, n),
                 store::optional_value(nhs), to_code(status), given, family, birth.iso(), std::string(to_code(p.sex)),
                 address, postcode, a_.lsoas[p.lsoa].ref.code,
                 std::int64_t{a_.organisations[p.practice].id.value}});
    truth.add({id, p.key, errors});
  }

  // ---- activity and care packages -----------------------------------------------------------
  Date day_in_period(bool rising) {
    double u = r_.uniform();
    if (rising) u = std::sqrt(u);  // density rising through the period
    return period_start_.plus_days(static_cast<std::int32_t>(u * period_days_));
  }
  static Date weekday(Date d) {
    int w = d.weekday();
    return w == 5 ? d.plus_days(-1) : w == 6 ? d.plus_days(1) : d;
  }

  void write_activity_and_packages() {
    activity_ = db_.bulk_insert("activity", {"id", "local_record_id", "organisation_id", "team_id", "service",
                                             "activity_date", "units", "cost_pence", "pool_id"});
    auto packages = db_.bulk_insert("care_packages", {"id", "local_record_id", "provider_organisation_id", "service",
                                                      "start_date", "end_date", "weekly_units", "unit_cost_pence", "pool_id"});
    long long done = 0;
    std::int64_t package_id = 1;
    for (const auto& p : people_) {
      const AreaLsoa& l = a_.lsoas[p.lsoa];
      const AreaLocality& loc = a_.localities[l.locality];
      bool rising = p.deteriorating;
      OrganisationId practice = a_.organisations[p.practice].id;
      TeamId practice_team = team_of_practice(p.practice);
      for (int i = 0; i < p.gp; ++i)
        emit(p.record[kGp], practice, practice_team, "gp_consultation", weekday(day_in_period(rising)), 1,
             kCosts.gp_consultation_pence, {});
      OrganisationId acute = a_.organisations[loc.acute].id;
      TeamId ed = loc.acute == a_.acute_trusts[0] ? a_.emergency_department : TeamId(a_.emergency_department.value + 1);
      for (int i = 0; i < p.ae; ++i)
        emit(p.record[kAcute], acute, ed, "ae_attendance", day_in_period(rising), 1, nhs_costs_.emergency_care.in_pence(), {});
      for (int i = 0; i < p.adm_short; ++i)
        emit(p.record[kAcute], acute, {}, "emergency_admission_short_stay", day_in_period(rising), 1,
             nhs_costs_.non_elective_short_stay.in_pence(), {});
      for (int i = 0; i < p.adm_long; ++i)
        emit(p.record[kAcute], acute, {}, "emergency_admission_long_stay", day_in_period(rising), 1,
             nhs_costs_.non_elective_long_stay.in_pence(), {});
      OrganisationId community = a_.organisations[a_.community].id;
      for (int i = 0; i < p.dn; ++i)
        emit(p.record[kCommunity], community, loc.district_nursing, "district_nursing_visit", day_in_period(rising), 1,
             nhs_costs_.district_nurse_visit.in_pence(), {});
      for (int i = 0; i < p.hv; ++i)
        emit(p.record[kCommunity], community, loc.health_visiting, "health_visiting_contact", weekday(day_in_period(false)),
             1, nhs_costs_.health_visitor_contact.in_pence(), {});
      OrganisationId mh = a_.organisations[a_.mental_health].id;
      for (int i = 0; i < p.mh; ++i)
        emit(p.record[kMental], mh, loc.mental_health, "community_mental_health_contact", weekday(day_in_period(false)), 1,
             nhs_costs_.mental_health_contact.in_pence(), a_.mental_health_pool);
      if (p.vol > 0) {
        Date first = day_in_period(false);
        for (int i = 0; i < p.vol; ++i) {
          Date d = first.plus_days(7 * i);
          if (d >= period_end_) break;
          emit(p.record[kVoluntary], a_.organisations[a_.voluntary[0]].id, a_.carers_support, "befriending_session", d, 1,
               kCosts.befriending_session_pence, a_.better_care_fund);
        }
      }
      if (p.cf == 1) {
        Date first = day_in_period(false);
        for (int i = 0; i < 12; ++i) {
          Date d = first.plus_days(30 * i);
          if (d >= period_end_) break;
          emit(p.record[kChildren], a_.organisations[a_.children_families].id, loc.family_support, "family_support_visit",
               weekday(d), 1, kCosts.children_social_work_visit_pence, {});
        }
      } else if (p.cf == 2) {
        package(*packages, package_id, p.record[kChildren], a_.children_families, loc.family_support, "foster_placement", 1,
                kCosts.foster_placement_week_pence, {}, 0.2);
      }
      if (p.asc != AscService::None) asc_package(*packages, package_id, p, loc);
      if (++done % 20000 == 0) progress("activity", done, static_cast<long long>(people_.size()));
    }
    activity_->finish();
    packages->finish();
    activity_.reset();
    summary_.care_packages = package_id - 1;
    progress("activity", done, static_cast<long long>(people_.size()));
  }

  TeamId team_of_practice(std::size_t org_index) const { return practice_team_[org_index]; }

  void emit(std::int64_t record, OrganisationId org, std::optional<TeamId> team, const char* service, Date d,
            std::int64_t units, std::int64_t unit_cost, std::optional<PoolId> pool) {
    std::int64_t cost = units * unit_cost;
    activity_->add({++activity_id_, record, org.value, team && team->valid() ? Value(team->value) : store::null(),
                    std::string(service), d.iso(), units, cost, pool ? Value(pool->value) : store::null()});
    summary_.total_cost_pence += cost;
    summary_.activity_rows = activity_id_;
  }

  // A weekly package: one activity row per week it runs within the period.
  void package(store::BulkWriter& packages, std::int64_t& package_id, std::int64_t record, std::size_t provider,
               std::optional<TeamId> team, const char* service, std::int64_t weekly_units, std::int64_t unit_cost,
               std::optional<PoolId> pool, double end_chance, std::optional<Date> forced_start = std::nullopt,
               int forced_weeks = 0) {
    Date start = forced_start ? *forced_start
                 : r_.chance(0.7) ? period_start_.plus_days(-static_cast<std::int32_t>(r_.between(7, 900)))
                                  : day_in_period(false);
    std::optional<Date> end;
    if (forced_weeks > 0) end = start.plus_days(7 * forced_weeks);
    else if (r_.chance(end_chance)) end = std::max(start, period_start_).plus_days(static_cast<std::int32_t>(r_.between(14, 300)));
    packages.add({package_id++, record, a_.organisations[provider].id.value, std::string(service), start.iso(),
                  end ? Value(end->iso()) : store::null(), weekly_units, unit_cost, pool ? Value(pool->value) : store::null()});
    Date week = start;
    if (week < period_start_) week = week.plus_days(((period_start_.days() - week.days() + 6) / 7) * 7);
    Date stop = end && *end < period_end_ ? *end : period_end_;
    for (; week < stop; week = week.plus_days(7)) {
      emit(record, a_.organisations[provider].id, team, service, week, weekly_units, unit_cost, pool);
    }
  }

  void asc_package(store::BulkWriter& pk, std::int64_t& id, const TruePerson& p, const AreaLocality& loc) {
    std::int64_t rec = p.record[kAsc];
    bool older = p.age >= 65;
    std::size_t provider = r_.chance(0.6) ? a_.voluntary[1] : a_.adult_social_care;
    std::optional<PoolId> bcf = older ? std::optional<PoolId>(a_.better_care_fund) : std::nullopt;
    switch (p.asc) {
      case AscService::HomeCare:
        package(pk, id, rec, provider, provider == a_.adult_social_care ? std::optional(loc.social_work) : std::optional(a_.home_care_provider),
                "home_care", r_.between(4, 21), kCosts.home_care_hour_pence, bcf, 0.15);
        break;
      case AscService::DayCare:
        package(pk, id, rec, a_.adult_social_care, loc.social_work, "day_care", r_.between(1, 3), kCosts.day_care_day_pence,
                older ? std::nullopt : std::optional(a_.learning_disability_pool), 0.1);
        break;
      case AscService::Residential:
        package(pk, id, rec, a_.adult_social_care, loc.social_work, "residential_care", 1, kCosts.residential_week_pence, {}, 0.25);
        break;
      case AscService::Nursing: {
        // A planted very-high-use person is in the home for the whole period.
        std::optional<Date> all_year;
        if (p.very_high_use) all_year = period_start_.plus_days(-200);
        double ends = p.very_high_use ? 0.0 : 0.3;
        package(pk, id, rec, a_.adult_social_care, loc.social_work, "nursing_care", 1, kCosts.nursing_week_pence, {}, ends, all_year);
        // NHS-funded nursing care for the same weeks is paid by the commissioner (recorded against
        // the council's record, as the commissioner keeps no person records of its own here).
        package(pk, id, rec, a_.commissioner, a_.chc_team, "funded_nursing_care", 1, kCosts.funded_nursing_care_week_pence,
                a_.chc_pool, ends, all_year);
        break;
      }
      case AscService::ChcNursing:
        package(pk, id, rec, a_.commissioner, a_.chc_team, "continuing_healthcare_nursing", 1,
                kCosts.nursing_week_pence + kCosts.funded_nursing_care_week_pence, a_.chc_pool, 0.3);
        break;
      case AscService::Reablement:
        package(pk, id, rec, a_.adult_social_care, a_.reablement, "reablement", r_.between(6, 14), kCosts.reablement_hour_pence,
                a_.better_care_fund, 0, day_in_period(false), 6);
        break;
      case AscService::SupportedLiving:
        package(pk, id, rec, provider, loc.social_work, "supported_living", r_.between(20, 40), kCosts.home_care_hour_pence,
                a_.learning_disability_pool, 0.05);
        break;
      case AscService::None: break;
    }
  }

  // ---- referrals -------------------------------------------------------------------------------
  void write_referrals() {
    auto w = db_.bulk_insert("referrals", {"id", "local_record_id", "from_team_id", "to_team_id", "sent_at", "status",
                                           "responded_at", "reason", "previous_referral_id"});
    std::int64_t id = 0;
    auto send = [&](std::int64_t record, TeamId from, TeamId to, Timestamp sent, const char* status,
                    std::optional<std::string> reason, std::optional<std::int64_t> previous) {
      Timestamp responded = sent.plus_seconds(r_.between(2, 240) * 3600);
      w->add({++id, record, from.value, to.value, sent.iso(), std::string(status), responded.iso(),
              store::optional_value(reason), previous ? Value(*previous) : store::null()});
      return std::pair{id, responded};
    };
    auto sent_time = [&](bool rising) { return Timestamp::at(weekday(day_in_period(rising)), static_cast<int>(r_.between(8, 17)), static_cast<int>(r_.between(0, 59))); };
    // A referral that may be passed back and forth before it is accepted: A→B sent back, B→A
    // returned, A→B accepted.
    auto with_ping_pong = [&](std::int64_t from_record, std::int64_t to_record, TeamId from, TeamId to, bool rising, double p) {
      Timestamp t = sent_time(rising);
      if (to_record != 0 && r_.chance(p)) {
        auto [r1, t1] = send(from_record, from, to, t, "redirected", std::string("not this team's service: returned to referrer"), std::nullopt);
        auto [r2, t2] = send(to_record, to, from, t1, "redirected", std::string("referred back: needs are social care"), r1);
        send(from_record, from, to, t2, "accepted", std::nullopt, r2);
      } else {
        send(from_record, from, to, t, "accepted", std::nullopt, std::nullopt);
      }
    };
    long long done = 0;
    for (const auto& p : people_) {
      const AreaLocality& loc = a_.localities[a_.lsoas[p.lsoa].locality];
      TeamId discharge = loc.acute == a_.acute_trusts[0] ? a_.acute_discharge_a : a_.acute_discharge_b;
      if (p.record[kAcute] && p.adm_long > 0 && p.age >= 65) {
        if (p.asc == AscService::Reablement) {
          send(p.record[kAcute], discharge, a_.reablement, sent_time(p.deteriorating), "accepted", std::nullopt, std::nullopt);
        } else if (p.asc != AscService::None) {
          with_ping_pong(p.record[kAcute], p.record[kAsc], discharge, a_.hospital_discharge_asc, p.deteriorating, 0.05);
        }
      }
      if (p.dn > 0) {
        // The district nurse commissions social care input to the case she manages.
        if (p.asc != AscService::None) {
          with_ping_pong(p.record[kCommunity], p.record[kAsc], loc.district_nursing, loc.social_work, p.deteriorating, 0.08);
        } else if (r_.chance(0.05)) {
          send(p.record[kCommunity], loc.district_nursing, loc.social_work, sent_time(false), "declined",
               std::string("does not meet the eligibility criteria"), std::nullopt);
        }
      }
      if (p.asc != AscService::None && p.dn == 0 && p.age >= 75 && r_.chance(0.1)) {
        // A social worker asks the district nursing team to visit.
        send(p.record[kAsc], loc.social_work, loc.district_nursing, sent_time(false), "declined",
             std::string("no nursing need identified"), std::nullopt);
      }
      if (p.mh > 0) {
        if (r_.chance(0.1)) {
          send(p.record[kGp], team_of_practice(p.practice), loc.mental_health, sent_time(false), "declined",
               std::string("below threshold: refer to talking therapies"), std::nullopt);
        }
        with_ping_pong(p.record[kGp], p.record[kMental], team_of_practice(p.practice), loc.mental_health, false, 0.04);
      }
      if (p.cf > 0) {
        TeamId from = p.hv > 0 ? loc.health_visiting : team_of_practice(p.practice);
        std::int64_t rec = p.hv > 0 ? p.record[kCommunity] : p.record[kGp];
        auto [r1, t1] = send(rec, from, a_.children_spa, sent_time(false), "accepted", std::nullopt, std::nullopt);
        send(p.record[kChildren], a_.children_spa, loc.family_support, t1, "accepted", std::nullopt, r1);
      }
      if (++done % 50000 == 0) progress("referrals", done, static_cast<long long>(people_.size()));
    }
    w->finish();
    summary_.referrals = id;
    progress("referrals", done, static_cast<long long>(people_.size()));
  }

  store::Database& db_;
  const GenerateOptions& o_;
  Random r_;
  NhsNumberSource nhs_;
  NhsUnitCosts nhs_costs_{};
  AreaModel a_;
  std::vector<TruePerson> people_;
  std::vector<TeamId> practice_team_;  // each organisation's first team, by organisation index
  Date period_start_, period_end_;
  std::int32_t period_days_ = 365;
  std::unique_ptr<store::BulkWriter> activity_;
  std::int64_t activity_id_ = 0;
  GenerateSummary summary_;
};

}  // namespace

const SocialCareUnitCosts& social_care_unit_costs() { return kCosts; }

Result<GenerateSummary> generate_area(store::Database& db, const GenerateOptions& options) {
  Generator g(db, options);
  return g.run();
}

}  // namespace jc::synth
