#include "insight/engine.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "core/time.h"
#include "insight/case_committee.h"
#include "insight/jsna.h"
#include "insight/statistics.h"

namespace jc::insight {
namespace {

constexpr std::int32_t kUnknownDay = INT32_MIN;

// Days since 1970-01-01 of an ISO date's first ten characters (civil calendar arithmetic);
// kUnknownDay when it is not a date.
std::int32_t day_of(const std::string& iso) {
  if (iso.size() < 10 || iso[4] != '-' || iso[7] != '-') return kUnknownDay;
  auto digits = [&](std::size_t from, std::size_t n) {
    int v = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      if (iso[i] < '0' || iso[i] > '9') return -1;
      v = v * 10 + (iso[i] - '0');
    }
    return v;
  };
  int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > 31) return kUnknownDay;
  auto date = Date::from_ymd(y, m, d);
  return date ? date->days() : kUnknownDay;
}

enum class OrgKind : std::uint8_t { Other, GpPractice, AdultSocialCare, ChildrenAndFamilies };

// Service properties the reports ask of each row.
enum ServiceFlag : std::uint8_t {
  kAe = 1,                  // an A&E attendance
  kEmergencyAdmission = 2,  // an emergency admission (short or long stay)
  kCare = 4,                // a week or visit of care (home, residential, nursing, reablement, district nursing)
};

std::uint8_t flags_of_service(const std::string& s) {
  std::uint8_t f = 0;
  if (s == "ae_attendance") f |= kAe;
  if (s.rfind("emergency_admission", 0) == 0) f |= kEmergencyAdmission;
  if (s == "home_care" || s == "residential_care" || s == "nursing_care" || s == "reablement" || s == "district_nursing_visit") f |= kCare;
  return f;
}

template <typename T>
std::size_t bytes_of(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

// Grows a vector indexed by id to hold `id`.
template <typename T>
void reach(std::vector<T>& v, std::size_t id, T fill) {
  if (v.size() <= id) v.resize(id + 1, fill);
}

}  // namespace

struct AnalyticEngine::Columns {
  // What the columns reflect.
  bool loaded = false;
  std::int64_t person_version = -1, geography = -1, records_upto = 0, activity_upto = 0;
  bool linked = false;

  // Geography and organisations (small; indexed by the store's ids).
  std::vector<std::string> locality_name;            // by locality id
  std::vector<std::string> ward_name;                // by ward id
  std::vector<std::int32_t> ward_locality;           // by ward id → locality id
  std::vector<std::string> lsoa_code;                // by lsoa index
  std::vector<std::int32_t> lsoa_ward;               // by lsoa index → ward id
  std::vector<std::uint8_t> lsoa_decile;             // by lsoa index
  std::unordered_map<std::string, std::int32_t> lsoa_index;
  std::vector<std::string> org_name, team_name;      // by id
  std::vector<OrgKind> org_kind;                     // by organisation id
  std::vector<std::string> service_name;
  std::vector<std::uint8_t> service_flags;
  std::unordered_map<std::string, std::uint16_t> service_index;
  std::vector<std::string> sex_name;
  std::unordered_map<std::string, std::uint8_t> sex_index;

  // Records, indexed by record id.
  std::vector<std::int32_t> rec_person, rec_org, rec_birth, rec_lsoa, rec_gp;
  std::vector<std::uint8_t> rec_sex;

  // Persons.
  std::vector<std::string> person_key;
  std::unordered_map<std::string, std::int32_t> person_index;
  std::vector<std::int32_t> person_locality, person_birth;  // from their GP record
  std::vector<std::int32_t> person_open_referrals;
  std::vector<std::uint8_t> person_care_plan, person_key_worker;

  // Activity, one entry per row.
  std::vector<std::int32_t> act_record, act_org, act_team, act_day;
  std::vector<std::uint16_t> act_service;
  std::vector<std::int64_t> act_cost;
  std::int32_t first_day = INT32_MAX, last_day = INT32_MIN;

  void clear() { *this = Columns(); }

  std::int32_t person_of(const std::string& key) {
    auto [it, added] = person_index.emplace(key, static_cast<std::int32_t>(person_key.size()));
    if (added) {
      person_key.push_back(key);
      person_locality.push_back(-1);
      person_birth.push_back(kUnknownDay);
    }
    return it->second;
  }

  std::uint16_t service_of(const std::string& s) {
    auto [it, added] = service_index.emplace(s, static_cast<std::uint16_t>(service_name.size()));
    if (added) {
      if (service_name.size() >= UINT16_MAX) throw std::runtime_error("more than 65,535 distinct services");
      service_name.push_back(s);
      service_flags.push_back(flags_of_service(s));
    }
    return it->second;
  }

  std::uint8_t sex_of(const std::string& s) {
    auto [it, added] = sex_index.emplace(s, static_cast<std::uint8_t>(sex_name.size()));
    if (added) sex_name.push_back(s);
    return it->second;
  }

  std::int32_t locality_of_lsoa(std::int32_t lsoa) const {
    if (lsoa < 0) return -1;
    auto ward = static_cast<std::size_t>(lsoa_ward[static_cast<std::size_t>(lsoa)]);
    return ward < ward_locality.size() ? ward_locality[ward] : -1;
  }

  static std::int64_t geography_signature(store::Database& db) {
    std::uint64_t sig = 0;
    for (const char* t : {"localities", "wards", "lsoas", "organisations", "teams"})
      sig = sig * 1'000'003u + static_cast<std::uint64_t>(db.query_integer(std::string("SELECT COUNT(*) FROM ") + t).value_or(0));
    return static_cast<std::int64_t>(sig >> 1);
  }

  void load_geography(store::Database& db) {
    db.query("SELECT id, name FROM localities", {}, [&](const store::Row& r) {
      auto id = static_cast<std::size_t>(r.integer(0));
      reach(locality_name, id, std::string());
      locality_name[id] = r.text(1);
    });
    db.query("SELECT id, name, locality_id FROM wards", {}, [&](const store::Row& r) {
      auto id = static_cast<std::size_t>(r.integer(0));
      reach(ward_name, id, std::string());
      reach(ward_locality, id, std::int32_t{-1});
      ward_name[id] = r.text(1);
      ward_locality[id] = static_cast<std::int32_t>(r.integer(2));
    });
    db.query("SELECT code, ward_id, imd_decile FROM lsoas ORDER BY code", {}, [&](const store::Row& r) {
      lsoa_index.emplace(r.text(0), static_cast<std::int32_t>(lsoa_code.size()));
      lsoa_code.push_back(r.text(0));
      lsoa_ward.push_back(static_cast<std::int32_t>(r.integer(1)));
      lsoa_decile.push_back(static_cast<std::uint8_t>(r.integer(2)));
    });
    db.query("SELECT id, name, kind FROM organisations", {}, [&](const store::Row& r) {
      auto id = static_cast<std::size_t>(r.integer(0));
      reach(org_name, id, std::string());
      reach(org_kind, id, OrgKind::Other);
      org_name[id] = r.text(1);
      std::string kind = r.text(2);
      org_kind[id] = kind == "gp_practice"                     ? OrgKind::GpPractice
                     : kind == "council_adult_social_care"     ? OrgKind::AdultSocialCare
                     : kind == "council_children_and_families" ? OrgKind::ChildrenAndFamilies
                                                               : OrgKind::Other;
    });
    db.query("SELECT id, name FROM teams", {}, [&](const store::Row& r) {
      auto id = static_cast<std::size_t>(r.integer(0));
      reach(team_name, id, std::string());
      team_name[id] = r.text(1);
    });
  }

  // Records with ids above records_upto; their persons, and where each person lives.
  std::size_t load_records(store::Database& db) {
    std::size_t n = 0;
    db.query("SELECT id, person_id, nhs_number, organisation_id, local_id, lsoa_code, birth_date, sex, gp_practice_id "
             "FROM local_records WHERE id > ? ORDER BY id",
             {records_upto}, [&](const store::Row& r) {
               ++n;
               auto id = static_cast<std::size_t>(r.integer(0));
               records_upto = std::max(records_upto, r.integer(0));
               std::string key = linked && !r.is_null(1) ? std::to_string(r.integer(1))
                                 : !r.is_null(2)         ? r.text(2)
                                                         : std::to_string(r.integer(3)) + ":" + r.text(4);
               std::int32_t person = person_of(key);
               auto org = static_cast<std::int32_t>(r.integer(3));
               std::int32_t lsoa = -1;
               if (!r.is_null(5)) {
                 auto it = lsoa_index.find(r.text(5));
                 if (it != lsoa_index.end()) lsoa = it->second;
               }
               std::int32_t birth = r.is_null(6) ? kUnknownDay : day_of(r.text(6));
               reach(rec_person, id, std::int32_t{-1});
               reach(rec_org, id, std::int32_t{0});
               reach(rec_birth, id, kUnknownDay);
               reach(rec_lsoa, id, std::int32_t{-1});
               reach(rec_gp, id, std::int32_t{0});
               reach(rec_sex, id, std::uint8_t{0});
               rec_person[id] = person;
               rec_org[id] = org;
               rec_birth[id] = birth;
               rec_lsoa[id] = lsoa;
               rec_gp[id] = r.is_null(8) ? 0 : static_cast<std::int32_t>(r.integer(8));
               rec_sex[id] = sex_of(r.text(7));
               // A person lives where their GP record says.
               auto o = static_cast<std::size_t>(org);
               if (o < org_kind.size() && org_kind[o] == OrgKind::GpPractice) {
                 std::int32_t locality = locality_of_lsoa(lsoa);
                 if (locality >= 0) {
                   person_locality[static_cast<std::size_t>(person)] = locality;
                   person_birth[static_cast<std::size_t>(person)] = birth;
                 }
               }
             });
    return n;
  }

  std::size_t load_activity(store::Database& db) {
    std::size_t n = 0;
    db.query("SELECT id, local_record_id, organisation_id, COALESCE(team_id, 0), service, activity_date, cost_pence "
             "FROM activity WHERE id > ? ORDER BY id",
             {activity_upto}, [&](const store::Row& r) {
               ++n;
               activity_upto = std::max(activity_upto, r.integer(0));
               std::int32_t day = day_of(r.text(5));
               act_record.push_back(static_cast<std::int32_t>(r.integer(1)));
               act_org.push_back(static_cast<std::int32_t>(r.integer(2)));
               act_team.push_back(static_cast<std::int32_t>(r.integer(3)));
               act_service.push_back(service_of(r.text(4)));
               act_day.push_back(day);
               act_cost.push_back(r.integer(6));
               if (day != kUnknownDay) {
                 first_day = std::min(first_day, day);
                 last_day = std::max(last_day, day);
               }
             });
    return n;
  }

  // The small facts that change with use: open referrals, active care plans, key workers.
  void load_care_facts(store::Database& db) {
    person_open_referrals.assign(person_key.size(), 0);
    person_care_plan.assign(person_key.size(), 0);
    person_key_worker.assign(person_key.size(), 0);
    db.query("SELECT local_record_id, COUNT(*) FROM referrals WHERE status IN ('sent', 'accepted', 'scheduled') GROUP BY local_record_id",
             {}, [&](const store::Row& r) {
               auto rec = static_cast<std::size_t>(r.integer(0));
               if (rec < rec_person.size() && rec_person[rec] >= 0)
                 person_open_referrals[static_cast<std::size_t>(rec_person[rec])] += static_cast<std::int32_t>(r.integer(1));
             });
    if (!linked) return;  // care plans and involvements belong to linked persons
    auto mark = [&](std::vector<std::uint8_t>& flag) {
      return [&](const store::Row& r) {
        auto it = person_index.find(std::to_string(r.integer(0)));
        if (it != person_index.end()) flag[static_cast<std::size_t>(it->second)] = 1;
      };
    };
    db.query("SELECT DISTINCT person_id FROM care_plans WHERE status = 'active'", {}, mark(person_care_plan));
    db.query("SELECT DISTINCT person_id FROM involvements WHERE ended_at IS NULL AND key_worker_user_id IS NOT NULL", {},
             mark(person_key_worker));
  }
};

AnalyticEngine::AnalyticEngine() : c_(std::make_unique<Columns>()) {}
AnalyticEngine::~AnalyticEngine() = default;

Result<RefreshStats> AnalyticEngine::refresh(store::Database& db) {
  auto started = std::chrono::steady_clock::now();
  RefreshStats stats;
  store::ReadTransaction snapshot(db);
  Columns& c = *c_;
  std::int64_t version = db.data_version("person_index");
  std::int64_t geography = Columns::geography_signature(db);
  std::int64_t records_max = db.query_integer("SELECT MAX(id) FROM local_records").value_or(0);
  // A new person index, new geography, or records gone (another database): start again.
  if (!c.loaded || version != c.person_version || geography != c.geography || records_max < c.records_upto) {
    c.clear();
    c.load_geography(db);
    if (c.locality_name.empty()) return Error{"the database holds no local area"};
    c.person_version = version;
    c.geography = geography;
    c.linked = db.query_integer("SELECT 1 FROM local_records WHERE person_id IS NOT NULL LIMIT 1").has_value();
    c.loaded = true;
    stats.reloaded = true;
  }
  stats.records_read = c.load_records(db);
  stats.activity_read = c.load_activity(db);
  c.load_care_facts(db);
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return stats;
}

EngineSize AnalyticEngine::size() const {
  const Columns& c = *c_;
  EngineSize s;
  s.persons = c.person_key.size();
  s.records = c.rec_person.size();
  s.activity_rows = c.act_record.size();
  s.bytes = bytes_of(c.rec_person) + bytes_of(c.rec_org) + bytes_of(c.rec_birth) + bytes_of(c.rec_lsoa) + bytes_of(c.rec_gp) +
            bytes_of(c.rec_sex) + bytes_of(c.person_locality) + bytes_of(c.person_birth) + bytes_of(c.person_open_referrals) +
            bytes_of(c.person_care_plan) + bytes_of(c.person_key_worker) + bytes_of(c.act_record) + bytes_of(c.act_org) +
            bytes_of(c.act_team) + bytes_of(c.act_day) + bytes_of(c.act_service) + bytes_of(c.act_cost);
  for (const auto& k : c.person_key) s.bytes += sizeof(std::string) + (k.size() > 15 ? k.capacity() : 0);
  s.bytes += c.person_index.size() * (sizeof(std::string) + 2 * sizeof(void*) + sizeof(std::int32_t));
  return s;
}

std::optional<std::string> AnalyticEngine::person_key_of(const std::string& pseudonym, const std::string& key_hex) const {
  for (const auto& key : c_->person_key)
    if (pseudonymise(key_hex, key) == pseudonym) return key;
  return std::nullopt;
}

void AnalyticEngine::replicate_for_benchmark(int copies) {
  Columns& c = *c_;
  const std::size_t records = c.rec_person.size(), persons = c.person_key.size(), rows = c.act_record.size();
  // Appends a copy of a column's first n entries (the original rows).
  auto again = [](auto& column, std::size_t n) {
    column.reserve(column.size() + n);
    for (std::size_t i = 0; i < n; ++i) column.push_back(column[i]);
  };
  for (int k = 1; k <= copies; ++k) {
    auto record_offset = static_cast<std::int32_t>(records * static_cast<std::size_t>(k));
    auto person_offset = static_cast<std::int32_t>(persons * static_cast<std::size_t>(k));
    for (std::size_t p = 0; p < persons; ++p) c.person_key.push_back(c.person_key[p] + "#" + std::to_string(k));
    again(c.person_locality, persons); again(c.person_birth, persons); again(c.person_open_referrals, persons);
    again(c.person_care_plan, persons); again(c.person_key_worker, persons);
    for (std::size_t r = 0; r < records; ++r) c.rec_person.push_back(c.rec_person[r] < 0 ? -1 : c.rec_person[r] + person_offset);
    again(c.rec_org, records); again(c.rec_birth, records); again(c.rec_lsoa, records); again(c.rec_gp, records); again(c.rec_sex, records);
    for (std::size_t i = 0; i < rows; ++i) c.act_record.push_back(c.act_record[i] + record_offset);
    again(c.act_org, rows); again(c.act_team, rows); again(c.act_service, rows); again(c.act_day, rows); again(c.act_cost, rows);
  }
  // The copies are not in the store: make sure a refresh starts again rather than append to them.
  c.person_version = -2;
}

// ---- the Case Committee --------------------------------------------------------------------------

Result<std::string> AnalyticEngine::case_committee(const CaseCommitteeOptions& o, const std::string& key_hex) const {
  const Columns& c = *c_;
  if (c.act_record.empty() || c.first_day == INT32_MAX) return Error{"the database holds no activity"};
  // The period: as asked, else all the activity held.
  const bool period_given = o.from || o.to;
  const std::int32_t lo = o.from ? o.from->days() : c.first_day, hi = o.to ? o.to->days() : c.last_day;
  if (lo > hi) return Error{"the period ends before it starts"};
  CaseCommitteeData d;
  d.from = Date::from_days(lo);
  d.to = Date::from_days(hi);
  d.persons_linked = c.linked;
  const std::int32_t middle = lo + (hi - lo) / 2;
  auto in_period = [&](std::size_t i) {
    std::int32_t day = c.act_day[i];
    return !period_given || (day != kUnknownDay && day >= lo && day <= hi);
  };
  const int start_month = d.from.year() * 12 + d.from.month() - 1;
  const int months = d.to.year() * 12 + d.to.month() - 1 - start_month + 1;
  const std::size_t persons = c.person_key.size();
  auto person_of_row = [&](std::size_t i) {
    auto rec = static_cast<std::size_t>(c.act_record[i]);
    return rec < c.rec_person.size() ? c.rec_person[rec] : -1;
  };

  // Pass 1: everyone's combined cost.
  std::vector<std::int64_t> cost(persons, 0);
  const std::size_t rows = c.act_record.size();
  std::size_t rows_in_period = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    std::int32_t p = person_of_row(i);
    if (p < 0 || !in_period(i)) continue;
    cost[static_cast<std::size_t>(p)] += c.act_cost[i];
    ++rows_in_period;
  }
  if (rows_in_period == 0) return Error{"no activity from " + d.from.iso() + " to " + d.to.iso()};
  std::vector<std::int64_t> sorted = cost;
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  for (std::int64_t v : sorted) d.total_cost_pence += v;
  auto share = [&](double top) {
    auto n = static_cast<std::size_t>(std::ceil(top * static_cast<double>(sorted.size())));
    std::int64_t s = 0;
    for (std::size_t i = 0; i < n && i < sorted.size(); ++i) s += sorted[i];
    return d.total_cost_pence ? static_cast<double>(s) / static_cast<double>(d.total_cost_pence) : 0.0;
  };
  d.top_1_percent_share = share(0.01);
  d.top_5_percent_share = share(0.05);
  d.top_20_percent_share = share(0.20);

  // Each locality's people with any cost, and its top N (cost, then key).
  std::vector<std::vector<std::int32_t>> by_locality(c.locality_name.size());
  for (std::size_t p = 0; p < persons; ++p) {
    std::int32_t loc = c.person_locality[p];
    if (loc < 0) d.cost_without_locality_pence += cost[p];
    else if (cost[p] > 0) by_locality[static_cast<std::size_t>(loc)].push_back(static_cast<std::int32_t>(p));
  }
  auto before = [&](std::int32_t a, std::int32_t b) {
    auto ua = static_cast<std::size_t>(a), ub = static_cast<std::size_t>(b);
    return cost[ua] != cost[ub] ? cost[ua] > cost[ub] : c.person_key[ua] < c.person_key[ub];
  };
  std::vector<std::int32_t> slot(persons, -1);  // person → their place among the agenda entries
  std::vector<AgendaEntry> entries;
  std::vector<std::pair<std::string, std::pair<std::size_t, std::vector<std::int32_t>>>> localities;
  for (std::size_t loc = 0; loc < by_locality.size(); ++loc) {
    auto& list = by_locality[loc];
    if (list.empty()) continue;
    std::size_t n = std::min(o.top, list.size());
    std::partial_sort(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(n), list.end(), before);
    std::vector<std::int32_t> agenda;
    for (std::size_t i = 0; i < n; ++i) {
      slot[static_cast<std::size_t>(list[i])] = static_cast<std::int32_t>(entries.size());
      agenda.push_back(static_cast<std::int32_t>(entries.size()));
      AgendaEntry e;
      auto p = static_cast<std::size_t>(list[i]);
      e.person_key = c.person_key[p];
      e.cost_pence = cost[p];
      e.age = c.person_birth[p] == kUnknownDay ? -1 : d.from.years_since(Date::from_days(c.person_birth[p]));
      e.open_referrals = c.person_open_referrals[p];
      e.shared_care_plan = c.person_care_plan[p] != 0;
      e.key_worker = c.person_key_worker[p] != 0;
      entries.push_back(std::move(e));
    }
    localities.push_back({c.locality_name[loc], {list.size(), std::move(agenda)}});
  }

  // Pass 2: the detail of the people on an agenda.
  struct Detail {
    std::unordered_map<std::int32_t, std::int64_t> by_org, by_team;
    std::unordered_map<std::uint16_t, std::int64_t> by_service;
    std::vector<int> ae_by_month;
  };
  std::vector<Detail> detail(entries.size());
  for (auto& x : detail) x.ae_by_month.assign(static_cast<std::size_t>(std::max(1, months)), 0);
  for (std::size_t i = 0; i < rows; ++i) {
    std::int32_t p = person_of_row(i);
    if (p < 0 || slot[static_cast<std::size_t>(p)] < 0 || !in_period(i)) continue;
    auto at = static_cast<std::size_t>(slot[static_cast<std::size_t>(p)]);
    AgendaEntry& e = entries[at];
    Detail& x = detail[at];
    x.by_org[c.act_org[i]] += c.act_cost[i];
    x.by_service[c.act_service[i]] += c.act_cost[i];
    if (c.act_team[i] != 0) x.by_team[c.act_team[i]] += 1;
    std::uint8_t f = c.service_flags[c.act_service[i]];
    if (f == 0 || c.act_day[i] == kUnknownDay) continue;
    if (f & kAe) {
      Date day = Date::from_days(c.act_day[i]);
      int m = day.year() * 12 + day.month() - 1 - start_month;
      if (m >= 0 && m < static_cast<int>(x.ae_by_month.size())) ++x.ae_by_month[static_cast<std::size_t>(m)];
      ++e.ae_in_period;
    }
    (c.act_day[i] < middle ? e.emergency_and_care_early : e.emergency_and_care_late)++;
  }
  auto name_of = [](const std::vector<std::string>& names, std::int64_t id) {
    auto u = static_cast<std::size_t>(id);
    return u < names.size() ? names[u] : std::string();
  };
  for (std::size_t at = 0; at < entries.size(); ++at) {
    AgendaEntry& e = entries[at];
    const Detail& x = detail[at];
    for (const auto& [org, v] : x.by_org) e.cost_by_organisation[name_of(c.org_name, org)] += v;
    for (const auto& [svc, v] : x.by_service) e.cost_by_service[c.service_name[svc]] += v;
    for (const auto& [team, n] : x.by_team) e.teams.push_back(name_of(c.team_name, team));
    std::sort(e.teams.begin(), e.teams.end());
    e.teams.erase(std::unique(e.teams.begin(), e.teams.end()), e.teams.end());
    for (int n : x.ae_by_month) e.ae_most_in_a_month = std::max(e.ae_most_in_a_month, n);
  }
  std::sort(localities.begin(), localities.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [name, list] : localities) {
    LocalityAgenda la;
    la.locality = name;
    la.people = list.first;
    for (std::int32_t at : list.second) la.agenda.push_back(std::move(entries[static_cast<std::size_t>(at)]));
    d.localities.push_back(std::move(la));
  }
  return render_case_committee(d, o.format, key_hex);
}

// ---- the JSNA cube ---------------------------------------------------------------------------------

Result<std::string> AnalyticEngine::jsna(DisclosureRule rule) const {
  const Columns& c = *c_;
  if (c.locality_name.empty()) return Error{"the database holds no local area"};
  JsnaCube cube;
  cube.reference = c.first_day == INT32_MAX ? Timestamp::now().date() : Date::from_days(c.first_day);
  // Age bands at the reference date, per record, once.
  static const char* const kBands[] = {"0-17", "18-64", "65-74", "75-84", "85+", "unknown"};
  constexpr std::uint8_t kUnknownBand = 5;
  const std::size_t records = c.rec_person.size();
  std::vector<std::uint8_t> band(records, kUnknownBand);
  for (std::size_t r = 0; r < records; ++r) {
    if (c.rec_birth[r] == kUnknownDay) continue;
    int age = cube.reference.years_since(Date::from_days(c.rec_birth[r]));
    band[r] = age < 18 ? 0 : age < 65 ? 1 : age < 75 ? 2 : age < 85 ? 3 : 4;
  }
  // Integer tallies by each cut's index; labels only at the end.
  struct Counts {
    std::vector<std::int64_t> locality, ward, lsoa, practice, age, sex, decile;
    std::int64_t total = 0;
  };
  auto fresh = [&] {
    Counts k;
    k.locality.assign(c.locality_name.size(), 0);
    k.ward.assign(c.ward_name.size(), 0);
    k.lsoa.assign(c.lsoa_code.size(), 0);
    k.practice.assign(c.org_name.size(), 0);
    k.age.assign(6, 0);
    k.sex.assign(c.sex_name.size(), 0);
    k.decile.assign(11, 0);
    return k;
  };
  auto add = [&](Counts& k, std::size_t r) {
    std::int32_t lsoa = c.rec_lsoa[r];
    auto l = static_cast<std::size_t>(lsoa);
    auto ward = static_cast<std::size_t>(c.lsoa_ward[l]);
    ++k.lsoa[l];
    if (ward < k.ward.size()) ++k.ward[ward];
    std::int32_t loc = c.locality_of_lsoa(lsoa);
    if (loc >= 0) ++k.locality[static_cast<std::size_t>(loc)];
    auto gp = static_cast<std::size_t>(c.rec_gp[r]);
    if (gp != 0 && gp < k.practice.size()) ++k.practice[gp];
    ++k.age[band[r]];
    ++k.sex[c.rec_sex[r]];
    ++k.decile[std::min<std::size_t>(c.lsoa_decile[l], 10)];
    ++k.total;
  };
  Counts population = fresh();
  for (std::size_t r = 0; r < records; ++r) {
    if (c.rec_lsoa[r] < 0 || c.rec_person[r] < 0) continue;
    auto org = static_cast<std::size_t>(c.rec_org[r]);
    if (org < c.org_kind.size() && c.org_kind[org] == OrgKind::GpPractice) add(population, r);
  }
  std::array<Counts, 4> measures = {fresh(), fresh(), fresh(), fresh()};
  std::vector<std::uint8_t> counted(records, 0);  // 1: adult social care, 2: children's services
  for (std::size_t i = 0; i < c.act_record.size(); ++i) {
    auto r = static_cast<std::size_t>(c.act_record[i]);
    if (r >= records || c.rec_lsoa[r] < 0) continue;
    std::uint8_t f = c.service_flags[c.act_service[i]];
    if (f & kAe) {
      add(measures[0], r);
      continue;
    }
    if (f & kEmergencyAdmission) {
      add(measures[1], r);
      continue;
    }
    auto org = static_cast<std::size_t>(c.act_org[i]);
    OrgKind kind = org < c.org_kind.size() ? c.org_kind[org] : OrgKind::Other;
    if (kind == OrgKind::AdultSocialCare && !(counted[r] & 1)) {
      counted[r] |= 1;
      add(measures[2], r);
    } else if (kind == OrgKind::ChildrenAndFamilies && !(counted[r] & 2)) {
      counted[r] |= 2;
      add(measures[3], r);
    }
  }
  // Labels: cells with the same label (e.g. two wards of one name) are one group, as published.
  auto labelled = [&](const Counts& k, const Counts& shape, JsnaTally& t) {
    auto put = [](JsnaTally::Counts& out, const std::vector<std::int64_t>& v, const std::vector<std::int64_t>& present,
                  auto label) {
      for (std::size_t i = 0; i < v.size(); ++i)
        if (present[i] > 0) out[label(i)] += v[i];
    };
    put(t.by_locality, k.locality, shape.locality, [&](std::size_t i) { return c.locality_name[i]; });
    put(t.by_ward, k.ward, shape.ward, [&](std::size_t i) { return c.ward_name[i]; });
    put(t.by_lsoa, k.lsoa, shape.lsoa, [&](std::size_t i) { return c.lsoa_code[i]; });
    put(t.by_practice, k.practice, shape.practice, [&](std::size_t i) { return c.org_name[i]; });
    put(t.by_age, k.age, shape.age, [&](std::size_t i) { return std::string(kBands[i]); });
    put(t.by_sex, k.sex, shape.sex, [&](std::size_t i) { return c.sex_name[i]; });
    put(t.by_decile, k.decile, shape.decile, [&](std::size_t i) { return std::to_string(i); });
    for (std::size_t i = 0; i < k.age.size(); ++i)
      if (shape.age[i] > 0) t.by_client_group[client_group_of(kBands[i])] += k.age[i];
    t.total = k.total;
  };
  // The groups published are those with a population (a measure's own cells outside them, e.g.
  // events of people with no GP record in that ward, are counted in the measure's totals only).
  labelled(population, population, cube.population);
  for (std::size_t m = 0; m < 4; ++m) labelled(measures[m], population, cube.measures[m]);
  return render_jsna(cube, rule);
}

// ---- pseudonyms -----------------------------------------------------------------------------------

std::string pseudonym_key(store::Database& db) {
  if (auto k = db.query_text("SELECT key_hex FROM pseudonym_keys WHERE id = 1")) return *k;
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  db.execute("INSERT INTO pseudonym_keys (id, key_hex, created_at) VALUES (1, ?, ?) ON CONFLICT DO NOTHING",
             {std::string(hex), Timestamp::now().iso()});
  return *db.query_text("SELECT key_hex FROM pseudonym_keys WHERE id = 1");
}

std::string pseudonymise(const std::string& key_hex, const std::string& person_key) {
  unsigned char key[32];
  sodium_hex2bin(key, sizeof key, key_hex.data(), key_hex.size(), nullptr, nullptr, nullptr);
  unsigned char out[8];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(person_key.data()), person_key.size(), key, sizeof key);
  char hex[17];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return std::string("P-") + hex;
}

}  // namespace jc::insight
