// Every report as table, CSV or JSON: the engines render JSON; these flatten it into rows for CSV
// (RFC 4180 quoting) or an aligned text table, one row per group, person, year or item.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace jc::cli {

struct Rows {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

Rows jsna_rows(const nlohmann::json& report);            // measure, cut, group, count, population, value, interval, comparison
Rows case_committee_rows(const nlohmann::json& report);  // locality, rank, person, cost, organisations, flags
Rows scenario_rows(const nlohmann::json& report);        // year, funder, baseline, scenario, change
Rows plan_rows(const nlohmann::json& report);            // outputs and indicators with RAG
Rows spend_rows(const nlohmann::json& report);           // services: total, providers, HHI, trend

// Prints `json_text` (a report's JSON) as `format`: json as it is, csv or table through `flatten`.
void print_report(const std::string& json_text, const std::string& format, Rows (*flatten)(const nlohmann::json&));

}  // namespace jc::cli
