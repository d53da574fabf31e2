// FHIR as the server reads and writes it: a query string through the search parameter parsers
// of Patient, ServiceRequest and Task (each must accept or refuse it, and the self link's query
// must read back the same), and the bytes as the text fields of a Patient, a referral's
// ServiceRequest and Task and an OperationOutcome, which must render as well-formed JSON whatever
// they hold.
#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fhir/resources.h"
#include "fhir/search.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto params = jc::fhir::parse_query(text);
  jc::fhir::SearchFault fault;
  // The self link's query names the same parameters with the same values.
  auto reads_back = [](const std::vector<jc::fhir::Param>& used) {
    const auto again = jc::fhir::parse_query(jc::fhir::query_string(used));
    if (again.size() != used.size()) __builtin_trap();
    for (std::size_t i = 0; i < again.size(); ++i)
      if (again[i].name != used[i].name || again[i].value != used[i].value) __builtin_trap();
  };
  for (bool strict : {false, true}) {
    fault = {};
    if (auto search = jc::fhir::patient_search(params, strict, fault)) {
      reads_back(search->used);
      if (search->query.limit > jc::fhir::kMostCount) __builtin_trap();
    } else if (fault.message.empty()) {
      __builtin_trap();  // a refusal always says why
    }
    for (auto kind :
         {jc::fhir::ReferralResource::ServiceRequest, jc::fhir::ReferralResource::Task}) {
      fault = {};
      if (auto search = jc::fhir::referral_search(kind, params, strict, fault)) {
        reads_back(search->used);
        if (search->query.limit > jc::fhir::kMostCount) __builtin_trap();
        const auto& all = jc::care::referral_statuses();
        for (const auto& st : search->query.statuses)
          if (std::find(all.begin(), all.end(), st) == all.end()) __builtin_trap();
      } else if (fault.message.empty()) {
        __builtin_trap();
      }
    }
  }
  jc::care::PatientRecord r;
  r.id = jc::LocalRecordId(1);
  r.organisation = jc::OrganisationId(2);
  const std::string s(text);
  r.given_name = r.family_name = r.address = r.postcode = r.local_id = r.organisation_code = s;
  r.nhs_number = s.substr(0, 10);
  r.nhs_number_status = s.substr(0, 2);
  r.birth_date = s.substr(0, 10);
  r.sex = s;
  jc::care::Referral ref;
  ref.id = jc::ReferralId(3);
  ref.record = jc::LocalRecordId(1);
  ref.person_name = ref.from_team_name = ref.to_team_name = ref.status = ref.sent_at = s;
  ref.from_organisation_code = ref.to_organisation_code = s;
  ref.service_requested = ref.reason = ref.urgency = ref.accepted_at = ref.closed_at = s;
  ref.events.push_back({s, s, s, s, s, s});
  for (const std::string& out :
       {jc::fhir::patient(r), jc::fhir::service_request(ref), jc::fhir::task(ref),
        jc::fhir::operation_outcome("error", "invalid", s, s)})
    if (nlohmann::json::parse(out, nullptr, false).is_discarded()) __builtin_trap();
  return 0;
}
