// A person, and an organisation's own local record of a person: the demographics as that
// organisation holds them. The person index (identity layer) links local records to persons.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/ids.h"
#include "core/nhs_number.h"
#include "core/result.h"
#include "core/time.h"

namespace jc {

enum class Sex { Unknown, Female, Male, Other };

// "female", "male", "other", "unknown".
std::string_view to_code(Sex sex);
// Accepts the common codings: F/M/U/O, female/male, 1 (male) / 2 (female) as in the NHS Data
// Dictionary's person stated gender code, 0/9 unknown.
Result<Sex> sex_from_text(std::string_view text);

struct Person {
  PersonId id;
  std::optional<std::string> nhs_number;  // verified NHS number of the linked person, if any
};

struct LocalRecord {
  LocalRecordId id;
  OrganisationId organisation;
  std::string source_system;  // "Mosaic", "EMIS Web", "SystmOne", ...
  std::string local_id;       // the organisation's own id for the person
  std::optional<std::string> nhs_number;  // as held: may be missing or wrong
  NhsNumberStatus nhs_number_status = NhsNumberStatus::TraceRequired;
  std::string given_name;
  std::string family_name;
  std::optional<Date> birth_date;
  Sex sex = Sex::Unknown;
  std::string address;
  std::string postcode;
  std::string lsoa_code;
  std::optional<OrganisationId> gp_practice;
  std::optional<PersonId> person;  // set once linked
};

}  // namespace jc
