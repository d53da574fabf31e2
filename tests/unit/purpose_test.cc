// The purposes of use are the coded list REFERENCE.md gives (HL7 v3 PurposeOfUse, as IHE BALP and
// FHIR AuditEvent use it) and JointCare's own two, each once.
#include "governance/purpose.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace jc::governance {

TEST(Purpose, EveryHl7CodeTheReferenceNamesIsOnTheList) {
  for (const char* c :
       {"TREAT", "ETREAT", "HOPERAT", "HPAYMT", "HRESCH", "PUBHLTH", "HSYSADMIN", "COC", "PATRQT"}) {
    auto p = purpose_from_code(c);
    ASSERT_TRUE(p) << c;
    EXPECT_EQ(code(*p), c);
    EXPECT_EQ(purposes()[static_cast<std::size_t>(*p)].system,
              "http://terminology.hl7.org/CodeSystem/v3-ActReason");
  }
  EXPECT_EQ(purpose_from_code("TREAT"), Purpose::Treatment);
  EXPECT_EQ(purpose_from_code("ETREAT"), Purpose::EmergencyTreatment);
  EXPECT_EQ(display(Purpose::Treatment), "Direct care");
}

TEST(Purpose, JointCaresOwnCodesAreInItsOwnSystem) {
  for (const char* c : {"SAFEGUARD", "IGREVIEW"}) {
    auto p = purpose_from_code(c);
    ASSERT_TRUE(p) << c;
    EXPECT_NE(purposes()[static_cast<std::size_t>(*p)].system,
              "http://terminology.hl7.org/CodeSystem/v3-ActReason");
  }
}

TEST(Purpose, AnythingElseIsNotAPurpose) {
  for (const char* c : {"", "treat", "Treat", " TREAT", "TREAT ", "direct care", "TREAT,ETREAT",
                        "ETREAT\n", "HMARKT"})
    EXPECT_FALSE(purpose_from_code(c)) << c;
  // A stored value that is not a code today is shown as it was written.
  EXPECT_EQ(display_of_code("direct care"), "direct care");
  EXPECT_EQ(display_of_code("COC"), "Coordination of care");
}

TEST(Purpose, CodesAndDisplaysAreUnique) {
  std::set<std::string> codes, displays;
  for (const auto& p : purposes()) {
    EXPECT_TRUE(codes.insert(std::string(p.code)).second) << p.code;
    EXPECT_TRUE(displays.insert(std::string(p.display)).second) << p.display;
  }
  EXPECT_EQ(codes.size(), 11u);
}

}  // namespace jc::governance
