// The access matrix (tests/data/access_matrix.txt, written by hand from the access rule) run
// against the real care services: every declared operation × role × relationship × consent (×
// the entry, where the operation has one), each case on a person made for it, on SQLite and
// PostgreSQL. Each case checks the outcome, what an allowed list shows of the entry, and the audit:
// every decision of the gate is one event naming the operation, a refusal's with its reason.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "care/assessments.h"
#include "care/chc.h"
#include "care/notes.h"
#include "care/oversight.h"
#include "care/patients.h"
#include "care/people.h"
#include "care/plans.h"
#include "care/referrals.h"
#include "core/nhs_number.h"
#include "governance/operations.h"
#include "identity/person_index.h"
#include "io/toml_file.h"
#include "support/care_world.h"
#include "support/database_fixture.h"

namespace jc::care {
namespace {

using governance::Op;

// ---- The matrix file ----

struct Row {
  int line = 0;
  std::string op;
  std::set<std::string> roles, relationships, consents, entries;  // empty: any
  std::string expected;
};

struct Matrix {
  std::vector<Row> rows;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

Matrix load_matrix(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::map<std::string, std::set<std::string>> groups;
  Matrix m;
  std::string text;
  int line = 0;
  auto values = [&](const std::string& column, int at) {
    std::set<std::string> out;
    if (column == "*") return out;
    for (const auto& part : split(column, '|')) {
      if (!part.empty() && part[0] == '@') {
        auto g = groups.find(part.substr(1));
        if (g == groups.end())
          throw std::runtime_error(path + ":" + std::to_string(at) + ": no group " + part);
        out.insert(g->second.begin(), g->second.end());
      } else {
        out.insert(part);
      }
    }
    return out;
  };
  while (std::getline(in, text)) {
    ++line;
    if (text.empty() || text[0] == '#') continue;
    if (text[0] == '@') {
      auto eq = text.find('=');
      std::string name = text.substr(1, text.find_first_of(" =") - 1);
      std::string list = text.substr(eq + 1);
      list.erase(0, list.find_first_not_of(' '));
      groups[name] = values(list, line);
      continue;
    }
    std::istringstream cols(text);
    Row r;
    r.line = line;
    std::string roles, rel, consent, entry;
    if (!(cols >> r.op >> roles >> rel >> consent >> entry >> r.expected))
      throw std::runtime_error(path + ":" + std::to_string(line) + ": six columns expected");
    r.roles = values(roles, line);
    r.relationships = values(rel, line);
    r.consents = values(consent, line);
    if (entry != "-") r.entries = values(entry, line);
    m.rows.push_back(std::move(r));
  }
  return m;
}

bool in(const std::set<std::string>& s, const std::string& v) {
  return s.empty() || s.count(v) > 0;
}

const Row* decide_by_matrix(const Matrix& m, const std::string& op, const std::string& role,
                            const std::string& rel, const std::string& consent,
                            const std::string& entry) {
  for (const auto& r : m.rows)
    if (r.op == op && in(r.roles, role) && in(r.relationships, rel) && in(r.consents, consent) &&
        in(r.entries, entry))
      return &r;
  return nullptr;
}

const std::vector<std::string> kRelationships = {"none",  "pending",     "active",
                                                 "ended", "break_glass", "expired_break_glass"};
const std::vector<std::string> kConsents = {"none", "out_refused", "in_refused", "both"};

std::vector<std::string> entries_of(Op op) {
  switch (op) {
    case Op::NoteCorrect:
    case Op::NoteList:
    case Op::NoteHistory:
    case Op::NoteBreakSeal:
      return {"normal", "sensitive", "sealed", "sealed_locked", "own"};
    case Op::ConsentRecord:
      return {"own", "other"};
    case Op::ReferralRead:
    case Op::ReferralSearch:
      return {"party", "other_teams"};
    case Op::PatientRead:
      return {"trust", "own"};
    default:
      return {"-"};
  }
}

// ---- One case, on the real services ----

constexpr std::int64_t kNow = 1'790'000'000;

// A valid NHS number of its own for each case's person (the modulus 11 check digit).
std::string nhs_number_for(int n) {
  for (int k = n;; ++k) {
    std::string nine = std::to_string(400'000'000 + (k % 500'000'000));
    if (auto d = NhsNumber::check_digit(nine)) return nine + std::to_string(*d);
  }
}

// The newest audit event's id in each trail (the access log's parts hold one chain).
std::int64_t newest_record_event(store::Database& db) {
  return db.query_integer("SELECT COALESCE(MAX(id), 0) FROM audit_events").value_or(0);
}
std::int64_t newest_access_event(store::Database& db) {
  std::int64_t newest = 0;
  for (std::size_t i = 0; i < db.access_log_parts(); ++i)
    newest = std::max(newest, db.access_log(i)
                                  .query_integer("SELECT COALESCE(MAX(id), 0) FROM access_events")
                                  .value_or(0));
  return newest;
}

struct Observed {
  std::string outcome;  // allow, override, deny, hidden, conflict, invalid
  std::string shown;    // for lists: shown, stub, withheld
};

class Case {
 public:
  Case(store::Database& db, testing::CareWorld& w, const governance::RoleTable& roles,
       const StaffUser& reader, const std::string& rel, const std::string& consent,
       const std::string& entry)
      : db_(db), w_(w), roles_(roles), reader_(reader), entry_(entry) {
    static int cases = 0;
    nhs_number_ = nhs_number_for(++cases);
    store::Transaction tx(db);
    person_ = w.person("Matrix", "Case", nhs_number_);
    w.involve(TeamId(1), person_);
    if (rel == "pending") referral(1, 2, "sent");
    if (rel == "active") involvement_ = w.involve(TeamId(2), person_);
    if (rel == "ended") involvement_ = w.involve(TeamId(2), person_, true);
    if (rel == "break_glass" || rel == "expired_break_glass") {
      std::int64_t expires = rel == "break_glass" ? kNow + 3 * 3600 : kNow - 3600;
      const std::int64_t id = db.insert_returning_id(
          "INSERT INTO break_glass (user_id, person_id, reason, started_at, expires_at) VALUES (?, "
          "?, 'matrix case', ?, ?)",
          {reader.id.value, person_.value, Timestamp::from_seconds(kNow - 2 * 3600).iso(),
           Timestamp::from_seconds(expires).iso()});
      w.seal(person_, "break_glass", "break_glass", "break_glass", id);
    }
    if (consent == "out_refused" || consent == "both") w.consent(person_, 1, "share_out", false);
    if (consent == "in_refused" || consent == "both") w.consent(person_, 2, "share_in", false);
    tx.commit();
  }

  CareContext ctx() {
    return CareContext{db_, roles_, governance::Actor{reader_, governance::Purpose::Treatment},
                       reads_, Timestamp::from_seconds(kNow)};
  }

  // A referral between teams, in a status, as the seeds' teams would have sent it.
  std::int64_t referral(std::int64_t from_team, std::int64_t to_team, const std::string& status) {
    auto record = db_.query_integer(
        "SELECT id FROM local_records WHERE person_id = ? ORDER BY id LIMIT 1", {person_.value});
    return db_.insert_returning_id(
        "INSERT INTO referrals (local_record_id, from_team_id, to_team_id, sent_at, status, "
        "reason, person_id, urgency, accepted_at) "
        "VALUES (?, ?, ?, ?, ?, 'Needs a review at home', ?, 'routine', ?)",
        {*record, from_team, to_team, Timestamp::from_seconds(kNow - 86400).iso(), status,
         person_.value,
         status == "accepted" ? store::Value(Timestamp::from_seconds(kNow - 3600).iso())
                              : store::null()});
  }
  std::int64_t note(const std::string& sensitivity, std::int64_t team, std::int64_t organisation,
                    StaffUserId author) {
    std::int64_t id = db_.insert_returning_id(
        "INSERT INTO case_notes (note_id, version, person_id, organisation_id, team_id, "
        "author_user_id, category, sensitivity, "
        "written_at, body) VALUES (0, 1, ?, ?, ?, ?, 'visit', ?, ?, 'Dressing changed.')",
        {person_.value, organisation, team, author.value, sensitivity,
         Timestamp::from_seconds(kNow - 7200).iso()});
    db_.execute("UPDATE case_notes SET note_id = id WHERE id = ?", {id});
    return id;
  }
  std::int64_t plan() {
    return db_.insert_returning_id(
        "INSERT INTO care_plans (person_id, status, created_at, created_by_user_id, "
        "organisation_id, review_date) "
        "VALUES (?, 'active', ?, ?, 1, '2027-06-30')",
        {person_.value, Timestamp::from_seconds(kNow - 7200).iso(), w_.dn.id.value});
  }
  std::int64_t budget() {
    std::int64_t id = db_.insert_returning_id(
        "INSERT INTO personal_budgets (person_id, kind, mode, annual_amount_pence, start_date, "
        "review_date, created_at, "
        "created_by_user_id) VALUES (?, 'personal_budget', 'notional', 520000, '2026-04-01', "
        "'2027-03-31', ?, ?)",
        {person_.value, Timestamp::from_seconds(kNow - 7200).iso(), w_.dn.id.value});
    db_.execute(
        "INSERT INTO personal_budget_funders (budget_id, funder, amount_pence) VALUES (?, "
        "'council', 520000)",
        {id});
    return id;
  }
  std::int64_t assessment() {
    return db_.insert_returning_id(
        "INSERT INTO assessments (person_id, kind, status, started_at, started_by_user_id, "
        "organisation_id) "
        "VALUES (?, 'comprehensive', 'open', ?, ?, 1)",
        {person_.value, Timestamp::from_seconds(kNow - 7200).iso(), w_.dn.id.value});
  }
  std::int64_t chc(const std::string& status) {
    return db_.insert_returning_id(
        "INSERT INTO chc_cases (person_id, fast_track, status, opened_at, opened_by_user_id, "
        "organisation_id) VALUES (?, 0, ?, ?, ?, 1)",
        {person_.value, status, Timestamp::from_seconds(kNow - 7200).iso(), w_.dn.id.value});
  }

  template <class T>
  static Observed outcome_of(const Outcome<T>& o, bool by_override) {
    if (o.ok()) return {by_override ? "override" : "allow", ""};
    switch (o.failure().fault) {
      case Fault::Forbidden:
        return {"deny", ""};
      case Fault::NotFound:
        return {"hidden", ""};
      case Fault::Conflict:
        return {"conflict", ""};
      case Fault::Invalid:
        return {"invalid", ""};
    }
    return {"?", ""};
  }
  // Whether the operation was allowed by override: its events say so in their purpose.
  bool last_by_override() {
    const char* sql = " WHERE user_id = ? AND id > ? AND purpose = 'ETREAT'";
    bool over = db_.query_integer(std::string("SELECT COUNT(*) FROM audit_events") + sql,
                                  {reader_.id.value, record_before_})
                    .value_or(0) > 0;
    for (std::size_t i = 0; i < db_.access_log_parts(); ++i)
      over = over || db_.access_log(i)
                             .query_integer(std::string("SELECT COUNT(*) FROM access_events") + sql,
                                            {reader_.id.value, access_before_})
                             .value_or(0) > 0;
    return over;
  }

  // What an operation needs made, with its own audit events, before its events are counted.
  void prepare(Op op) {
    if (op == Op::AlertReview) {
      alert_ = raise_alert(db_, Timestamp::from_seconds(kNow - 60), "break_glass", w_.dn.id,
                           person_, "person", std::to_string(person_.value), "Out of hours visit");
      w_.seal(person_, "alert", "create", "alert", alert_);
    }
  }

  Observed run(Op op) {
    record_before_ = newest_record_event(db_);
    access_before_ = newest_access_event(db_);
    auto c = ctx();
    auto bg = [&](const auto& o) { return outcome_of(o, o.ok() && last_by_override()); };
    switch (op) {
      case Op::PersonSearch: {
        PersonQuery q;
        q.nhs_number = nhs_number_;
        return bg(find_persons(c, q));
      }
      case Op::PersonSummary:
        return bg(person_summary(c, person_));
      case Op::PersonKnownTo:
        return bg(known_to(c, person_));
      case Op::PersonTimeline:
        return bg(timeline(c, person_));
      case Op::BreakGlass:
        return bg(break_glass(c, person_, "Collapsed at home, history needed", 1));
      case Op::ConsentList:
        return bg(consents(c, person_));
      case Op::ConsentRecord:
        return bg(record_consent(c, person_, OrganisationId(entry_ == "own" ? 2 : 1), "share_out",
                                 false));
      case Op::NoteCreate:
        return bg(add_note(c, person_, NewNote{"visit", "normal", "Visited."}));
      case Op::NoteCorrect:
        return bg(correct_note(c, entry_note(), "Dressing changed twice.", "Miscounted"));
      case Op::NoteList: {
        std::int64_t id = entry_note();
        auto o = list_notes(c, person_);
        Observed x = bg(o);
        if (o.ok()) {
          x.shown = "withheld";
          for (const auto& n : *o)
            if (n.note_id == id)
              x.shown = n.sealed_to_you ? "stub" : (n.body ? "shown" : "withheld");
        }
        return x;
      }
      case Op::NoteHistory:
        return bg(note_history(c, entry_note()));
      case Op::NoteBreakSeal:
        return bg(break_seal(c, entry_note(), "Strategy meeting under section 42"));
      case Op::ReferralSend:
        return bg(send_referral(
            c, NewReferral{person_, TeamId(3), "", "Health visitor review", "routine"}));
      case Op::ReferralRead: {
        std::int64_t id = entry_ == "party" ? referral(1, 2, "sent") : referral(1, 3, "sent");
        return bg(get_referral(c, ReferralId(id)));
      }
      case Op::ReferralSearch: {
        std::int64_t id = entry_ == "party" ? referral(1, 2, "sent") : referral(1, 3, "sent");
        ReferralQuery q;
        q.record = LocalRecordId(
            *db_.query_integer("SELECT local_record_id FROM referrals WHERE id = ?", {id}));
        auto o = search_referrals(c, q);
        Observed x = bg(o);
        if (o.ok()) {
          x.shown = "withheld";
          for (const auto& r : o->referrals)
            if (r.id.value == id) x.shown = "shown";
        }
        return x;
      }
      case Op::ReferralInbox:
        return bg(team_inbox(c, TeamId(2), {}, 0, 50));
      case Op::ReferralAccept:
      case Op::ReferralDecline:
      case Op::ReferralRedirect:
      case Op::ReferralCancel: {
        std::int64_t id = referral(1, 2, "sent");
        ReferralAction a;
        a.action = op == Op::ReferralAccept     ? "accept"
                   : op == Op::ReferralDecline  ? "decline"
                   : op == Op::ReferralRedirect ? "redirect"
                                                : "cancel";
        a.reason = "Not for this team";
        a.redirect_to = TeamId(3);
        return bg(act_on_referral(c, ReferralId(id), a));
      }
      case Op::ReferralAllocate:
      case Op::ReferralSchedule:
      case Op::ReferralComplete: {
        std::int64_t id = referral(1, 2, "accepted");
        ReferralAction a;
        a.action = op == Op::ReferralAllocate   ? "allocate"
                   : op == Op::ReferralSchedule ? "schedule"
                                                : "complete";
        a.allocate_to = op == Op::ReferralAllocate ? std::optional(reader_.id) : std::nullopt;
        a.practitioner = reader_.id;
        a.starts_at = Timestamp::from_seconds(kNow + 86400).iso();
        a.place = "Home";
        return bg(act_on_referral(c, ReferralId(id), a));
      }
      case Op::ReferralBook:
      case Op::ReferralWithdraw: {
        std::int64_t id = referral(2, 4, op == Op::ReferralBook ? "accepted" : "sent");
        ReferralAction a;
        a.action = op == Op::ReferralBook ? "schedule" : "cancel";
        a.reason = "No longer needed";
        a.practitioner = w_.mh.id;
        a.starts_at = Timestamp::from_seconds(kNow + 86400).iso();
        a.place = "Clinic";
        return bg(act_on_referral(c, ReferralId(id), a));
      }
      case Op::InvolvementClose: {
        std::int64_t id =
            involvement_ ? *involvement_
                         : *db_.query_integer(
                               "SELECT id FROM involvements WHERE person_id = ? AND team_id = 1",
                               {person_.value});
        return bg(close_involvement(c, id, "Discharged from the caseload"));
      }
      case Op::AssessmentStart:
        return bg(start_assessment(c, person_, "contact", ""));
      case Op::AssessmentRead:
        return header(get_assessment(c, assessment()));
      case Op::AssessmentList: {
        assessment();
        auto o = person_assessments(c, person_);
        Observed x = bg(o);
        if (o.ok()) x.shown = !o->empty() && !(*o)[0].organisation.empty() ? "shown" : "withheld";
        return x;
      }
      case Op::AssessmentContribute: {
        std::map<std::string, std::string> answers{
            {std::string(assessment_questions()[0].code), "Manages with help"}};
        return bg(contribute(c, assessment(), answers));
      }
      case Op::AssessmentComplete:
        return bg(complete_assessment(c, assessment()));
      case Op::ChcOpen:
        return bg(open_chc(c, person_, false));
      case Op::ChcChecklist:
        return bg(record_checklist(c, chc("screening"), true));
      case Op::ChcAssess: {
        std::map<std::string, std::string> levels;
        for (const auto& d : chc_domains()) levels[std::string(d.code)] = "low";
        return bg(record_dst(c, chc("full_assessment"), levels, {w_.dn.id, w_.sw.id}));
      }
      case Op::ChcDecide:
        return bg(record_chc_decision(c, chc("awaiting_decision"), "not_eligible"));
      case Op::ChcRead:
        return bg(get_chc(c, chc("screening")));
      case Op::CarePlanCreate:
        return bg(create_care_plan(c, person_, NewPlan{"2027-06-30", std::nullopt}));
      case Op::CarePlanAddLine:
        return bg(add_plan_line(c, plan(),
                                NewPlanLine{OrganisationId(2), "home care", "council", std::nullopt,
                                            7, 2450, "2026-10-01", ""}));
      case Op::CarePlanList: {
        plan();
        auto o = care_plans(c, person_);
        Observed x = bg(o);
        if (o.ok()) x.shown = o->empty() ? "withheld" : "shown";
        return x;
      }
      case Op::BudgetCreate: {
        NewBudget b;
        b.annual_amount_pence = 520000;
        b.funders = {{"council", 520000}};
        b.start_date = "2026-10-01";
        b.review_date = "2027-09-30";
        return bg(create_personal_budget(c, person_, b));
      }
      case Op::BudgetRecordEntry:
        return bg(record_budget_entry(c, budget(), "spend", "2026-10-02", "Day centre", 4500));
      case Op::BudgetList: {
        budget();
        auto o = personal_budgets(c, person_);
        Observed x = bg(o);
        if (o.ok()) x.shown = o->empty() ? "withheld" : "shown";
        return x;
      }
      case Op::AlertList:
        return bg(list_alerts(c, "", 0, 10));
      case Op::AlertReview:
        return bg(review_alert(c, alert_, "appropriate", ""));
      case Op::AuditSearch: {
        governance::AuditQuery q;
        q.person_id = person_.value;
        return bg(search_audit_trail(c, q));
      }
      case Op::AuditWhoLooked:
        return bg(who_looked(c, person_, 10));
      case Op::AuditVerify:
        return bg(verify_audit_trail(c));
      case Op::PersonMerge:
      case Op::PersonKeepApart:
      case Op::PersonUnmerge: {
        // Two records of the person index a linkage review could join: this person's and another's.
        PersonId other =
            w_.person("Other", "Case", nhs_number_for(1'000'000 + static_cast<int>(person_.value)));
        auto left = db_.query_integer("SELECT MIN(id) FROM local_records WHERE person_id = ?",
                                      {person_.value});
        auto right = db_.query_integer("SELECT MIN(id) FROM local_records WHERE person_id = ?",
                                       {other.value});
        std::int64_t review = db_.insert_returning_id(
            "INSERT INTO linkage_review (left_record_id, right_record_id, match_probability, "
            "status, created_at) "
            "VALUES (?, ?, 0.9, 'open', ?)",
            {*left, *right, Timestamp::from_seconds(kNow - 60).iso()});
        if (op != Op::PersonUnmerge)
          return bg(decide_link_review(c, review, op == Op::PersonMerge));
        if (!identity::decide_review(db_, review, true)) return {"setup failed", ""};
        return bg(undo_person_merge(c, *db_.query_integer("SELECT MAX(id) FROM person_merges")));
      }
      case Op::ExtractExport: {
        // `jointcare export` passes the gate with this call (cli/export_command.cc).
        auto gate = c.gate();
        auto pass = gate.pass_role(Op::ExtractExport, std::nullopt, "extracts");
        if (pass) {
          store::Transaction tx(db_);
          gate.record(*pass.permit, "extracts");
          tx.commit();
        }
        return {pass ? "allow" : "deny", ""};
      }
      case Op::PatientRead: {
        auto id = db_.query_integer(
            "SELECT id FROM local_records WHERE person_id = ? AND organisation_id = ?",
            {person_.value, std::int64_t{entry_ == "own" ? 2 : 1}});
        if (!id) return {"setup failed", ""};
        return bg(patient_record(c, LocalRecordId(*id)));
      }
      case Op::PatientSearch: {
        PatientQuery q;
        q.nhs_number = nhs_number_;
        return bg(search_patients(c, q));
      }
      case Op::CommissioningRead: {
        // The server's commissioning routes pass the gate with this call (server/api.cc).
        auto gate = c.gate();
        auto pass = gate.pass_role(Op::CommissioningRead, std::nullopt, "jsna");
        return {pass ? "allow" : "deny", ""};
      }
    }
    return {"?", ""};
  }

 private:
  std::int64_t entry_note() {
    if (entry_ == "own") return note("normal", 2, 2, w_.sw.id);
    return note(entry_, 1, 1, w_.dn.id);
  }
  Observed header(const Outcome<AssessmentView>& o) {
    Observed x = outcome_of(o, o.ok() && last_by_override());
    if (o.ok()) x.shown = o->organisation.empty() ? "withheld" : "shown";
    return x;
  }

  store::Database& db_;
  testing::CareWorld& w_;
  const governance::RoleTable& roles_;
  StaffUser reader_;
  std::string entry_;
  std::string nhs_number_;
  PersonId person_;
  std::int64_t alert_ = 0;
  std::optional<std::int64_t> involvement_;
  std::int64_t record_before_ = 0, access_before_ = 0;
  governance::DirectAudit reads_{db_};
};

std::string data_path() { return std::string(JC_TEST_DATA_DIR) + "/access_matrix.txt"; }

struct MatrixRun {
  int cases = 0, mismatches = 0;
  std::set<int> rows_used;
  std::vector<std::string> failures;
};

// Runs the matrix with a role table over the operations given (all by default); every `stride`th
// case of each operation (1: all of them).
MatrixRun run_matrix(store::Database& db, const governance::RoleTable& roles, const Matrix& m,
                     std::size_t stride, const std::set<Op>& only = {}) {
  testing::CareWorld w(db);
  std::map<Role, StaffUser> readers;
  for (Role r : all_roles()) readers[r] = w.user("reader", r, 2, 2);
  MatrixRun run;
  for (const auto& o : governance::operations()) {
    if (!only.empty() && !only.count(o.op)) continue;
    std::size_t n = 0;
    for (Role role : all_roles())
      for (const auto& rel : kRelationships)
        for (const auto& consent : kConsents)
          for (const auto& entry : entries_of(o.op)) {
            if (n++ % stride != 0) continue;
            std::string where = std::string(o.code) + " / " + std::string(to_code(role)) + " / " +
                                rel + " / " + consent + " / " + entry;
            const Row* row = decide_by_matrix(m, std::string(o.code), std::string(to_code(role)),
                                              rel, consent, entry);
            ++run.cases;
            if (!row) {
              ++run.mismatches;
              run.failures.push_back(where + ": no row of the matrix decides it");
              continue;
            }
            run.rows_used.insert(row->line);
            Case c(db, w, roles, readers[role], rel, consent, entry);
            c.prepare(o.op);
            auto record_before = newest_record_event(db);
            auto access_before = newest_access_event(db);
            Observed seen = c.run(o.op);
            std::string expected_outcome =
                row->expected.substr(0, row->expected.find_first_of(":/"));
            std::string expected_shown = row->expected.find('/') == std::string::npos
                                             ? ""
                                             : row->expected.substr(row->expected.find('/') + 1);
            std::string expected_reason = row->expected.find(':') == std::string::npos
                                              ? ""
                                              : row->expected.substr(row->expected.find(':') + 1);
            std::string got = seen.outcome + (seen.shown.empty() ? "" : "/" + seen.shown);
            bool ok = seen.outcome == expected_outcome && seen.shown == expected_shown;
            // The audit: a decision of the gate is an event naming the operation; a refusal is
            // exactly one event, with its reason; a conflict or bad input before the gate, none.
            std::int64_t new_record = newest_record_event(db) - record_before;
            std::int64_t new_access = newest_access_event(db) - access_before;
            std::string audit_problem;
            if (seen.outcome == "deny" || seen.outcome == "hidden") {
              const char* table =
                  o.trail == governance::AuditTrail::Record ? "audit_events" : "access_events";
              std::string op_reason;
              std::int64_t newest = 0;
              std::vector<store::Database*> stores{&db};
              if (o.trail == governance::AuditTrail::Access) {
                stores.clear();
                for (std::size_t i = 0; i < db.access_log_parts(); ++i)
                  stores.push_back(&db.access_log(i));
              }
              for (auto* s : stores)
                s->query(std::string("SELECT id, operation, reason, outcome FROM ") + table +
                             " WHERE user_id = ? ORDER BY id DESC LIMIT 1",
                         {readers[role].id.value}, [&](const store::Row& r) {
                           if (r.integer(0) > newest)
                             newest = r.integer(0),
                             op_reason = r.text(1) + " " + r.text(2) + " " + r.text(3);
                         });
              if (new_record + new_access != 1)
                audit_problem =
                    "a refusal wrote " + std::to_string(new_record + new_access) + " audit events";
              else if (op_reason != std::string(o.code) + " " +
                                        (expected_reason.empty() ? "invisible" : expected_reason) +
                                        " denied")
                audit_problem = "the refusal's event says \"" + op_reason + "\"";
            } else if (seen.outcome == "conflict" || seen.outcome == "invalid") {
              if (new_record + new_access != 0)
                audit_problem = "a request refused before the gate wrote audit events";
            } else if (o.trail == governance::AuditTrail::Record ? new_record < 1
                                                                 : new_access < 1) {
              audit_problem = "an allowed operation wrote no event in its trail";
            }
            if (!ok || !audit_problem.empty()) {
              ++run.mismatches;
              run.failures.push_back(where + ": expected " + row->expected + " (matrix line " +
                                     std::to_string(row->line) + "), got " + got +
                                     (audit_problem.empty() ? "" : "; " + audit_problem));
            }
          }
  }
  return run;
}

class CareAccessMatrixFile : public testing::DatabaseTest {};

TEST_P(CareAccessMatrixFile, EveryOperationRoleRelationshipConsentAndEntryAsTheMatrixSays) {
  Matrix m = load_matrix(data_path());
  // Every declared operation has rows of its own, and every row names a declared operation.
  std::set<std::string> declared;
  for (const auto& o : governance::operations()) declared.insert(std::string(o.code));
  std::set<std::string> with_rows;
  for (const auto& r : m.rows) {
    EXPECT_TRUE(declared.count(r.op)) << "matrix line " << r.line << ": no operation " << r.op;
    with_rows.insert(r.op);
  }
  for (const auto& code : declared)
    EXPECT_TRUE(with_rows.count(code)) << "operation " << code << " is declared without rows";
  // SQLite runs every case; PostgreSQL every third (each operation, role and relationship still
  // meet), which keeps the suite's time in bounds on two cores.
  std::size_t stride = GetParam() == testing::Backend::Sqlite ? 1 : 3;
  MatrixRun run = run_matrix(*db_, governance::RoleTable::built_in(), m, stride);
  for (std::size_t i = 0; i < run.failures.size() && i < 40; ++i) ADD_FAILURE() << run.failures[i];
  EXPECT_EQ(run.mismatches, 0) << "of " << run.cases << " cases";
  if (stride == 1) {
    for (const auto& r : m.rows)
      EXPECT_TRUE(run.rows_used.count(r.line)) << "matrix line " << r.line << " decides no case";
  }
  auto verified = governance::verify_audit(*db_);
  EXPECT_TRUE(verified.intact) << verified.problem;
}

INSTANTIATE_STORE_SUITE(CareAccessMatrixFile);

// One line of config/roles.toml changed makes the matrix fail: the expectation does not come from
// the role table.
TEST(CareAccessMatrixMutation, OneChangedLineOfTheRoleTableIsCaught) {
  std::ifstream in(JC_ROLES_TOML);
  ASSERT_TRUE(in) << JC_ROLES_TOML;
  std::stringstream text;
  text << in.rdbuf();
  std::string toml = text.str();
  Matrix m = load_matrix(data_path());
  struct Mutation {
    std::string from, to;
    std::set<Op> ops;
  };
  // A reablement worker given consent; a team manager without break_seal; a commissioner given
  // view_record.
  const std::vector<Mutation> mutations = {
      {"reablement_worker = [\"view_record\", \"write_notes\", \"assess\"]",
       "reablement_worker = [\"view_record\", \"write_notes\", \"assess\", \"consent\"]",
       {Op::ConsentRecord}},
      {"\"break_glass\", \"break_seal\", \"aggregates\"]",
       "\"break_glass\", \"aggregates\"]",
       {Op::NoteBreakSeal}},
      {"commissioner = [\"aggregates\"]",
       "commissioner = [\"aggregates\", \"view_record\"]",
       {Op::PersonSummary}},
  };
  for (const auto& mu : mutations) {
    SCOPED_TRACE(mu.to);
    auto at = toml.find(mu.from);
    ASSERT_NE(at, std::string::npos) << "config/roles.toml no longer has: " << mu.from;
    std::string changed = toml;
    changed.replace(at, mu.from.size(), mu.to);
    auto roles = governance::RoleTable::parse(changed, "mutated roles.toml");
    ASSERT_TRUE(roles.ok()) << roles.error().message;
    auto path = testing::scratch_dir("matrix-mutation") / "m.db";
    auto db = store::open_database(path.string());
    MatrixRun run = run_matrix(*db, *roles, m, 1, mu.ops);
    EXPECT_GT(run.mismatches, 0) << "the changed role table went unnoticed";
  }
}

}  // namespace
}  // namespace jc::care
