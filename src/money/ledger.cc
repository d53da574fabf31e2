#include "money/ledger.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <tuple>

namespace jc::money {
namespace {

// Products of pence and day counts or weights can pass 2^63: compute them wide.
__extension__ typedef __int128 Wide;

std::optional<std::int64_t> account_id(store::Database& db, PoolId pool, const std::string& code) {
  return db.query_integer("SELECT id FROM ledger_accounts WHERE pool_id = ? AND code = ?",
                          {pool.value, code});
}

void ensure_account(store::Database& db, PoolId pool, const std::string& code,
                    const std::string& name, const std::string& kind) {
  if (account_id(db, pool, code)) return;
  db.insert_returning_id(
      "INSERT INTO ledger_accounts (pool_id, code, name, kind) VALUES (?, ?, ?, ?)",
      {pool.value, code, name, kind});
}

void ensure_core_accounts(store::Database& db, PoolId pool) {
  ensure_account(db, pool, "fund", "Pooled fund", "asset");
  ensure_account(db, pool, "reserve", "Risk reserve", "asset");
}

std::optional<std::string> ods_of(store::Database& db, OrganisationId org) {
  return db.query_text("SELECT ods_code FROM organisations WHERE id = ?", {org.value});
}

// A pool's partners: organisation id and ODS code.
std::vector<std::pair<std::int64_t, std::string>> partners_of(store::Database& db, PoolId pool) {
  std::vector<std::pair<std::int64_t, std::string>> out;
  db.query(
      "SELECT pp.organisation_id, o.ods_code FROM pool_partners pp JOIN organisations o ON o.id = "
      "pp.organisation_id "
      "WHERE pp.pool_id = ? ORDER BY o.ods_code",
      {pool.value}, [&](const store::Row& r) { out.emplace_back(r.integer(0), r.text(1)); });
  return out;
}

bool is_aligned(store::Database& db, PoolId pool) {
  return db.query_text("SELECT kind FROM pools WHERE id = ?", {pool.value}).value_or("") ==
         "aligned";
}

// The fund an aligned scheme is paid from: its owner's.
std::string fund_of_scheme(store::Database& db, std::int64_t scheme) {
  auto ods = db.query_text(
      "SELECT o.ods_code FROM pool_schemes s JOIN organisations o ON o.id = "
      "s.owner_organisation_id WHERE s.id = ?",
      {scheme});
  return ods ? "fund:" + *ods : "fund";
}

// Debits minus credits over every fund account of the pool (the pooled fund, or each aligned
// partner's own) up to a date.
std::int64_t funds(store::Database& db, PoolId pool, Date up_to) {
  return db
      .query_integer(
          "SELECT COALESCE(SUM(l.debit_pence) - SUM(l.credit_pence), 0) FROM journal_lines l "
          "JOIN journal_entries e ON e.id = l.entry_id JOIN ledger_accounts a ON a.id = "
          "l.account_id "
          "WHERE e.pool_id = ? AND (a.code = 'fund' OR a.code LIKE 'fund:%') AND e.entry_date <= ?",
          {pool.value, up_to.iso()})
      .value_or(0);
}

Date financial_year_start(Date d) {
  std::string iso = d.iso();
  int year = std::stoi(iso.substr(0, 4)), month = std::stoi(iso.substr(5, 2));
  return *Date::from_ymd(month >= 4 ? year : year - 1, 4, 1);
}

// Credits minus debits on accounts whose code starts with `prefix`, per account, in [from, to].
std::map<std::string, std::int64_t> movements(store::Database& db, PoolId pool,
                                              const std::string& prefix, Date from, Date to,
                                              bool debit_normal) {
  std::map<std::string, std::int64_t> out;
  db.query(
      "SELECT a.name, SUM(l.debit_pence) - SUM(l.credit_pence) FROM journal_lines l JOIN "
      "journal_entries e ON e.id = l.entry_id "
      "JOIN ledger_accounts a ON a.id = l.account_id WHERE e.pool_id = ? AND a.code LIKE ? AND "
      "e.entry_date >= ? "
      "AND e.entry_date <= ? GROUP BY a.name",
      {pool.value, prefix + "%", from.iso(), to.iso()},
      [&](const store::Row& r) { out[r.text(0)] = debit_normal ? r.integer(1) : -r.integer(1); });
  return out;
}

Result<std::int64_t> post_unchecked(store::Database& db, const Journal& j,
                                    std::optional<std::int64_t> reverses) {
  store::Transaction tx(db);
  std::int64_t id = db.insert_returning_id(
      "INSERT INTO journal_entries (pool_id, entry_date, kind, description, posted_at, "
      "reverses_entry_id) VALUES (?, ?, ?, ?, ?, ?)",
      {j.pool.value, j.date.iso(), j.kind, j.description, Timestamp::now().iso(),
       store::optional_value(reverses)});
  for (const auto& l : j.lines) {
    db.insert_returning_id(
        "INSERT INTO journal_lines (entry_id, account_id, debit_pence, credit_pence) VALUES (?, ?, "
        "?, ?)",
        {id, *account_id(db, j.pool, l.account), l.debit_pence, l.credit_pence});
  }
  tx.commit();
  return id;
}

}  // namespace

std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<std::int64_t>& weights) {
  std::vector<std::int64_t> out(weights.size(), 0);
  std::int64_t sum = 0;
  for (auto w : weights) sum += w;
  if (sum <= 0 || weights.empty()) return out;
  std::int64_t given = 0;
  std::vector<std::pair<Wide, std::size_t>> remainders;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    Wide exact = static_cast<Wide>(total) * weights[i];
    out[i] = static_cast<std::int64_t>(exact / sum);
    remainders.emplace_back(exact % sum, i);
    given += out[i];
  }
  std::sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) {
    return a.first != b.first
               ? (a.first < 0 ? -a.first : a.first) > (b.first < 0 ? -b.first : b.first)
               : a.second < b.second;
  });
  std::int64_t left = total - given;
  for (std::size_t k = 0; left != 0 && k < remainders.size(); ++k) {
    std::int64_t step = left > 0 ? 1 : -1;
    out[remainders[k].second] += step;
    left -= step;
  }
  return out;
}

Result<YearToDate> year_to_date(const std::string& month) {
  auto first = Date::parse_iso(month + "-01");
  if (month.size() != 7 || !first) return Error{"month: YYYY-MM, such as 2025-09"};
  YearToDate p;
  p.from = financial_year_start(*first);
  int y = first->year(), m = first->month();
  p.to = Date::from_ymd(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1)->plus_days(-1);
  p.financial_year = p.from.year();
  p.year_end = *Date::from_ymd(p.financial_year + 1, 3, 31);
  return p;
}

std::int64_t YearToDate::scale_to_year(std::int64_t pence) const {
  std::int64_t elapsed = elapsed_days();
  return elapsed > 0 ? static_cast<std::int64_t>(static_cast<Wide>(pence) * year_days() / elapsed)
                     : 0;
}

Result<Pool> find_pool(store::Database& db, const std::string& name_or_id) {
  std::optional<Pool> p;
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(name_or_id.data(), name_or_id.data() + name_or_id.size(), id);
  bool numeric = ec == std::errc() && end == name_or_id.data() + name_or_id.size();
  db.query(numeric ? "SELECT id, name, kind, host_organisation_id FROM pools WHERE id = ?"
                   : "SELECT id, name, kind, host_organisation_id FROM pools WHERE name = ?",
           {numeric ? store::Value(id) : store::Value(name_or_id)}, [&](const store::Row& r) {
             p = Pool{PoolId(r.integer(0)), r.text(1), r.text(2), OrganisationId(r.integer(3))};
           });
  if (!p) return Error{"no pool \"" + name_or_id + "\""};
  return *p;
}

std::vector<Pool> list_pools(store::Database& db) {
  std::vector<Pool> out;
  db.query(
      "SELECT id, name, kind, host_organisation_id FROM pools ORDER BY id", {},
      [&](const store::Row& r) {
        out.push_back({PoolId(r.integer(0)), r.text(1), r.text(2), OrganisationId(r.integer(3))});
      });
  return out;
}

Status set_partner(store::Database& db, PoolId pool, OrganisationId partner, int share) {
  if (!db.query_integer("SELECT 1 FROM pools WHERE id = ?", {pool.value}))
    return Error{"no pool " + std::to_string(pool.value)};
  auto ods = ods_of(db, partner);
  if (!ods) return Error{"no organisation " + std::to_string(partner.value)};
  if (share < 0 || share > 10'000) return Error{"share: basis points from 0 to 10,000"};
  auto name = db.query_text("SELECT name FROM organisations WHERE id = ?", {partner.value});
  store::Transaction tx(db);
  ensure_core_accounts(db, pool);
  db.execute("DELETE FROM pool_partners WHERE pool_id = ? AND organisation_id = ?",
             {pool.value, partner.value});
  db.execute(
      "INSERT INTO pool_partners (pool_id, organisation_id, share_basis_points) VALUES (?, ?, ?)",
      {pool.value, partner.value, std::int64_t{share}});
  ensure_account(db, pool, "contrib:" + *ods, "Contributions: " + *name, "equity");
  if (is_aligned(db, pool))
    ensure_account(db, pool, "fund:" + *ods, "Aligned budget: " + *name, "asset");
  tx.commit();
  return {};
}

Result<std::int64_t> add_scheme(store::Database& db, PoolId pool, const std::string& name,
                                std::int64_t budget, std::optional<OrganisationId> owner) {
  if (!db.query_integer("SELECT 1 FROM pools WHERE id = ?", {pool.value}))
    return Error{"no pool " + std::to_string(pool.value)};
  if (name.empty()) return Error{"scheme: a name is needed"};
  if (budget < 0) return Error{"scheme budget: pence, not negative"};
  bool aligned = is_aligned(db, pool);
  if (aligned && !owner)
    return Error{"scheme \"" + name +
                 "\": an aligned budget's scheme belongs to one partner: name its owner"};
  if (!aligned && owner)
    return Error{"scheme \"" + name +
                 "\": a pooled fund's schemes belong to the pool, not to one partner"};
  if (owner &&
      !db.query_integer("SELECT 1 FROM pool_partners WHERE pool_id = ? AND organisation_id = ?",
                        {pool.value, owner->value}))
    return Error{"scheme \"" + name + "\": its owner is not a partner in this pool"};
  if (db.query_integer("SELECT 1 FROM pool_schemes WHERE pool_id = ? AND name = ?",
                       {pool.value, name}))
    return Error{"scheme \"" + name + "\" already exists in this pool"};
  store::Transaction tx(db);
  ensure_core_accounts(db, pool);
  std::int64_t id = db.insert_returning_id(
      "INSERT INTO pool_schemes (pool_id, name, budget_pence, owner_organisation_id) VALUES (?, ?, "
      "?, ?)",
      {pool.value, name, budget, owner ? store::Value(owner->value) : store::null()});
  ensure_account(db, pool, "scheme:" + std::to_string(id), name, "expense");
  tx.commit();
  return id;
}

Result<std::int64_t> post(store::Database& db, const Journal& j) {
  if (!db.query_integer("SELECT 1 FROM pools WHERE id = ?", {j.pool.value}))
    return Error{"no pool " + std::to_string(j.pool.value)};
  if (j.kind.empty()) return Error{"kind: what sort of entry this is"};
  if (j.lines.size() < 2) return Error{"a journal needs at least two lines"};
  std::int64_t debits = 0, credits = 0;
  for (std::size_t i = 0; i < j.lines.size(); ++i) {
    const auto& l = j.lines[i];
    std::string where = "line " + std::to_string(i + 1) + " (" + l.account + ")";
    if (l.debit_pence < 0 || l.credit_pence < 0)
      return Error{where + ": amounts are positive pence"};
    if ((l.debit_pence > 0) == (l.credit_pence > 0))
      return Error{where + ": a line is either a debit or a credit"};
    if (!account_id(db, j.pool, l.account)) return Error{where + ": no such account in this pool"};
    debits += l.debit_pence;
    credits += l.credit_pence;
  }
  if (debits != credits)
    return Error{"unbalanced: debits " + std::to_string(debits) + " pence, credits " +
                 std::to_string(credits) + " pence"};
  return post_unchecked(db, j, std::nullopt);
}

Result<std::int64_t> reverse(store::Database& db, std::int64_t entry_id,
                             const std::string& reason) {
  std::optional<Journal> j;
  db.query("SELECT pool_id, entry_date FROM journal_entries WHERE id = ?", {entry_id},
           [&](const store::Row& r) {
             Journal x;
             x.pool = PoolId(r.integer(0));
             x.date = *Date::parse_iso(r.text(1));
             j = std::move(x);
           });
  if (!j) return Error{"no journal entry " + std::to_string(entry_id)};
  if (db.query_integer("SELECT 1 FROM journal_entries WHERE reverses_entry_id = ?", {entry_id}))
    return Error{"journal entry " + std::to_string(entry_id) + " was already reversed"};
  j->kind = "reversal";
  j->description = reason.empty() ? "reversal of entry " + std::to_string(entry_id) : reason;
  db.query(
      "SELECT a.code, l.debit_pence, l.credit_pence FROM journal_lines l JOIN ledger_accounts a ON "
      "a.id = l.account_id "
      "WHERE l.entry_id = ? ORDER BY l.id",
      {entry_id}, [&](const store::Row& r) {
        j->lines.push_back({r.text(0), r.integer(2), r.integer(1)});
      });
  return post_unchecked(db, *j, entry_id);
}

Result<std::int64_t> contribute(store::Database& db, PoolId pool, OrganisationId partner,
                                std::int64_t pence, Date date, const std::string& description) {
  auto ods = ods_of(db, partner);
  if (!ods) return Error{"no organisation " + std::to_string(partner.value)};
  if (pence <= 0) return Error{"amount: positive pence"};
  if (!db.query_integer("SELECT 1 FROM pool_partners WHERE pool_id = ? AND organisation_id = ?",
                        {pool.value, partner.value}))
    return Error{"organisation " + *ods + " is not a partner in this pool"};
  std::string fund = is_aligned(db, pool) ? "fund:" + *ods : "fund";
  return post(db, Journal{pool,
                          date,
                          "contribution",
                          description,
                          {{fund, pence, 0}, {"contrib:" + *ods, 0, pence}}});
}

Result<std::int64_t> spend(store::Database& db, PoolId pool, std::int64_t scheme,
                           std::int64_t pence, Date date, const std::string& description) {
  if (pence <= 0) return Error{"amount: positive pence"};
  if (!db.query_integer("SELECT 1 FROM pool_schemes WHERE id = ? AND pool_id = ?",
                        {scheme, pool.value}))
    return Error{"no scheme " + std::to_string(scheme) + " in this pool"};
  return post(db, Journal{pool,
                          date,
                          "spend",
                          description,
                          {{"scheme:" + std::to_string(scheme), pence, 0},
                           {fund_of_scheme(db, scheme), 0, pence}}});
}

Result<std::int64_t> set_aside_reserve(store::Database& db, PoolId pool, std::int64_t pence,
                                       Date date) {
  if (pence <= 0) return Error{"amount: positive pence"};
  if (is_aligned(db, pool))
    return Error{"an aligned budget has no shared risk reserve: each partner carries its own"};
  return post(db, Journal{pool,
                          date,
                          "reserve",
                          "set aside as the risk reserve",
                          {{"reserve", pence, 0}, {"fund", 0, pence}}});
}

std::int64_t balance(store::Database& db, PoolId pool, const std::string& account,
                     std::optional<Date> up_to) {
  return db
      .query_integer(
          "SELECT COALESCE(SUM(l.debit_pence) - SUM(l.credit_pence), 0) FROM journal_lines l "
          "JOIN journal_entries e ON e.id = l.entry_id JOIN ledger_accounts a ON a.id = "
          "l.account_id "
          "WHERE e.pool_id = ? AND a.code = ? AND e.entry_date <= ?",
          {pool.value, account, up_to ? up_to->iso() : std::string("9999-12-31")})
      .value_or(0);
}

Status check_ledger(store::Database& db, PoolId pool) {
  std::string problem;
  db.query(
      "SELECT e.id, COALESCE(SUM(l.debit_pence), 0), COALESCE(SUM(l.credit_pence), 0), COUNT(l.id) "
      "FROM journal_entries e "
      "LEFT JOIN journal_lines l ON l.entry_id = e.id WHERE e.pool_id = ? GROUP BY e.id "
      "HAVING COALESCE(SUM(l.debit_pence), 0) <> COALESCE(SUM(l.credit_pence), 0) OR COUNT(l.id) < "
      "2 ORDER BY e.id LIMIT 1",
      {pool.value}, [&](const store::Row& r) {
        problem = "entry " + std::to_string(r.integer(0)) + " does not balance (debits " +
                  std::to_string(r.integer(1)) + ", credits " + std::to_string(r.integer(2)) +
                  ", " + std::to_string(r.integer(3)) + " lines)";
      });
  if (!problem.empty()) return Error{problem};
  db.query(
      "SELECT l.id FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id JOIN "
      "ledger_accounts a ON a.id = l.account_id "
      "WHERE e.pool_id = ? AND (NOT ((l.debit_pence > 0 AND l.credit_pence = 0) OR (l.credit_pence "
      "> 0 AND l.debit_pence = 0)) "
      "OR a.pool_id <> e.pool_id) LIMIT 1",
      {pool.value}, [&](const store::Row& r) {
        problem = "line " + std::to_string(r.integer(0)) + " is not one-sided in this pool";
      });
  if (!problem.empty()) return Error{problem};
  // The accounting equation: fund + reserve + spend = contributions.
  std::int64_t assets =
      funds(db, pool, *Date::parse_iso("9999-12-31")) + balance(db, pool, "reserve");
  std::int64_t spent = 0, contributed = 0;
  db.query(
      "SELECT a.code, COALESCE(SUM(l.debit_pence) - SUM(l.credit_pence), 0) FROM ledger_accounts a "
      "LEFT JOIN journal_lines l ON l.account_id = a.id WHERE a.pool_id = ? GROUP BY a.code",
      {pool.value}, [&](const store::Row& r) {
        std::string code = r.text(0);
        if (code.rfind("scheme:", 0) == 0) spent += r.integer(1);
        if (code.rfind("contrib:", 0) == 0) contributed -= r.integer(1);
      });
  if (assets + spent != contributed)
    return Error{"the ledger does not add up: fund and reserve " + std::to_string(assets) +
                 " + spend " + std::to_string(spent) + " <> contributions " +
                 std::to_string(contributed)};
  // Aligned budgets are owned apart: each partner's fund is its own contributions less its own
  // schemes' spend, and nothing crosses between partners.
  if (is_aligned(db, pool)) {
    for (const auto& [org, ods] : partners_of(db, pool)) {
      std::int64_t own_spend =
          db.query_integer(
                "SELECT COALESCE(SUM(l.debit_pence) - SUM(l.credit_pence), 0) FROM journal_lines l "
                "JOIN ledger_accounts a ON a.id = l.account_id JOIN pool_schemes s ON a.code = "
                "'scheme:' || s.id "
                "WHERE a.pool_id = ? AND s.owner_organisation_id = ?",
                {pool.value, org})
              .value_or(0);
      std::int64_t own =
          balance(db, pool, "fund:" + ods) + own_spend + balance(db, pool, "contrib:" + ods);
      if (own != 0)
        return Error{"partner " + ods + "'s aligned budget does not add up by " +
                     std::to_string(own) + " pence"};
    }
  }
  return {};
}

Result<Statement> statement(store::Database& db, PoolId pool, const std::string& month) {
  auto period = year_to_date(month);
  if (!period) return period.error();
  auto p = find_pool(db, std::to_string(pool.value));
  if (!p) return p.error();
  Statement s;
  s.pool = *p;
  s.from = period->from;
  s.to = period->to;
  s.contributions = movements(db, pool, "contrib:", s.from, s.to, false);
  s.spend_by_scheme = movements(db, pool, "scheme:", s.from, s.to, true);
  db.query("SELECT name, budget_pence FROM pool_schemes WHERE pool_id = ?", {pool.value},
           [&](const store::Row& r) { s.budget_by_scheme[r.text(0)] = r.integer(1); });
  for (const auto& [k, v] : s.contributions) s.contributions_pence += v;
  for (const auto& [k, v] : s.spend_by_scheme) s.spend_pence += v;
  s.reserve_pence = balance(db, pool, "reserve", s.to);
  s.fund_pence = funds(db, pool, s.to);
  s.forecast_outturn_pence = period->scale_to_year(s.spend_pence);
  std::int64_t forecast_contributions = period->scale_to_year(s.contributions_pence);
  s.variance_pence = forecast_contributions + s.reserve_pence - s.forecast_outturn_pence;
  // Commitments: active care plans' lines funded from the pool, each whole week they run after
  // the statement's end and before the year's.
  Date year_end = period->year_end;
  db.query(
      "SELECT l.units_per_week, l.unit_cost_pence, l.start_date, l.end_date FROM care_plan_lines l "
      "JOIN care_plans c ON c.id = l.care_plan_id WHERE c.status = 'active' AND l.pool_id = ?",
      {pool.value}, [&](const store::Row& r) {
        auto start = Date::parse_iso(r.text(2));
        if (!start) return;
        Date from = std::max(*start, s.to.plus_days(1));
        Date to = year_end;
        if (!r.is_null(3))
          if (auto end = Date::parse_iso(r.text(3))) to = std::min(to, *end);
        std::int64_t weeks = to.days() >= from.days() ? (to.days() - from.days() + 1) / 7 : 0;
        s.committed_pence += weeks * r.integer(0) * r.integer(1);
      });
  if (p->kind == "aligned") {
    // Each partner's own budget (its schemes'), contributions, spend, forecast and variance.
    std::vector<std::tuple<std::int64_t, std::string, std::string>> partners;  // id, ODS code, name
    db.query(
        "SELECT pp.organisation_id, o.ods_code, o.name FROM pool_partners pp JOIN organisations o "
        "ON o.id = pp.organisation_id "
        "WHERE pp.pool_id = ?",
        {pool.value},
        [&](const store::Row& r) { partners.emplace_back(r.integer(0), r.text(1), r.text(2)); });
    for (const auto& [org, ods, name] : partners) {
      Statement::PartnerColumn col;
      col.budget_pence = db.query_integer(
                               "SELECT COALESCE(SUM(budget_pence), 0) FROM pool_schemes WHERE "
                               "pool_id = ? AND owner_organisation_id = ?",
                               {pool.value, org})
                             .value_or(0);
      auto in_year = [&](const std::string& account) {
        return balance(db, pool, account, s.to) - balance(db, pool, account, s.from.plus_days(-1));
      };
      col.contributions_pence = -in_year("contrib:" + ods);
      std::vector<std::string> schemes;
      db.query("SELECT id FROM pool_schemes WHERE pool_id = ? AND owner_organisation_id = ?",
               {pool.value, org}, [&](const store::Row& sr) {
                 schemes.push_back("scheme:" + std::to_string(sr.integer(0)));
               });
      for (const auto& scheme : schemes) col.spend_pence += in_year(scheme);
      col.forecast_outturn_pence = period->scale_to_year(col.spend_pence);
      col.variance_pence = col.budget_pence - col.forecast_outturn_pence;
      s.by_partner[name] = col;
    }
  }
  return s;
}

Result<RiskShare> year_end_risk_share(store::Database& db, PoolId pool, Date year_end,
                                      const std::string& method) {
  if (method != "proportional" && method != "cascade")
    return Error{"method: proportional or cascade"};
  auto p = find_pool(db, std::to_string(pool.value));
  if (!p) return p.error();
  if (p->kind == "aligned")
    return Error{"\"" + p->name +
                 "\" is an aligned budget: each partner keeps its own over- or underspend, there "
                 "is no risk share"};
  if (db.query_integer("SELECT 1 FROM journal_entries WHERE pool_id = ? AND kind = 'risk_share' "
                       "AND entry_date = ?",
                       {pool.value, year_end.iso()}))
    return Error{"the risk share for " + year_end.iso() + " was already posted"};
  Date from = financial_year_start(year_end);
  struct Partner {
    std::string ods, name;
    std::int64_t contributed = 0;
    int share = 0;
  };
  std::vector<Partner> partners;
  db.query(
      "SELECT o.ods_code, o.name, pp.share_basis_points FROM pool_partners pp JOIN organisations o "
      "ON o.id = pp.organisation_id "
      "WHERE pp.pool_id = ? ORDER BY o.ods_code",
      {pool.value}, [&](const store::Row& r) {
        partners.push_back({r.text(0), r.text(1), 0, static_cast<int>(r.integer(2))});
      });
  if (partners.empty()) return Error{"the pool has no partners"};
  for (auto& pt : partners) {
    pt.contributed =
        -db.query_integer(
               "SELECT COALESCE(SUM(l.debit_pence) - SUM(l.credit_pence), 0) FROM journal_lines l "
               "JOIN journal_entries e ON e.id = l.entry_id JOIN ledger_accounts a ON a.id = "
               "l.account_id "
               "WHERE e.pool_id = ? AND a.code = ? AND e.entry_date >= ? AND e.entry_date <= ?",
               {pool.value, "contrib:" + pt.ods, from.iso(), year_end.iso()})
             .value_or(0);
  }
  RiskShare rs;
  std::int64_t fund = balance(db, pool, "fund", year_end);
  rs.overspend_pence = -fund;
  store::Transaction tx(db);
  std::int64_t to_share = rs.overspend_pence;
  if (method == "cascade" && to_share > 0) {
    std::int64_t reserve = balance(db, pool, "reserve", year_end);
    rs.from_reserve_pence = std::min(reserve, to_share);
    if (rs.from_reserve_pence > 0) {
      auto e = post(
          db, Journal{pool,
                      year_end,
                      "risk_share",
                      "overspend met from the risk reserve",
                      {{"fund", rs.from_reserve_pence, 0}, {"reserve", 0, rs.from_reserve_pence}}});
      if (!e) return e.error();
      rs.entries.push_back(*e);
      to_share -= rs.from_reserve_pence;
    }
  }
  if (to_share != 0) {
    std::vector<std::int64_t> weights;
    for (const auto& pt : partners)
      weights.push_back(method == "cascade" && to_share > 0 ? pt.share : pt.contributed);
    auto parts = apportion(to_share, weights);
    Journal j{pool,
              year_end,
              "risk_share",
              to_share > 0 ? "year-end overspend shared by the partners (" + method + ")"
                           : "year-end underspend returned to the partners (" + method + ")",
              {}};
    if (to_share > 0) j.lines.push_back({"fund", to_share, 0});
    for (std::size_t i = 0; i < partners.size(); ++i) {
      rs.by_partner[partners[i].name] = parts[i];
      if (parts[i] > 0) j.lines.push_back({"contrib:" + partners[i].ods, 0, parts[i]});
      if (parts[i] < 0) j.lines.push_back({"contrib:" + partners[i].ods, -parts[i], 0});
    }
    if (to_share < 0) j.lines.push_back({"fund", 0, -to_share});
    auto e = post(db, j);
    if (!e) return e.error();
    rs.entries.push_back(*e);
  }
  tx.commit();
  return rs;
}

Status seed_pool_ledgers(store::Database& db) {
  if (db.query_integer("SELECT 1 FROM journal_entries LIMIT 1"))
    return Error{"the pools' ledgers already have entries"};
  auto council = db.query_integer(
      "SELECT id FROM organisations WHERE kind = 'council_adult_social_care' ORDER BY id LIMIT 1");
  auto icb = db.query_integer(
      "SELECT id FROM organisations WHERE kind = 'nhs_commissioner' ORDER BY id LIMIT 1");
  if (!council || !icb) return Error{"the area has no council or commissioner"};
  store::Transaction tx(db);
  for (const auto& pool : list_pools(db)) {
    // Partners: the council and the commissioner share every pool; a third host joins its own.
    std::vector<std::pair<std::int64_t, int>> partners = {{*council, 5000}, {*icb, 5000}};
    if (pool.host.value != *council && pool.host.value != *icb)
      partners = {{pool.host.value, 4000}, {*council, 3000}, {*icb, 3000}};
    for (auto [org, share] : partners)
      if (auto st = set_partner(db, pool.id, OrganisationId(org), share); !st) return st;
    // A scheme per service the pool paid for, budgeted at 98% of the year's spend (a planned
    // squeeze that leaves an overspend to share), and that spend, month by month. An aligned
    // budget's schemes belong to the partner that pays for the service (the council aligns its
    // own nursing-home placements beside the NHS's Continuing Healthcare), each paid from that
    // partner's own fund, which that partner alone contributes to.
    bool aligned = pool.kind == "aligned";
    auto owner_of = [&](std::int64_t org) {
      return org == *council || org == *icb ? org : pool.host.value;
    };
    std::map<std::pair<std::int64_t, std::string>, std::int64_t> by_scheme;  // owner, service
    std::map<std::pair<std::string, std::pair<std::int64_t, std::string>>, std::int64_t>
        by_month;  // month, scheme
    std::string sql =
        "SELECT organisation_id, service, substr(activity_date, 1, 7), SUM(cost_pence) FROM "
        "activity WHERE pool_id = ?";
    if (aligned)
      sql += " OR (pool_id IS NULL AND service = 'nursing_care' AND organisation_id = " +
             std::to_string(*council) + ")";
    db.query(sql + " GROUP BY 1, 2, 3", {pool.id.value}, [&](const store::Row& r) {
      std::pair<std::int64_t, std::string> scheme{aligned ? owner_of(r.integer(0)) : 0, r.text(1)};
      by_scheme[scheme] += r.integer(3);
      by_month[{r.text(2), scheme}] += r.integer(3);
    });
    std::map<std::pair<std::int64_t, std::string>, std::int64_t> scheme_of;
    std::map<std::int64_t, std::int64_t> budget_of_owner;
    std::int64_t total = 0;
    for (const auto& [scheme, pence] : by_scheme) {
      auto owner =
          aligned ? std::optional<OrganisationId>(OrganisationId(scheme.first)) : std::nullopt;
      auto id = add_scheme(db, pool.id, scheme.second, pence * 98 / 100, owner);
      if (!id) return id.error();
      scheme_of[scheme] = *id;
      budget_of_owner[scheme.first] += pence * 98 / 100;
      total += pence;
    }
    std::set<std::string> months;
    for (const auto& [key, pence] : by_month) months.insert(key.first);
    if (months.empty()) continue;
    auto n_months = static_cast<std::int64_t>(months.size());
    std::int64_t monthly = total * 98 / 100 / n_months;
    bool reserve_set = aligned;  // an aligned budget has no shared reserve
    for (const auto& month : months) {
      Date first = *Date::parse_iso(month + "-01");
      for (auto [org, share] : partners) {
        std::int64_t amount = aligned ? budget_of_owner[org] / n_months : monthly * share / 10'000;
        if (aligned && amount <= 0) continue;
        auto c = contribute(db, pool.id, OrganisationId(org), std::max<std::int64_t>(1, amount),
                            first, "monthly contribution " + month);
        if (!c) return c.error();
      }
      if (!reserve_set) {
        auto r = set_aside_reserve(db, pool.id, std::max<std::int64_t>(1, total / 100), first);
        if (!r) return r.error();
        reserve_set = true;
      }
      int y = std::stoi(month.substr(0, 4)), m = std::stoi(month.substr(5, 2));
      Date last = Date::from_ymd(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1)->plus_days(-1);
      for (const auto& [key, pence] : by_month) {
        if (key.first != month || pence <= 0) continue;
        auto sp =
            spend(db, pool.id, scheme_of[key.second], pence, last, key.second.second + " " + month);
        if (!sp) return sp.error();
      }
    }
  }
  tx.commit();
  return {};
}

}  // namespace jc::money
