#include "pathways/analysis.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <unordered_map>

namespace jc::pathways {

WaitStats wait_stats(std::vector<double>& s) {
  WaitStats w;
  if (s.empty()) return w;
  std::sort(s.begin(), s.end());
  w.min_s = s.front();
  w.max_s = s.back();
  w.mean_s = std::accumulate(s.begin(), s.end(), 0.0) / static_cast<double>(s.size());
  std::size_t n = s.size();
  w.median_s = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
  // Linear interpolation between closest ranks (as numpy's default percentile).
  double rank = 0.9 * static_cast<double>(n - 1);
  auto lo = static_cast<std::size_t>(rank);
  double frac = rank - static_cast<double>(lo);
  w.p90_s = lo + 1 < n ? s[lo] + frac * (s[lo + 1] - s[lo]) : s[lo];
  return w;
}

Dfg directly_follows(const EventLog& log, bool performance) {
  const std::size_t n = log.activities.size();
  Dfg dfg;
  std::vector<std::uint64_t> counts(n * n, 0);
  std::vector<std::vector<double>> waits(performance ? n * n : 0);
  std::vector<std::uint64_t> starts(n, 0), ends(n, 0);
  for (std::size_t c = 0; c < log.cases(); ++c) {
    std::uint32_t b = log.begin(c), e = log.end(c);
    if (b == e) continue;
    ++starts[log.activity[b]];
    ++ends[log.activity[e - 1]];
    for (std::uint32_t i = b + 1; i < e; ++i) {
      std::size_t k = static_cast<std::size_t>(log.activity[i - 1]) * n + log.activity[i];
      ++counts[k];
      if (performance && log.time_ms[i] != kNoTime && log.time_ms[i - 1] != kNoTime) {
        waits[k].push_back(static_cast<double>(log.time_ms[i] - log.time_ms[i - 1]) / 1000.0);
      }
    }
  }
  for (std::size_t k = 0; k < counts.size(); ++k) {
    if (counts[k] == 0) continue;
    DfgEdge edge{static_cast<std::uint32_t>(k / n), static_cast<std::uint32_t>(k % n), counts[k], {}};
    if (performance) edge.wait = wait_stats(waits[k]);
    dfg.edges.push_back(edge);
  }
  auto by_name = [&](std::uint32_t a, std::uint32_t b) { return log.activities.name(a) < log.activities.name(b); };
  std::sort(dfg.edges.begin(), dfg.edges.end(), [&](const DfgEdge& x, const DfgEdge& y) {
    if (x.count != y.count) return x.count > y.count;
    if (x.from != y.from) return by_name(x.from, y.from);
    return by_name(x.to, y.to);
  });
  auto ranked = [&](const std::vector<std::uint64_t>& v) {
    std::vector<std::pair<std::uint32_t, std::uint64_t>> out;
    for (std::uint32_t a = 0; a < v.size(); ++a)
      if (v[a]) out.emplace_back(a, v[a]);
    std::sort(out.begin(), out.end(), [&](const auto& x, const auto& y) {
      return x.second != y.second ? x.second > y.second : by_name(x.first, y.first);
    });
    return out;
  };
  dfg.start = ranked(starts);
  dfg.end = ranked(ends);
  return dfg;
}

std::vector<Variant> variants(const EventLog& log) {
  std::unordered_map<std::string, std::size_t> index;
  std::vector<Variant> out;
  std::string key;
  for (std::size_t c = 0; c < log.cases(); ++c) {
    std::uint32_t b = log.begin(c), e = log.end(c);
    key.assign(reinterpret_cast<const char*>(log.activity.data() + b), (e - b) * sizeof(std::uint32_t));
    auto [it, fresh] = index.emplace(key, out.size());
    if (fresh) out.push_back(Variant{std::vector<std::uint32_t>(log.activity.begin() + b, log.activity.begin() + e), 0, 0});
    ++out[it->second].cases;
  }
  std::stable_sort(out.begin(), out.end(), [](const Variant& a, const Variant& b) { return a.cases > b.cases; });
  for (auto& v : out) v.coverage = log.cases() ? static_cast<double>(v.cases) / static_cast<double>(log.cases()) : 0;
  return out;
}

std::vector<double> case_durations_s(const EventLog& log) {
  std::vector<double> out(log.cases(), 0.0);
  for (std::size_t c = 0; c < log.cases(); ++c) {
    std::int64_t lo = kNoTime, hi = kNoTime;
    for (std::uint32_t i = log.begin(c); i < log.end(c); ++i) {
      if (log.time_ms[i] == kNoTime) continue;
      if (lo == kNoTime || log.time_ms[i] < lo) lo = log.time_ms[i];
      if (hi == kNoTime || log.time_ms[i] > hi) hi = log.time_ms[i];
    }
    if (lo != kNoTime) out[c] = static_cast<double>(hi - lo) / 1000.0;
  }
  return out;
}

std::vector<Rework> rework(const EventLog& log) {
  const std::size_t n = log.activities.size();
  std::vector<std::uint64_t> cases(n, 0), repeats(n, 0), seen(n, 0);
  for (std::size_t c = 0; c < log.cases(); ++c) {
    for (std::uint32_t i = log.begin(c); i < log.end(c); ++i) ++seen[log.activity[i]];
    for (std::uint32_t i = log.begin(c); i < log.end(c); ++i) {
      std::uint32_t a = log.activity[i];
      if (seen[a] > 1) {
        ++cases[a];
        repeats[a] += seen[a] - 1;
      }
      seen[a] = 0;  // count each activity once per case
    }
  }
  std::vector<Rework> out;
  for (std::uint32_t a = 0; a < n; ++a)
    if (cases[a]) out.push_back({a, cases[a], repeats[a]});
  std::stable_sort(out.begin(), out.end(), [](const Rework& x, const Rework& y) { return x.cases > y.cases; });
  return out;
}

std::vector<DfgEdge> bottlenecks(const Dfg& dfg, std::size_t top) {
  std::vector<DfgEdge> out = dfg.edges;
  auto load = [](const DfgEdge& e) { return static_cast<double>(e.count) * e.wait.median_s; };
  std::stable_sort(out.begin(), out.end(), [&](const DfgEdge& a, const DfgEdge& b) { return load(a) > load(b); });
  if (out.size() > top) out.resize(top);
  return out;
}

Handoffs handoffs(const EventLog& log, HandoffBy by) {
  const auto& who = by == HandoffBy::Group ? log.group : log.resource;
  const std::size_t n = by == HandoffBy::Group ? log.groups.size() : log.resources.size();
  Handoffs h;
  std::vector<std::uint64_t> matrix(n * n, 0);
  for (std::size_t c = 0; c < log.cases(); ++c) {
    bool case_ping_pong = false;
    std::int32_t before_last = kNone;  // performer before the last cross hand-off
    for (std::uint32_t i = log.begin(c) + 1; i < log.end(c); ++i) {
      std::int32_t a = who[i - 1], b = who[i];
      if (a == kNone || b == kNone) {
        ++h.unknown;
        continue;
      }
      if (a == b) {
        ++h.self;
        continue;
      }
      ++h.cross;
      ++matrix[static_cast<std::size_t>(a) * n + static_cast<std::size_t>(b)];
      if (before_last == b) {
        ++h.ping_pong;
        case_ping_pong = true;
      }
      before_last = a;
    }
    if (case_ping_pong) ++h.ping_pong_cases;
  }
  for (std::size_t k = 0; k < matrix.size(); ++k) {
    if (matrix[k]) h.matrix.push_back({static_cast<std::int32_t>(k / n), static_cast<std::int32_t>(k % n), matrix[k]});
  }
  std::stable_sort(h.matrix.begin(), h.matrix.end(), [](const auto& x, const auto& y) { return x.count > y.count; });
  return h;
}

}  // namespace jc::pathways
