// Vectors from shared/docs/REFERENCE.md ("Confidence intervals", "Disclosure control").
#include "insight/statistics.h"

#include <gtest/gtest.h>

namespace jc::insight {
namespace {

TEST(Wilson, MatchesTheReferenceVectors) {
  auto a = wilson(65, 100);
  EXPECT_NEAR(a.lower, 0.552544, 1e-6);
  EXPECT_NEAR(a.upper, 0.736358, 1e-6);
  auto b = wilson(1045, 5000);
  EXPECT_NEAR(b.lower, 0.197955, 1e-6);
  EXPECT_NEAR(b.upper, 0.220491, 1e-6);
  auto c = wilson(65, 100, kZ998);
  EXPECT_NEAR(c.lower, 0.495495, 1e-6);
  EXPECT_NEAR(c.upper, 0.778354, 1e-6);
}

TEST(Byar, MatchesTheReferenceVectors) {
  auto a = byar(65);
  EXPECT_NEAR(a.lower, 50.163188, 1e-5);
  EXPECT_NEAR(a.upper, 82.849139, 1e-5);
  auto b = byar(1045);
  EXPECT_NEAR(b.lower, 982.593202, 1e-5);
  EXPECT_NEAR(b.upper, 1110.331213, 1e-5);
  auto c = byar(65, kZ998);
  EXPECT_NEAR(c.lower, 42.880261, 1e-5);
  EXPECT_NEAR(c.upper, 94.000291, 1e-5);
}

TEST(Byar, UsesExactPoissonLimitsUnderTen) {
  // Exact 95% limits for small counts (Garwood): 0 → 0–3.689, 1 → 0.0253–5.572, 5 → 1.6235–11.668.
  EXPECT_NEAR(byar(0).lower, 0.0, 1e-9);
  EXPECT_NEAR(byar(0).upper, 3.6889, 1e-3);
  EXPECT_NEAR(byar(1).lower, 0.0253, 1e-3);
  EXPECT_NEAR(byar(1).upper, 5.5716, 1e-3);
  EXPECT_NEAR(byar(5).lower, 1.6235, 1e-3);
  EXPECT_NEAR(byar(5).upper, 11.6683, 1e-3);
}

TEST(Disclosure, AppliesTheNhsDigitalRule) {
  EXPECT_EQ(disclose(0), 0);
  EXPECT_EQ(disclose(2), std::nullopt);
  EXPECT_EQ(disclose(5), std::nullopt);
  EXPECT_EQ(disclose(7), std::nullopt);
  EXPECT_EQ(disclose(8), 10);
  EXPECT_EQ(disclose(16), 15);
  EXPECT_EQ(disclose(57), 55);
  EXPECT_EQ(disclose(10023), 10025);
}

}  // namespace
}  // namespace jc::insight
