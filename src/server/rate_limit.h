// A token bucket per key (the client's address): `burst` requests at once, refilled at
// `per_minute`. Bounded memory: past kCapacity keys, the full buckets (idle clients) are dropped.
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace jc::server {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(double per_minute, double burst) : per_second_(per_minute / 60.0), burst_(burst) {}
  // Takes one token for `key`; false when none is left (the caller answers 429). A limiter made
  // with per_minute <= 0 allows everything.
  bool allow(const std::string& key, Clock::time_point now = Clock::now());
  // Seconds until `key` has a token again (for Retry-After), at least 1.
  int retry_after(const std::string& key, Clock::time_point now = Clock::now());

 private:
  static constexpr std::size_t kCapacity = 100000;
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  Bucket& refill(const std::string& key, Clock::time_point now);
  double per_second_;
  double burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace jc::server
