#include "server/metrics.h"

#include <cstdio>
#include <string_view>

namespace jc::server {

void Metrics::record_request(const std::string& route, const std::string& method, int status,
                             double seconds) {
  // The method is one of HTTP's own or "other": a client's invented methods make no series of their
  // own.
  static constexpr std::string_view kMethods[] = {"GET",   "HEAD",   "POST",   "PUT",
                                                  "PATCH", "DELETE", "OPTIONS"};
  std::string_view m = "other";
  for (auto k : kMethods)
    if (k == method) m = k;
  std::string labels = "route=\"" + route + "\",method=\"" + std::string(m) + "\",status=\"" +
                       std::to_string(status) + "\"";
  std::lock_guard lock(mutex_);
  ++requests_[labels];
  Series& s = durations_["route=\"" + route + "\""];
  ++s.count;
  s.sum += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++s.buckets[i];
}

std::string Metrics::render(long long database_cache_bytes) const {
  std::string out;
  out +=
      "# HELP jointcare_http_requests_total HTTP requests answered.\n# TYPE "
      "jointcare_http_requests_total counter\n";
  std::lock_guard lock(mutex_);
  for (const auto& [labels, n] : requests_)
    out += "jointcare_http_requests_total{" + labels + "} " + std::to_string(n) + "\n";
  out +=
      "# HELP jointcare_http_request_duration_seconds Time to answer a request.\n"
      "# TYPE jointcare_http_request_duration_seconds histogram\n";
  char buf[64];
  for (const auto& [labels, s] : durations_) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      std::snprintf(buf, sizeof buf, "%g", kBuckets[i]);
      out += "jointcare_http_request_duration_seconds_bucket{" + labels + ",le=\"" + buf + "\"} " +
             std::to_string(s.buckets[i]) + "\n";
    }
    out += "jointcare_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
           std::to_string(s.count) + "\n";
    std::snprintf(buf, sizeof buf, "%.6f", s.sum);
    out += "jointcare_http_request_duration_seconds_sum{" + labels + "} " + buf + "\n";
    out += "jointcare_http_request_duration_seconds_count{" + labels + "} " +
           std::to_string(s.count) + "\n";
  }
  out +=
      "# HELP jointcare_open_connections Connections open now.\n# TYPE jointcare_open_connections "
      "gauge\n";
  out += "jointcare_open_connections " + std::to_string(open_connections_.load()) + "\n";
  out +=
      "# HELP jointcare_database_cache_bytes Bytes SQLite's page caches hold now, across the "
      "process's connections (each bounded by its cache_size).\n# TYPE "
      "jointcare_database_cache_bytes gauge\n";
  out += "jointcare_database_cache_bytes " + std::to_string(database_cache_bytes) + "\n";
  return out;
}

}  // namespace jc::server
