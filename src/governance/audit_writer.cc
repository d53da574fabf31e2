#include "governance/audit_writer.h"

#include <chrono>
#include <cstdio>
#include <future>

namespace jc::governance {

AuditWriter::AuditWriter(std::unique_ptr<store::Database> db, std::unique_ptr<store::Database> checkpointer)
    : db_(std::move(db)), checkpointer_(std::move(checkpointer)) {
  if (checkpointer_ && db_->dialect() == store::Dialect::Sqlite) {
    db_->execute_script("PRAGMA wal_autocheckpoint=0");
    checkpoint_thread_ = std::thread([this] {
      std::unique_lock lock(mutex_);
      while (!stopping_) {
        stop_checkpoints_.wait_for(lock, std::chrono::milliseconds(250));
        if (stopping_) break;
        lock.unlock();
        try {
          checkpointer_->execute_script("PRAGMA wal_checkpoint(PASSIVE)");
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
      if (!open_) open_ = std::make_shared<Batch>();
      for (auto& e : events) open_->events.push_back(std::move(e));
      open_->callbacks.push_back(std::move(done));
      if (writer_waiting_) queued_.notify_one();
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
    writer_waiting_ = false;
    if (!open_) return;  // stopping, nothing left
    std::shared_ptr<Batch> batch = std::move(open_);
    open_.reset();
    lock.unlock();
    std::string error;
    try {
      append_audit_batch(*db_, batch->events);
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (!error.empty()) log_failure(error);
    for (auto& callback : batch->callbacks) callback(error.empty());
    lock.lock();
  }
}

}  // namespace jc::governance
