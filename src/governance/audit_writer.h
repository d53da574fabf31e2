// Where the audit events of reads go: the access trail (audit.h). Writes append their event to the
// record trail with append_audit() inside their own transaction; reads hand theirs to an AuditSink:
//  - DirectAudit appends at once on the caller's connection (the CLI, tests, a write's
//  transaction);
//  - AuditWriter is the server's group commit: request threads queue events and wait until the
//    batch holding theirs is committed, so no answer leaves before its audit record is durable,
//    and many concurrent reads share one transaction. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "governance/audit.h"
#include "store/periodic.h"

namespace jc::governance {

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  // Returns once the events are stored (or throws store::StoreError).
  virtual void record(std::vector<AuditEvent> events) = 0;
  void record(AuditEvent event) {
    std::vector<AuditEvent> one;
    one.push_back(std::move(event));
    record(std::move(one));
  }
};

class DirectAudit final : public AuditSink {
 public:
  explicit DirectAudit(store::Database& db) : db_(db) {}
  using AuditSink::record;
  void record(std::vector<AuditEvent> events) override {
    append_audit_batch(db_, events, AuditTrail::Access);
  }

 private:
  store::Database& db_;
};

// Collects a request's read events so the caller can submit them in one go afterwards.
class CollectingAudit final : public AuditSink {
 public:
  using AuditSink::record;
  void record(std::vector<AuditEvent> events) override {
    for (auto& e : events) events_.push_back(std::move(e));
  }
  std::vector<AuditEvent> take() { return std::move(events_); }
  bool empty() const { return events_.empty(); }

 private:
  std::vector<AuditEvent> events_;
};

// How the writer gathers events and keeps SQLite's write-ahead logs in bounds.
struct AuditWriterOptions {
  // Each commit has a fixed cost (about 65 µs of CPU on SQLite: the transaction, the chain's last
  // hash, the log's pages) besides a few µs an event, so under load the writer waits up to `linger`
  // from the first queued event for more (or until `max_batch`) rather than committing every two
  // or three; an idle server's lone event waits as long at most.
  std::chrono::microseconds linger{1000};
  std::size_t max_batch = 64;
  // SQLite: the writer appends to one part of the access log, then moves to the other once that
  // one is ready (indexed, its log emptied) and this one has taken `switch_events` events, or its
  // write-ahead log has passed `switch_wal_bytes`, or `switch_after` has passed since the last
  // move. Every `checkpoint_every` the part not being written is made ready (see
  // prepare_idle_part()). 16,384 events: under 2 s of 10,000 audited reads a second, so searches
  // look through few events past the index.
  std::chrono::milliseconds checkpoint_every{250};
  std::size_t switch_events = 16'384;
  std::chrono::milliseconds switch_after{2000};
  std::int64_t switch_wal_bytes = 256LL << 20;
};

class AuditWriter final : public AuditSink {
 public:
  // Appends to the access trail of `db` (its access log). `checkpointer`, for SQLite: a second
  // connection to the database, with which a thread of the writer's indexes the events of the
  // access log's part that is not being written and empties its write-ahead log, so the writer
  // never pauses for either. Without one, appends index the events themselves now and then.
  explicit AuditWriter(std::unique_ptr<store::Database> db,
                       std::unique_ptr<store::Database> checkpointer = nullptr,
                       AuditWriterOptions options = {});
  ~AuditWriter() override;
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;
  using AuditSink::record;
  void record(std::vector<AuditEvent> events) override;
  // Queues the events and returns at once; `done` runs on the writer's thread after the commit
  // (true) or its failure (false).
  void submit(std::vector<AuditEvent> events, std::function<void(bool)> done);

 private:
  // The events of one commit and who waits for it (each batch calls back only its own waiters).
  struct Batch {
    std::vector<AuditEvent> events;
    std::vector<std::function<void(bool)>> callbacks;
    std::chrono::steady_clock::time_point opened;
  };
  void run();
  void prepare_idle_part();
  bool two_parts() const;
  static void log_failure(const std::string& error);
  std::unique_ptr<store::Database> db_;
  mutable std::mutex mutex_;
  std::condition_variable queued_;
  std::shared_ptr<Batch> open_;  // filling while the writer commits the one before
  AuditWriterOptions options_;
  bool writer_waiting_ = false;
  bool lingering_ = false;  // the writer waits for the open batch to fill
  bool stopping_ = false;
  std::atomic<std::size_t> part_{0};  // the access log's part being written
  // The other part is indexed to its end and its log empty: the writer may move to it. Set by the
  // checkpointing thread, cleared by the writer when it moves (after part_ changes).
  std::atomic<bool> idle_ready_{false};
  std::size_t since_switch_ = 0;  // events the writer appended to part_ since it moved there
  std::chrono::steady_clock::time_point switched_at_ = std::chrono::steady_clock::now();
  std::unique_ptr<store::Database> checkpointer_;
  std::thread thread_;
  std::unique_ptr<store::Periodic> checkpoints_;  // two parts only
};

}  // namespace jc::governance
