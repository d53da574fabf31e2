// Each organisation's own record of a person (a "local record": what FHIR calls a Patient), read
// and found one organisation's record at a time, and the person of the person index with the
// records it links (FHIR's Person). Every call passes the gate and is audited: a record is shown
// only where the access rule lets its organisation's information reach the user (relationship,
// consent).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "care/context.h"
#include "care/outcome.h"

namespace jc::care {

struct PatientRecord {
  LocalRecordId id;
  PersonId person;
  OrganisationId organisation;
  std::string organisation_code, organisation_name;  // ODS code and name
  std::string source_system, local_id;
  std::string nhs_number;         // "" when the record has none
  std::string nhs_number_status;  // "01".."07"
  std::string given_name, family_name, birth_date, sex, address, postcode;
  std::optional<OrganisationId> gp_practice;
  std::string gp_practice_code;
};

// One record, by its id. Not found when there is no such record or it is not yet linked to a
// person (nobody's relationship reaches it then); refused as the rule says.
Outcome<PatientRecord> patient_record(const CareContext& ctx, LocalRecordId id);

struct PatientQuery {
  std::optional<LocalRecordId> id;
  std::string nhs_number;  // exact, validated
  // An organisation's own identifier of its record: its ODS code and the record's local id.
  std::string local_organisation_code, local_id;
  // Born on or after `from` and before `before` (ISO dates or their beginnings, "1950" or
  // "1950-03", compared as text: "1950" ≤ "1950-06-01" < "1951"); either may be "".
  std::string birth_date_from, birth_date_before;
  std::string family_name, given_name;         // case-insensitive, from the start of the name
  std::string name;                            // the family or the given name, as above
  std::string sex;                             // "male", "female", ...
  std::string postcode;                        // the postcode as written, case and spaces ignored
  std::optional<OrganisationId> organisation;  // whose record
  LocalRecordId after;  // the page begins after this record (pages in order of id)
  std::size_t limit = 20;
};

inline constexpr std::size_t kMostCandidates = 2000;

struct PatientPage {
  std::vector<PatientRecord> records;  // the page, in order of id
  std::size_t total = 0;               // every record the search found that the user may see
  bool more = false;                   // records the user may see come after the page
};

// Records matching every criterion given: an id, an identifier or a range of birth dates with both
// ends is needed (the others narrow), and a search that finds more than kMostCandidates records
// before the rule is applied is refused as too broad (Invalid, asking for a narrower one). The
// search is audited as one (patient.search); each record on the page as a read.
Outcome<PatientPage> search_patients(const CareContext& ctx, const PatientQuery& query);

struct LinkedRecord {
  LocalRecordId id;
  OrganisationId organisation;
  std::string organisation_code, organisation_name;
};

struct PersonLinks {
  PersonId id;
  std::string nhs_number;  // verified, from a record the user may see; "" when none
  std::string given_name, family_name, birth_date, sex;
  std::vector<LinkedRecord> records;  // the records the user may see
  int withheld = 0;                   // records not shown, as the person's consent says
};

// The person with the organisations' records it links, as "known to" shows them.
Outcome<PersonLinks> person_links(const CareContext& ctx, PersonId person);

}  // namespace jc::care
