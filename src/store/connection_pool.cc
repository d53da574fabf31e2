#include "store/connection_pool.h"

namespace jc::store {

ConnectionPool::ConnectionPool(std::string target, std::size_t size) : target_(std::move(target)) {
  for (std::size_t i = 0; i < size; ++i) idle_.push_back(open_database(target_));
}

ConnectionPool::Lease ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return !idle_.empty(); });
  auto db = std::move(idle_.back());
  idle_.pop_back();
  return Lease(*this, std::move(db));
}

void ConnectionPool::release(std::unique_ptr<Database> db) {
  if (db->in_transaction()) {
    try {
      while (db->in_transaction()) db->rollback();
    } catch (...) {  // a broken connection: replace it
      db = open_database(target_);
    }
  }
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(db));
  }
  available_.notify_one();
}

}  // namespace jc::store
