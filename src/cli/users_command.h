// `jointcare users list|add|set-role|deactivate|activate|reset-password` and `jointcare roles`:
// staff and role administration for an administrator at the console. Every change is audited as
// the system acting for the named administrator.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace jc::cli {

struct UsersArgs {
  std::string db, username, display_name, role, organisation, by = "console";
  std::int64_t team = 0;
  std::string password_env = "JOINTCARE_PASSWORD";
  std::string roles_file;
  CLI::App *list = nullptr, *add = nullptr, *set_role = nullptr, *deactivate = nullptr, *activate = nullptr,
           *reset_password = nullptr, *roles = nullptr;
};

void add_users_commands(CLI::App& app, UsersArgs& args);
// -1 when neither `users` nor `roles` was given.
int run_users(const UsersArgs& args);

}  // namespace jc::cli
