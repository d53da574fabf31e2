// Filters that select cases of a log into a new log: time range, variants, activities present,
// start and end activities.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pathways/event_log.h"

namespace jc::pathways {

struct CaseFilter {
  std::optional<std::int64_t> from_ms;  // keep cases that start at or after
  std::optional<std::int64_t> to_ms;    // ... and end before
  std::optional<std::int64_t> starts_before_ms;  // keep cases that start before
  std::size_t top_variants = 0;         // keep cases of the N most frequent variants (0: all)
  std::vector<std::string> with_activity;  // keep cases that contain every one of these
  std::vector<std::string> with_group;     // ... and an event of each of these groups (org:group)
  std::vector<std::string> with_resource;  // ... and an event by each of these resources
  std::optional<std::string> starts_with, ends_with;
};

EventLog filter_cases(const EventLog& log, const CaseFilter& filter);

}  // namespace jc::pathways
