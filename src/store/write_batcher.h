// Group commit of changes: callers queue a change (a function of a connection), and one writer
// thread runs whatever is queued when it comes round, each change in a savepoint of its own, in one
// transaction: one commit and one flush to disk for the group. A change that throws has its own
// part rolled back and the others go on; every caller hears only once the group is committed (and
// durable), or that it failed. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/database.h"
#include "store/periodic.h"

namespace jc::store {

struct WriteBatcherOptions {
  std::size_t max_batch = 64;      // changes in one transaction at most
  std::size_t queue_limit = 1024;  // changes waiting at most: submit() refuses beyond it
  // SQLite: the writer's commits never checkpoint the write-ahead log (copying it into the
  // database and syncing that took tens of milliseconds of a commit, every thousand pages); a
  // thread of its own does, this often, once the log holds more than `checkpoint_above` bytes.
  std::chrono::milliseconds checkpoint_every{100};
  std::int64_t checkpoint_above = 4 << 20;
};

class WriteBatcher {
 public:
  // The change runs on the writer's thread, inside the group's transaction (its own
  // begin()/commit() nest as savepoints); it throws to have its part rolled back.
  using Change = std::function<void(Database&)>;
  // Called on the writer's thread once the group is committed and durable (nullptr), or with why
  // the change is not stored: its own exception, or the group's failure.
  using Done = std::function<void(std::exception_ptr)>;

  // `target` as for open_database(); the writer keeps one connection of its own.
  explicit WriteBatcher(std::string target, WriteBatcherOptions options = {});
  ~WriteBatcher();  // runs what is queued, then stops
  WriteBatcher(const WriteBatcher&) = delete;
  WriteBatcher& operator=(const WriteBatcher&) = delete;

  // False (and `done` is not called) when the queue is full or the writer is stopping.
  bool submit(Change change, Done done);

 private:
  struct Pending {
    Change change;
    Done done;
  };
  void run();
  void write(std::vector<Pending>& group);
  void open_writer();
  std::string target_;
  WriteBatcherOptions options_;
  bool sqlite_file_;  // SQLite on disk: the log's checkpoints are the batcher's own
  std::unique_ptr<Database> db_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::thread writer_;
  std::unique_ptr<Database> checkpointer_;  // SQLite on disk only
  std::unique_ptr<Periodic> checkpoints_;
};

}  // namespace jc::store
