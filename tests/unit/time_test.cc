#include "core/time.h"

#include <gtest/gtest.h>

namespace jc {
namespace {

TEST(Date, RejectsImpossibleDates) {
  EXPECT_FALSE(Date::from_ymd(2023, 2, 29).ok());
  EXPECT_TRUE(Date::from_ymd(2024, 2, 29).ok());
  EXPECT_FALSE(Date::from_ymd(2024, 13, 1).ok());
  EXPECT_FALSE(Date::from_ymd(2024, 4, 31).ok());
}

TEST(Date, ParsesSeveralFormats) {
  Date want = *Date::from_ymd(1950, 3, 7);
  EXPECT_EQ(*Date::parse("1950-03-07", "%Y-%m-%d"), want);
  EXPECT_EQ(*Date::parse("19500307", "%Y%m%d"), want);
  EXPECT_EQ(*Date::parse("07/03/1950", "%d/%m/%Y"), want);
  EXPECT_EQ(*Date::parse("07-Mar-1950", "%d-%b-%Y"), want);
  EXPECT_EQ(*Date::parse("7 March 1950", "%d %B %Y"), want);
  EXPECT_FALSE(Date::parse("1950-03-07x", "%Y-%m-%d").ok());
  EXPECT_FALSE(Date::parse("31/02/1950", "%d/%m/%Y").ok());
  EXPECT_FALSE(Date::parse("", "%Y%m%d").ok());
}

TEST(Date, FormatsAsItParses) {
  Date d = *Date::from_ymd(2003, 11, 9);
  for (const char* f : {"%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d-%b-%Y"}) {
    EXPECT_EQ(*Date::parse(d.format(f), f), d) << f;
  }
  EXPECT_EQ(d.format("%d-%b-%Y"), "09-Nov-2003");
  EXPECT_EQ(d.iso(), "2003-11-09");
}

TEST(Date, KnowsWeekdaysAndAges) {
  EXPECT_EQ(Date::from_days(0).weekday(), 3);  // 1970-01-01 was a Thursday
  EXPECT_EQ(Date::from_ymd(2025, 4, 1)->weekday(), 1);  // a Tuesday
  Date birth = *Date::from_ymd(1950, 6, 15);
  EXPECT_EQ(Date::from_ymd(2025, 6, 14)->years_since(birth), 74);
  EXPECT_EQ(Date::from_ymd(2025, 6, 15)->years_since(birth), 75);
  EXPECT_EQ(Date::from_days(-1).iso(), "1969-12-31");
}

TEST(Timestamp, ParsesZonesAsUtc) {
  auto a = Timestamp::parse_iso("2024-03-31T09:30:00Z");
  auto b = Timestamp::parse_iso("2024-03-31T10:30:00+01:00");
  auto c = Timestamp::parse_iso("2024-03-31T09:30:00.123");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*a, *c);
  EXPECT_EQ(a->iso(), "2024-03-31T09:30:00Z");
  EXPECT_EQ(a->date().iso(), "2024-03-31");
  EXPECT_FALSE(Timestamp::parse_iso("2024-03-31T25:00:00Z").ok());
  EXPECT_FALSE(Timestamp::parse_iso("yesterday").ok());
}

}  // namespace
}  // namespace jc
