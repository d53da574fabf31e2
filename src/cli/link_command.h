// `jointcare link` (two extracts, or dedupe one) and `jointcare link-evaluate`.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace jc::cli {

struct LinkArgs {
  std::string db, left, right, dedupe, left_profile, right_profile, out, review_out, clustering;
  std::vector<std::string> blocking;
  double threshold = 0.9;
  double chain_guard = -1;  // default per mode
  bool explain = false;
  bool evaluate = false;
  bool incremental = false;
  std::uint64_t seed = 1;
};

struct EvaluateArgs {
  std::string links, truth, truth_id = "id", truth_cluster = "cluster", truth_side, mode = "link";
  bool febrl_ids = false;
  char separator = ',';
};

struct ReviewArgs {
  std::string db;
  std::string as;  // the staff account a decision is made by
  std::int64_t accept = 0, reject = 0, undo_merge = 0;
  std::size_t limit = 20;
};

CLI::App* add_link_command(CLI::App& app, LinkArgs& args);
CLI::App* add_review_command(CLI::App& app, ReviewArgs& args);
int run_review(const ReviewArgs& args);
CLI::App* add_evaluate_command(CLI::App& app, EvaluateArgs& args);
int run_link(const LinkArgs& args);
int run_evaluate(const EvaluateArgs& args);

}  // namespace jc::cli
