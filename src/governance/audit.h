// The audit trail: append-only and hash-chained. Every read, search, create, update and archive of
// personal data writes one event (identifiers only, no clinical content). Two chains make it up:
//  - the record trail (table audit_events): changes and overrides, each event appended in the
//    same transaction as the work it records (append_audit);
//  - the access trail (access_events, the database's access log): reads and searches, which
//    change nothing, handed to an AuditSink and stored before their answer leaves.
// verify_audit() detects any altered, removed or reordered event in either; search_audit() reads
// both as one trail in time order.
// Thread-safety: appends are serialised by the database (SQLite's write lock, a PostgreSQL
// advisory lock per chain); use one Database per thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "governance/merkle.h"
#include "store/database.h"

namespace jc::governance {

enum class AuditTrail { Record, Access };
const char* trail_name(AuditTrail trail);  // "record", "access"

struct AuditEvent {
  AuditTrail trail = AuditTrail::Record;  // set on append
  std::int64_t id = 0;                    // assigned on append: 1, 2, 3, ... in its trail
  Timestamp occurred_at;
  std::optional<std::int64_t> user_id;
  std::string user_role;  // "district_nurse", or "system" for the system itself
  std::optional<std::int64_t> organisation_id;
  std::optional<std::int64_t> person_id;
  std::string action;       // read, search, create, update, archive, login, merge, unmerge
  std::string record_type;  // "local_record", "person", "session", ...
  std::string record_id;
  std::string purpose;  // purpose of use: "direct care", "clerical review", ...
  std::string outcome;  // "success", "denied", "failure"
  std::string
      operation;  // the operation (governance/operations.h: "note.create"), when the gate wrote it
  std::string
      reason;  // a refusal's reason (governance::DenyReason: "consent", "relationship", ...)
  // A governance record's digest (governed_row_digest): the event that created or reviewed an
  // override, a seal break, an alert or a consent choice seals the row's content, so that
  // verify_audit finds the row deleted or altered.
  std::string detail;
  std::string previous_hash;
  std::string hash;
};

// Appends the event to the record trail (filling trail, id, hashes); call inside the transaction
// of the work it records.
AuditEvent append_audit(store::Database& db, AuditEvent event);

// How many events of the access trail a part of the access log may hold past its index before an
// append indexes them itself (see index_access_log).
constexpr std::size_t kAccessIndexBacklog = 1024;

// Appends several events to a trail in one transaction, in order (the access trail: the group
// commit of AuditWriter, DirectAudit). `db` is the database, whose access log holds that trail:
// in `part` of it, or by default in the part holding its newest event. Returns the part used.
// Access trail: when the part then holds `index_backlog` or more events past its index, they are
// indexed in the same transaction (never, with the size_t maximum: another thread indexes).
std::size_t append_audit_batch(store::Database& db, std::vector<AuditEvent>& events,
                               AuditTrail trail = AuditTrail::Record,
                               std::optional<std::size_t> part = std::nullopt,
                               std::size_t index_backlog = kAccessIndexBacklog);

// The access log's index (table access_index) lists a part's events by person, user and
// organisation, in segments of 65,536 ids, up to the part's watermark; events are added to it in
// batches, not one by one as they are written, so that the stream of reads' events is written in
// order and nothing else (see store::kAccessLogSchema). Indexes up to `limit` events of one part
// of the access log (`part`: a connection from Database::access_log) past its watermark, in one
// transaction; returns how many (0: the part is indexed to its end).
std::size_t index_access_log(store::Database& part, std::size_t limit = 50'000);
// Every part of the database's access log indexed to its end (`jointcare audit index`); returns
// how many events that took.
std::size_t index_access_trail(store::Database& db);

// The canonical encoding of an event: its fields (the time in the one form Timestamp::iso writes,
// ids in decimal, "-" for none), each as "<byte length>:<bytes>;", then the hash of the event
// before. It is the entry of the trail's Merkle tree (audit_tree.h) and what the chain hash hashes.
// operation and reason are encoded only when either is set, detail after them only when set, so
// that events written without them keep their hashes.
std::string audit_entry(const AuditEvent& event);

// The hash of an event's content and its predecessor's hash: SHA-256 of audit_entry, hex.
std::string audit_hash(const AuditEvent& event);

// Text as the audit trail stores it: well-formed UTF-8 without control characters is kept (cut
// at `max_bytes` on a character boundary); any other byte, and a backslash, is written as \xNN, so
// that no value a reader sends can break a reader of the trail.
std::string audit_text(std::string_view text, std::size_t max_bytes = 256);

// The events of a trail with ids in [from, to), in order of id, from every part that holds the
// trail; `raw_time` is occurred_at as stored.
void read_audit_events(store::Database& db, AuditTrail trail, std::int64_t from, std::int64_t to,
                       const std::function<void(const AuditEvent&, std::string_view raw_time)>& f);
// The ids and chain hashes of a trail's events with ids in [from, to), in order of id.
void read_audit_hashes(store::Database& db, AuditTrail trail, std::int64_t from, std::int64_t to,
                       const std::function<void(std::int64_t id, std::string_view hash)>& f);
// The newest event's id of a trail (0: none).
std::int64_t audit_head(store::Database& db, AuditTrail trail);

// What a signed checkpoint says of a trail: its Merkle tree had `size` leaves and this root
// (checkpoint.h reads them from a checkpoint file, signature checked).
struct TrustedHead {
  AuditTrail trail = AuditTrail::Record;
  std::uint64_t size = 0;
  merkle::Hash root{};
  std::string label;  // how the report names it: "checkpoint 3 (record trail, 2026-12-06T...)"
};

// Both chains, each from its first event: every event's link, content hash and canonical time;
// each trail's Merkle tree recomputed from its events, against the tree the log keeps and against
// every trusted head (the log must be an extension of each: the root of its first `size` events
// equal to the checkpoint's); the access log's index against the events; and the governance
// records (overrides, seal breaks, alerts and their reviews, consent choices) against the events
// that sealed them.
struct AuditVerification {
  bool intact = true;
  std::int64_t events = 0;  // in both trails
  std::int64_t record_events = 0, access_events = 0;
  std::int64_t heads_checked = 0;  // trusted heads the log was found to extend
  std::int64_t governed_rows = 0;  // governance records checked against their events
  std::optional<AuditTrail> bad_trail;
  std::optional<std::int64_t> first_bad_id;  // in bad_trail
  std::string problem;                       // why the first bad event is bad
};
AuditVerification verify_audit(store::Database& db, const std::vector<TrustedHead>& heads = {});

// The digest that seals a governance record (AuditEvent::detail): SHA-256 (hex) of the canonical
// encoding of the row's columns that governance reviews. `kind` is one of governed_kinds().
std::string governed_row_digest(store::Database& db, std::string_view kind, std::int64_t id);

struct AuditQuery {
  std::optional<std::int64_t> person_id, user_id, organisation_id;
  std::optional<Timestamp> from, to;
  std::optional<std::string> action;
  std::optional<AuditTrail> trail;  // both when unset
  std::size_t limit = 1000;
};
// The first `limit` matching events of both trails, in time order (ties: record before access,
// then id).
std::vector<AuditEvent> search_audit(store::Database& db, const AuditQuery& query);

}  // namespace jc::governance
