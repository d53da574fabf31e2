#include "core/money.h"

#include <gtest/gtest.h>

namespace jc {
namespace {

TEST(Money, ParsesPoundsAndPence) {
  EXPECT_EQ(Money::parse("272.97")->in_pence(), 27297);
  EXPECT_EQ(Money::parse("\xC2\xA3" "1,234.5")->in_pence(), 123450);
  EXPECT_EQ(Money::parse("-3.05")->in_pence(), -305);
  EXPECT_EQ(Money::parse("12")->in_pence(), 1200);
  EXPECT_FALSE(Money::parse("1.234").ok());
  EXPECT_FALSE(Money::parse("abc").ok());
  EXPECT_FALSE(Money::parse("").ok());
}

TEST(Money, FormatsForPeopleAndForFiles) {
  EXPECT_EQ(Money::pence(123456789).formatted(), "\xC2\xA3" "1,234,567.89");
  EXPECT_EQ(Money::pence(-5).formatted(), "-\xC2\xA3" "0.05");
  EXPECT_EQ(Money::pence(100).decimal(), "1.00");
  EXPECT_EQ(Money::pence(-12345).decimal(), "-123.45");
}

TEST(Money, ArithmeticIsExact) {
  Money sum;
  for (int i = 0; i < 1000; ++i) sum += Money::pence(1);  // no floating point drift
  EXPECT_EQ(sum.in_pence(), 1000);
  EXPECT_EQ((Money::pounds(897) * 52).in_pence(), 4664400);
  EXPECT_EQ(Money::pence(100).scaled(1, 3).in_pence(), 33);
  EXPECT_EQ(Money::pence(5).scaled(1, 2).in_pence(), 3);    // half away from zero
  EXPECT_EQ(Money::pence(-5).scaled(1, 2).in_pence(), -3);
}

}  // namespace
}  // namespace jc
