// HL7 FHIR R4 (with the UK Core profiles) as JointCare renders it: each organisation's record of
// a person as a Patient, the person of the person index as a Person linking them, organisations
// as Organization, searchset Bundles, OperationOutcome for every error, and the
// CapabilityStatement. Rendering only: what is shown has passed the gate in src/care. JSON text
// in application/fhir+json; the mapping is in docs/fhir.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "care/patients.h"
#include "care/referrals.h"
#include "core/organisation.h"

namespace jc::fhir {

inline constexpr std::string_view kMediaType = "application/fhir+json; charset=utf-8";
inline constexpr std::string_view kNhsNumberSystem = "https://fhir.nhs.uk/Id/nhs-number";
inline constexpr std::string_view kOdsSystem = "https://fhir.nhs.uk/Id/ods-organization-code";
inline constexpr std::string_view kUkCorePatient =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient";
inline constexpr std::string_view kUkCoreOrganization =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Organization";
inline constexpr std::string_view kVerificationStatusExtension =
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus";
inline constexpr std::string_view kVerificationStatusSystem =
    "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland";
// An organisation's own identifiers of its records: this prefix and the organisation's ODS code.
inline constexpr std::string_view kLocalRecordSystem =
    "https://fhir.jointcare.org.uk/Id/local-record/";

// JointCare's identifiers of its referrals (a referral's ServiceRequest and Task carry its id).
inline constexpr std::string_view kReferralSystem = "https://fhir.jointcare.org.uk/Id/referral";

// The display of an NHS number verification status code ("01".."07"); "" for any other.
std::string_view verification_status_display(std::string_view code);
// FHIR's administrative gender of a record's sex ("male", "female", "other", else "unknown").
std::string_view gender_of(std::string_view sex);

std::string patient(const care::PatientRecord& record);
std::string person(const care::PersonLinks& person);
std::string organization(const Organisation& organisation);

// A referral as the NHS Booking and Referral Standard pairs them: the ServiceRequest (what is
// asked, of whom, for whom) and the Task that carries it through the receiving team's lifecycle.
std::string service_request(const care::Referral& referral);
std::string task(const care::Referral& referral);
// The ServiceRequest.status and the Task.status of a referral's status (the lifecycle's names
// of care/referrals.h); "unknown" for any other.
std::string_view service_request_status(std::string_view referral_status);
std::string_view task_status(std::string_view referral_status);

struct Link {
  std::string relation, url;
};
// A searchset Bundle of resources (each rendered JSON text) with their full URLs.
struct Entry {
  std::string full_url, resource;
};
std::string searchset(std::size_t total, const std::vector<Link>& links,
                      const std::vector<Entry>& entries);

// An OperationOutcome with one issue: severity ("error", "warning", "information"), the issue
// type code ("not-found", "forbidden", "invalid", "processing", ...), the message and, when one
// element is at fault, its FHIRPath ("Patient.identifier").
std::string operation_outcome(std::string_view severity, std::string_view code,
                              std::string_view diagnostics, std::string_view expression = {});

// What the server supports, for the CapabilityStatement: each resource type, its interactions
// and its search parameters.
struct SearchParameter {
  std::string_view name, type, documentation;
};
struct ResourceSupport {
  std::string_view type;
  std::string_view profile;                    // "" for the base resource
  std::vector<std::string_view> interactions;  // "read", "search-type"
  std::vector<SearchParameter> search;
};
std::string capability_statement(const std::vector<ResourceSupport>& resources,
                                 std::string_view software_version, std::string_view date);

}  // namespace jc::fhir
