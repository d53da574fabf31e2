#include "synth/simulation.h"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "care/assessments.h"
#include "care/notes.h"
#include "care/oversight.h"
#include "care/people.h"
#include "care/referrals.h"
#include "store/staff_repository.h"
#include "synth/random.h"

namespace jc::synth {
namespace {

using namespace jc::care;

std::optional<StaffUser> staff(store::Database& db, const std::string& username) {
  auto c = store::find_staff_by_username(db, username);
  if (!c) return std::nullopt;
  return c->user;
}

std::vector<PersonId> open_cases(store::Database& db, TeamId team, int limit) {
  std::vector<PersonId> out;
  db.query("SELECT DISTINCT person_id FROM involvements WHERE team_id = ? AND ended_at IS NULL ORDER BY person_id LIMIT ?",
           {team.value, std::int64_t{limit}}, [&](const store::Row& r) { out.emplace_back(r.integer(0)); });
  return out;
}

const char* kNoteTexts[] = {
    "Visited at home. Settled; eating and drinking well. Plan unchanged.",
    "Telephone review with daughter: managing, would like a carer's assessment.",
    "Wound reviewed and redressed; healing well. Next visit in three days.",
    "Discussed options for support at home; person wishes to stay at home.",
    "Medication reviewed with GP; dosette box arranged with pharmacy.",
    "Fall reported overnight, no injury. Referred for falls assessment.",
    "Attended multidisciplinary meeting; actions agreed and shared.",
};

}  // namespace

Result<SimulationSummary> simulate_use(store::Database& db, const SimulationOptions& o) {
  if (!db.query_integer("SELECT 1 FROM persons LIMIT 1")) return Error{"no persons yet: link the records first (jointcare link --db)"};
  if (db.query_integer("SELECT 1 FROM involvements LIMIT 1")) return Error{"this area's use has already been simulated"};
  SimulationSummary s;
  Random r(o.seed * 7919 + 17);
  const Timestamp start = o.now.plus_seconds(-std::int64_t{o.days} * 86400);
  const std::string period_end = db.query_text("SELECT MAX(activity_date) FROM activity").value_or(o.now.iso().substr(0, 10));

  // 1. Involvements from the record so far: each team's work with a person (from its activity;
  //    ended when nothing happened in the last 90 days), and accepted referrals.
  {
    store::Transaction tx(db);
    auto cutoff = Date::parse_iso(period_end);
    std::string ended_before = cutoff ? cutoff->plus_days(-90).iso() : period_end;
    db.execute(
        "INSERT INTO involvements (person_id, team_id, service, started_at, ended_at, end_reason) "
        "SELECT lr.person_id, a.team_id, t.service, MIN(a.activity_date) || 'T09:00:00Z', "
        "CASE WHEN MAX(a.activity_date) < ? THEN MAX(a.activity_date) || 'T17:00:00Z' END, "
        "CASE WHEN MAX(a.activity_date) < ? THEN 'no contact for 90 days' END "
        "FROM activity a JOIN local_records lr ON lr.id = a.local_record_id JOIN teams t ON t.id = a.team_id "
        "WHERE lr.person_id IS NOT NULL AND a.team_id IS NOT NULL GROUP BY lr.person_id, a.team_id, t.service",
        {ended_before, ended_before});
    db.execute(
        "INSERT INTO involvements (person_id, team_id, service, referral_id, started_at) "
        "SELECT r.person_id, r.to_team_id, t.service, r.id, COALESCE(r.responded_at, r.sent_at) FROM referrals r "
        "JOIN teams t ON t.id = r.to_team_id WHERE r.status = 'accepted' AND r.person_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM involvements i WHERE i.person_id = r.person_id AND i.team_id = r.to_team_id)");
    tx.commit();
    s.involvements = db.query_integer("SELECT COUNT(*) FROM involvements").value_or(0);
  }

  // 2. A period of use by the demo staff, through the services.
  auto dn = staff(db, "dnurse"), sw = staff(db, "sworker"), hv = staff(db, "hvisitor"), mh = staff(db, "mhpractitioner"),
       cm = staff(db, "cmanager"), gp = staff(db, "gp"), discharge = staff(db, "discharge"), cg = staff(db, "caldicott"),
       tm = staff(db, "tmanager");
  if (!dn || !sw || !hv || !mh || !cm || !gp || !discharge || !cg || !tm) return Error{"the demo staff are missing"};
  governance::DirectAudit audit(db);
  const auto& roles = governance::RoleTable::built_in();
  auto at = [&](double fraction) {
    return start.plus_seconds(static_cast<std::int64_t>(fraction * o.days * 86400.0));
  };
  auto ctx = [&](const StaffUser& u, Timestamp when) { return CareContext{db, roles, governance::Actor{u, governance::Purpose::Treatment}, audit, when}; };

  std::vector<StaffUser> practitioners = {*dn, *sw, *hv, *mh, *cm, *gp, *discharge};
  std::map<std::int64_t, std::vector<PersonId>> cases;
  for (const auto& u : practitioners)
    if (u.team) cases[u.id.value] = open_cases(db, *u.team, o.cases_per_user);

  // Everyday work: reads and notes on one's own cases.
  for (const auto& u : practitioners) {
    const auto& mine = cases[u.id.value];
    for (std::size_t i = 0; i < mine.size(); ++i) {
      auto when = at(r.uniform());
      auto c = ctx(u, when);
      if (person_summary(c, mine[i]).ok()) ++s.reads;
      if (r.chance(0.6)) {
        std::string sensitivity = r.chance(0.08) ? "sensitive" : r.chance(0.03) ? "sealed" : "normal";
        auto note = add_note(c, mine[i], NewNote{r.chance(0.5) ? "visit" : "telephone", sensitivity,
                                                 kNoteTexts[static_cast<std::size_t>(r.between(0, std::size(kNoteTexts) - 1))]});
        if (note.ok()) ++s.notes;
      }
      if (r.chance(0.4) && list_notes(c, mine[i]).ok()) ++s.reads;
    }
  }

  // Referrals between the demo teams: the district nurse commissions social care; the social
  // worker asks health visiting to visit; some are answered, some wait in the inbox.
  auto refer = [&](const StaffUser& from, const StaffUser& to, const std::string& service, const std::string& why, int n) {
    const auto& mine = cases[from.id.value];
    for (int k = 0; k < n && k < static_cast<int>(mine.size()); ++k) {
      PersonId p = mine[static_cast<std::size_t>(k)];
      auto when = at(0.1 + 0.8 * r.uniform());
      auto c = ctx(from, when);
      auto sent = send_referral(c, NewReferral{p, *to.team, service, why, r.chance(0.2) ? "urgent" : "routine"});
      if (!sent.ok()) continue;
      ++s.referrals;
      double fate = r.uniform();
      if (fate < 0.35) continue;  // still waiting in the receiving team's inbox
      auto later = ctx(to, when.plus_seconds(static_cast<std::int64_t>(r.between(2, 96)) * 3600));
      ReferralAction a;
      if (fate < 0.45) {
        a.action = "decline";
        a.reason = "Needs are met by the current service";
        (void)act_on_referral(later, sent->id, a);
        continue;
      }
      a.action = "accept";
      a.allocate_to = to.id;
      if (!act_on_referral(later, sent->id, a).ok()) continue;
      if (fate < 0.8) {
        ReferralAction book;
        book.action = "schedule";
        book.starts_at = later.now.plus_seconds(static_cast<std::int64_t>(r.between(1, 10)) * 86400).iso();
        book.place = r.chance(0.7) ? "Home visit" : "Clinic";
        book.practitioner = to.id;
        (void)act_on_referral(later, sent->id, book);
      }
    }
  };
  refer(*dn, *sw, "social care assessment", "Struggling with personal care; family worried", 12);
  refer(*sw, *hv, "health visitor visit", "New baby in the household; mother's low mood", 6);
  refer(*gp, *mh, "mental health assessment", "Low mood and anxiety, not improving", 6);
  refer(*discharge, *sw, "discharge to assess", "Medically fit for discharge; needs support at home", 8);
  refer(*mh, *sw, "carer's assessment", "Carer under strain", 4);

  // One assessment, several agencies: the district nurse starts a comprehensive assessment and
  // answers the health domains; the social worker (now involved) adds the rest.
  int assessed = 0;
  for (PersonId p : cases[dn->id.value]) {
    if (assessed >= 10) break;
    auto c = ctx(*dn, at(0.5 + 0.2 * r.uniform()));
    if (governance::team_relationship(db, sw->team, p) != governance::Relationship::Active) continue;
    auto started = start_assessment(c, p, "comprehensive");
    if (!started.ok()) continue;
    std::map<std::string, std::string> health, social;
    for (const auto& q : assessment_questions()) {
      bool is_health = q.domain == "clinical_background" || q.domain == "disease_prevention" || q.domain == "personal_care" || q.domain == "senses";
      (is_health ? health : social)[std::string(q.code)] = is_health ? "As assessed by the district nurse" : "As assessed by the social worker";
    }
    (void)contribute(c, started->id, health);
    auto c2 = ctx(*sw, c.now.plus_seconds(3 * 86400));
    if (r.chance(0.7)) {
      (void)contribute(c2, started->id, social);
      (void)complete_assessment(c2, started->id);
    }
    ++assessed;
    ++s.assessments;
  }

  // Consent: a few people decline sharing out of the mental health trust.
  for (PersonId p : cases[mh->id.value]) {
    if (!r.chance(0.1)) continue;
    auto c = ctx(*mh, at(r.uniform()));
    auto org = mh->organisation;
    (void)record_consent(c, p, org, "share_out", false);
  }

  // Overrides: the emergency duty social worker breaks the glass for people unknown to the team;
  // the team manager breaks a seal for a safeguarding enquiry.
  std::vector<PersonId> strangers;
  db.query("SELECT id FROM persons p WHERE NOT EXISTS (SELECT 1 FROM involvements i WHERE i.person_id = p.id AND i.team_id = ?) "
           "ORDER BY id LIMIT 5",
           {sw->team->value}, [&](const store::Row& q) { strangers.emplace_back(q.integer(0)); });
  for (std::size_t k = 0; k < strangers.size() && k < 3; ++k) {
    auto c = ctx(*sw, at(0.3 + 0.2 * static_cast<double>(k)));
    if (break_glass(c, strangers[k], "Out-of-hours emergency: person found alone and confused").ok()) {
      ++s.break_glass;
      if (person_summary(c, strangers[k]).ok()) ++s.reads;
    }
  }
  std::optional<std::int64_t> sealed;
  db.query("SELECT n.note_id FROM case_notes n JOIN involvements i ON i.person_id = n.person_id AND i.team_id = ? AND i.ended_at IS NULL "
           "WHERE n.sensitivity = 'sealed' AND n.team_id <> ? ORDER BY n.note_id LIMIT 1",
           {tm->team->value, tm->team->value}, [&](const store::Row& q) { sealed = q.integer(0); });
  if (sealed) (void)break_seal(ctx(*tm, at(0.6)), *sealed, "Section 42 safeguarding enquiry: strategy meeting");

  // The Caldicott Guardian reviews the older alerts.
  auto guardian = ctx(*cg, at(0.95));
  auto open = list_alerts(guardian, "open", 0, 100);
  if (open.ok()) {
    for (std::size_t k = 0; k + 1 < open->size(); k += 2) {
      if (review_alert(guardian, (*open)[k].id, "appropriate", "Emergency duty: justified").ok()) ++s.alerts_reviewed;
    }
  }
  return s;
}

}  // namespace jc::synth
