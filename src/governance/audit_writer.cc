#include "governance/audit_writer.h"

#include <chrono>
#include <cstdio>
#include <future>
#include <limits>

#include "core/thread_name.h"

namespace jc::governance {

AuditWriter::AuditWriter(std::unique_ptr<store::Database> db,
                         std::unique_ptr<store::Database> checkpointer, AuditWriterOptions options)
    : db_(std::move(db)), options_(options), checkpointer_(std::move(checkpointer)) {
  std::vector<AuditEvent> none;
  part_ = append_audit_batch(*db_, none, AuditTrail::Access);  // the part holding the newest event
  if (two_parts()) {
    // The writer's own commits never checkpoint: its appends must not wait for file syncs.
    for (std::size_t part = 0; part < db_->access_log_parts(); ++part)
      db_->access_log(part).execute_script("PRAGMA wal_autocheckpoint=0");
    checkpoints_ = std::make_unique<store::Periodic>(options_.checkpoint_every,
                                                     [this] { prepare_idle_part(); });
  }
  thread_ = std::thread([this] {
    name_this_thread("jc-audit");
    run();
  });
}

AuditWriter::~AuditWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_all();
  thread_.join();
  checkpoints_.reset();
}

bool AuditWriter::two_parts() const { return checkpointer_ && db_->access_log_parts() > 1; }

// SQLite commits append to a write-ahead log, which a checkpoint moves into the file; the log can
// only start afresh once all of it is there with no commit in between. With commits every
// millisecond that moment never comes unless the writer stops for a checkpoint's file syncs
// (0.01-0.5 s on the benchmark machine under load: a stall every answer waiting would share).
// Hence two parts: the writer appends to one; the other, which nobody writes, has its events
// indexed here (index_access_log, in batches: the writer's commits hold only the events) and is
// checkpointed in full, its log emptied (TRUNCATE; readers of it, audit searches, only delay this
// thread). Then it is ready, and the writer moves to it when it moves next.
void AuditWriter::prepare_idle_part() {
  if (idle_ready_.load()) return;
  std::size_t idle = 1 - part_.load();
  auto& log = checkpointer_->access_log(idle);
  auto stopping = [this] {
    std::lock_guard lock(mutex_);
    return stopping_;
  };
  while (index_access_log(log) > 0) {
    if (stopping()) return;
  }
  if (log.wal_bytes() > 0)
    log.query("PRAGMA wal_checkpoint(TRUNCATE)", {}, [](const store::Row&) {});
  if (log.wal_bytes() == 0) idle_ready_ = true;
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
      if (writer_waiting_ && (!lingering_ || open_->events.size() >= options_.max_batch))
        queued_.notify_one();
      return;
    }
  }
  done(false);
}

// A failed commit refuses the answers that waited on it; say why once, on stderr (identifiers
// only).
void AuditWriter::log_failure(const std::string& error) {
  std::fprintf(stderr, "audit writer: commit failed: %s\n", error.c_str());
}

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
    std::string error;
    try {
      // With two parts the checkpointing thread indexes, never the writer (an access log of the
      // earlier layout may hold millions of events to index: they must not hold up a commit).
      std::size_t part = append_audit_batch(
          *db_, batch->events, AuditTrail::Access, part_.load(),
          two_parts() ? std::numeric_limits<std::size_t>::max() : kAccessIndexBacklog);
      since_switch_ += batch->events.size();
      auto now = std::chrono::steady_clock::now();
      if (two_parts() && idle_ready_.load() &&
          (since_switch_ >= options_.switch_events || now - switched_at_ >= options_.switch_after ||
           db_->access_log(part).wal_bytes() > options_.switch_wal_bytes)) {
        part_ = 1 - part;  // write there while this one is indexed and its log emptied
        idle_ready_ = false;
        since_switch_ = 0;
        switched_at_ = now;
      }
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (!error.empty()) log_failure(error);
    for (auto& callback : batch->callbacks) callback(error.empty());
    lock.lock();
  }
}

}  // namespace jc::governance
