// FHIR as the server reads and writes it: a query string through the search parameter parser
// (which must accept or refuse it, and whose self link's query must read back the same), and
// the bytes as the text fields of a Patient and of an OperationOutcome, which must render as
// well-formed JSON whatever they hold.
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
  for (bool strict : {false, true}) {
    auto search = jc::fhir::patient_search(params, strict, fault);
    if (!search) {
      if (fault.message.empty()) __builtin_trap();  // a refusal always says why
      continue;
    }
    // The self link's query names the same parameters with the same values.
    const auto again = jc::fhir::parse_query(jc::fhir::query_string(search->used));
    if (again.size() != search->used.size()) __builtin_trap();
    for (std::size_t i = 0; i < again.size(); ++i)
      if (again[i].name != search->used[i].name || again[i].value != search->used[i].value)
        __builtin_trap();
    if (search->query.limit > jc::fhir::kMostCount) __builtin_trap();
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
  for (const std::string& out :
       {jc::fhir::patient(r), jc::fhir::operation_outcome("error", "invalid", s, s)})
    if (nlohmann::json::parse(out, nullptr, false).is_discarded()) __builtin_trap();
  return 0;
}
