// Vectors from shared/docs/REFERENCE.md ("NHS number").
#include "core/nhs_number.h"

#include <gtest/gtest.h>

namespace jc {
namespace {

TEST(NhsNumber, AcceptsEveryValidReferenceVector) {
  for (const char* n : {"9077844449", "4698651433", "5835160933", "5462903022", "1032640960", "1740296788", "9278462608",
                        "7448556886", "0372104223", "8416367035", "2983396363", "2983396339", "9434765919", "9876543210",
                        "9990000018", "9990000026", "9990000034", "9990000042", "9990000050", "9990000069",
                        "9990000107"}) {
    auto r = NhsNumber::parse(n);
    ASSERT_TRUE(r.ok()) << n << ": " << r.error().message;
    EXPECT_EQ(r->digits(), n);
  }
}

TEST(NhsNumber, RejectsWrongCheckDigits) {
  for (const char* n : {"9434765918", "9434765910"}) {
    auto r = NhsNumber::parse(n);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_NE(r.error().message.find("wrong check digit"), std::string::npos);
  }
}

TEST(NhsNumber, RejectsNumbersWhoseCheckDigitComputesToTen) {
  for (const char* n : {"1234567890", "9991234560", "9991234561"}) {
    auto r = NhsNumber::parse(n);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_NE(r.error().message.find("computes to 10"), std::string::npos) << n;
    EXPECT_FALSE(NhsNumber::check_digit(std::string(n).substr(0, 9)).has_value());
  }
}

TEST(NhsNumber, RejectsWhatIsNotTenDigits) {
  EXPECT_FALSE(NhsNumber::parse("12345").ok());
  EXPECT_FALSE(NhsNumber::parse("Hello world.").ok());
  EXPECT_FALSE(NhsNumber::parse("").ok());
  EXPECT_FALSE(NhsNumber::parse("94347659190").ok());
}

TEST(NhsNumber, AcceptsSpacesAndHyphensAndFormatsForDisplay) {
  auto a = NhsNumber::parse("943 476 5919");
  auto b = NhsNumber::parse("943-476-5919");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->formatted(), "943 476 5919");
  EXPECT_FALSE(a->is_test_range());
  EXPECT_TRUE(NhsNumber::parse("9990000018")->is_test_range());
}

TEST(NhsNumber, CheckDigitZeroWhenElevenComputed) {
  EXPECT_EQ(NhsNumber::check_digit("987654321"), 0);
}

TEST(NhsNumberStatus, CodesRoundTripAndDescribe) {
  for (int i = 1; i <= 7; ++i) {
    auto s = static_cast<NhsNumberStatus>(i);
    auto back = nhs_number_status_from_code(to_code(s));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(to_code(NhsNumberStatus::PresentVerified), "01");
  EXPECT_EQ(describe(NhsNumberStatus::PresentVerified), "present and verified");
  EXPECT_EQ(describe(NhsNumberStatus::NotPresentTraceNotRequired), "not present and trace not required");
  EXPECT_FALSE(nhs_number_status_from_code("08").ok());
  EXPECT_FALSE(nhs_number_status_from_code("").ok());
}

}  // namespace
}  // namespace jc
