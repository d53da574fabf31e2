#include "server/rate_limit.h"

#include <algorithm>
#include <cmath>

namespace jc::server {

RateLimiter::Bucket& RateLimiter::refill(const std::string& key, Clock::time_point now) {
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= kCapacity) {
      for (auto b = buckets_.begin(); b != buckets_.end();) {
        double t = b->second.tokens +
                   std::chrono::duration<double>(now - b->second.updated).count() * per_second_;
        b = t >= burst_ ? buckets_.erase(b) : std::next(b);
      }
      if (buckets_.size() >= kCapacity) buckets_.clear();
    }
    it = buckets_.emplace(key, Bucket{burst_, now}).first;
  }
  Bucket& b = it->second;
  double elapsed = std::max(0.0, std::chrono::duration<double>(now - b.updated).count());
  b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
  b.updated = now;
  return b;
}

bool RateLimiter::allow(const std::string& key, Clock::time_point now) {
  if (per_second_ <= 0) return true;
  std::lock_guard lock(mutex_);
  Bucket& b = refill(key, now);
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

int RateLimiter::retry_after(const std::string& key, Clock::time_point now) {
  if (per_second_ <= 0) return 1;
  std::lock_guard lock(mutex_);
  Bucket& b = refill(key, now);
  return std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / per_second_)));
}

}  // namespace jc::server
