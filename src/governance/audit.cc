#include "governance/audit.h"

#include <algorithm>
#include <cstring>
#include <future>
#include <limits>
#include <map>
#include <tuple>
#include <utility>

#include "core/text.h"
#include "governance/audit_tree.h"
#include "governance/merkle.h"

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
  e.detail = r.text(15);
  return e;
}

constexpr const char* kColumns =
    "id, occurred_at, user_id, user_role, organisation_id, person_id, action, record_type, "
    "record_id, purpose, outcome, "
    "previous_hash, hash, operation, reason, detail";

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

// Events of ids in [from, to) from every part, in order of id, each with its time as stored.
struct ReadEvent {
  AuditEvent event;
  std::string raw_time;
};
std::vector<ReadEvent> read_events(const std::vector<store::Database*>& stores, AuditTrail trail,
                                   std::int64_t from, std::int64_t to) {
  std::vector<ReadEvent> rows;
  if (from >= to) return rows;
  const std::string select = std::string("SELECT ") + kColumns + " FROM " + table(trail) +
                             " WHERE id >= ? AND id < ? ORDER BY id";
  for (auto* part : stores) {
    part->query(select, {from, to}, [&](const store::Row& r) {
      rows.push_back({from_row(r), r.text(1)});
      rows.back().event.trail = trail;
    });
  }
  auto by_id = [](const ReadEvent& a, const ReadEvent& b) { return a.event.id < b.event.id; };
  if (stores.size() > 1 && !std::is_sorted(rows.begin(), rows.end(), by_id))
    std::stable_sort(rows.begin(), rows.end(), by_id);
  return rows;
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
// event moved to the other part, or there twice, breaks it as a reordered or removed one would;
// builds the trail's Merkle tree as it goes, checking it against the trusted heads of the trail
// at their sizes and against the tree the log keeps.
void verify_trail(store::Database& main, AuditTrail trail,
                  const std::vector<TrustedHead>& all_heads, AuditVerification& v) {
  constexpr std::int64_t kWindow = 50'000;
  const auto stores = stores_of(main, trail);
  const std::string name = table(trail);
  std::vector<const TrustedHead*> heads;
  for (const auto& h : all_heads)
    if (h.trail == trail) heads.push_back(&h);
  std::stable_sort(heads.begin(), heads.end(),
                   [](const TrustedHead* a, const TrustedHead* b) { return a->size < b->size; });
  std::size_t next_head = 0;
  std::vector<std::tuple<int, std::uint64_t, merkle::Hash>> built;
  merkle::TreeBuilder tree([&](int height, std::uint64_t index,
                               const merkle::Hash& h) { built.emplace_back(height, index, h); },
                           kTreeStride);
  auto bad = [&](std::int64_t id, std::string why) {
    if (!v.intact) return;
    v.intact = false;
    v.bad_trail = trail;
    v.first_bad_id = id;
    v.problem = std::move(why);
  };
  // The heads of the sizes the tree has reached.
  auto check_heads = [&](std::int64_t last_id) {
    while (next_head < heads.size() && heads[next_head]->size <= tree.size()) {
      const auto& h = *heads[next_head++];
      if (h.size == tree.size() && tree.root() == h.root) {
        ++v.heads_checked;
      } else if (h.size == tree.size()) {
        const std::uint64_t good = next_head >= 2 ? heads[next_head - 2]->size : 0;
        bad(static_cast<std::int64_t>(good + 1),
            "the log is not an extension of " + h.label + ": the root of its first " +
                std::to_string(h.size) + " events differs, so an event from " +
                std::to_string(good + 1) + " to " + std::to_string(h.size) +
                " was altered, removed, inserted or reordered (and the chain recomputed)");
      }
    }
    (void)last_id;
  };
  std::string previous = kGenesis;
  std::int64_t expected_id = 1, events = 0, from = std::numeric_limits<std::int64_t>::min();
  check_heads(0);
  // One window of events is read (on a thread of its own) while the one before is checked.
  struct Window {
    std::vector<ReadEvent> rows;
    std::int64_t end = 0;  // the first id past it; max when it is the last
  };
  auto read_window = [&stores, trail, &name](std::int64_t at) -> std::optional<Window> {
    std::optional<std::int64_t> start;
    for (auto* db : stores) {
      auto first = db->query_integer("SELECT MIN(id) FROM " + name + " WHERE id >= ?", {at});
      if (first && (!start || *first < *start)) start = first;
    }
    if (!start) return std::nullopt;
    Window w;
    w.end = *start > std::numeric_limits<std::int64_t>::max() - kWindow
                ? std::numeric_limits<std::int64_t>::max()
                : *start + kWindow;
    w.rows = read_events(stores, trail, *start, w.end);
    return w;
  };
  auto next = std::async(std::launch::async, read_window, from);
  for (;;) {
    auto window = next.get();
    if (!window) break;
    const bool last = window->end == std::numeric_limits<std::int64_t>::max();
    if (!last) next = std::async(std::launch::async, read_window, window->end);
    for (const auto& [e, raw_time] : window->rows) {
      ++events;
      if (!v.intact) continue;
      if (e.id != expected_id) {
        bad(e.id, "expected event " + std::to_string(expected_id) +
                      " here: events before it were removed or reordered");
      } else if (e.previous_hash != previous) {
        bad(e.id,
            "its link to the event before does not match: an event before it was removed, "
            "reordered or altered");
      } else if (const std::string iso = e.occurred_at.iso(); raw_time != iso) {
        bad(e.id, "its time \"" + audit_text(raw_time, 64) +
                      "\" is not in the one form the trail writes (" + iso + "): it was rewritten");
      } else if (audit_hash(e) != e.hash) {
        bad(e.id, "its content does not match its hash: it was altered");
      }
      previous = e.hash;
      ++expected_id;
      tree.add(audit_leaf(e.hash));
      check_heads(e.id);
    }
    if (last) break;
  }
  (trail == AuditTrail::Access ? v.access_events : v.record_events) = events;
  v.events += events;
  if (!v.intact) return;
  if (next_head < heads.size()) {
    const auto& h = *heads[next_head];
    bad(events + 1, "the " + std::string(trail_name(trail)) + " trail has " +
                        std::to_string(events) + " events, but " + h.label + " says it had " +
                        std::to_string(h.size) +
                        ": events were cut off its end (or the files holding them removed)");
    return;
  }
  // The tree the log keeps (for checkpoints and proofs) against the one the events make.
  const auto stored = stored_audit_tree(main, trail);
  std::size_t matched = 0;
  for (const auto& [height, index, hash] : built) {
    auto it = stored.find({height, index});
    if (it == stored.end()) continue;  // not stored yet
    ++matched;
    if (it->second != hash) {
      bad(static_cast<std::int64_t>((index << height) + 1),
          "the log's stored Merkle tree (the subtree of events " +
              std::to_string((index << height) + 1) + " to " +
              std::to_string((index + 1) << height) +
              ") does not match the events: it was altered, and checkpoints signed since are "
              "wrong");
      return;
    }
  }
  if (matched != stored.size()) {
    bad(events + 1, "the log's stored Merkle tree holds subtrees beyond the trail's " +
                        std::to_string(events) + " events: events were removed from its end");
  }
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

// The governance records an event seals (AuditEvent::detail): the kind, the event that seals one
// (record type, action, record id = the row's id), and the columns whose content it seals.
struct Governed {
  const char* kind;
  const char* record_type;
  const char* action;
  const char* table;
  const char* columns;
  const char* where;  // which rows (a review seals reviewed alerts)
  const char* noun;
};
constexpr Governed kGoverned[] = {
    {"break_glass", "break_glass", "break_glass", "break_glass",
     "user_id, person_id, reason, started_at, expires_at", "", "break-glass override"},
    {"seal_break", "seal_break", "create", "seal_breaks", "user_id, note_id, reason, broken_at", "",
     "seal break"},
    {"alert", "alert", "create", "alerts",
     "raised_at, kind, user_id, person_id, record_type, record_id, reason", "", "alert"},
    {"alert_review", "alert", "update", "alerts",
     "status, reviewed_by_user_id, reviewed_at, review_outcome, review_note", "status <> 'open'",
     "review of alert"},
    {"consent", "consent", "create", "consents",
     "person_id, organisation_id, direction, allowed, recorded_at, recorded_by_user_id", "",
     "consent choice"},
};

const Governed* governed(std::string_view kind) {
  for (const auto& g : kGoverned)
    if (kind == g.kind) return &g;
  return nullptr;
}

std::string governed_select(const Governed& g) {
  std::string sql = "SELECT id";
  std::string_view cols = g.columns;
  while (!cols.empty()) {
    auto comma = cols.find(", ");
    sql += ", CAST(" + std::string(cols.substr(0, comma)) + " AS TEXT)";
    cols = comma == std::string_view::npos ? std::string_view() : cols.substr(comma + 2);
  }
  return sql + " FROM " + g.table;
}

std::string row_digest(const store::Row& r, int columns) {
  std::string s;
  for (int c = 1; c <= columns; ++c) put(s, r.is_null(c) ? std::string("-") : "=" + r.text(c));
  return merkle::to_hex(merkle::sha256(s));
}

int column_count(const Governed& g) {
  return 1 + static_cast<int>(std::count(g.columns, g.columns + std::strlen(g.columns), ','));
}

// Each governance record against the event that sealed it, and each sealing event against its
// record: a record deleted, altered or slipped in breaks this.
void verify_governed(store::Database& db, AuditVerification& v) {
  struct Seal {
    std::int64_t event_id;
    std::string detail;
    bool matched = false;
  };
  std::map<std::string, Seal> seals;  // "record_type|action|record_id"
  db.query(
      "SELECT id, record_type, action, record_id, detail FROM audit_events WHERE detail <> '' "
      "ORDER BY id",
      {}, [&](const store::Row& r) {
        seals.emplace(r.text(1) + "|" + r.text(2) + "|" + r.text(3), Seal{r.integer(0), r.text(4)});
      });
  auto bad = [&](std::optional<std::int64_t> event, std::string why) {
    v.intact = false;
    v.bad_trail = AuditTrail::Record;
    v.first_bad_id = event;
    v.problem = std::move(why);
  };
  for (const auto& g : kGoverned) {
    const std::int64_t first =
        db.query_integer("SELECT first_id FROM audit_governed_from WHERE kind = ?",
                         {std::string(g.kind)})
            .value_or(1);
    const int n = column_count(g);
    std::string sql = governed_select(g);
    if (*g.where) sql += std::string(" WHERE ") + g.where;
    sql += " ORDER BY id";
    db.query(sql, {}, [&](const store::Row& r) {
      if (!v.intact) return;
      ++v.governed_rows;
      const std::int64_t id = r.integer(0);
      auto it = seals.find(std::string(g.record_type) + "|" + g.action + "|" + std::to_string(id));
      if (it == seals.end()) {
        if (id >= first)
          bad(std::nullopt, std::string("the ") + g.noun + " " + std::to_string(id) +
                                " has no event sealing it in the record trail: it was slipped in "
                                "or altered");
        return;
      }
      it->second.matched = true;
      if (it->second.detail != row_digest(r, n))
        bad(it->second.event_id, std::string("the ") + g.noun + " " + std::to_string(id) +
                                     " does not match what this event sealed: it was altered");
    });
    if (!v.intact) return;
  }
  for (const auto& [key, seal] : seals) {
    if (seal.matched) continue;
    const auto bar = key.find('|'), bar2 = key.find('|', bar + 1);
    const Governed* g = nullptr;
    for (const auto& k : kGoverned)
      if (key.compare(0, bar, k.record_type) == 0 &&
          key.compare(bar + 1, bar2 - bar - 1, k.action) == 0)
        g = &k;
    bad(seal.event_id,
        std::string("this event sealed the ") + (g ? g->noun : "record") + " " +
            key.substr(bar2 + 1) + ", which is gone: it was deleted" +
            (g && std::string_view(g->kind) == "alert_review" ? " (the alert shows as not reviewed)"
                                                              : ""));
    return;
  }
}

// Every text field as the trail stores it (audit_text), before it is hashed.
void sanitise(AuditEvent& e) {
  for (std::string* field : {&e.user_role, &e.action, &e.record_type, &e.record_id, &e.purpose,
                             &e.outcome, &e.operation, &e.reason, &e.detail}) {
    if (field->size() > 256 || !clean_text(*field)) *field = audit_text(*field);
  }
}

}  // namespace

std::string audit_text(std::string_view text, std::size_t max_bytes) {
  if (clean_text(text) && text.size() <= max_bytes) return std::string(text);
  if (clean_text(text)) return std::string(utf8_prefix(text, max_bytes));
  std::string out;
  auto escape = [&](unsigned char c) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 15];
  };
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const std::size_t len = c < 0x80         ? 1
                            : (c >> 5) == 6  ? 2
                            : (c >> 4) == 14 ? 3
                            : (c >> 3) == 30 ? 4
                                             : 0;
    std::string_view one = len && i + len <= text.size() ? text.substr(i, len) : std::string_view();
    const std::size_t before = out.size();
    if (!one.empty() && c != '\\' && clean_text(one)) {
      out += one;
      i += len;
    } else {
      escape(c);
      ++i;
    }
    if (out.size() > max_bytes) {
      out.resize(before);
      break;
    }
  }
  return out;
}

std::string governed_row_digest(store::Database& db, std::string_view kind, std::int64_t id) {
  const Governed* g = governed(kind);
  if (!g) throw std::invalid_argument("no governed record kind " + std::string(kind));
  std::string digest;
  db.query(governed_select(*g) + " WHERE id = ?", {id},
           [&](const store::Row& r) { digest = row_digest(r, column_count(*g)); });
  if (digest.empty())
    throw store::StoreError(std::string("no ") + g->noun + " " + std::to_string(id));
  return digest;
}

std::int64_t audit_head(store::Database& db, AuditTrail trail) {
  return head_of(stores_of(db, trail), table(trail)).id;
}

void read_audit_events(store::Database& db, AuditTrail trail, std::int64_t from, std::int64_t to,
                       const std::function<void(const AuditEvent&, std::string_view)>& f) {
  for (const auto& r : read_events(stores_of(db, trail), trail, from, to)) f(r.event, r.raw_time);
}

void read_audit_hashes(store::Database& db, AuditTrail trail, std::int64_t from, std::int64_t to,
                       const std::function<void(std::int64_t, std::string_view)>& f) {
  if (from >= to) return;
  const auto stores = stores_of(db, trail);
  const std::string select =
      "SELECT id, hash FROM " + table(trail) + " WHERE id >= ? AND id < ? ORDER BY id";
  if (stores.size() == 1) {
    stores[0]->query(select, {from, to}, [&](const store::Row& r) { f(r.integer(0), r.text(1)); });
    return;
  }
  std::vector<std::pair<std::int64_t, std::string>> rows;
  for (auto* part : stores)
    part->query(select, {from, to},
                [&](const store::Row& r) { rows.emplace_back(r.integer(0), r.text(1)); });
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [id, hash] : rows) f(id, hash);
}

const char* trail_name(AuditTrail trail) {
  return trail == AuditTrail::Access ? "access" : "record";
}

std::string audit_entry(const AuditEvent& e) {
  std::string s;
  s.reserve(256);
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
  if (!e.operation.empty() || !e.reason.empty() || !e.detail.empty()) {
    put(s, e.operation);
    put(s, e.reason);
  }
  if (!e.detail.empty()) put(s, e.detail);
  put(s, e.previous_hash);
  return s;
}

std::string audit_hash(const AuditEvent& e) {
  return merkle::to_hex(merkle::sha256(audit_entry(e)));
}

std::size_t append_audit_batch(store::Database& main, std::vector<AuditEvent>& events,
                               AuditTrail trail, std::optional<std::size_t> part,
                               std::size_t index_backlog) {
  for (auto& e : events) sanitise(e);
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
                             ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  for (auto& e : events) {
    e.trail = trail;
    e.id = next++;
    e.previous_hash = previous;
    e.hash = audit_hash(e);
    previous = e.hash;
    db.execute(insert, {e.id, e.occurred_at.iso(), nullable(e.user_id), e.user_role,
                        nullable(e.organisation_id), nullable(e.person_id), e.action, e.record_type,
                        e.record_id, e.purpose, e.outcome, e.previous_hash, e.hash, e.operation,
                        e.reason, e.detail});
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

AuditVerification verify_audit(store::Database& db, const std::vector<TrustedHead>& heads) {
  AuditVerification v;
  for (auto trail : kTrails) verify_trail(db, trail, heads, v);
  if (v.intact) verify_access_index(db, v);
  if (v.intact) verify_governed(db, v);
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
