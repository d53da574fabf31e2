// `jointcare audit verify`, `jointcare audit search` and `jointcare audit index`.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace jc::cli {

struct AuditArgs {
  std::string db, from, to, action, trail;
  std::string as;  // the staff account searching (its role must grant audit)
  std::int64_t person = 0, user = 0, organisation = 0;
  std::size_t limit = 1000;
  CLI::App* verify = nullptr;
  CLI::App* search = nullptr;
  CLI::App* index = nullptr;
};

CLI::App* add_audit_command(CLI::App& app, AuditArgs& args);
int run_audit(const AuditArgs& args);

}  // namespace jc::cli
