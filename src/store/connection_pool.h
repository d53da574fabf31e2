// A fixed set of Database connections shared by threads: acquire() blocks until one is free and
// returns a lease that gives it back on destruction. Thread-safe.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/database.h"

namespace jc::store {

class ConnectionPool {
 public:
  ConnectionPool(std::string target, std::size_t size);

  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Database> db) : pool_(&pool), db_(std::move(db)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (db_) pool_->release(std::move(db_));
    }
    Database& operator*() { return *db_; }
    Database* operator->() { return db_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Database> db_;
  };

  Lease acquire();
  const std::string& target() const { return target_; }

 private:
  void release(std::unique_ptr<Database> db);
  std::string target_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Database>> idle_;
};

}  // namespace jc::store
