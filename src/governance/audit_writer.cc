#include "governance/audit_writer.h"

#include <chrono>

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
  std::unique_lock lock(mutex_);
  if (stopping_) throw store::StoreError("the audit writer is stopping");
  if (!open_) open_ = std::make_shared<Batch>();
  std::shared_ptr<Batch> mine = open_;
  for (auto& e : events) mine->events.push_back(std::move(e));
  if (writer_waiting_) queued_.notify_one();
  mine->committed.wait(lock, [&] { return mine->done; });
  if (!mine->error.empty()) throw store::StoreError("the audit trail could not be written: " + mine->error);
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

std::uint64_t AuditWriter::batches() const {
  std::lock_guard lock(mutex_);
  return batches_;
}

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
    for (auto& callback : batch->callbacks) callback(error.empty());
    lock.lock();
    ++batches_;
    batch->done = true;
    batch->error = std::move(error);
    batch->committed.notify_all();
  }
}

}  // namespace jc::governance
