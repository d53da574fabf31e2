#include "care/oversight.h"

#include <algorithm>
#include <map>

namespace jc::care {
namespace {

using governance::Activity;

governance::AuditEvent own_event(const CareContext& ctx, std::string action, std::string record_type, std::string record_id,
                                 std::optional<std::int64_t> person, bool allowed) {
  governance::AuditEvent e;
  e.occurred_at = ctx.now;
  e.user_id = ctx.actor.user.id.value;
  e.user_role = std::string(to_code(ctx.actor.user.role));
  e.organisation_id = ctx.actor.user.organisation.value;
  e.person_id = person;
  e.action = std::move(action);
  e.record_type = std::move(record_type);
  e.record_id = std::move(record_id);
  e.purpose = "information governance";
  e.outcome = allowed ? "success" : "denied";
  return e;
}

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
    "SELECT a.id, a.raised_at, a.kind, u.display_name, u.role, a.person_id, a.record_type, a.record_id, a.reason, a.status, "
    "r.display_name, a.reviewed_at, a.review_outcome, a.review_note FROM alerts a JOIN staff_users u ON u.id = a.user_id "
    "LEFT JOIN staff_users r ON r.id = a.reviewed_by_user_id ";

std::vector<AccessLogEntry> named(store::Database& db, std::vector<governance::AuditEvent> events) {
  std::map<std::int64_t, std::string> users, orgs;
  std::vector<AccessLogEntry> out;
  for (auto& e : events) {
    AccessLogEntry x;
    if (e.user_id) {
      auto [it, added] = users.emplace(*e.user_id, "");
      if (added) it->second = db.query_text("SELECT display_name FROM staff_users WHERE id = ?", {*e.user_id}).value_or("");
      x.user_name = it->second;
    }
    if (e.organisation_id) {
      auto [it, added] = orgs.emplace(*e.organisation_id, "");
      if (added) it->second = db.query_text("SELECT name FROM organisations WHERE id = ?", {*e.organisation_id}).value_or("");
      x.organisation_name = it->second;
    }
    x.event = std::move(e);
    out.push_back(std::move(x));
  }
  return out;
}

}  // namespace

Outcome<std::vector<Alert>> list_alerts(const CareContext& ctx, const std::string& status, std::size_t offset, std::size_t limit) {
  if (!ctx.role_grants(Activity::ReviewAlerts)) return forbidden("your role may not review override alerts");
  if (!status.empty() && status != "open" && status != "reviewed") return invalid("status: open or reviewed");
  std::vector<Alert> out;
  std::string sql = std::string(kAlertSelect) + (status.empty() ? "" : "WHERE a.status = ? ") + "ORDER BY a.id DESC LIMIT ? OFFSET ?";
  store::Params params;
  if (!status.empty()) params.push_back(status);
  params.push_back(static_cast<std::int64_t>(std::min<std::size_t>(limit, 500)));
  params.push_back(static_cast<std::int64_t>(offset));
  ctx.db.query(sql, params, [&](const store::Row& q) { out.push_back(alert_from(q)); });
  std::vector<governance::AuditEvent> events;
  for (const auto& a : out) events.push_back(own_event(ctx, "read", "alert", std::to_string(a.id), a.person_id, true));
  if (!events.empty()) ctx.reads.record(std::move(events));
  return out;
}

Outcome<Alert> review_alert(const CareContext& ctx, std::int64_t id, const std::string& outcome, const std::string& note) {
  if (!ctx.role_grants(Activity::ReviewAlerts)) return forbidden("your role may not review override alerts");
  if (outcome != "appropriate" && outcome != "inappropriate") return invalid("outcome: appropriate or inappropriate");
  std::optional<Alert> a;
  ctx.db.query(std::string(kAlertSelect) + "WHERE a.id = ?", {id}, [&](const store::Row& q) { a = alert_from(q); });
  if (!a) return not_found("no alert " + std::to_string(id));
  if (a->status != "open") return conflict("alert " + std::to_string(id) + " was already reviewed");
  if (outcome == "inappropriate" && note.find_first_not_of(' ') == std::string::npos)
    return invalid("note: say what follows from an inappropriate access");
  store::Transaction tx(ctx.db);
  ctx.db.execute("UPDATE alerts SET status = 'reviewed', reviewed_by_user_id = ?, reviewed_at = ?, review_outcome = ?, review_note = ? "
                 "WHERE id = ?",
                 {ctx.actor.user.id.value, ctx.now.iso(), outcome, note.empty() ? store::null() : store::Value(note), id});
  governance::append_audit(ctx.db, own_event(ctx, "update", "alert", std::to_string(id), a->person_id, true));
  tx.commit();
  ctx.db.query(std::string(kAlertSelect) + "WHERE a.id = ?", {id}, [&](const store::Row& q) { a = alert_from(q); });
  return *a;
}

Outcome<std::vector<AccessLogEntry>> search_audit_trail(const CareContext& ctx, const governance::AuditQuery& query) {
  bool allowed = ctx.role_grants(Activity::Audit);
  ctx.reads.record(own_event(ctx, "search", "audit_trail", "", query.person_id, allowed));
  if (!allowed) return forbidden("your role may not search the audit trail");
  governance::AuditQuery q = query;
  q.limit = std::min<std::size_t>(q.limit, 1000);
  return named(ctx.db, governance::search_audit(ctx.db, q));
}

Outcome<std::vector<AccessLogEntry>> who_looked(const CareContext& ctx, PersonId person, std::size_t limit) {
  bool allowed = ctx.role_grants(Activity::Audit);
  ctx.reads.record(own_event(ctx, "read", "access_log", std::to_string(person.value), person.value, allowed));
  if (!allowed) return forbidden("your role may not see who looked at a record");
  std::vector<governance::AuditEvent> events;
  governance::AuditQuery q;
  q.person_id = person.value;
  q.limit = 100000;
  events = governance::search_audit(ctx.db, q);
  std::reverse(events.begin(), events.end());
  if (events.size() > limit) events.resize(limit);
  return named(ctx.db, std::move(events));
}

Outcome<governance::AuditVerification> verify_audit_trail(const CareContext& ctx) {
  bool allowed = ctx.role_grants(Activity::Audit);
  if (!allowed) return forbidden("your role may not verify the audit trail");
  return governance::verify_audit(ctx.db);
}

}  // namespace jc::care
