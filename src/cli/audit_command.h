// `jointcare audit verify`, `checkpoint`, `prove`, `search` and `index`.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace jc::cli {

struct AuditArgs {
  std::string db, from, to, action, trail;
  std::string as;  // the staff account searching (its role must grant audit)
  std::string checkpoint, key, verifier, out, check;
  std::int64_t event = 0;
  std::int64_t person = 0, user = 0, organisation = 0;
  std::size_t limit = 1000;
  CLI::App* verify = nullptr;
  CLI::App* search = nullptr;
  CLI::App* index = nullptr;
  CLI::App* checkpoint_cmd = nullptr;
  CLI::App* prove = nullptr;
};

CLI::App* add_audit_command(CLI::App& app, AuditArgs& args);
int run_audit(const AuditArgs& args);

}  // namespace jc::cli
