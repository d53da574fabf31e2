#include "money/budget_json.h"

#include <nlohmann/json.hpp>

namespace jc::money {

using nlohmann::json;

std::string statement_json(const Statement& s, int indent) {
  json by_partner = json::object();
  for (const auto& [partner, c] : s.by_partner)
    by_partner[partner] = {{"budget_pence", c.budget_pence}, {"contributions_pence", c.contributions_pence}, {"spend_pence", c.spend_pence},
                           {"forecast_outturn_pence", c.forecast_outturn_pence}, {"variance_pence", c.variance_pence}};
  return json{{"pool", s.pool.name},
              {"from", s.from.iso()},
              {"to", s.to.iso()},
              {"contributions_pence", s.contributions_pence},
              {"contributions_by_partner_pence", s.contributions},
              {"spend_pence", s.spend_pence},
              {"spend_by_scheme_pence", s.spend_by_scheme},
              {"budget_by_scheme_pence", s.budget_by_scheme},
              {"reserve_pence", s.reserve_pence},
              {"fund_pence", s.fund_pence},
              {"forecast_outturn_pence", s.forecast_outturn_pence},
              {"variance_pence", s.variance_pence},
              {"committed_pence", s.committed_pence},
              {"kind", s.pool.kind},
              {"by_partner", by_partner}}
      .dump(indent);
}

std::string devolved_json(const DevolvedStatement& s, int indent) {
  json lines = json::array();
  for (const auto& l : s.localities)
    lines.push_back({{"locality", l.locality}, {"budget_pence", l.budget_pence}, {"spend_pence", l.spend_pence},
                     {"forecast_outturn_pence", l.forecast_outturn_pence}, {"variance_pence", l.variance_pence}});
  return json{{"pool", s.pool.name}, {"from", s.from.iso()}, {"to", s.to.iso()}, {"localities", lines},
              {"spend_without_locality_pence", s.spend_without_locality_pence}}
      .dump(indent);
}

std::string practices_json(const PracticeStatement& s, int indent) {
  json practices = json::array(), contracts = json::array();
  for (const auto& p : s.practices)
    practices.push_back({{"practice", p.practice}, {"ods_code", p.ods_code}, {"budget_pence", p.budget_pence},
                         {"spend_pence", p.spend_pence}, {"forecast_outturn_pence", p.forecast_outturn_pence},
                         {"variance_pence", p.variance_pence}, {"budget_by_service_pence", p.budget_by_service},
                         {"spend_by_service_pence", p.spend_by_service}});
  for (const auto& c : s.contracts)
    contracts.push_back({{"provider", c.provider}, {"service", c.service}, {"notional_pence", c.notional_pence},
                         {"spend_pence", c.spend_pence}, {"practices", c.practices}});
  return json{{"from", s.from.iso()}, {"to", s.to.iso()}, {"practices", practices}, {"contracts", contracts}}.dump(indent);
}

}  // namespace jc::money
