#include "server/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/time.h"

namespace jc::server {
namespace {

int rank(std::string_view level) {
  if (level == "debug") return 0;
  if (level == "info") return 1;
  if (level == "warn") return 2;
  if (level == "error") return 3;
  return -1;
}
std::atomic<int> minimum{1};

}  // namespace

bool set_log_level(std::string_view level) {
  int r = rank(level);
  if (r < 0) return false;
  minimum = r;
  return true;
}

void log_event(std::string_view level, std::string_view event,
               std::initializer_list<std::pair<std::string_view, LogValue>> fields) noexcept {
  if (rank(level) < minimum.load(std::memory_order_relaxed)) return;
  try {
    nlohmann::json j;
    j["time"] = Timestamp::now().iso();
    j["level"] = level;
    j["event"] = event;
    for (const auto& [k, v] : fields) {
      std::visit([&, key = std::string(k)](const auto& x) { j[key] = x; }, v);
    }
    // Invalid UTF-8 in a value (a client's bytes that reached a message) is written as U+FFFD.
    std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    static std::mutex m;
    std::lock_guard lock(m);
    std::fwrite(line.data(), 1, line.size(), stderr);
  } catch (...) {
    // Out of memory or the like: the event is lost, the caller goes on.
  }
}

}  // namespace jc::server
