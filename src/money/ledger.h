// Section 75 pooled and aligned budgets (NHS Act 2006; SI 2000/617) as a double-entry ledger in
// integer pence. Each pool has its own accounts:
//   fund                      asset     the pooled money the host partner holds (pooled funds)
//   fund:<ODS code>           asset     a partner's own money in an aligned budget: aligned budgets
//                                       are reported side by side but owned apart, so each
//                                       partner's schemes are paid from its own fund, there is no
//                                       shared reserve and no year-end risk share
//   reserve                   liability the risk reserve set aside from contributions
//   contrib:<ODS code>        equity    what each partner has put in (less what it took back)
//   scheme:<scheme id>        expense   what each scheme has spent
// Every journal balances (debits = credits), every line is one-sided and positive, every account
// belongs to the journal's pool, and nothing posted is changed: corrections reverse. A failing
// post writes nothing. All amounts are pence. Thread-safety: one Database per thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.h"
#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace jc::money {

// Splits `total` pence in proportion to `weights` exactly (largest remainder), in the weights' order.
std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<std::int64_t>& weights);

// The financial year (from 1 April) to the end of `month` ("2025-09"), and the year's last day.
struct YearToDate {
  Date from, to, year_end;
  int financial_year = 0;  // the year it starts in
  // Days elapsed and in the whole year: spend to date × year / elapsed is the forecast outturn.
  std::int64_t elapsed_days() const { return to.days() - from.days() + 1; }
  std::int64_t year_days() const { return year_end.days() - from.days() + 1; }
  std::int64_t scale_to_year(std::int64_t pence) const;
};
Result<YearToDate> year_to_date(const std::string& month);

struct Pool {
  PoolId id;
  std::string name, kind;  // kind: pooled or aligned
  OrganisationId host;
};
Result<Pool> find_pool(store::Database& db, const std::string& name_or_id);
std::vector<Pool> list_pools(store::Database& db);

// Partners and their agreed share of any overspend (basis points, summing to 10,000 per pool).
Status set_partner(store::Database& db, PoolId pool, OrganisationId partner, int share_basis_points);
// A scheme of an aligned pool needs its owner (a partner); a pooled fund's schemes have none.
Result<std::int64_t> add_scheme(store::Database& db, PoolId pool, const std::string& name, std::int64_t budget_pence,
                                std::optional<OrganisationId> owner = std::nullopt);

struct JournalLine {
  std::string account;  // account code, e.g. "fund", "contrib:RBT", "scheme:3"
  std::int64_t debit_pence = 0;
  std::int64_t credit_pence = 0;
};
struct Journal {
  PoolId pool;
  Date date;
  std::string kind;  // contribution, spend, reserve, risk_share, return, adjustment, reversal
  std::string description;
  std::vector<JournalLine> lines;
};
// Posts a balanced journal; refuses (writing nothing) anything unbalanced, one-sided-less, negative,
// empty or naming an account that is not the pool's.
Result<std::int64_t> post(store::Database& db, const Journal& journal);
// Posts the mirror image of an entry.
Result<std::int64_t> reverse(store::Database& db, std::int64_t entry_id, const std::string& reason);

// The common journals.
Result<std::int64_t> contribute(store::Database& db, PoolId pool, OrganisationId partner, std::int64_t pence, Date date,
                                const std::string& description);
Result<std::int64_t> spend(store::Database& db, PoolId pool, std::int64_t scheme, std::int64_t pence, Date date,
                           const std::string& description);
Result<std::int64_t> set_aside_reserve(store::Database& db, PoolId pool, std::int64_t pence, Date date);

// Debits minus credits on an account up to and including a date (all time when absent).
std::int64_t balance(store::Database& db, PoolId pool, const std::string& account, std::optional<Date> up_to = std::nullopt);

// Checks the ledger's invariants: every entry balances and has lines; every line is one-sided and
// positive; total debits equal total credits; the fund equals contributions plus reserve movements
// less spend (the accounting equation for the pool). Returns what is wrong.
Status check_ledger(store::Database& db, PoolId pool);

struct Statement {
  Pool pool;
  Date from, to;  // the financial year so far, to the statement's month end
  std::map<std::string, std::int64_t> contributions;  // partner name → pence to date
  std::map<std::string, std::int64_t> spend_by_scheme;  // scheme name → pence to date
  std::map<std::string, std::int64_t> budget_by_scheme;
  std::int64_t contributions_pence = 0, spend_pence = 0, reserve_pence = 0, fund_pence = 0;
  std::int64_t forecast_outturn_pence = 0;  // spend to date scaled to the full year
  std::int64_t variance_pence = 0;          // contributions + reserve - forecast (negative: overspend)
  // What active care plans funded from the pool commit for the rest of the year (units a week ×
  // unit cost, each week the line runs after the statement's end and by 31 March).
  std::int64_t committed_pence = 0;
  // Aligned budgets: each partner's own figures, side by side (empty for pooled funds).
  struct PartnerColumn {
    std::int64_t budget_pence = 0, contributions_pence = 0, spend_pence = 0, forecast_outturn_pence = 0, variance_pence = 0;
  };
  std::map<std::string, PartnerColumn> by_partner;
};
// The monthly statement: the financial year (1 April) to the end of `month` ("2025-09").
Result<Statement> statement(store::Database& db, PoolId pool, const std::string& month);

struct RiskShare {
  std::int64_t overspend_pence = 0;  // negative: an underspend returned
  std::int64_t from_reserve_pence = 0;
  std::map<std::string, std::int64_t> by_partner;  // extra contribution (or return) per partner
  std::vector<std::int64_t> entries;
};
// Year-end risk share (pooled funds only) at `year_end`: "proportional" splits the overspend (or underspend) in
// proportion to what each partner contributed; "cascade" first uses the risk reserve, then splits
// what remains in the partners' agreed ratio (share_basis_points). The fund ends the year at zero.
Result<RiskShare> year_end_risk_share(store::Database& db, PoolId pool, Date year_end, const std::string& method);

// Seeds the synthetic area's pools: partners and shares, a scheme per service funded from the
// pool, monthly contributions and monthly spend from the pool-funded activity of the year.
Status seed_pool_ledgers(store::Database& db);

}  // namespace jc::money
