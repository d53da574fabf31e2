#include "cli/users_command.h"

#include <cstdio>
#include <cstdlib>

#include "governance/access.h"
#include "governance/audit.h"
#include "governance/purpose.h"
#include "governance/authentication.h"
#include "io/toml_file.h"
#include "store/area_repository.h"
#include "store/database.h"
#include "store/staff_repository.h"

namespace jc::cli {
namespace {

int fail(const std::string& m) {
  std::fprintf(stderr, "jointcare users: %s\n", m.c_str());
  return 2;
}

void audit_admin(store::Database& db, const std::string& action, std::int64_t user_id, const std::string& by) {
  governance::AuditEvent e;
  e.occurred_at = Timestamp::now();
  e.user_role = "system";
  e.action = action;
  e.record_type = "staff_user";
  e.record_id = std::to_string(user_id) + " by " + by;
  e.purpose = std::string(governance::code(governance::Purpose::SystemAdministration));
  e.outcome = "success";
  governance::append_audit(db, e);
}

std::string password_from_env(const std::string& name) {
  const char* p = std::getenv(name.c_str());
  return p ? std::string(p) : std::string();
}

}  // namespace

void add_users_commands(CLI::App& app, UsersArgs& a) {
  auto* users = app.add_subcommand("users", "Staff accounts: list, add, change role, deactivate, reset password");
  users->require_subcommand(1);
  auto db_opt = [&](CLI::App* c) { c->add_option("--db", a.db, "Database")->required(); };
  a.list = users->add_subcommand("list", "Every account with its role, organisation, team and state");
  db_opt(a.list);
  a.add = users->add_subcommand("add", "A new account; the password comes from the environment variable named by --password-env");
  db_opt(a.add);
  a.add->add_option("--username", a.username, "Sign-in name")->required();
  a.add->add_option("--name", a.display_name, "Display name")->required();
  a.add->add_option("--role", a.role, "Role code (see `jointcare roles`)")->required();
  a.add->add_option("--organisation", a.organisation, "ODS code of the organisation")->required();
  a.add->add_option("--team", a.team, "Team id");
  a.add->add_option("--password-env", a.password_env, "Environment variable holding the password (default JOINTCARE_PASSWORD)");
  a.set_role = users->add_subcommand("set-role", "Change an account's role");
  db_opt(a.set_role);
  a.set_role->add_option("--username", a.username)->required();
  a.set_role->add_option("--role", a.role)->required();
  a.deactivate = users->add_subcommand("deactivate", "Stop an account signing in (its sessions end)");
  db_opt(a.deactivate);
  a.deactivate->add_option("--username", a.username)->required();
  a.activate = users->add_subcommand("activate", "Let a deactivated account sign in again");
  db_opt(a.activate);
  a.activate->add_option("--username", a.username)->required();
  a.reset_password = users->add_subcommand("reset-password", "Set a new password (from --password-env) and unlock");
  db_opt(a.reset_password);
  a.reset_password->add_option("--username", a.username)->required();
  a.reset_password->add_option("--password-env", a.password_env, "Environment variable holding the password");
  for (auto* c : {a.add, a.set_role, a.deactivate, a.activate, a.reset_password})
    c->add_option("--by", a.by, "Who is making the change, for the audit trail");
  a.roles = app.add_subcommand("roles", "The role table: which activities each role grants");
  a.roles->add_option("--file", a.roles_file, "A role table (TOML) to check and show instead of the built-in one");
}

int run_users(const UsersArgs& a) {
  if (*a.roles) {
    const governance::RoleTable* table = &governance::RoleTable::built_in();
    std::optional<governance::RoleTable> loaded;
    if (!a.roles_file.empty()) {
      auto text = io::read_text_file(a.roles_file);
      if (!text) return fail(text.error().message);
      auto parsed = governance::RoleTable::parse(*text, a.roles_file);
      if (!parsed) return fail(parsed.error().message);
      loaded = *parsed;
      table = &*loaded;
    }
    for (Role r : all_roles()) {
      std::printf("%-32s", std::string(to_code(r)).c_str());
      std::string acts;
      for (std::size_t i = 0; i < governance::kActivityCount; ++i) {
        auto act = static_cast<governance::Activity>(i);
        if (table->grants(r, act)) acts += (acts.empty() ? "" : " ") + std::string(governance::to_code(act));
      }
      std::printf("%s\n", acts.empty() ? "(nothing)" : acts.c_str());
    }
    return 0;
  }
  if (!*a.list && !*a.add && !*a.set_role && !*a.deactivate && !*a.activate && !*a.reset_password) return -1;
  auto db = store::open_database(a.db);
  if (*a.list) {
    std::printf("%-6s %-16s %-28s %-32s %-10s %-6s %s\n", "id", "username", "name", "role", "org", "team", "state");
    db->query("SELECT s.id, s.username, s.display_name, s.role, o.ods_code, s.team_id, s.active, s.locked_until FROM staff_users s "
              "JOIN organisations o ON o.id = s.organisation_id ORDER BY s.id",
              {}, [](const store::Row& r) {
                std::printf("%-6lld %-16s %-28s %-32s %-10s %-6s %s\n", static_cast<long long>(r.integer(0)), r.text(1).c_str(),
                            r.text(2).c_str(), r.text(3).c_str(), r.text(4).c_str(),
                            r.is_null(5) ? "-" : std::to_string(r.integer(5)).c_str(),
                            r.integer(6) == 0 ? "inactive" : r.is_null(7) ? "active" : "active (locked until set)");
              });
    return 0;
  }
  if (*a.add) {
    auto role = role_from_code(a.role);
    if (!role) return fail("--role: " + role.error().message);
    auto org = store::find_organisation_by_code(*db, a.organisation);
    if (!org) return fail("--organisation: no organisation with ODS code " + a.organisation);
    if (a.team) {
      auto team_org = db->query_integer("SELECT organisation_id FROM teams WHERE id = ?", {a.team});
      if (!team_org) return fail("--team: no team " + std::to_string(a.team));
      if (*team_org != org->id.value) return fail("--team: team " + std::to_string(a.team) + " belongs to another organisation");
    }
    if (store::find_staff_by_username(*db, a.username)) return fail("--username: " + a.username + " is taken");
    std::string password = password_from_env(a.password_env);
    if (password.size() < 12) return fail("set " + a.password_env + " to a password of at least 12 characters");
    StaffUser u;
    u.username = a.username;
    u.display_name = a.display_name;
    u.role = *role;
    u.organisation = org->id;
    if (a.team) u.team = TeamId(a.team);
    store::Transaction tx(*db);
    auto id = store::insert_staff(*db, u, governance::hash_password(password));
    audit_admin(*db, "create", id.value, a.by);
    tx.commit();
    std::printf("added %s (id %lld) as %s\n", a.username.c_str(), static_cast<long long>(id.value), a.role.c_str());
    return 0;
  }
  auto found = store::find_staff_by_username(*db, a.username);
  if (!found) return fail("--username: no account " + a.username);
  std::int64_t id = found->user.id.value;
  store::Transaction tx(*db);
  if (*a.set_role) {
    auto role = role_from_code(a.role);
    if (!role) return fail("--role: " + role.error().message);
    db->execute("UPDATE staff_users SET role = ? WHERE id = ?", {std::string(to_code(*role)), id});
  } else if (*a.deactivate) {
    db->execute("UPDATE staff_users SET active = 0 WHERE id = ?", {id});
    db->execute("DELETE FROM sessions WHERE user_id = ?", {id});
  } else if (*a.activate) {
    db->execute("UPDATE staff_users SET active = 1 WHERE id = ?", {id});
  } else if (*a.reset_password) {
    std::string password = password_from_env(a.password_env);
    if (password.size() < 12) return fail("set " + a.password_env + " to a password of at least 12 characters");
    db->execute("UPDATE staff_users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE id = ?",
                {governance::hash_password(password), id});
    db->execute("DELETE FROM sessions WHERE user_id = ?", {id});
  }
  audit_admin(*db, "update", id, a.by);
  tx.commit();
  std::printf("updated %s\n", a.username.c_str());
  return 0;
}

}  // namespace jc::cli
