// A target (redesigned) pathway: stages in order, each naming the activities that satisfy it,
// optional or not, repeatable or not (a stage with several activities is a choice). Conformance
// aligns each observed journey to it: events the pathway has no place for, and stages the journey
// skipped, each cost one; fitness = 1 − cost / (events + mandatory stages).
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "pathways/event_log.h"

namespace jc::pathways {

struct PathwayStage {
  std::string name;
  std::vector<std::string> activities;  // any of these satisfies the stage
  bool optional = false;
  bool repeat = false;
};

struct TargetPathway {
  std::string name;
  std::vector<PathwayStage> stages;

  // TOML: name = "..."; [[stage]] name, activity = "x" or any_of = ["x", "y"], optional, repeat.
  static Result<TargetPathway> parse(std::string_view toml_text, const std::string& source);
  static Result<TargetPathway> load(const std::string& path);
};

struct Conformance {
  std::size_t cases = 0;
  std::size_t fitting_cases = 0;  // fitness 1
  double mean_fitness = 0;
  double log_fitness = 0;  // 1 − total cost / total (events + mandatory stages)
  std::vector<double> case_fitness;  // per case, in log order
  // How often each activity occurred where the pathway has no place for it, and how often each
  // mandatory stage was skipped; most frequent first.
  std::vector<std::pair<std::string, std::size_t>> unexpected_activities;
  std::vector<std::pair<std::string, std::size_t>> skipped_stages;
};

Conformance check_conformance(const EventLog& log, const TargetPathway& pathway);

}  // namespace jc::pathways
