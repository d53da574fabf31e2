#include "server/log.h"

#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/time.h"

namespace jc::server {

void log_event(std::string_view level, std::string_view event,
               std::initializer_list<std::pair<std::string_view, LogValue>> fields) {
  nlohmann::json j;
  j["time"] = Timestamp::now().iso();
  j["level"] = level;
  j["event"] = event;
  for (const auto& [k, v] : fields) {
    std::visit([&, key = std::string(k)](const auto& x) { j[key] = x; }, v);
  }
  std::string line = j.dump() + "\n";
  static std::mutex m;
  std::lock_guard lock(m);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace jc::server
