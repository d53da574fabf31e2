#include "governance/audit_writer.h"

#include <chrono>
#include <cstdio>
#include <future>

namespace jc::governance {

AuditWriter::AuditWriter(std::unique_ptr<store::Database> db, std::unique_ptr<store::Database> checkpointer, AuditWriterOptions options)
    : db_(std::move(db)), options_(options), checkpointer_(std::move(checkpointer)) {
  if (checkpointer_ && db_->dialect() == store::Dialect::Sqlite) {
    db_->access_log().execute_script("PRAGMA wal_autocheckpoint=0");
    checkpoint_thread_ = std::thread([this] {
      std::unique_lock lock(mutex_);
      while (!stopping_) {
        stop_checkpoints_.wait_for(lock, options_.checkpoint_every);
        if (stopping_) break;
        lock.unlock();
        try {
          checkpoint();
        } catch (const std::exception&) {  // busy: try again next time
        }
        lock.lock();
      }
    });
  }
  thread_ = std::thread([this] { run(); });
}

AuditWriter::~AuditWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_all();
  stop_checkpoints_.notify_all();
  thread_.join();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
}

// Moves the access log's write-ahead log into its file without waiting for anyone (PASSIVE). Once
// all of it is there and nobody reads inside it, the next commit starts the log afresh: nobody
// reads the access log under load but its writer, so it stays small. Were some reader always
// holding a snapshot inside it (long audit searches one after another, or a database that kept
// reads and their audit in one file, as this one once did: it grew about 50 MB a second at 10,000
// audited reads a second), SQLite would never get that chance and the log would grow without
// bound. Past wal_restart_frames the writer itself checkpoints before its next commit: with no
// commit in between, that leaves the whole log in the file; new readers then read the file alone,
// those still inside the log finish, and the commit after starts the log afresh (if one was
// slower, the next checkpoint tries again). Commits wait meanwhile for its file syncs (0.1-0.3 s
// on the benchmark machine under load). (A RESTART checkpoint would hold them as long, at every pass.)
void AuditWriter::checkpoint() {
  std::int64_t frames = 0;
  checkpointer_->access_log().query("PRAGMA wal_checkpoint(PASSIVE)", {}, [&](const store::Row& r) { frames = r.integer(1); });
  if (frames > options_.wal_restart_frames) restart_due_ = true;
}

void AuditWriter::record(std::vector<AuditEvent> events) {
  // The blocking form of submit(): wait for the batch holding these events.
  std::promise<bool> committed;
  auto result = committed.get_future();
  submit(std::move(events), [&committed](bool ok) { committed.set_value(ok); });
  if (!result.get()) throw store::StoreError("the audit trail could not be written");
}

void AuditWriter::submit(std::vector<AuditEvent> events, std::function<void(bool)> done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      if (!open_) {
        open_ = std::make_shared<Batch>();
        open_->opened = std::chrono::steady_clock::now();
      }
      for (auto& e : events) open_->events.push_back(std::move(e));
      open_->callbacks.push_back(std::move(done));
      if (writer_waiting_ && (!lingering_ || open_->events.size() >= options_.max_batch)) queued_.notify_one();
      return;
    }
  }
  done(false);
}

// A failed commit refuses the answers that waited on it; say why once, on stderr (identifiers only).
void AuditWriter::log_failure(const std::string& error) { std::fprintf(stderr, "audit writer: commit failed: %s\n", error.c_str()); }

void AuditWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    writer_waiting_ = true;
    queued_.wait(lock, [&] { return stopping_ || open_; });
    if (open_ && options_.linger.count() > 0) {
      lingering_ = true;
      queued_.wait_until(lock, open_->opened + options_.linger,
                         [&] { return stopping_ || open_->events.size() >= options_.max_batch; });
      lingering_ = false;
    }
    writer_waiting_ = false;
    if (!open_) return;  // stopping, nothing left
    std::shared_ptr<Batch> batch = std::move(open_);
    open_.reset();
    lock.unlock();
    if (restart_due_.exchange(false)) {
      try {
        db_->access_log().query("PRAGMA wal_checkpoint(PASSIVE)", {}, [](const store::Row&) {});
        std::this_thread::sleep_for(std::chrono::milliseconds(1));  // readers inside the old log finish
      } catch (const std::exception&) {  // the next pass past the bound tries again; the batch goes on
      }
    }
    std::string error;
    try {
      append_audit_batch(*db_, batch->events, AuditTrail::Access);
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (!error.empty()) log_failure(error);
    for (auto& callback : batch->callbacks) callback(error.empty());
    lock.lock();
  }
}

}  // namespace jc::governance
