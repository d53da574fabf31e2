// Spend and trend for market shaping (seed 002 §3.4): spend by service, provider, client group and
// month from the activity each organisation records; each service's monthly trend (least squares)
// and a 12-month projection with a 95% prediction interval; provider concentration per service
// (Herfindahl–Hirschman index, 0–10,000); and what people buy with personal budgets.
//
// Client groups, by the person's age at the period's start and the service: children and families
// (under 18, or a children's service), mental health (a mental health service), older people (65
// and over), working-age adults (18–64).
#pragma once

#include <string>

#include "core/result.h"
#include "store/database.h"

namespace jc::insight {

struct SpendOptions {
  std::string format = "json";  // json or csv
  int projection_months = 12;
};

Result<std::string> spend_report(store::Database& db, const SpendOptions& options);

// Least-squares line through (0, y0), (1, y1), ...: value at x, and the 95% prediction interval's
// half-width there (normal approximation, 1.96 × the residual standard error × the usual factor).
struct Trend {
  double intercept = 0, slope = 0, residual_se = 0;
  double mean_x = 0, sxx = 0;
  std::size_t n = 0;
  double at(double x) const { return intercept + slope * x; }
  double half_width(double x) const;
};
Trend fit_trend(const std::vector<double>& y);
// The Herfindahl–Hirschman index of shares given as amounts (0 when empty).
double hhi(const std::vector<std::int64_t>& amounts);

}  // namespace jc::insight
