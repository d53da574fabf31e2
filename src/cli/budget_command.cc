#include "cli/budget_command.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>

#include "core/money.h"
#include "io/csv_reader.h"
#include "money/budget_json.h"
#include "money/devolved.h"
#include "money/ledger.h"
#include "store/database.h"

namespace jc::cli {
namespace {


int fail(const std::string& m, int code = 2) {
  std::fprintf(stderr, "jointcare budget: %s\n", m.c_str());
  return code;
}

std::string gbp(std::int64_t pence) { return Money::pence(pence).formatted(); }

// A journal file: CSV with a header `entry,date,pool,account,debit_pence,credit_pence,kind,description`;
// rows with the same `entry` make one journal. The whole file posts in one transaction.
int post_file(store::Database& db, const std::string& path) {
  auto table = io::CsvTable::open(path);
  if (!table) return fail(table.error().message);
  std::vector<std::string> need = {"entry", "date", "pool", "account", "debit_pence", "credit_pence", "kind", "description"};
  std::map<std::string, std::size_t> col;
  for (const auto& name : need) {
    auto c = table->column(name);
    if (!c) return fail(path + ": the header has no column \"" + name + "\"");
    col[name] = *c;
  }
  std::vector<std::pair<std::string, money::Journal>> journals;
  std::map<std::string, std::size_t> index;
  std::map<std::string, long> first_line;
  for (;;) {
    auto next = table->next();
    if (!next) return fail(next.error().message);
    if (!*next) break;
    const auto& row = (*next)->fields;
    long line = (*next)->line;
    auto at = [&](const std::string& field) { return path + ":" + std::to_string(line) + ": " + field; };
    auto field = [&](const std::string& name) { return row[col[name]]; };
    auto pool = money::find_pool(db, field("pool"));
    if (!pool) return fail(at("pool") + ": " + pool.error().message);
    auto date = Date::parse_iso(field("date"));
    if (!date) return fail(at("date") + ": " + date.error().message);
    auto amount = [&](const std::string& name) -> std::optional<std::int64_t> {
      const std::string& v = field(name);
      if (v.empty()) return 0;
      std::int64_t x = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
      if (ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
      return x;
    };
    auto debit = amount("debit_pence"), credit = amount("credit_pence");
    if (!debit) return fail(at("debit_pence") + ": a whole number of pence");
    if (!credit) return fail(at("credit_pence") + ": a whole number of pence");
    std::string entry = field("entry");
    auto [it, added] = index.emplace(entry, journals.size());
    if (added) {
      journals.push_back({entry, money::Journal{pool->id, *date, field("kind"), field("description"), {}}});
      first_line[entry] = line;
    } else if (journals[it->second].second.pool != pool->id) {
      return fail(at("pool") + ": entry " + entry + " names two pools");
    }
    journals[it->second].second.lines.push_back({field("account"), *debit, *credit});
  }
  store::Transaction tx(db);
  for (const auto& [entry, j] : journals) {
    auto id = money::post(db, j);
    if (!id) return fail(path + ":" + std::to_string(first_line[entry]) + ": entry " + entry + ": " + id.error().message);
  }
  tx.commit();
  std::printf("posted %zu journal entr%s\n", journals.size(), journals.size() == 1 ? "y" : "ies");
  return 0;
}

}  // namespace

void add_budget_command(CLI::App& app, BudgetArgs& a) {
  auto* b = app.add_subcommand("budget", "Section 75 pooled and aligned budgets: a double-entry ledger in pence");
  b->require_subcommand(1);
  auto db = [&](CLI::App* c) { c->add_option("--db", a.db, "Database")->required(); };
  // A report for a month of the financial year, optionally of one pool.
  auto monthly = [&](CLI::App* c, bool pool) {
    db(c);
    if (pool) c->add_option("--pool", a.pool, "Pool name or id")->required();
    c->add_option("--month", a.month, "YYYY-MM")->required();
    c->add_option("--format", a.format, "table, csv or json");
  };
  a.pools = b->add_subcommand("pools", "Pools, their partners and balances");
  db(a.pools);
  a.statement = b->add_subcommand("statement", "Monthly statement: contributions, spend to date, forecast outturn, variance");
  monthly(a.statement, true);
  a.post = b->add_subcommand("post", "Post the journals in a CSV file (all or nothing)");
  db(a.post);
  a.post->add_option("--journal", a.journal, "CSV: entry,date,pool,account,debit_pence,credit_pence,kind,description")->required();
  a.risk_share = b->add_subcommand("risk-share", "Year-end risk share: proportional, or the cascade (reserve, then agreed ratio)");
  db(a.risk_share);
  a.risk_share->add_option("--pool", a.pool, "Pool name or id")->required();
  a.risk_share->add_option("--year-end", a.year_end, "YYYY-MM-DD, usually 31 March")->required();
  a.risk_share->add_option("--method", a.method, "proportional or cascade");
  a.check = b->add_subcommand("check", "Check every pool's ledger invariants (exit 1 when broken)");
  db(a.check);
  a.seed = b->add_subcommand("seed", "Give a synthetic area's pools partners, schemes, contributions and spend from activity, "
                                     "and devolved and practices' notional budgets");
  db(a.seed);
  a.localities = b->add_subcommand("localities", "A pool's budgets devolved to localities: budget, spend, forecast, variance");
  monthly(a.localities, true);
  a.practices = b->add_subcommand("practices", "Practice-based commissioning: notional budgets per GP practice and by provider contract");
  monthly(a.practices, false);
}

namespace {

int print_localities(const money::DevolvedStatement& s, const std::string& format) {
  if (format == "json") {
    std::printf("%s\n", money::devolved_json(s, 2).c_str());
  } else if (format == "csv") {
    std::printf("locality,budget_pence,spend_pence,forecast_outturn_pence,variance_pence\n");
    for (const auto& l : s.localities)
      std::printf("\"%s\",%lld,%lld,%lld,%lld\n", l.locality.c_str(), static_cast<long long>(l.budget_pence),
                  static_cast<long long>(l.spend_pence), static_cast<long long>(l.forecast_outturn_pence),
                  static_cast<long long>(l.variance_pence));
  } else {
    std::printf("%s devolved to localities: %s to %s\n\n  %-28s %16s %16s %16s %16s\n", s.pool.name.c_str(), s.from.iso().c_str(),
                s.to.iso().c_str(), "locality", "budget", "spend to date", "forecast", "variance");
    for (const auto& l : s.localities)
      std::printf("  %-28s %16s %16s %16s %16s\n", l.locality.c_str(), gbp(l.budget_pence).c_str(), gbp(l.spend_pence).c_str(),
                  gbp(l.forecast_outturn_pence).c_str(), gbp(l.variance_pence).c_str());
    if (s.spend_without_locality_pence) std::printf("  spend with no known locality: %s\n", gbp(s.spend_without_locality_pence).c_str());
  }
  return 0;
}

int print_practices(const money::PracticeStatement& s, const std::string& format) {
  if (format == "json") {
    std::printf("%s\n", money::practices_json(s, 2).c_str());
  } else if (format == "csv") {
    std::printf("kind,name,service,budget_pence,spend_pence\n");
    for (const auto& p : s.practices)
      for (const auto& [service, budget] : p.budget_by_service) {
        auto spent = p.spend_by_service.find(service);
        std::printf("practice,\"%s\",%s,%lld,%lld\n", p.practice.c_str(), service.c_str(), static_cast<long long>(budget),
                    static_cast<long long>(spent == p.spend_by_service.end() ? 0 : spent->second));
      }
    for (const auto& c : s.contracts)
      std::printf("contract,\"%s\",%s,%lld,%lld\n", c.provider.c_str(), c.service.c_str(), static_cast<long long>(c.notional_pence),
                  static_cast<long long>(c.spend_pence));
  } else {
    std::printf("Practice-based commissioning: %s to %s\n\n  %-36s %16s %16s %16s %16s\n", s.from.iso().c_str(), s.to.iso().c_str(),
                "practice", "notional budget", "spend to date", "forecast", "variance");
    for (const auto& p : s.practices)
      std::printf("  %-36s %16s %16s %16s %16s\n", p.practice.c_str(), gbp(p.budget_pence).c_str(), gbp(p.spend_pence).c_str(),
                  gbp(p.forecast_outturn_pence).c_str(), gbp(p.variance_pence).c_str());
    std::printf("\nContracts (the practices' budgets by where their patients went)\n  %-36s %-32s %16s %16s\n", "provider", "service",
                "notional", "spend to date");
    for (const auto& c : s.contracts)
      std::printf("  %-36s %-32s %16s %16s\n", c.provider.c_str(), c.service.c_str(), gbp(c.notional_pence).c_str(),
                  gbp(c.spend_pence).c_str());
  }
  return 0;
}

}  // namespace

int run_budget(const BudgetArgs& a) {
  if (!*a.pools && !*a.statement && !*a.post && !*a.risk_share && !*a.check && !*a.seed && !*a.localities && !*a.practices) return -1;
  if (a.format != "table" && a.format != "csv" && a.format != "json") return fail("--format: table, csv or json");
  auto db = store::open_database(a.db);
  if (*a.seed) {
    auto st = money::seed_pool_ledgers(*db);
    if (!st) return fail(st.error().message);
    st = money::seed_devolved_budgets(*db);
    if (!st) return fail(st.error().message);
    std::printf("seeded %zu pools\n", money::list_pools(*db).size());
    return 0;
  }
  if (*a.post) return post_file(*db, a.journal);
  if (*a.check) {
    int bad = 0;
    for (const auto& p : money::list_pools(*db)) {
      auto st = money::check_ledger(*db, p.id);
      std::printf("%-40s %s\n", p.name.c_str(), st ? "balanced" : st.error().message.c_str());
      bad += !st;
    }
    return bad ? 1 : 0;
  }
  if (*a.pools) {
    for (const auto& p : money::list_pools(*db)) {
      std::printf("%lld %s (%s): fund %s, reserve %s\n", static_cast<long long>(p.id.value), p.name.c_str(), p.kind.c_str(),
                  gbp(money::balance(*db, p.id, "fund")).c_str(), gbp(money::balance(*db, p.id, "reserve")).c_str());
      db->query("SELECT o.name, pp.share_basis_points FROM pool_partners pp JOIN organisations o ON o.id = pp.organisation_id "
                "WHERE pp.pool_id = ? ORDER BY o.name",
                {p.id.value}, [](const store::Row& r) {
                  std::printf("    partner %s, share of any overspend %.2f%%\n", r.text(0).c_str(), static_cast<double>(r.integer(1)) / 100);
                });
    }
    return 0;
  }
  if (*a.practices) {
    auto s = money::practice_statement(*db, a.month);
    if (!s) return fail(s.error().message);
    return print_practices(*s, a.format);
  }
  auto pool = money::find_pool(*db, a.pool);
  if (!pool) return fail("--pool: " + pool.error().message);
  if (*a.localities) {
    auto s = money::devolved_statement(*db, pool->id, a.month);
    if (!s) return fail(s.error().message);
    return print_localities(*s, a.format);
  }
  if (*a.risk_share) {
    auto y = Date::parse_iso(a.year_end);
    if (!y) return fail("--year-end: " + y.error().message);
    auto rs = money::year_end_risk_share(*db, pool->id, *y, a.method);
    if (!rs) return fail(rs.error().message);
    std::printf("%s at %s: %s %s; from the reserve %s\n", pool->name.c_str(), a.year_end.c_str(),
                rs->overspend_pence >= 0 ? "overspend" : "underspend", gbp(rs->overspend_pence < 0 ? -rs->overspend_pence : rs->overspend_pence).c_str(),
                gbp(rs->from_reserve_pence).c_str());
    for (const auto& [partner, pence] : rs->by_partner)
      std::printf("    %s %s %s\n", partner.c_str(), pence >= 0 ? "pays" : "receives", gbp(pence >= 0 ? pence : -pence).c_str());
    auto st = money::check_ledger(*db, pool->id);
    if (!st) return fail(st.error().message, 1);
    return 0;
  }
  auto s = money::statement(*db, pool->id, a.month);
  if (!s) return fail("--month: " + s.error().message);
  if (a.format == "json") {
    std::printf("%s\n", money::statement_json(*s, 2).c_str());
  } else if (a.format == "csv") {
    std::printf("line,item,pence\n");
    for (const auto& [k, v] : s->contributions) std::printf("contribution,\"%s\",%lld\n", k.c_str(), static_cast<long long>(v));
    for (const auto& [k, v] : s->spend_by_scheme) std::printf("spend,\"%s\",%lld\n", k.c_str(), static_cast<long long>(v));
    std::printf("total,contributions,%lld\ntotal,spend,%lld\nbalance,reserve,%lld\nbalance,fund,%lld\nforecast,outturn,%lld\nforecast,variance,%lld\n",
                static_cast<long long>(s->contributions_pence), static_cast<long long>(s->spend_pence),
                static_cast<long long>(s->reserve_pence), static_cast<long long>(s->fund_pence),
                static_cast<long long>(s->forecast_outturn_pence), static_cast<long long>(s->variance_pence));
  } else {
    std::printf("%s: %s to %s\n\nContributions\n", s->pool.name.c_str(), s->from.iso().c_str(), s->to.iso().c_str());
    for (const auto& [k, v] : s->contributions) std::printf("  %-56s %16s\n", k.c_str(), gbp(v).c_str());
    std::printf("Spend to date (budget for the year)\n");
    for (const auto& [k, v] : s->spend_by_scheme)
      std::printf("  %-56s %16s (%s)\n", k.c_str(), gbp(v).c_str(), gbp(s->budget_by_scheme[k]).c_str());
    std::printf("\n  %-56s %16s\n  %-56s %16s\n  %-56s %16s\n  %-56s %16s\n  %-56s %16s\n  %-56s %16s\n", "Contributions to date",
                gbp(s->contributions_pence).c_str(), "Spend to date", gbp(s->spend_pence).c_str(), "Risk reserve",
                gbp(s->reserve_pence).c_str(), "Fund balance", gbp(s->fund_pence).c_str(), "Forecast outturn (spend)",
                gbp(s->forecast_outturn_pence).c_str(), "Forecast variance (negative: overspend)", gbp(s->variance_pence).c_str());
    std::printf("  %-56s %16s\n", "Committed by active care plans, rest of year", gbp(s->committed_pence).c_str());
    if (!s->by_partner.empty()) {
      std::printf("\nAligned: each partner's own budget, side by side (owned apart, no risk share)\n  %-36s %16s %16s %16s %16s\n",
                  "partner", "budget", "spend to date", "forecast", "variance");
      for (const auto& [partner, c] : s->by_partner)
        std::printf("  %-36s %16s %16s %16s %16s\n", partner.c_str(), gbp(c.budget_pence).c_str(), gbp(c.spend_pence).c_str(),
                    gbp(c.forecast_outturn_pence).c_str(), gbp(c.variance_pence).c_str());
    }
  }
  return 0;
}

}  // namespace jc::cli
