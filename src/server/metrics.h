// Request counters and latency histograms, rendered in the Prometheus text format. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>

namespace jc::server {

class Metrics {
 public:
  void record_request(const std::string& route, const std::string& method, int status,
                      double seconds);
  void connection_opened() { ++open_connections_; }
  void connection_closed() { --open_connections_; }
  // The series, with the gauge of the bytes SQLite's page caches hold now (bounded, they fill as
  // the database is read: a soak tells them from a leak by it).
  std::string render(long long database_cache_bytes) const;

 private:
  static constexpr std::array<double, 10> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,  0.1,    0.5,   2.5};
  struct Series {
    long long count = 0;
    double sum = 0;
    std::array<long long, kBuckets.size()> buckets{};
  };
  mutable std::mutex mutex_;
  std::map<std::string, long long> requests_;  // label set → count
  std::map<std::string, Series> durations_;    // route label → histogram
  std::atomic<long long> open_connections_{0};
};

}  // namespace jc::server
