#include "store/write_batcher.h"

#include <utility>

#include "core/thread_name.h"
#include "store/sqlite/sqlite_database.h"

namespace jc::store {

WriteBatcher::WriteBatcher(std::string target, WriteBatcherOptions options)
    : target_(std::move(target)),
      options_(options),
      sqlite_file_(!is_postgres_target(target_) && !SqliteDatabase::is_memory_path(target_)) {
  if (options_.max_batch == 0) options_.max_batch = 1;
  open_writer();
  if (sqlite_file_) {
    checkpointer_ = open_database(target_);
    // PASSIVE: copies what no reader still needs, never waits for the writer or a reader.
    checkpoints_ = std::make_unique<Periodic>(options_.checkpoint_every, [this] {
      if (checkpointer_->wal_bytes() > options_.checkpoint_above)
        checkpointer_->execute_script("PRAGMA wal_checkpoint(PASSIVE)");
    });
  }
  writer_ = std::thread([this] {
    name_this_thread("jc-writer");
    run();
  });
}

void WriteBatcher::open_writer() {
  db_ = open_database(target_);
  if (sqlite_file_) db_->execute_script("PRAGMA wal_autocheckpoint=0");
}

WriteBatcher::~WriteBatcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
  checkpoints_.reset();
}

bool WriteBatcher::submit(Change change, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= options_.queue_limit) return false;
    queue_.push_back(Pending{std::move(change), std::move(done)});
  }
  wake_.notify_one();
  return true;
}

void WriteBatcher::run() {
  std::vector<Pending> group;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to write
      // Whatever is waiting now: under load the group grows by itself while the last one commits,
      // and a lone change is written at once.
      while (!queue_.empty() && group.size() < options_.max_batch) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    write(group);
    group.clear();
  }
}

void WriteBatcher::write(std::vector<Pending>& group) {
  std::vector<std::exception_ptr> own(group.size());
  std::exception_ptr failed;
  try {
    if (!db_) open_writer();
    db_->begin();
    for (std::size_t i = 0; i < group.size(); ++i) {
      db_->begin();  // the change's own savepoint
      try {
        group[i].change(*db_);
        db_->commit();
      } catch (...) {
        own[i] = std::current_exception();
        db_->rollback();  // its part only; throws if the whole transaction is lost
      }
    }
    db_->commit();  // and flushed to disk before anyone hears
  } catch (...) {
    failed = std::current_exception();
    // The connection's state is unknown after a failed commit or savepoint: a fresh one next time.
    try {
      if (db_) db_->rollback();
    } catch (...) {
    }
    db_.reset();
  }
  for (std::size_t i = 0; i < group.size(); ++i) {
    try {
      group[i].done(failed ? failed : own[i]);
    } catch (...) {
      // a caller's continuation must not stop the writer
    }
  }
}

}  // namespace jc::store
