#include "governance/audit.h"

#include <sodium.h>

#include <algorithm>
#include <limits>
#include <tuple>
#include <utility>

namespace jc::governance {
namespace {

const std::string kGenesis(64, '0');

std::string opt(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "-"; }

// Length-prefixed fields, so no choice of values can make two events serialise alike.
void put(std::string& out, const std::string& field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ';';
}

store::Value nullable(const std::optional<std::int64_t>& v) {
  return v ? store::Value(*v) : store::null();
}

AuditEvent from_row(const store::Row& r) {
  AuditEvent e;
  e.id = r.integer(0);
  auto t = Timestamp::parse_iso(r.text(1));
  if (t) e.occurred_at = *t;
  if (!r.is_null(2)) e.user_id = r.integer(2);
  e.user_role = r.text(3);
  if (!r.is_null(4)) e.organisation_id = r.integer(4);
  if (!r.is_null(5)) e.person_id = r.integer(5);
  e.action = r.text(6);
  e.record_type = r.text(7);
  e.record_id = r.text(8);
  e.purpose = r.text(9);
  e.outcome = r.text(10);
  e.previous_hash = r.text(11);
  e.hash = r.text(12);
  e.operation = r.text(13);
  e.reason = r.text(14);
  return e;
}

constexpr const char* kColumns =
    "id, occurred_at, user_id, user_role, organisation_id, person_id, action, record_type, "
    "record_id, purpose, outcome, "
    "previous_hash, hash, operation, reason";

constexpr AuditTrail kTrails[] = {AuditTrail::Record, AuditTrail::Access};

// Where a trail is kept: its connections (the access log's parts, for the access trail) and table.
std::vector<store::Database*> stores_of(store::Database& db, AuditTrail trail) {
  if (trail == AuditTrail::Record) return {&db};
  std::vector<store::Database*> parts;
  for (std::size_t i = 0; i < db.access_log_parts(); ++i) parts.push_back(&db.access_log(i));
  return parts;
}
std::string table(AuditTrail trail) {
  return trail == AuditTrail::Access ? "access_events" : "audit_events";
}

// The access log's index: segments of 2^16 ids; entries by person, user and organisation.
constexpr int kSegmentBits = 16;
enum IndexKind : std::int64_t { kByPerson = 1, kByUser = 2, kByOrganisation = 3 };
struct IndexEntry {
  std::int64_t segment, kind, key, event_id;
  auto tied() const { return std::tie(segment, kind, key, event_id); }
};
// The entries an event should have, from a row of kIndexedColumns.
constexpr const char* kIndexedColumns = "id, person_id, user_id, organisation_id";
void entries_of(const store::Row& r, std::vector<IndexEntry>& out) {
  const std::int64_t id = r.integer(0);
  for (std::int64_t kind : {kByPerson, kByUser, kByOrganisation}) {
    const int col = static_cast<int>(kind);  // the kind's column
    if (!r.is_null(col)) out.push_back({id >> kSegmentBits, kind, r.integer(col), id});
  }
}
std::int64_t indexed_through(store::Database& part) {
  return part.query_integer("SELECT indexed_through FROM access_index_state").value_or(0);
}
// index_access_log inside the caller's transaction.
std::size_t index_events(store::Database& part, std::size_t limit) {
  const std::int64_t through = indexed_through(part);
  std::vector<IndexEntry> entries;
  std::int64_t last = through;
  std::size_t events = 0;
  part.query(std::string("SELECT ") + kIndexedColumns +
                 " FROM access_events WHERE id > ? ORDER BY id LIMIT ?",
             {through, static_cast<std::int64_t>(limit)}, [&](const store::Row& r) {
               last = r.integer(0);
               ++events;
               entries_of(r, entries);
             });
  if (events == 0) return 0;
  // In the index's order: each segment's entries go in as runs, not at random.
  std::sort(entries.begin(), entries.end(),
            [](const IndexEntry& a, const IndexEntry& b) { return a.tied() < b.tied(); });
  auto writer = part.bulk_insert("access_index", {"segment", "kind", "key_id", "event_id"});
  for (const auto& e : entries) writer->add({e.segment, e.kind, e.key, e.event_id});
  writer->finish();
  part.execute("UPDATE access_index_state SET indexed_through = ?", {last});
  return events;
}

// The newest event of a trail, and the part that holds it.
struct Head {
  std::int64_t id = 0;
  std::string hash = kGenesis;
  std::size_t part = 0;
};
Head head_of(const std::vector<store::Database*>& stores, const std::string& name) {
  Head head;
  for (std::size_t i = 0; i < stores.size(); ++i) {
    stores[i]->query("SELECT id, hash FROM " + name + " ORDER BY id DESC LIMIT 1", {},
                     [&](const store::Row& r) {
                       if (r.integer(0) <= head.id) return;
                       head.id = r.integer(0);
                       head.hash = r.text(1);
                       head.part = i;
                     });
  }
  return head;
}

// Walks the chain in order of id, a window of ids at a time from every part at once, so that an
// event moved to the other part, or there twice, breaks it as a reordered or removed one would.
void verify_trail(store::Database& main, AuditTrail trail, AuditVerification& v) {
  constexpr std::int64_t kWindow = 50'000;
  const auto stores = stores_of(main, trail);
  const std::string name = table(trail);
  const std::string select =
      std::string("SELECT ") + kColumns + " FROM " + name + " WHERE id >= ? AND id < ? ORDER BY id";
  std::string previous = kGenesis;
  std::int64_t expected_id = 1, events = 0, from = std::numeric_limits<std::int64_t>::min();
  for (;;) {
    std::optional<std::int64_t> start;
    for (auto* db : stores) {
      auto first = db->query_integer("SELECT MIN(id) FROM " + name + " WHERE id >= ?", {from});
      if (first && (!start || *first < *start)) start = first;
    }
    if (!start) break;
    std::vector<AuditEvent> window;
    for (auto* db : stores)
      db->query(select, {*start, *start + kWindow},
                [&](const store::Row& r) { window.push_back(from_row(r)); });
    if (stores.size() > 1) {
      std::stable_sort(window.begin(), window.end(),
                       [](const AuditEvent& a, const AuditEvent& b) { return a.id < b.id; });
    }
    for (const auto& e : window) {
      ++events;
      if (!v.intact) continue;
      auto bad = [&](std::string why) {
        v.intact = false;
        v.bad_trail = trail;
        v.first_bad_id = e.id;
        v.problem = std::move(why);
      };
      if (e.id != expected_id) {
        bad("expected event " + std::to_string(expected_id) +
            " here: events before it were removed or reordered");
      } else if (e.previous_hash != previous) {
        bad("its link to the event before does not match: an event before it was removed, "
            "reordered or altered");
      } else if (audit_hash(e) != e.hash) {
        bad("its content does not match its hash: it was altered");
      }
      previous = e.hash;
      ++expected_id;
    }
    if (*start > std::numeric_limits<std::int64_t>::max() - kWindow) break;
    from = *start + kWindow;
  }
  (trail == AuditTrail::Access ? v.access_events : v.record_events) = events;
  v.events += events;
}

// The access log's index against the events of each part: every event up to the part's watermark
// listed under its person, user and organisation, and nothing else listed. An entry removed or
// altered would hide a look at a record from "who looked"; this finds it.
void verify_access_index(store::Database& main, AuditVerification& v) {
  for (auto* part : stores_of(main, AuditTrail::Access)) {
    const std::int64_t through = indexed_through(*part);
    const std::int64_t last_segment = through >> kSegmentBits;
    auto mismatch = [&](std::int64_t id) {
      v.intact = false;
      v.bad_trail = AuditTrail::Access;
      v.first_bad_id = id;
      v.problem =
          "the access log's index does not match it: an index entry was removed, altered or added";
    };
    for (std::int64_t segment = 0; segment <= last_segment && v.intact; ++segment) {
      std::vector<IndexEntry> expected, indexed;
      part->query(std::string("SELECT ") + kIndexedColumns +
                      " FROM access_events WHERE id >= ? AND id < ? AND id <= ?",
                  {segment << kSegmentBits, (segment + 1) << kSegmentBits, through},
                  [&](const store::Row& r) { entries_of(r, expected); });
      part->query("SELECT segment, kind, key_id, event_id FROM access_index WHERE segment = ?",
                  {segment}, [&](const store::Row& r) {
                    indexed.push_back({r.integer(0), r.integer(1), r.integer(2), r.integer(3)});
                  });
      auto by_event = [](const IndexEntry& a, const IndexEntry& b) {
        return std::tie(a.event_id, a.kind, a.key) < std::tie(b.event_id, b.kind, b.key);
      };
      std::sort(expected.begin(), expected.end(), by_event);
      std::sort(indexed.begin(), indexed.end(), by_event);
      auto [e, i] = std::mismatch(
          expected.begin(), expected.end(), indexed.begin(), indexed.end(),
          [](const IndexEntry& a, const IndexEntry& b) { return a.tied() == b.tied(); });
      if (e != expected.end() || i != indexed.end()) {
        mismatch(
            std::min(e != expected.end() ? e->event_id : std::numeric_limits<std::int64_t>::max(),
                     i != indexed.end() ? i->event_id : std::numeric_limits<std::int64_t>::max()));
      }
    }
    if (v.intact) {
      if (auto beyond = part->query_integer(
              "SELECT MIN(event_id) FROM access_index WHERE segment > ?", {last_segment}))
        mismatch(*beyond);
    }
    if (!v.intact) return;  // the first part's problem stands
  }
}

}  // namespace

const char* trail_name(AuditTrail trail) {
  return trail == AuditTrail::Access ? "access" : "record";
}

std::string audit_hash(const AuditEvent& e) {
  std::string s;
  put(s, std::to_string(e.id));
  put(s, e.occurred_at.iso());
  put(s, opt(e.user_id));
  put(s, e.user_role);
  put(s, opt(e.organisation_id));
  put(s, opt(e.person_id));
  put(s, e.action);
  put(s, e.record_type);
  put(s, e.record_id);
  put(s, e.purpose);
  put(s, e.outcome);
  // Set only on events written since the gate names operations: earlier events keep their hash.
  if (!e.operation.empty() || !e.reason.empty()) {
    put(s, e.operation);
    put(s, e.reason);
  }
  put(s, e.previous_hash);
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::size_t append_audit_batch(store::Database& main, std::vector<AuditEvent>& events,
                               AuditTrail trail, std::optional<std::size_t> part,
                               std::size_t index_backlog) {
  const auto stores = stores_of(main, trail);
  const std::string name = table(trail);
  std::optional<store::AccessLogLock>
      appending;  // SQLite: the access log's appenders, one at a time
  if (trail == AuditTrail::Access) appending.emplace(main);
  // By default the part holding the newest event; the lock above keeps it so (SQLite has parts).
  std::optional<Head> head;
  if (!part && stores.size() > 1) head = head_of(stores, name);
  std::size_t target = part ? std::min(*part, stores.size() - 1) : head ? head->part : 0;
  if (events.empty()) return target;
  auto& db = *stores[target];
  store::Transaction tx(db);
  if (db.dialect() == store::Dialect::Postgres) {  // one appender at a time, per chain
    db.execute_script(trail == AuditTrail::Access ? "SELECT pg_advisory_xact_lock(7300002)"
                                                  : "SELECT pg_advisory_xact_lock(7300001)");
  }
  if (!head) head = head_of(stores, name);
  std::int64_t next = head->id + 1;
  std::string previous = head->hash;
  const std::string insert = "INSERT INTO " + name + " (" + kColumns +
                             ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  for (auto& e : events) {
    e.trail = trail;
    e.id = next++;
    e.previous_hash = previous;
    e.hash = audit_hash(e);
    previous = e.hash;
    db.execute(insert,
               {e.id, e.occurred_at.iso(), nullable(e.user_id), e.user_role,
                nullable(e.organisation_id), nullable(e.person_id), e.action, e.record_type,
                e.record_id, e.purpose, e.outcome, e.previous_hash, e.hash, e.operation, e.reason});
  }
  // Ids count both parts' events: an upper bound of this part's events past its index.
  if (trail == AuditTrail::Access && index_backlog != std::numeric_limits<std::size_t>::max()) {
    const std::int64_t backlog = next - 1 - indexed_through(db);
    if (backlog > 0 && static_cast<std::size_t>(backlog) >= index_backlog) {
      while (index_events(db, 50'000) > 0) {
      }
    }
  }
  tx.commit();
  return target;
}

AuditEvent append_audit(store::Database& db, AuditEvent e) {
  std::vector<AuditEvent> one{std::move(e)};
  append_audit_batch(db, one);
  return std::move(one.front());
}

std::size_t index_access_log(store::Database& part, std::size_t limit) {
  store::Transaction tx(part);
  std::size_t events = index_events(part, limit);
  tx.commit();
  return events;
}

std::size_t index_access_trail(store::Database& db) {
  std::size_t events = 0;
  for (auto* part : stores_of(db, AuditTrail::Access)) {
    while (std::size_t n = index_access_log(*part)) events += n;
  }
  return events;
}

AuditVerification verify_audit(store::Database& db) {
  AuditVerification v;
  for (auto trail : kTrails) verify_trail(db, trail, v);
  if (v.intact) verify_access_index(db, v);
  return v;
}

// Each trail's (and part's) first `limit` matches (ids follow time within a trail), merged by time.
// A search of the access trail by person, user or organisation takes the events the access log's
// index lists under it, then looks through the events past the index.
std::vector<AuditEvent> search_audit(store::Database& db, const AuditQuery& q) {
  std::vector<AuditEvent> out;
  for (auto trail : kTrails) {
    if (q.trail && *q.trail != trail) continue;
    std::string where;
    store::Params params;
    if (q.person_id) where += " AND person_id = ?", params.push_back(*q.person_id);
    if (q.user_id) where += " AND user_id = ?", params.push_back(*q.user_id);
    if (q.organisation_id)
      where += " AND organisation_id = ?", params.push_back(*q.organisation_id);
    if (q.from) where += " AND occurred_at >= ?", params.push_back(q.from->iso());
    if (q.to) where += " AND occurred_at < ?", params.push_back(q.to->iso());
    if (q.action) where += " AND action = ?", params.push_back(*q.action);
    std::optional<std::pair<IndexKind, std::int64_t>> key;
    if (q.person_id)
      key.emplace(kByPerson, *q.person_id);
    else if (q.user_id)
      key.emplace(kByUser, *q.user_id);
    else if (q.organisation_id)
      key.emplace(kByOrganisation, *q.organisation_id);
    const std::string select =
        std::string("SELECT ") + kColumns + " FROM " + table(trail) + " WHERE ";
    for (auto* part : stores_of(db, trail)) {
      std::string sql;
      store::Params bound;
      const std::int64_t through = trail == AuditTrail::Access && key ? indexed_through(*part) : 0;
      if (through > 0) {
        std::string segments;
        for (std::int64_t s = 0; s <= through >> kSegmentBits; ++s)
          segments += (s ? "," : "") + std::to_string(s);
        sql = select + "id IN (SELECT event_id FROM access_index WHERE segment IN (" + segments +
              ") AND kind = ? AND key_id = ?)" + where + " UNION ALL " + select + "id > ?" + where;
        bound.push_back(static_cast<std::int64_t>(key->first));
        bound.push_back(key->second);
        bound.insert(bound.end(), params.begin(), params.end());
        bound.push_back(through);
      } else {
        sql = select + "1 = 1" + where;
      }
      bound.insert(bound.end(), params.begin(), params.end());
      sql += " ORDER BY id LIMIT ?";
      bound.push_back(static_cast<std::int64_t>(q.limit));
      part->query(sql, bound, [&](const store::Row& r) {
        out.push_back(from_row(r));
        out.back().trail = trail;
      });
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const AuditEvent& a, const AuditEvent& b) {
    return std::tie(a.occurred_at, a.trail, a.id) < std::tie(b.occurred_at, b.trail, b.id);
  });
  if (out.size() > q.limit) out.resize(q.limit);
  return out;
}

}  // namespace jc::governance
