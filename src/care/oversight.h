// Information governance's own views: the alert review queue (overrides for the Caldicott
// Guardian), audit search, "who looked at this person's record", and the chain's verification.
// Looking at the audit trail is itself audited.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "care/context.h"
#include "care/outcome.h"
#include "governance/checkpoint.h"

namespace jc::care {

struct Alert {
  std::int64_t id = 0;
  std::string raised_at, kind, user, user_role, record_type, record_id, reason, status;
  std::optional<std::int64_t> person_id;
  std::optional<std::string> reviewed_by, reviewed_at, review_outcome, review_note;
};
Outcome<std::vector<Alert>> list_alerts(const CareContext& ctx, const std::string& status,
                                        std::size_t offset, std::size_t limit);
// outcome: appropriate or inappropriate
Outcome<Alert> review_alert(const CareContext& ctx, std::int64_t id, const std::string& outcome,
                            const std::string& note);

struct AccessLogEntry {
  governance::AuditEvent event;
  std::string user_name, organisation_name;
};
Outcome<std::vector<AccessLogEntry>> search_audit_trail(const CareContext& ctx,
                                                        const governance::AuditQuery& query);
// Who looked at (or changed) this person's record: every event on the person, newest first.
Outcome<std::vector<AccessLogEntry>> who_looked(const CareContext& ctx, PersonId person,
                                                std::size_t limit);
Outcome<governance::AuditVerification> verify_audit_trail(const CareContext& ctx);

// "Who looked at my record": every event on the person, newest first, each with its inclusion
// proof against the newest signed checkpoint of its trail, so that a reader can check offline
// (jointcare audit prove --check) that the log the report came from holds the line as printed.
struct ProvedLine {
  AccessLogEntry entry;
  // None when the event is newer than its trail's checkpoint (the next is signed within the
  // server's checkpoint interval) or no checkpoint is kept.
  std::optional<governance::InclusionProof> proof;
  bool proof_holds = false;  // the proof leads to the checkpoint's root
};
struct AccessReport {
  PersonId person;
  Timestamp made_at;
  std::optional<governance::Checkpoint> record, access;  // what the proofs are against
  std::optional<governance::AuditVerifier> verifier;     // the key that signed them
  std::vector<ProvedLine> lines;
  bool more = false;  // the person has more events than the report's limit
};
Outcome<AccessReport> access_report(const CareContext& ctx, PersonId person, std::size_t limit,
                                    const governance::CheckpointLog* checkpoints);

}  // namespace jc::care
