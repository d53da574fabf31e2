// A thread that runs a piece of upkeep (a checkpoint of a write-ahead log) every interval until
// it is destroyed. The upkeep's failure (the database busy, say) waits for the next turn.
#pragma once

#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#include "core/thread_name.h"

namespace jc::store {

class Periodic {
 public:
  Periodic(std::chrono::milliseconds every, std::function<void()> work)
      : every_(every), work_(std::move(work)), thread_([this] { run(); }) {}
  ~Periodic() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    stop_.notify_all();
    thread_.join();
  }
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

 private:
  void run() {
    name_this_thread("jc-upkeep");
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      stop_.wait_for(lock, every_);
      if (stopping_) break;
      lock.unlock();
      try {
        work_();
      } catch (const std::exception&) {  // busy: next time
      }
      lock.lock();
    }
  }
  std::chrono::milliseconds every_;
  std::function<void()> work_;
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest is made
};

}  // namespace jc::store
