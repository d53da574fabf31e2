// Information governance's own views: the alert review queue (overrides for the Caldicott
// Guardian), audit search, "who looked at this person's record", and the chain's verification.
// Looking at the audit trail is itself audited.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "care/context.h"
#include "care/outcome.h"

namespace jc::care {

struct Alert {
  std::int64_t id = 0;
  std::string raised_at, kind, user, user_role, record_type, record_id, reason, status;
  std::optional<std::int64_t> person_id;
  std::optional<std::string> reviewed_by, reviewed_at, review_outcome, review_note;
};
Outcome<std::vector<Alert>> list_alerts(const CareContext& ctx, const std::string& status, std::size_t offset, std::size_t limit);
// outcome: appropriate or inappropriate
Outcome<Alert> review_alert(const CareContext& ctx, std::int64_t id, const std::string& outcome, const std::string& note);

struct AccessLogEntry {
  governance::AuditEvent event;
  std::string user_name, organisation_name;
};
Outcome<std::vector<AccessLogEntry>> search_audit_trail(const CareContext& ctx, const governance::AuditQuery& query);
// Who looked at (or changed) this person's record: every event on the person, newest first.
Outcome<std::vector<AccessLogEntry>> who_looked(const CareContext& ctx, PersonId person, std::size_t limit);
Outcome<governance::AuditVerification> verify_audit_trail(const CareContext& ctx);

}  // namespace jc::care
