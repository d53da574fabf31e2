#include "pathways/store_log.h"

#include <unordered_map>

namespace jc::pathways {
namespace {

class Collector {
 public:
  void add(const std::string& case_key, std::int64_t t, const std::string& activity, const std::string& team,
           const std::string& organisation) {
    auto [it, fresh] = index_.emplace(case_key, cases_.size());
    if (fresh) {
      cases_.push_back(case_key);
      events_.emplace_back();
    }
    events_[it->second].push_back({b_.activities().intern(activity), t,
                                   team.empty() ? kNone : static_cast<std::int32_t>(b_.resources().intern(team)),
                                   organisation.empty() ? kNone : static_cast<std::int32_t>(b_.groups().intern(organisation))});
  }
  // Each case's events in the order added; add_case orders them by time, ties kept in that order.
  EventLog finish() {
    for (std::size_t c = 0; c < cases_.size(); ++c) b_.add_case(cases_[c], events_[c]);
    return b_.finish();
  }

 private:
  EventLogBuilder b_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::string> cases_;
  std::vector<std::vector<EventLogBuilder::Event>> events_;
};

// The case key of a local record: its NHS number when present, else organisation:record.
constexpr const char* kCaseKey = "COALESCE(r.nhs_number, CAST(r.organisation_id AS TEXT) || ':' || r.local_id)";

void add_referrals(store::Database& db, Collector& out, const std::string& where) {
  db.query(std::string("SELECT ") + kCaseKey +
               ", f.service, t.service, ofr.name, oto.name, rf.sent_at, rf.status, rf.responded_at, f.name, t.name "
               "FROM referrals rf JOIN local_records r ON r.id = rf.local_record_id "
               "JOIN teams f ON f.id = rf.from_team_id JOIN teams t ON t.id = rf.to_team_id "
               "JOIN organisations ofr ON ofr.id = f.organisation_id JOIN organisations oto ON oto.id = t.organisation_id " +
               where + " ORDER BY rf.id",
           {}, [&](const store::Row& row) {
             std::string key = row.text(0);
             out.add(key, parse_time_ms(row.text(5)), "referral to " + row.text(2), row.text(8), row.text(3));
             if (!row.is_null(7)) {
               out.add(key, parse_time_ms(row.text(7)), "referral " + row.text(6) + " by " + row.text(2), row.text(9),
                       row.text(4));
             }
           });
}

void add_activity(store::Database& db, Collector& out, const std::string& services) {
  db.query(std::string("SELECT ") + kCaseKey +
               ", a.service, a.activity_date, COALESCE(t.name, ''), o.name FROM activity a "
               "JOIN local_records r ON r.id = a.local_record_id JOIN organisations o ON o.id = a.organisation_id "
               "LEFT JOIN teams t ON t.id = a.team_id WHERE a.service IN (" + services + ") ORDER BY a.id",
           {}, [&](const store::Row& row) {
             out.add(row.text(0), parse_time_ms(row.text(2)), row.text(1), row.text(3), row.text(4));
           });
}

}  // namespace

const std::vector<std::string>& named_pathways() {
  static const std::vector<std::string> kNames = {"referrals", "hospital-discharge", "children", "urgent-care"};
  return kNames;
}

Result<EventLog> read_store_log(store::Database& db, const std::string& pathway) {
  Collector c;
  if (pathway == "referrals") {
    add_referrals(db, c, "");
  } else if (pathway == "hospital-discharge") {
    add_activity(db, c, "'emergency_admission_long_stay'");
    add_referrals(db, c, "WHERE f.service = 'hospital_discharge' OR t.service IN ('hospital_discharge', 'reablement')");
  } else if (pathway == "children") {
    add_referrals(db, c, "WHERE t.service IN ('single_point_of_access', 'family_support')");
  } else if (pathway == "urgent-care") {
    add_activity(db, c, "'ae_attendance', 'emergency_admission_short_stay', 'emergency_admission_long_stay'");
    add_referrals(db, c, "WHERE f.service = 'hospital_discharge'");
  } else {
    std::string names;
    for (const auto& n : named_pathways()) names += (names.empty() ? "" : ", ") + n;
    return Error{"unknown pathway \"" + pathway + "\": one of " + names};
  }
  return c.finish();
}

}  // namespace jc::pathways
