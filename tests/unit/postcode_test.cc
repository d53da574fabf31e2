// Vectors from shared/docs/REFERENCE.md ("UK postcodes").
#include "core/postcode.h"

#include <gtest/gtest.h>

namespace jc {
namespace {

TEST(Postcode, SplitsTheReferenceExample) {
  auto p = Postcode::parse("SW1A 1AA");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->full(), "SW1A 1AA");
  EXPECT_EQ(p->area(), "SW");
  EXPECT_EQ(p->district(), "SW1A");
  EXPECT_EQ(p->outward(), "SW1A");
  EXPECT_EQ(p->inward(), "1AA");
  EXPECT_EQ(p->sector(), "SW1A 1");
  EXPECT_EQ(p->unit_letters(), "AA");
}

TEST(Postcode, NormalisesCaseAndSpacing) {
  for (const char* text : {"sw1a1aa", " SW1A  1AA ", "Sw1A 1aA"}) {
    auto p = Postcode::parse(text);
    ASSERT_TRUE(p.ok()) << text;
    EXPECT_EQ(p->full(), "SW1A 1AA");
  }
}

TEST(Postcode, HandlesEveryOutwardShape) {
  struct Case {
    const char* text;
    const char* area;
    const char* district;
    const char* sector;
  };
  for (const Case& c : {Case{"M1 1AE", "M", "M1", "M1 1"}, Case{"B33 8TH", "B", "B33", "B33 8"},
                        Case{"CR2 6XH", "CR", "CR2", "CR2 6"}, Case{"DN55 1PT", "DN", "DN55", "DN55 1"},
                        Case{"W1A 0AX", "W", "W1A", "W1A 0"}, Case{"CW1 3AB", "CW", "CW1", "CW1 3"},
                        Case{"SK10 4XY", "SK", "SK10", "SK10 4"}}) {
    auto p = Postcode::parse(c.text);
    ASSERT_TRUE(p.ok()) << c.text << ": " << p.error().message;
    EXPECT_EQ(p->area(), c.area) << c.text;
    EXPECT_EQ(p->district(), c.district) << c.text;
    EXPECT_EQ(p->sector(), c.sector) << c.text;
  }
}

TEST(Postcode, RejectsMalformedInput) {
  for (const char* text : {"", "SW1A", "12345", "SW1A 1A", "SW1A AAA", "SWAA 1AA", "ABC1 1AA", "SW1A-1AA", "SW1A 1AA1"}) {
    EXPECT_FALSE(Postcode::parse(text).ok()) << text;
  }
}

}  // namespace
}  // namespace jc
