// Process-mining analyses over an EventLog: directly-follows graph (frequency and performance),
// variants, start and end activities, case durations, hand-offs and ping-pong. Each is one pass
// over the columns; none keeps a pointer into the log after it returns.
#pragma once

#include <cstdint>
#include <vector>

#include "pathways/event_log.h"

namespace jc::pathways {

struct WaitStats {
  double mean_s = 0, median_s = 0, min_s = 0, max_s = 0, p90_s = 0;
};

struct DfgEdge {
  std::uint32_t from = 0, to = 0;
  std::uint64_t count = 0;
  WaitStats wait;  // filled when performance was asked for and both events have times
};

struct Dfg {
  std::vector<DfgEdge> edges;  // most frequent first, then by activity names
  std::vector<std::pair<std::uint32_t, std::uint64_t>> start, end;  // activity, cases
};

Dfg directly_follows(const EventLog& log, bool performance);

struct Variant {
  std::vector<std::uint32_t> activities;
  std::uint64_t cases = 0;
  double coverage = 0;  // share of cases
};
// Most frequent first; ties in order of first appearance.
std::vector<Variant> variants(const EventLog& log);

// Seconds from each case's first to last event, per case in log order (cases without times: 0).
std::vector<double> case_durations_s(const EventLog& log);

enum class HandoffBy { Group, Resource };
struct Handoffs {
  std::uint64_t cross = 0;    // consecutive events whose performers differ
  std::uint64_t self = 0;     // ... are the same
  std::uint64_t unknown = 0;  // one of the two has no performer
  struct Pair {
    std::int32_t from, to;
    std::uint64_t count;
  };
  std::vector<Pair> matrix;  // cross hand-offs by (from, to), most frequent first
  std::uint64_t ping_pong = 0;        // A → B → A in consecutive hand-offs
  std::uint64_t ping_pong_cases = 0;  // cases with at least one
};
Handoffs handoffs(const EventLog& log, HandoffBy by);

WaitStats wait_stats(std::vector<double>& seconds);  // sorts its argument

// Rework: activities done more than once in a case.
struct Rework {
  std::uint32_t activity;
  std::uint64_t cases;    // cases where it happens more than once
  std::uint64_t repeats;  // occurrences beyond the first, over all cases
};
std::vector<Rework> rework(const EventLog& log);  // most cases first

// Bottlenecks: the edges where most waiting happens (count × median wait), most first.
std::vector<DfgEdge> bottlenecks(const Dfg& performance_dfg, std::size_t top);

}  // namespace jc::pathways
