// Commissioning plans and their performance (seed 003 §4.6–4.8): a plan (TOML) names its outputs
// with due dates, the money it commits, and indicators over JointCare's own data with targets.
// Each indicator is measured month by month; the report gives its latest value, RAG status against
// the target (green: met; amber: within the tolerance; red: beyond it), the trend (least squares),
// and a flag when the latest month falls outside the control limits of an XmR chart (mean ± 2.66 ×
// mean moving range of the months before), so emerging problems show quickly.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace jc::insight {

// The indicators a plan may use, each measured per calendar month.
struct IndicatorDefinition {
  std::string code, description, unit;
};
const std::vector<IndicatorDefinition>& plan_indicators();

// Evaluates the plan in `toml_text` and reports as json or table; `as_of` (YYYY-MM-DD) dates the
// outputs' status (default: the last day of activity).
Result<std::string> evaluate_plan(store::Database& db, const std::string& toml_text, const std::string& source,
                                  const std::string& format = "json", const std::string& as_of = "");

}  // namespace jc::insight
