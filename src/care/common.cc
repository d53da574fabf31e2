#include "care/common.h"

namespace jc::care::detail {

std::string trimmed(std::string s) {
  s.erase(0, s.find_first_not_of(" \t\r\n"));
  while (!s.empty() && std::string(" \t\r\n").find(s.back()) != std::string::npos) s.pop_back();
  return s;
}

bool person_exists(store::Database& db, PersonId person) {
  return db.query_integer("SELECT 1 FROM persons WHERE id = ?", {person.value}).has_value();
}

Failure refuse(const CareContext& ctx, const governance::PersonAccess& access, const std::string& action,
               const std::string& record_type, const std::string& record_id, const governance::AccessDecision& d,
               std::string message) {
  store::Transaction tx(ctx.db);
  governance::append_audit(ctx.db, access.event(action, record_type, record_id, d));
  tx.commit();
  if (!d.visible) return not_found("no such " + record_type);
  return forbidden(message.empty() ? std::string(d.explanation()) : std::move(message));
}

int display_rank(const governance::PersonAccess& access, OrganisationId org, const std::string& nhs_status) {
  governance::EntryFacts e;
  e.organisation = org;
  e.summary_level = true;
  if (!access.decide(governance::Activity::ViewRecord, e).allowed) return -1;
  return (org == access.actor().user.organisation ? 2 : 0) + (nhs_status == "01" ? 1 : 0);
}

governance::AccessDecision role_denied() {
  governance::AccessDecision d;
  d.reason = governance::DenyReason::Role;
  return d;
}

}  // namespace jc::care::detail
