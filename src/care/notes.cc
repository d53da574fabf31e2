#include "care/notes.h"

#include "care/common.h"
#include "care/people.h"

namespace jc::care {
namespace {

using governance::Activity;
using governance::EntryFacts;

constexpr const char* kNoteColumns =
    "n.note_id, n.version, n.person_id, n.organisation_id, o.name, n.team_id, t.name, s.display_name, n.category, "
    "n.sensitivity, n.written_at, n.body, n.correction_reason";
constexpr const char* kNoteFrom =
    " FROM case_notes n JOIN organisations o ON o.id = n.organisation_id JOIN teams t ON t.id = n.team_id "
    "JOIN staff_users s ON s.id = n.author_user_id ";

CaseNote note_from(const store::Row& q) {
  CaseNote n;
  n.note_id = q.integer(0);
  n.version = static_cast<int>(q.integer(1));
  n.person = PersonId(q.integer(2));
  n.organisation = OrganisationId(q.integer(3));
  n.organisation_name = q.text(4);
  n.team = TeamId(q.integer(5));
  n.team_name = q.text(6);
  n.author = q.text(7);
  n.category = q.text(8);
  n.sensitivity = q.text(9);
  n.written_at = q.text(10);
  n.body = q.text(11);
  n.correction_reason = q.optional_text(12);
  return n;
}

EntryFacts facts_of(const CaseNote& n) {
  EntryFacts e;
  e.organisation = n.organisation;
  e.team = n.team;
  e.sensitivity = *governance::sensitivity_from_code(n.sensitivity);
  e.note_id = n.note_id;
  return e;
}

std::vector<CaseNote> versions_of(store::Database& db, std::int64_t note_id) {
  std::vector<CaseNote> out;
  db.query(std::string("SELECT ") + kNoteColumns + kNoteFrom + "WHERE n.note_id = ? ORDER BY n.version", {note_id},
           [&](const store::Row& q) { out.push_back(note_from(q)); });
  return out;
}

}  // namespace

Outcome<CaseNote> add_note(const CareContext& ctx, PersonId person, const NewNote& in) {
  const auto& user = ctx.actor.user;
  if (!user.team) return forbidden("only a member of a team may write case notes");
  auto sensitivity = governance::sensitivity_from_code(in.sensitivity);
  if (!sensitivity) return invalid("sensitivity: " + sensitivity.error().message);
  if (detail::trimmed(in.category).empty()) return invalid("category: what kind of note this is (visit, telephone, review, ...)");
  if (detail::trimmed(in.body).empty()) return invalid("body: the note is empty");
  if (in.body.size() > 100'000) return invalid("body: a note holds at most 100,000 characters");
  if (!ctx.db.query_integer("SELECT 1 FROM persons WHERE id = ?", {person.value})) return not_found("no person " + std::to_string(person.value));
  auto access = ctx.access(person);
  auto d = access.decide(Activity::WriteNotes);
  if (!d.allowed) return detail::refuse(ctx, access, "create", "case_note", "", d);
  store::Transaction tx(ctx.db);
  std::int64_t id = ctx.db.next_id("case_notes");
  ctx.db.execute("INSERT INTO case_notes (id, note_id, version, person_id, organisation_id, team_id, author_user_id, category, "
                 "sensitivity, written_at, body) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
                 {id, id, person.value, user.organisation.value, user.team->value, user.id.value, detail::trimmed(in.category),
                  in.sensitivity, ctx.now.iso(), in.body});
  governance::append_audit(ctx.db, access.event("create", "case_note", std::to_string(id), d));
  tx.commit();
  auto v = versions_of(ctx.db, id);
  CaseNote n = v.back();
  n.by_override = d.by_override;
  return n;
}

Outcome<CaseNote> correct_note(const CareContext& ctx, std::int64_t note_id, const std::string& body, const std::string& reason) {
  auto v = versions_of(ctx.db, note_id);
  if (v.empty()) return not_found("no note " + std::to_string(note_id));
  const CaseNote& last = v.back();
  auto access = ctx.access(last.person);
  auto d = access.decide(Activity::WriteNotes, facts_of(last));
  if (d.allowed && !(ctx.actor.user.team && *ctx.actor.user.team == last.team)) {
    d.allowed = false;
    d.reason = governance::DenyReason::Role;
  }
  if (!d.allowed) {
    auto f = detail::refuse(ctx, access, "update", "case_note", std::to_string(note_id), d);
    if (f.fault == Fault::Forbidden && d.reason == governance::DenyReason::Role) f.message = "only the authoring team may correct a note";
    return f;
  }
  if (detail::trimmed(body).empty()) return invalid("body: the corrected note is empty");
  if (detail::trimmed(reason).empty()) return invalid("reason: say what the correction corrects");
  store::Transaction tx(ctx.db);
  std::int64_t id = ctx.db.next_id("case_notes");
  ctx.db.execute("INSERT INTO case_notes (id, note_id, version, person_id, organisation_id, team_id, author_user_id, category, "
                 "sensitivity, written_at, body, correction_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 {id, note_id, std::int64_t{last.version + 1}, last.person.value, last.organisation.value, last.team.value,
                  ctx.actor.user.id.value, last.category, last.sensitivity, ctx.now.iso(), body, detail::trimmed(reason)});
  governance::append_audit(ctx.db, access.event("update", "case_note", std::to_string(note_id), d));
  tx.commit();
  return versions_of(ctx.db, note_id).back();
}

Outcome<std::vector<CaseNote>> list_notes(const CareContext& ctx, PersonId person) {
  if (!ctx.db.query_integer("SELECT 1 FROM persons WHERE id = ?", {person.value})) return not_found("no person " + std::to_string(person.value));
  auto access = ctx.access(person);
  auto d = access.decide(Activity::ViewRecord);
  if (!d.allowed) {
    ctx.reads.record(access.event("read", "case_notes", std::to_string(person.value), d));
    return forbidden(std::string(d.explanation()));
  }
  std::vector<CaseNote> latest;
  ctx.db.query(std::string("SELECT ") + kNoteColumns + kNoteFrom +
                   "WHERE n.person_id = ? AND n.version = (SELECT MAX(v.version) FROM case_notes v WHERE v.note_id = n.note_id) "
                   "ORDER BY n.note_id DESC",
               {person.value}, [&](const store::Row& q) { latest.push_back(note_from(q)); });
  std::vector<CaseNote> out;
  std::vector<governance::AuditEvent> events;
  for (auto& n : latest) {
    auto nd = access.decide(Activity::ViewRecord, facts_of(n));
    if (!nd.visible) continue;  // sealed and locked: not even its existence
    if (!nd.allowed) {
      if (nd.reason != governance::DenyReason::Sealed) continue;  // consent or sensitivity: withheld
      n.body.reset();
      n.correction_reason.reset();
      n.sealed_to_you = true;
      out.push_back(std::move(n));
      continue;
    }
    n.by_override = nd.by_override;
    events.push_back(access.event("read", "case_note", std::to_string(n.note_id), nd));
    out.push_back(std::move(n));
  }
  if (events.empty()) events.push_back(access.event("read", "case_notes", std::to_string(person.value), d));
  ctx.reads.record(std::move(events));
  return out;
}

Outcome<std::vector<CaseNote>> note_history(const CareContext& ctx, std::int64_t note_id) {
  auto v = versions_of(ctx.db, note_id);
  if (v.empty()) return not_found("no note " + std::to_string(note_id));
  auto access = ctx.access(v.back().person);
  auto d = access.decide(Activity::ViewRecord, facts_of(v.back()));
  ctx.reads.record(access.event("read", "case_note", std::to_string(note_id), d));
  if (!d.visible) return not_found("no note " + std::to_string(note_id));
  if (!d.allowed) return forbidden(std::string(d.explanation()));
  for (auto& n : v) n.by_override = d.by_override;
  return v;
}

Outcome<CaseNote> break_seal(const CareContext& ctx, std::int64_t note_id, const std::string& reason) {
  auto v = versions_of(ctx.db, note_id);
  if (v.empty()) return not_found("no note " + std::to_string(note_id));
  CaseNote n = v.back();
  auto access = ctx.access(n.person);
  EntryFacts e = facts_of(n);
  auto d = access.decide(Activity::ViewRecord, e);
  if (!d.visible) return not_found("no note " + std::to_string(note_id));
  if (n.sensitivity != "sealed") return invalid("note " + std::to_string(note_id) + " is not sealed");
  // What the user would be allowed with the seal broken: everything else must already hold.
  e.sensitivity = governance::Sensitivity::Normal;
  auto without_seal = access.decide(Activity::ViewRecord, e);
  bool may_break = ctx.role_grants(Activity::BreakSeal);
  if (!without_seal.allowed || !may_break) {
    governance::AccessDecision denied = without_seal.allowed ? governance::AccessDecision{} : without_seal;
    if (without_seal.allowed) denied.reason = governance::DenyReason::Role;
    auto f = detail::refuse(ctx, access, "break_seal", "case_note", std::to_string(note_id), denied);
    if (without_seal.allowed) f.message = "your role may not break seals";
    return f;
  }
  if (detail::trimmed(reason).size() < 10) return invalid("reason: say why you must read this sealed note (at least 10 characters)");
  store::Transaction tx(ctx.db);
  std::int64_t id = ctx.db.next_id("seal_breaks");
  ctx.db.execute("INSERT INTO seal_breaks (id, user_id, note_id, reason, broken_at) VALUES (?, ?, ?, ?, ?)",
                 {id, ctx.actor.user.id.value, note_id, detail::trimmed(reason), ctx.now.iso()});
  raise_alert(ctx.db, ctx.now, "seal_break", ctx.actor.user.id, n.person, "case_note", std::to_string(note_id), detail::trimmed(reason));
  governance::AccessDecision ok;
  ok.allowed = true;
  ok.by_override = true;
  governance::append_audit(ctx.db, access.event("break_seal", "case_note", std::to_string(note_id), ok));
  governance::append_audit(ctx.db, access.event("read", "case_note", std::to_string(note_id), ok));
  tx.commit();
  n.by_override = true;
  return n;
}

}  // namespace jc::care
