// Budgets devolved below the partnership: to localities (a share of a pool's budget that the
// locality manages, with spend attributed from the activity of the people who live there), and
// practice-based commissioning's notional budgets per GP practice (set by weighted capitation,
// with the activity of the practice's registered patients counted against them), aggregated into
// the contracts the commissioner holds with each provider. Financial years start on 1 April and
// are named by that year (2025 = April 2025 to March 2026). All amounts are pence.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/ids.h"
#include "core/result.h"
#include "core/time.h"
#include "money/ledger.h"
#include "store/database.h"

namespace jc::money {

// Sets a locality's devolved share of a pool for a year; refuses a share that would take the
// pool's devolved budgets past the pool's own (its schemes' budgets), changing nothing.
Status set_devolved_budget(store::Database& db, PoolId pool, std::int64_t locality_id, int financial_year, std::int64_t budget_pence);

struct DevolvedLine {
  std::string locality;
  std::int64_t budget_pence = 0, spend_pence = 0, forecast_outturn_pence = 0, variance_pence = 0;
};
struct DevolvedStatement {
  Pool pool;
  Date from, to;
  std::vector<DevolvedLine> localities;  // by name
  std::int64_t spend_without_locality_pence = 0;  // activity whose record has no known place
};
// The financial year to the end of `month` ("2025-09"): each locality's devolved budget, the
// pool-funded activity of its residents, that spend scaled to the year, and the variance.
Result<DevolvedStatement> devolved_statement(store::Database& db, PoolId pool, const std::string& month);

// Practice-based commissioning.
Status set_notional_budget(store::Database& db, OrganisationId practice, int financial_year, const std::string& service,
                           std::int64_t budget_pence);

struct PracticeLine {
  std::string practice, ods_code;
  std::int64_t budget_pence = 0, spend_pence = 0, forecast_outturn_pence = 0, variance_pence = 0;
  std::map<std::string, std::int64_t> budget_by_service, spend_by_service;
};
struct ContractLine {
  std::string provider, service;
  std::int64_t notional_pence = 0;  // the practices' budgets for the service, split by where their patients went
  std::int64_t spend_pence = 0;
  int practices = 0;  // practices whose patients used it
};
struct PracticeStatement {
  Date from, to;
  std::vector<PracticeLine> practices;  // by name
  std::vector<ContractLine> contracts;  // by provider, then service
};
// The financial year to the end of `month`: every practice's notional budgets and its patients'
// activity in those services; and the same money by provider contract.
Result<PracticeStatement> practice_statement(store::Database& db, const std::string& month);

// Seeds the synthetic area's devolved budgets for the year its activity starts: each pool's budget
// devolved to the localities by resident population, and notional budgets for each practice's
// acute and community services by weighted capitation (the area's cost per registered patient
// in each age band, times the practice's patients in that band).
Status seed_devolved_budgets(store::Database& db);

}  // namespace jc::money
