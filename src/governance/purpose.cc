#include "governance/purpose.h"

#include <array>

namespace jc::governance {
namespace {

using P = Purpose;
constexpr std::array kPurposes{
    PurposeCode{P::Treatment, "TREAT", "Direct care", kHl7ActReason},
    PurposeCode{P::EmergencyTreatment, "ETREAT", "Emergency care (break-glass)", kHl7ActReason},
    PurposeCode{P::Operations, "HOPERAT", "Operations", kHl7ActReason},
    PurposeCode{P::Payment, "HPAYMT", "Payment", kHl7ActReason},
    PurposeCode{P::Research, "HRESCH", "Research", kHl7ActReason},
    PurposeCode{P::PublicHealth, "PUBHLTH", "Public health", kHl7ActReason},
    PurposeCode{P::SystemAdministration, "HSYSADMIN", "System administration", kHl7ActReason},
    PurposeCode{P::CoordinationOfCare, "COC", "Coordination of care", kHl7ActReason},
    PurposeCode{P::PatientRequest, "PATRQT", "The person's own request", kHl7ActReason},
    PurposeCode{P::Safeguarding, "SAFEGUARD", "Safeguarding", kJointCarePurpose},
    PurposeCode{P::GovernanceReview, "IGREVIEW", "Information governance review",
                kJointCarePurpose},
};

constexpr bool in_order() {
  for (std::size_t i = 0; i < kPurposes.size(); ++i)
    if (static_cast<std::size_t>(kPurposes[i].purpose) != i) return false;
  return true;
}
static_assert(in_order(), "kPurposes follows the order of Purpose");

}  // namespace

std::span<const PurposeCode> purposes() { return kPurposes; }
std::string_view code(Purpose p) { return kPurposes[static_cast<std::size_t>(p)].code; }
std::string_view display(Purpose p) { return kPurposes[static_cast<std::size_t>(p)].display; }

std::optional<Purpose> purpose_from_code(std::string_view c) {
  for (const auto& p : kPurposes)
    if (p.code == c) return p.purpose;
  return std::nullopt;
}

std::string_view display_of_code(std::string_view c) {
  auto p = purpose_from_code(c);
  return p ? display(*p) : c;
}

}  // namespace jc::governance
