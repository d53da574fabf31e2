// `jointcare pathways`: mine an event log from a file or from JointCare's own data.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "pathways/log_readers.h"
#include "pathways/report.h"

namespace jc::cli {

struct PathwaysArgs {
  std::string log_path, db, pathway, separator = ",", target, against, split_at, from, to, starts_with, ends_with;
  std::vector<std::string> with_activity, with_group, with_resource;
  std::size_t top_variants = 0;
  bool performance = false;
  pathways::CsvLogOptions csv;
  pathways::ReportOptions report;
};

CLI::App* add_pathways_command(CLI::App& app, PathwaysArgs& args);
int run_pathways(const PathwaysArgs& args);  // exit code

}  // namespace jc::cli
