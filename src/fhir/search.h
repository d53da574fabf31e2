// FHIR search parameters as JointCare reads them: the query string split and decoded, each
// parameter checked (an unknown one is an error when the client asks for strict handling, and
// left out of the search and of the Bundle's self link when lenient, the default), and turned
// into the care record's query.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "care/patients.h"
#include "care/referrals.h"
#include "core/result.h"

namespace jc::fhir {

struct Param {
  std::string name, value;  // decoded; the name with its modifier ("family:exact")
};
// "a=1&b=x%7Cy" → {a, 1}, {b, x|y}; "+" is a space. Empty pairs are skipped.
std::vector<Param> parse_query(std::string_view query);

// A search parameter's fault: the message and the parameter's name, for the OperationOutcome.
struct SearchFault {
  std::string message, parameter;
};

// Paging: at most this many entries a page (the default 20), and the cursor of the next page.
inline constexpr std::size_t kDefaultCount = 20, kMostCount = 200;

struct PatientSearch {
  care::PatientQuery query;
  std::vector<Param> used;  // the parameters the search applied, for the self link
};
// `strict`: the client sent Prefer: handling=strict. The result, or the fault of the first bad
// parameter (in `fault`).
std::optional<PatientSearch> patient_search(const std::vector<Param>& params, bool strict,
                                            SearchFault& fault);

// A referral's two resources, each with its own search parameters: ServiceRequest (_id, patient
// or subject, status, requester, performer, authored) and Task (_id, patient or subject, focus,
// status, requester, owner, authored-on); status in the resource's own codes, several
// comma-separated; dates as for birthdate, on the time the referral was sent.
enum class ReferralResource { ServiceRequest, Task };
struct ReferralSearch {
  care::ReferralQuery query;
  std::vector<Param> used;
};
std::optional<ReferralSearch> referral_search(ReferralResource resource,
                                              const std::vector<Param>& params, bool strict,
                                              SearchFault& fault);

// The query string of `params` (encoded), for links.
std::string query_string(const std::vector<Param>& params);

}  // namespace jc::fhir
