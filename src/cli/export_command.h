// `jointcare export`: each organisation's person extract written to files, by a member of staff
// whose role keeps the person index, through the gate: audited (an event an extract), the
// person's consent applied (a record whose flow to the exporter's organisation is refused is left
// out), every file its owner's only.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace jc::cli {

struct ExportArgs {
  std::string db, dir;
  std::string as;  // the staff account exporting (its role must grant manage_person_index)
};

CLI::App* add_export_command(CLI::App& app, ExportArgs& args);
int run_export(const ExportArgs& args);

}  // namespace jc::cli
