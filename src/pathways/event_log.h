// An event log held column-wise: events grouped by case, each case's events ordered by
// timestamp with ties kept in file order. Activities, resources and groups are interned.
// Built once by a reader (xes_reader.h, csv_log_reader.h); read-only afterwards, so safe to
// share between threads.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace jc::pathways {

// Interns strings to dense ids.
class Dictionary {
 public:
  std::uint32_t intern(std::string_view s);
  const std::string& name(std::uint32_t id) const { return names_[id]; }
  std::size_t size() const { return names_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> ids_;
  std::vector<std::string> names_;
};

inline constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();
inline constexpr std::int32_t kNone = -1;

struct EventLog {
  std::vector<std::string> case_ids;
  std::vector<std::uint32_t> case_offsets;  // case c's events are [offsets[c], offsets[c+1])
  std::vector<std::uint32_t> activity;      // per event
  std::vector<std::int64_t> time_ms;        // per event, UTC milliseconds, kNoTime when absent
  std::vector<std::int32_t> resource;       // per event, kNone when absent
  std::vector<std::int32_t> group;          // per event (org:group), kNone when absent
  Dictionary activities, resources, groups;

  std::size_t cases() const { return case_ids.size(); }
  std::size_t events() const { return activity.size(); }
  std::uint32_t begin(std::size_t c) const { return case_offsets[c]; }
  std::uint32_t end(std::size_t c) const { return case_offsets[c + 1]; }
};

// Collects events case by case and lays them out in an EventLog.
class EventLogBuilder {
 public:
  struct Event {
    std::uint32_t activity;
    std::int64_t time_ms;
    std::int32_t resource;
    std::int32_t group;
  };
  EventLogBuilder() { log_.case_offsets.push_back(0); }
  Dictionary& activities() { return log_.activities; }
  Dictionary& resources() { return log_.resources; }
  Dictionary& groups() { return log_.groups; }
  // Adds a whole case; its events are sorted stably by time here.
  void add_case(std::string case_id, std::vector<Event>& events);
  EventLog finish() { return std::move(log_); }

 private:
  EventLog log_;
};

// "2010-12-30T14:32:00.000+01:00", "2014/10/22 11:15:41.000", "2011-10-01 00:38:44" (UTC when
// no zone is given) → UTC milliseconds; kNoTime when it is not such a time.
std::int64_t parse_time_ms(std::string_view text);

}  // namespace jc::pathways
