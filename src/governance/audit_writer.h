// Where the audit events of reads go. Writes append their event with append_audit() inside their
// own transaction; reads hand theirs to an AuditSink:
//  - DirectAudit appends at once on the caller's connection (the CLI, tests, a write's transaction);
//  - AuditWriter is the server's group commit: request threads queue events and wait until the
//    batch holding theirs is committed, so no answer leaves before its audit record is durable,
//    and many concurrent reads share one transaction. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "governance/audit.h"

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
  void record(std::vector<AuditEvent> events) override { append_audit_batch(db_, events); }

 private:
  store::Database& db_;
};

class AuditWriter final : public AuditSink {
 public:
  explicit AuditWriter(std::unique_ptr<store::Database> db);
  ~AuditWriter() override;
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;
  using AuditSink::record;
  void record(std::vector<AuditEvent> events) override;
  std::uint64_t batches() const;

 private:
  void run();
  std::unique_ptr<store::Database> db_;
  mutable std::mutex mutex_;
  std::condition_variable queued_, committed_;
  std::vector<AuditEvent> pending_;
  std::uint64_t next_batch_ = 1;       // the batch that pending_ will go into
  std::uint64_t committed_batch_ = 0;  // the last batch committed (or failed)
  std::map<std::uint64_t, std::string> failures_;  // failed batches not yet reported to all waiters
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace jc::governance
