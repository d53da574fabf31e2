// Benchmark: the audit trail as a verifiable log at 10 million events (SQLite, the default store).
//
// Usage: audit_log_bench [events=10000000] [db=/tmp/jointcare-audit-bench-<events>.db]
// The access trail is filled once with `events` reads' events (varied users, persons and
// organisations, appended in groups as the server's audit writer does) and reused on later runs.
// Then, timed and printed:
//  - the stored tree built over the whole trail from nothing (a log upgraded, or its tree lost);
//  - a checkpoint (both trails signed and appended to a file) after a minute of reads at 10,000 a
//    second (600,000 events), as the server makes one every minute, and after 10,000;
//  - inclusion proofs of 2,000 random events against the newest checkpoint (each one read from
//    the store, its tile and stored subtrees; min, median, p99, max);
//  - `audit verify` of the whole log against both checkpoints (every chain link, hash, canonical
//    time, the Merkle tree, the access index, the governance records).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "governance/audit.h"
#include "governance/audit_tree.h"
#include "governance/checkpoint.h"
#include "store/database.h"

namespace {

using namespace jc;
using clock_type = std::chrono::steady_clock;

double since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

governance::AuditEvent read_event(std::mt19937_64& rng, std::int64_t i) {
  governance::AuditEvent e;
  e.occurred_at = Timestamp::from_seconds(1'760'000'000 + i / 1000);
  e.user_id = 1 + static_cast<std::int64_t>(rng() % 400);
  e.user_role = "district_nurse";
  e.organisation_id = 1 + static_cast<std::int64_t>(rng() % 12);
  e.person_id = 1 + static_cast<std::int64_t>(rng() % 1'000'000);
  e.action = "read";
  e.record_type = "person_summary";
  e.record_id = std::to_string(*e.person_id);
  e.purpose = "TREAT";
  e.outcome = "success";
  e.operation = "person.summary";
  return e;
}

void append(store::Database& db, std::int64_t n, std::mt19937_64& rng) {
  const std::int64_t start = governance::audit_head(db, governance::AuditTrail::Access);
  std::vector<governance::AuditEvent> batch;
  for (std::int64_t i = 0; i < n; ++i) {
    batch.push_back(read_event(rng, start + i));
    if (batch.size() == 10'000 || i + 1 == n) {
      governance::append_audit_batch(db, batch, governance::AuditTrail::Access);
      batch.clear();
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t events = argc > 1 ? std::atoll(argv[1]) : 10'000'000;
  const std::string path =
      argc > 2 ? argv[2] : "/tmp/jointcare-audit-bench-" + std::to_string(events) + ".db";
  std::mt19937_64 rng(42);
  {
    auto db = store::open_database(path);
    const std::int64_t have = governance::audit_head(*db, governance::AuditTrail::Access);
    if (have < events) {
      auto t = clock_type::now();
      append(*db, events - have, rng);
      governance::index_access_trail(*db);
      std::printf("filled the access trail to %lld events in %.1f s\n",
                  static_cast<long long>(events), since(t));
    }
  }
  // Each run starts from the same log: events beyond `events` (an earlier run's) are dropped, and
  // the stored tree with them.
  auto db = store::open_database(path);
  for (std::size_t p = 0; p < db->access_log_parts(); ++p) {
    db->access_log(p).execute("DELETE FROM access_events WHERE id > ?", {events});
    db->access_log(p).execute(
        "UPDATE access_index_state SET indexed_through = MIN(indexed_through, ?)", {events});
    db->access_log(p).execute("DELETE FROM access_index WHERE event_id > ?", {events});
  }
  db->execute("DELETE FROM audit_tree");
  db->execute("DELETE FROM audit_tree_state");
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const std::string key_path = dir + "/jointcare-audit-bench.audit-key";
  const std::string cps = dir + "/jointcare-audit-bench.checkpoints";
  std::filesystem::remove(cps);
  auto key = governance::load_or_create_audit_key(key_path);
  if (!key) {
    std::fprintf(stderr, "%s\n", key.error().message.c_str());
    return 1;
  }

  auto t = clock_type::now();
  governance::extend_audit_tree(*db, governance::AuditTrail::Access);
  std::printf("tree built from nothing over %lld events: %.2f s\n", static_cast<long long>(events),
              since(t));
  t = clock_type::now();
  if (!governance::write_checkpoint(*db, *key, cps, Timestamp::now())) return 1;
  std::printf("checkpoint, nothing new since the tree: %.3f s\n", since(t));

  for (std::int64_t more : {600'000LL, 10'000LL}) {
    append(*db, more, rng);
    t = clock_type::now();
    if (!governance::write_checkpoint(*db, *key, cps, Timestamp::now())) return 1;
    std::printf("checkpoint of the %lld-event log after %lld new events: %.3f s\n",
                static_cast<long long>(governance::audit_head(*db, governance::AuditTrail::Access)),
                static_cast<long long>(more), since(t));
  }

  auto verifier = governance::load_verifier(key_path + ".pub");
  auto read = governance::read_checkpoints(cps, *verifier);
  if (!read) {
    std::fprintf(stderr, "%s\n", read.error().message.c_str());
    return 1;
  }
  const governance::Checkpoint* newest = nullptr;
  for (const auto& c : *read)
    if (c.trail == governance::AuditTrail::Access) newest = &c;
  std::vector<double> micros;
  std::uniform_int_distribution<std::int64_t> pick(1, static_cast<std::int64_t>(newest->size));
  int valid = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::int64_t id = pick(rng);
    auto start = clock_type::now();
    auto p = governance::prove_inclusion(*db, governance::AuditTrail::Access, id, newest->size);
    micros.push_back(since(start) * 1e6);
    valid += governance::merkle::verify_inclusion(
        p.index, p.size, governance::audit_leaf(p.event.hash), p.path, newest->root);
  }
  std::sort(micros.begin(), micros.end());
  std::printf(
      "inclusion proof against a %llu-event checkpoint (2,000 random events, %d verified): min "
      "%.0f us, median %.0f us, p99 %.0f us, max %.0f us\n",
      static_cast<unsigned long long>(newest->size), valid, micros.front(),
      micros[micros.size() / 2], micros[micros.size() * 99 / 100], micros.back());

  std::vector<governance::TrustedHead> heads;
  for (const auto& c : *read) heads.push_back(governance::trusted(c));
  t = clock_type::now();
  auto v = governance::verify_audit(*db, heads);
  std::printf("audit verify of %lld events against %lld checkpoints: %s in %.1f s\n",
              static_cast<long long>(v.events), static_cast<long long>(v.heads_checked),
              v.intact ? "intact" : v.problem.c_str(), since(t));
  return v.intact && valid == 2000 ? 0 : 1;
}
