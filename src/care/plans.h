// Care and support plans that wrap around the person whoever provides or pays: lines from several
// providers, each with its funder (council, NHS, education, or a pool), units, unit cost, start and
// end. Personal budgets and personal health budgets: mode (notional, third-party, direct payment,
// mixed), the split between funders, and a spend ledger in integer pence (entries are appended,
// never changed; the balance is allocation minus spend plus refunds).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "care/context.h"
#include "care/outcome.h"

namespace jc::care {

struct PlanLine {
  std::int64_t id = 0;
  OrganisationId provider;
  std::string provider_name, service, funder;
  std::optional<std::int64_t> pool_id;
  std::int64_t units_per_week = 0, unit_cost_pence = 0;
  std::string start_date;
  std::optional<std::string> end_date;
  std::int64_t weekly_cost_pence() const { return units_per_week * unit_cost_pence; }
};

struct CarePlan {
  std::int64_t id = 0;
  PersonId person;
  std::string status, created_at, review_date, organisation;
  OrganisationId organisation_id;  // whose plan it is: the person's consent governs its flow out
  std::optional<std::string> key_worker;
  std::vector<PlanLine> lines;
  std::int64_t weekly_cost_pence = 0;  // of the lines current on the day asked
};

struct NewPlan {
  std::string review_date;  // ISO date
  std::optional<StaffUserId> key_worker;
};
Outcome<CarePlan> create_care_plan(const CareContext& ctx, PersonId person, const NewPlan& plan);
struct NewPlanLine {
  OrganisationId provider;
  std::string service, funder;  // funder: council, nhs, education, pool
  std::optional<std::int64_t> pool_id;
  std::int64_t units_per_week = 0, unit_cost_pence = 0;
  std::string start_date, end_date;
};
Outcome<CarePlan> add_plan_line(const CareContext& ctx, std::int64_t plan_id,
                                const NewPlanLine& line);
Outcome<std::vector<CarePlan>> care_plans(const CareContext& ctx, PersonId person);

struct BudgetEntry {
  std::int64_t id = 0;
  std::string entry_date, kind, description;
  std::int64_t amount_pence = 0;
};

struct PersonalBudget {
  std::int64_t id = 0;
  PersonId person;
  OrganisationId organisation_id;  // the organisation that set it up
  std::optional<std::int64_t> care_plan_id;
  std::string kind, mode, start_date, review_date;
  std::int64_t annual_amount_pence = 0;
  std::vector<std::pair<std::string, std::int64_t>> funders;  // funder, pence
  std::vector<BudgetEntry> ledger;
  std::int64_t spent_pence = 0, balance_pence = 0;
};

struct NewBudget {
  std::optional<std::int64_t> care_plan_id;
  std::string kind = "personal_budget";  // personal_budget, personal_health_budget
  std::string mode = "notional";         // notional, third_party, direct_payment, mixed
  std::int64_t annual_amount_pence = 0;
  std::vector<std::pair<std::string, std::int64_t>> funders;  // must add up to the annual amount
  std::string start_date, review_date;
};
Outcome<PersonalBudget> create_personal_budget(const CareContext& ctx, PersonId person,
                                               const NewBudget& budget);
// kind: spend (positive amount, reduces the balance) or refund (positive, restores it).
Outcome<PersonalBudget> record_budget_entry(const CareContext& ctx, std::int64_t budget_id,
                                            const std::string& kind, const std::string& entry_date,
                                            const std::string& description,
                                            std::int64_t amount_pence);
Outcome<std::vector<PersonalBudget>> personal_budgets(const CareContext& ctx, PersonId person);

}  // namespace jc::care
