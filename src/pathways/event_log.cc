#include "pathways/event_log.h"

#include <algorithm>
#include <chrono>

namespace jc::pathways {

std::uint32_t Dictionary::intern(std::string_view s) {
  auto it = ids_.find(s);
  if (it != ids_.end()) return it->second;
  auto id = static_cast<std::uint32_t>(names_.size());
  names_.emplace_back(s);
  ids_.emplace(std::string(s), id);
  return id;
}

void EventLogBuilder::add_case(std::string case_id, std::vector<Event>& events) {
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.time_ms < b.time_ms; });
  for (const Event& e : events) {
    log_.activity.push_back(e.activity);
    log_.time_ms.push_back(e.time_ms);
    log_.resource.push_back(e.resource);
    log_.group.push_back(e.group);
  }
  log_.case_ids.push_back(std::move(case_id));
  log_.case_offsets.push_back(static_cast<std::uint32_t>(log_.activity.size()));
}

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::int64_t parse_time_ms(std::string_view s) {
  int y, mo, d, h = 0, mi = 0, se = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || (s[4] != '-' && s[4] != '/') || s[7] != s[4] || !digits(s, 5, 2, mo) ||
      !digits(s, 8, 2, d)) {
    return kNoTime;
  }
  std::size_t p = 10;
  std::int64_t ms = 0;
  if (p < s.size() && (s[p] == 'T' || s[p] == ' ')) {
    if (!digits(s, p + 1, 2, h) || p + 3 >= s.size() || s[p + 3] != ':' || !digits(s, p + 4, 2, mi)) return kNoTime;
    p += 6;
    if (p < s.size() && s[p] == ':') {
      if (!digits(s, p + 1, 2, se)) return kNoTime;
      p += 3;
    }
    if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
      ++p;
      int scale = 100, n = 0;
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
        if (n++ < 3) {
          ms += (s[p] - '0') * scale;
          scale /= 10;
        }
        ++p;
      }
    }
  }
  std::int64_t offset_s = 0;
  if (p < s.size()) {
    if (s[p] == 'Z') {
      ++p;
    } else if (s[p] == '+' || s[p] == '-') {
      int oh = 0, om = 0;
      int sign = s[p] == '-' ? -1 : 1;
      if (!digits(s, p + 1, 2, oh)) return kNoTime;
      p += 3;
      if (p < s.size() && s[p] == ':') ++p;
      if (p < s.size() && digits(s, p, 2, om)) p += 2;
      offset_s = sign * (oh * 3600 + om * 60);
    }
  }
  if (p != s.size() || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return kNoTime;
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return kNoTime;
  std::int64_t days = sys_days{ymd}.time_since_epoch().count();
  return ((days * 86400 + h * 3600 + mi * 60 + se) - offset_s) * 1000 + ms;
}

}  // namespace jc::pathways
