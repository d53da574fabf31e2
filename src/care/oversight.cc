#include "care/oversight.h"

#include <algorithm>
#include <map>

namespace jc::care {
namespace {

using governance::Op;

Alert alert_from(const store::Row& q) {
  Alert a;
  a.id = q.integer(0);
  a.raised_at = q.text(1);
  a.kind = q.text(2);
  a.user = q.text(3);
  a.user_role = q.text(4);
  a.person_id = q.optional_integer(5);
  a.record_type = q.text(6);
  a.record_id = q.text(7);
  a.reason = q.text(8);
  a.status = q.text(9);
  a.reviewed_by = q.optional_text(10);
  a.reviewed_at = q.optional_text(11);
  a.review_outcome = q.optional_text(12);
  a.review_note = q.optional_text(13);
  return a;
}

constexpr const char* kAlertSelect =
    "SELECT a.id, a.raised_at, a.kind, u.display_name, u.role, a.person_id, a.record_type, "
    "a.record_id, a.reason, a.status, "
    "r.display_name, a.reviewed_at, a.review_outcome, a.review_note FROM alerts a JOIN staff_users "
    "u ON u.id = a.user_id "
    "LEFT JOIN staff_users r ON r.id = a.reviewed_by_user_id ";

std::vector<AccessLogEntry> named(store::Database& db, std::vector<governance::AuditEvent> events) {
  std::map<std::int64_t, std::string> users, orgs;
  std::vector<AccessLogEntry> out;
  for (auto& e : events) {
    AccessLogEntry x;
    if (e.user_id) {
      auto [it, added] = users.emplace(*e.user_id, "");
      if (added)
        it->second =
            db.query_text("SELECT display_name FROM staff_users WHERE id = ?", {*e.user_id})
                .value_or("");
      x.user_name = it->second;
    }
    if (e.organisation_id) {
      auto [it, added] = orgs.emplace(*e.organisation_id, "");
      if (added)
        it->second =
            db.query_text("SELECT name FROM organisations WHERE id = ?", {*e.organisation_id})
                .value_or("");
      x.organisation_name = it->second;
    }
    x.event = std::move(e);
    out.push_back(std::move(x));
  }
  return out;
}

}  // namespace

Outcome<std::vector<Alert>> list_alerts(const CareContext& ctx, const std::string& status,
                                        std::size_t offset, std::size_t limit) {
  if (!status.empty() && status != "open" && status != "reviewed")
    return invalid("status: open or reviewed");
  auto gate = ctx.gate();
  auto pass = gate.pass_role(Op::AlertList);
  if (!pass) return forbidden("your role may not review override alerts");
  std::vector<Alert> out;
  std::string sql = std::string(kAlertSelect) + (status.empty() ? "" : "WHERE a.status = ? ") +
                    "ORDER BY a.id DESC LIMIT ? OFFSET ?";
  const auto page = static_cast<std::int64_t>(std::min<std::size_t>(limit, 500));
  const auto skip = static_cast<std::int64_t>(offset);
  const store::Params params =
      status.empty() ? store::Params{page, skip} : store::Params{status, page, skip};
  ctx.db.query(sql, params, [&](const store::Row& q) { out.push_back(alert_from(q)); });
  for (const auto& a : out)
    gate.record_read(*pass.permit, "alert", std::to_string(a.id),
                     a.person_id ? std::optional(PersonId(*a.person_id)) : std::nullopt);
  return out;
}

Outcome<Alert> review_alert(const CareContext& ctx, std::int64_t id, const std::string& outcome,
                            const std::string& note) {
  auto gate = ctx.gate();
  auto pass = gate.pass_role(Op::AlertReview, std::nullopt, std::to_string(id));
  if (!pass) return forbidden("your role may not review override alerts");
  if (outcome != "appropriate" && outcome != "inappropriate")
    return invalid("outcome: appropriate or inappropriate");
  std::optional<Alert> a;
  ctx.db.query(std::string(kAlertSelect) + "WHERE a.id = ?", {id},
               [&](const store::Row& q) { a = alert_from(q); });
  if (!a) return not_found("no alert " + std::to_string(id));
  if (a->status != "open") return conflict("alert " + std::to_string(id) + " was already reviewed");
  if (outcome == "inappropriate" && note.find_first_not_of(' ') == std::string::npos)
    return invalid("note: say what follows from an inappropriate access");
  store::Transaction tx(ctx.db);
  ctx.db.execute(
      "UPDATE alerts SET status = 'reviewed', reviewed_by_user_id = ?, reviewed_at = ?, "
      "review_outcome = ?, review_note = ? "
      "WHERE id = ?",
      {ctx.actor.user.id.value, ctx.now.iso(), outcome,
       note.empty() ? store::null() : store::Value(note), id});
  gate.record(*pass.permit, std::to_string(id), {}, {}, "alert_review");
  tx.commit();
  ctx.db.query(std::string(kAlertSelect) + "WHERE a.id = ?", {id},
               [&](const store::Row& q) { a = alert_from(q); });
  return *a;
}

Outcome<std::vector<AccessLogEntry>> search_audit_trail(const CareContext& ctx,
                                                        const governance::AuditQuery& query) {
  auto gate = ctx.gate();
  auto pass = gate.pass_role(
      Op::AuditSearch, query.person_id ? std::optional(PersonId(*query.person_id)) : std::nullopt);
  if (!pass) return forbidden("your role may not search the audit trail");
  governance::AuditQuery q = query;
  q.limit = std::min<std::size_t>(q.limit, 1000);
  return named(ctx.db, governance::search_audit(ctx.db, q));
}

Outcome<std::vector<AccessLogEntry>> who_looked(const CareContext& ctx, PersonId person,
                                                std::size_t limit) {
  auto gate = ctx.gate();
  auto pass = gate.pass_role(Op::AuditWhoLooked, person, std::to_string(person.value));
  if (!pass) return forbidden("your role may not see who looked at a record");
  std::vector<governance::AuditEvent> events;
  governance::AuditQuery q;
  q.person_id = person.value;
  q.limit = 100000;
  events = governance::search_audit(ctx.db, q);
  std::reverse(events.begin(), events.end());
  if (events.size() > limit) events.resize(limit);
  return named(ctx.db, std::move(events));
}

Outcome<AccessReport> access_report(const CareContext& ctx, PersonId person, std::size_t limit,
                                    const governance::CheckpointLog* checkpoints) {
  auto entries = who_looked(ctx, person, limit + 1);
  if (!entries.ok()) return entries.failure();
  AccessReport report;
  report.person = person;
  report.made_at = ctx.now;
  if (checkpoints) {
    report.record = checkpoints->newest(governance::AuditTrail::Record);
    report.access = checkpoints->newest(governance::AuditTrail::Access);
    report.verifier = checkpoints->verifier();
  }
  report.more = entries->size() > limit;
  if (report.more) entries->resize(limit);
  for (auto& x : *entries) {
    ProvedLine line;
    const auto trail = x.event.trail;
    const auto& cp = trail == governance::AuditTrail::Record ? report.record : report.access;
    if (cp && x.event.id >= 1 && static_cast<std::uint64_t>(x.event.id) <= cp->size) {
      line.proof = governance::prove_inclusion(ctx.db, trail, x.event.id, cp->size);
      // The proof is of the event as the log holds it at that position, the line shown; its
      // fields must hash to the chain hash the leaf commits to.
      line.proof_holds =
          line.proof->event.hash == x.event.hash &&
          governance::audit_hash(line.proof->event) == line.proof->event.hash &&
          governance::merkle::verify_inclusion(line.proof->index, line.proof->size,
                                               governance::audit_leaf(line.proof->event.hash),
                                               line.proof->path, cp->root);
    }
    line.entry = std::move(x);
    report.lines.push_back(std::move(line));
  }
  return report;
}

Outcome<governance::AuditVerification> verify_audit_trail(const CareContext& ctx) {
  auto gate = ctx.gate();
  if (!gate.pass_role(Op::AuditVerify))
    return forbidden("your role may not verify the audit trail");
  return governance::verify_audit(ctx.db);
}

}  // namespace jc::care
