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

Failure refused(const governance::AccessDecision& d, const std::string& what, std::string message) {
  if (!d.visible) return not_found("no such " + what);
  return forbidden(message.empty() ? std::string(d.explanation()) : std::move(message));
}

int display_rank(governance::Gate& gate, PersonId person, OrganisationId org,
                 const std::string& nhs_status) {
  governance::EntryFacts e;
  e.organisation = org;
  if (!gate.decide(governance::Op::PersonSummary, person, e).allowed) return -1;
  return (org == gate.actor().user.organisation ? 2 : 0) + (nhs_status == "01" ? 1 : 0);
}

}  // namespace jc::care::detail
