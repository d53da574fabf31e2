#include "governance/audit_writer.h"

namespace jc::governance {

AuditWriter::AuditWriter(std::unique_ptr<store::Database> db) : db_(std::move(db)), thread_([this] { run(); }) {}

AuditWriter::~AuditWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_all();
  thread_.join();
}

void AuditWriter::record(std::vector<AuditEvent> events) {
  std::unique_lock lock(mutex_);
  if (stopping_) throw store::StoreError("the audit writer is stopping");
  for (auto& e : events) pending_.push_back(std::move(e));
  std::uint64_t mine = next_batch_;
  queued_.notify_one();
  committed_.wait(lock, [&] { return committed_batch_ >= mine; });
  if (auto it = failures_.find(mine); it != failures_.end()) {
    std::string why = it->second;
    if (failures_.size() > 64) failures_.erase(failures_.begin());  // bounded: old failures were reported
    throw store::StoreError("the audit trail could not be written: " + why);
  }
}

std::uint64_t AuditWriter::batches() const {
  std::lock_guard lock(mutex_);
  return committed_batch_;
}

void AuditWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    queued_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    if (pending_.empty() && stopping_) return;
    std::vector<AuditEvent> batch;
    batch.swap(pending_);
    std::uint64_t number = next_batch_++;
    lock.unlock();
    std::string error;
    try {
      append_audit_batch(*db_, batch);
    } catch (const std::exception& e) {
      error = e.what();
    }
    lock.lock();
    committed_batch_ = number;
    if (!error.empty()) failures_[number] = error;
    committed_.notify_all();
  }
}

}  // namespace jc::governance
