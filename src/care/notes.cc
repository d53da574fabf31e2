#include "care/notes.h"

#include "care/common.h"
#include "care/people.h"

namespace jc::care {
namespace {

using governance::DenyReason;
using governance::EntryFacts;
using governance::Op;

constexpr const char* kNoteColumns =
    "n.note_id, n.version, n.person_id, n.organisation_id, o.name, n.team_id, t.name, "
    "s.display_name, n.category, "
    "n.sensitivity, n.written_at, n.body, n.correction_reason";
constexpr const char* kNoteFrom =
    " FROM case_notes n JOIN organisations o ON o.id = n.organisation_id JOIN teams t ON t.id = "
    "n.team_id "
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
  db.query(
      std::string("SELECT ") + kNoteColumns + kNoteFrom + "WHERE n.note_id = ? ORDER BY n.version",
      {note_id}, [&](const store::Row& q) { out.push_back(note_from(q)); });
  return out;
}

}  // namespace

Outcome<CaseNote> add_note(const CareContext& ctx, PersonId person, const NewNote& in) {
  const auto& user = ctx.actor.user;
  auto gate = ctx.gate();
  if (!user.team) {
    gate.refuse(Op::NoteCreate, person, DenyReason::Party);
    return forbidden("only a member of a team may write case notes");
  }
  auto sensitivity = governance::sensitivity_from_code(in.sensitivity);
  if (!sensitivity) return invalid("sensitivity: " + sensitivity.error().message);
  if (detail::trimmed(in.category).empty())
    return invalid("category: what kind of note this is (visit, telephone, review, ...)");
  if (detail::trimmed(in.body).empty()) return invalid("body: the note is empty");
  if (in.body.size() > 100'000) return invalid("body: a note holds at most 100,000 characters");
  if (!ctx.db.query_integer("SELECT 1 FROM persons WHERE id = ?", {person.value}))
    return not_found("no person " + std::to_string(person.value));
  auto pass = gate.pass(Op::NoteCreate, person);
  if (!pass) return detail::refused(pass.decision, "case_note");
  store::Transaction tx(ctx.db);
  // A note's first version names the note: its note_id is its own row id, set once the row has one
  // (until then it holds its negated author, unique among this transaction's rows).
  std::int64_t id = ctx.db.insert_returning_id(
      "INSERT INTO case_notes (note_id, version, person_id, organisation_id, team_id, "
      "author_user_id, category, "
      "sensitivity, written_at, body) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
      {-user.id.value, person.value, user.organisation.value, user.team->value, user.id.value,
       detail::trimmed(in.category), in.sensitivity, ctx.now.iso(), in.body});
  ctx.db.execute("UPDATE case_notes SET note_id = id WHERE id = ?", {id});
  gate.record(*pass.permit, std::to_string(id));
  tx.commit();
  auto v = versions_of(ctx.db, id);
  CaseNote n = v.back();
  n.by_override = pass.decision.by_override;
  return n;
}

Outcome<CaseNote> correct_note(const CareContext& ctx, std::int64_t note_id,
                               const std::string& body, const std::string& reason) {
  auto v = versions_of(ctx.db, note_id);
  if (v.empty()) return not_found("no note " + std::to_string(note_id));
  const CaseNote& last = v.back();
  auto gate = ctx.gate();
  EntryFacts e = facts_of(last);
  e.party =
      ctx.actor.user.team && *ctx.actor.user.team == last.team;  // only the authoring team corrects
  auto pass = gate.pass(Op::NoteCorrect, last.person, e, std::to_string(note_id));
  if (!pass) {
    auto f = detail::refused(pass.decision, "case_note");
    if (f.fault == Fault::Forbidden && pass.decision.reason == DenyReason::Party)
      f.message = "only the authoring team may correct a note";
    return f;
  }
  if (detail::trimmed(body).empty()) return invalid("body: the corrected note is empty");
  if (detail::trimmed(reason).empty()) return invalid("reason: say what the correction corrects");
  store::Transaction tx(ctx.db);
  ctx.db.execute(
      "INSERT INTO case_notes (note_id, version, person_id, organisation_id, team_id, "
      "author_user_id, category, "
      "sensitivity, written_at, body, correction_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {note_id, std::int64_t{last.version + 1}, last.person.value, last.organisation.value,
       last.team.value, ctx.actor.user.id.value, last.category, last.sensitivity, ctx.now.iso(),
       body, detail::trimmed(reason)});
  gate.record(*pass.permit, std::to_string(note_id));
  tx.commit();
  return versions_of(ctx.db, note_id).back();
}

Outcome<std::vector<CaseNote>> list_notes(const CareContext& ctx, PersonId person,
                                          std::size_t offset, std::size_t limit) {
  if (!ctx.db.query_integer("SELECT 1 FROM persons WHERE id = ?", {person.value}))
    return not_found("no person " + std::to_string(person.value));
  auto gate = ctx.gate();
  auto pass = gate.pass(Op::NoteList, person, std::to_string(person.value));
  if (!pass) return detail::refused(pass.decision, "person");
  std::vector<CaseNote> latest;
  ctx.db.query(std::string("SELECT ") + kNoteColumns + kNoteFrom +
                   "WHERE n.person_id = ? AND n.version = (SELECT MAX(v.version) FROM case_notes v "
                   "WHERE v.note_id = n.note_id) "
                   "ORDER BY n.note_id DESC",
               {person.value}, [&](const store::Row& q) { latest.push_back(note_from(q)); });
  std::vector<CaseNote> out;
  std::size_t listed = 0;  // notes the reader may know of, so far
  for (auto& n : latest) {
    if (out.size() >= limit) break;
    auto nd = gate.decide(Op::NoteList, person, facts_of(n));
    if (!nd.visible) continue;  // sealed and locked: not even its existence
    if (!nd.allowed && nd.reason != governance::DenyReason::Sealed)
      continue;  // consent or sensitivity: withheld
    if (listed++ < offset) continue;
    if (!nd.allowed) {
      n.body.reset();
      n.correction_reason.reset();
      n.sealed_to_you = true;
      out.push_back(std::move(n));
      continue;
    }
    n.by_override = nd.by_override;
    gate.record_read(*pass.permit, "case_note", std::to_string(n.note_id), person);
    out.push_back(std::move(n));
  }
  return out;
}

Outcome<std::vector<CaseNote>> note_history(const CareContext& ctx, std::int64_t note_id) {
  auto v = versions_of(ctx.db, note_id);
  if (v.empty()) return not_found("no note " + std::to_string(note_id));
  auto gate = ctx.gate();
  auto pass =
      gate.pass(Op::NoteHistory, v.back().person, facts_of(v.back()), std::to_string(note_id));
  if (!pass.decision.visible) return not_found("no note " + std::to_string(note_id));
  if (!pass) return forbidden(std::string(pass.decision.explanation()));
  for (auto& n : v) n.by_override = pass.decision.by_override;
  return v;
}

Outcome<CaseNote> break_seal(const CareContext& ctx, std::int64_t note_id,
                             const std::string& reason) {
  auto v = versions_of(ctx.db, note_id);
  if (v.empty()) return not_found("no note " + std::to_string(note_id));
  CaseNote n = v.back();
  auto gate = ctx.gate();
  EntryFacts e = facts_of(n);
  if (!gate.decide(Op::NoteHistory, n.person, e).visible) {
    gate.pass(Op::NoteBreakSeal, n.person, e,
              std::to_string(note_id));  // refused, and audited as such
    return not_found("no note " + std::to_string(note_id));
  }
  if (n.sensitivity != "sealed")
    return invalid("note " + std::to_string(note_id) + " is not sealed");
  // Breaking the seal needs everything reading the note unsealed would, and the role to break it.
  e.sensitivity = governance::Sensitivity::Normal;
  auto pass = gate.pass(Op::NoteBreakSeal, n.person, e, std::to_string(note_id));
  if (!pass) {
    auto f = detail::refused(pass.decision, "case_note");
    if (pass.decision.reason == DenyReason::Role) f.message = "your role may not break seals";
    return f;
  }
  if (detail::trimmed(reason).size() < 10)
    return invalid("reason: say why you must read this sealed note (at least 10 characters)");
  store::Transaction tx(ctx.db);
  const std::int64_t seal_break = ctx.db.insert_returning_id(
      "INSERT INTO seal_breaks (user_id, note_id, reason, broken_at) VALUES (?, ?, ?, ?)",
      {ctx.actor.user.id.value, note_id, detail::trimmed(reason), ctx.now.iso()});
  const std::int64_t alert =
      raise_alert(ctx.db, ctx.now, "seal_break", ctx.actor.user.id, n.person, "case_note",
                  std::to_string(note_id), detail::trimmed(reason));
  gate.record(*pass.permit, std::to_string(note_id));
  gate.record(*pass.permit, std::to_string(seal_break), "seal_break", "create", "seal_break");
  gate.record(*pass.permit, std::to_string(alert), "alert", "create", "alert");
  gate.record(*pass.permit, std::to_string(note_id), "case_note", "read");
  tx.commit();
  n.by_override = true;
  return n;
}

}  // namespace jc::care
