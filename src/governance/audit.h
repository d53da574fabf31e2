// The audit trail: append-only and hash-chained. Every read, search, create, update and archive of
// personal data writes one event (identifiers only, no clinical content) in the same transaction as
// the work it records. verify() detects any altered, removed or reordered event.
// Thread-safety: appends are serialised by the database (SQLite's write lock, a PostgreSQL
// advisory lock); use one Database per thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace jc::governance {

struct AuditEvent {
  std::int64_t id = 0;  // assigned on append: 1, 2, 3, ...
  Timestamp occurred_at;
  std::optional<std::int64_t> user_id;
  std::string user_role;  // "district_nurse", or "system" for the system itself
  std::optional<std::int64_t> organisation_id;
  std::optional<std::int64_t> person_id;
  std::string action;       // read, search, create, update, archive, login, merge, unmerge
  std::string record_type;  // "local_record", "person", "session", ...
  std::string record_id;
  std::string purpose;      // purpose of use: "direct care", "clerical review", ...
  std::string outcome;      // "success", "denied", "failure"
  std::string previous_hash;
  std::string hash;
};

// Appends the event (filling id, hashes); call inside the transaction of the work it records.
AuditEvent append_audit(store::Database& db, AuditEvent event);

// Appends several events in one transaction, in order (the group commit of AuditWriter).
void append_audit_batch(store::Database& db, std::vector<AuditEvent>& events);

// The hash of an event's content and its predecessor's hash (SHA-256, hex).
std::string audit_hash(const AuditEvent& event);

struct AuditVerification {
  bool intact = true;
  std::int64_t events = 0;
  std::optional<std::int64_t> first_bad_id;
  std::string problem;  // why the first bad event is bad
};
AuditVerification verify_audit(store::Database& db);

struct AuditQuery {
  std::optional<std::int64_t> person_id, user_id, organisation_id;
  std::optional<Timestamp> from, to;
  std::optional<std::string> action;
  std::size_t limit = 1000;
};
std::vector<AuditEvent> search_audit(store::Database& db, const AuditQuery& query);

}  // namespace jc::governance
