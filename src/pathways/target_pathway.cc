#include "pathways/target_pathway.h"


#include <algorithm>
#include <limits>
#include <map>

#include "io/toml_file.h"

namespace jc::pathways {

Result<TargetPathway> TargetPathway::parse(std::string_view text, const std::string& source) {
  auto parsed = io::parse_toml(text, source);
  if (!parsed) return parsed.error();
  const toml::table& t = *parsed;
  TargetPathway p;
  p.name = t["name"].value_or(std::string("target pathway"));
  const toml::array* stages = t["stage"].as_array();
  if (!stages || stages->empty()) return Error{source + ": a pathway needs at least one [[stage]]"};
  int n = 0;
  for (const auto& node : *stages) {
    ++n;
    const toml::table* s = node.as_table();
    if (!s) return Error{source + ": stage " + std::to_string(n) + " must be a table"};
    PathwayStage stage;
    if (auto a = (*s)["activity"].value<std::string>()) stage.activities.push_back(*a);
    if (const toml::array* any = (*s)["any_of"].as_array()) {
      for (const auto& item : *any) {
        auto v = item.value<std::string>();
        if (!v) return Error{source + ": stage " + std::to_string(n) + ": any_of holds activity names (strings)"};
        stage.activities.push_back(*v);
      }
    }
    if (stage.activities.empty()) return Error{source + ": stage " + std::to_string(n) + " needs activity or any_of"};
    stage.name = (*s)["name"].value_or(stage.activities.front());
    stage.optional = (*s)["optional"].value_or(false);
    stage.repeat = (*s)["repeat"].value_or(false);
    p.stages.push_back(std::move(stage));
  }
  return p;
}

Result<TargetPathway> TargetPathway::load(const std::string& path) {
  auto text = io::read_text_file(path);
  if (!text) return text.error();
  return parse(*text, path);
}

Conformance check_conformance(const EventLog& log, const TargetPathway& pathway) {
  const std::size_t m = pathway.stages.size();
  // Which stages each activity of the log satisfies.
  std::vector<std::vector<bool>> satisfies(log.activities.size(), std::vector<bool>(m, false));
  for (std::uint32_t a = 0; a < log.activities.size(); ++a)
    for (std::size_t j = 0; j < m; ++j) {
      const auto& acts = pathway.stages[j].activities;
      satisfies[a][j] = std::find(acts.begin(), acts.end(), log.activities.name(a)) != acts.end();
    }
  std::size_t mandatory = 0;
  for (const auto& s : pathway.stages) mandatory += s.optional ? 0 : 1;

  Conformance out;
  out.cases = log.cases();
  std::map<std::string, std::size_t> unexpected, skipped;
  double total_cost = 0, total_size = 0, sum_fitness = 0;
  constexpr int kInf = std::numeric_limits<int>::max() / 2;
  enum Move : std::uint8_t { kNoMove, kSkip, kLog, kSync, kRepeat };
  std::vector<int> cost;
  std::vector<std::uint8_t> move;
  for (std::size_t c = 0; c < log.cases(); ++c) {
    const std::uint32_t b = log.begin(c);
    const std::size_t n = log.end(c) - b;
    const std::size_t w = m + 1;
    cost.assign((n + 1) * w, kInf);
    move.assign((n + 1) * w, kNoMove);
    cost[0] = 0;
    auto relax = [&](std::size_t i, std::size_t j, int value, Move how) {
      if (value < cost[i * w + j]) {
        cost[i * w + j] = value;
        move[i * w + j] = how;
      }
    };
    for (std::size_t i = 0; i <= n; ++i) {
      for (std::size_t j = 0; j <= m; ++j) {
        int here = cost[i * w + j];
        if (here >= kInf) continue;
        if (j < m) relax(i, j + 1, here + (pathway.stages[j].optional ? 0 : 1), kSkip);
        if (i < n) {
          std::uint32_t a = log.activity[b + i];
          if (j < m && satisfies[a][j]) relax(i + 1, j + 1, here, kSync);
          if (j > 0 && pathway.stages[j - 1].repeat && satisfies[a][j - 1] && (move[i * w + j] == kSync || move[i * w + j] == kRepeat)) {
            relax(i + 1, j, here, kRepeat);
          }
          relax(i + 1, j, here + 1, kLog);
        }
      }
    }
    int case_cost = cost[n * w + m];
    // Walk back to name the deviations.
    for (std::size_t i = n, j = m; i > 0 || j > 0;) {
      switch (move[i * w + j]) {
        case kSkip:
          --j;
          if (!pathway.stages[j].optional) ++skipped[pathway.stages[j].name];
          break;
        case kLog:
          --i;
          ++unexpected[log.activities.name(log.activity[b + i])];
          break;
        case kSync: --i; --j; break;
        case kRepeat: --i; break;
        default: i = j = 0;
      }
    }
    double size = static_cast<double>(n + mandatory);
    double fitness = size > 0 ? 1.0 - case_cost / size : 1.0;
    out.case_fitness.push_back(fitness);
    sum_fitness += fitness;
    total_cost += case_cost;
    total_size += size;
    if (case_cost == 0) ++out.fitting_cases;
  }
  out.mean_fitness = out.cases ? sum_fitness / static_cast<double>(out.cases) : 1.0;
  out.log_fitness = total_size > 0 ? 1.0 - total_cost / total_size : 1.0;
  auto ranked = [](const std::map<std::string, std::size_t>& m2) {
    std::vector<std::pair<std::string, std::size_t>> v(m2.begin(), m2.end());
    std::stable_sort(v.begin(), v.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
    return v;
  };
  out.unexpected_activities = ranked(unexpected);
  out.skipped_stages = ranked(skipped);
  return out;
}

}  // namespace jc::pathways
