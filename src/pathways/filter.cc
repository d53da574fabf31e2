#include "pathways/filter.h"

#include <unordered_set>

#include "pathways/analysis.h"

namespace jc::pathways {

EventLog filter_cases(const EventLog& log, const CaseFilter& f) {
  std::unordered_set<std::string> keep_variant;
  auto key_of = [&](std::size_t c) {
    return std::string(reinterpret_cast<const char*>(log.activity.data() + log.begin(c)),
                       (log.end(c) - log.begin(c)) * sizeof(std::uint32_t));
  };
  if (f.top_variants > 0) {
    auto vs = variants(log);
    for (std::size_t i = 0; i < vs.size() && i < f.top_variants; ++i) {
      keep_variant.emplace(reinterpret_cast<const char*>(vs[i].activities.data()), vs[i].activities.size() * sizeof(std::uint32_t));
    }
  }
  EventLogBuilder b;
  std::vector<EventLogBuilder::Event> events;
  for (std::size_t c = 0; c < log.cases(); ++c) {
    std::uint32_t first = log.begin(c), last = log.end(c);
    if (first == last) continue;
    if (f.from_ms && (log.time_ms[first] == kNoTime || log.time_ms[first] < *f.from_ms)) continue;
    if (f.starts_before_ms && (log.time_ms[first] == kNoTime || log.time_ms[first] >= *f.starts_before_ms)) continue;
    if (f.to_ms && (log.time_ms[last - 1] == kNoTime || log.time_ms[last - 1] >= *f.to_ms)) continue;
    if (f.starts_with && log.activities.name(log.activity[first]) != *f.starts_with) continue;
    if (f.ends_with && log.activities.name(log.activity[last - 1]) != *f.ends_with) continue;
    bool all = true;
    for (const auto& want : f.with_activity) {
      bool found = false;
      for (std::uint32_t i = first; i < last && !found; ++i) found = log.activities.name(log.activity[i]) == want;
      all = all && found;
    }
    auto has = [&](const std::vector<std::int32_t>& column, const Dictionary& dict, const std::string& want) {
      for (std::uint32_t i = first; i < last; ++i)
        if (column[i] != kNone && dict.name(static_cast<std::uint32_t>(column[i])) == want) return true;
      return false;
    };
    for (const auto& g : f.with_group) all = all && has(log.group, log.groups, g);
    for (const auto& r : f.with_resource) all = all && has(log.resource, log.resources, r);
    if (!all) continue;
    if (f.top_variants > 0 && !keep_variant.count(key_of(c))) continue;
    events.clear();
    for (std::uint32_t i = first; i < last; ++i) {
      auto r = log.resource[i] == kNone ? kNone
                                        : static_cast<std::int32_t>(b.resources().intern(log.resources.name(static_cast<std::uint32_t>(log.resource[i]))));
      auto g = log.group[i] == kNone ? kNone
                                     : static_cast<std::int32_t>(b.groups().intern(log.groups.name(static_cast<std::uint32_t>(log.group[i]))));
      events.push_back({b.activities().intern(log.activities.name(log.activity[i])), log.time_ms[i], r, g});
    }
    b.add_case(log.case_ids[c], events);
  }
  return b.finish();
}

}  // namespace jc::pathways
