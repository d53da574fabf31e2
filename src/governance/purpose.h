// The purpose of use every audit event records: a code from HL7 v3 PurposeOfUse, the list IHE
// BALP and FHIR AuditEvent use, plus two of JointCare's own (safeguarding enquiries and the
// information-governance review of the audit itself). A reader asserts one with the
// X-Purpose-Of-Use header; anything not on the list is refused at the edge, and none given is
// direct care.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace jc::governance {

enum class Purpose : std::uint8_t {
  Treatment,             // TREAT: direct care
  EmergencyTreatment,    // ETREAT: emergency care, and what every break-glass read records
  Operations,            // HOPERAT: operations (the person index, extracts, commissioning)
  Payment,               // HPAYMT
  Research,              // HRESCH
  PublicHealth,          // PUBHLTH
  SystemAdministration,  // HSYSADMIN: sign-in, user and role administration
  CoordinationOfCare,    // COC: joint panels such as the Case Committee
  PatientRequest,        // PATRQT: the person's own request
  Safeguarding,          // SAFEGUARD (JointCare): a safeguarding enquiry
  GovernanceReview,      // IGREVIEW (JointCare): alerts, audit search, "who looked"
};

struct PurposeCode {
  Purpose purpose;
  std::string_view code;     // what the audit stores and the header carries
  std::string_view display;  // what screens and reports show
  std::string_view system;   // the code system: HL7 v3 ActReason or JointCare's own
};

inline constexpr std::string_view kHl7ActReason =
    "http://terminology.hl7.org/CodeSystem/v3-ActReason";
inline constexpr std::string_view kJointCarePurpose =
    "https://jointcare.example/CodeSystem/purpose-of-use";

// Every code, in the order of Purpose.
std::span<const PurposeCode> purposes();
std::string_view code(Purpose p);
std::string_view display(Purpose p);
// The purpose a code names (exact, upper case), or nothing when it is not on the list.
std::optional<Purpose> purpose_from_code(std::string_view code);
// The display of a stored code; the code itself when it is not one of today's (events are kept
// as they were written).
std::string_view display_of_code(std::string_view code);

}  // namespace jc::governance
