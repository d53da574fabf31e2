// `jointcare budget pools|statement|localities|practices|post|risk-share|check|seed`: Section 75
// pooled and aligned budgets, locality devolved budgets, practices' notional budgets.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace jc::cli {

struct BudgetArgs {
  std::string db, pool, month, journal, year_end, method = "proportional", format = "table";
  CLI::App *pools = nullptr, *statement = nullptr, *post = nullptr, *risk_share = nullptr, *check = nullptr, *seed = nullptr,
           *localities = nullptr, *practices = nullptr;
};

void add_budget_command(CLI::App& app, BudgetArgs& args);
// -1 when `budget` was not given.
int run_budget(const BudgetArgs& args);

}  // namespace jc::cli
