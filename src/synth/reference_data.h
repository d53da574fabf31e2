// The public reference data the synthetic area is built from: English Indices of Deprivation
// 2019 (LSOA deciles and mid-2015 population by age band) and the NHS National Cost Collection
// 2023/24 (unit costs). Files as in shared/data/reference (see shared/data/SOURCES.md).
#pragma once

#include <string>
#include <vector>

#include "core/money.h"
#include "core/result.h"

namespace jc::synth {

struct LsoaReference {
  std::string code;
  std::string name;  // "Cheshire East 042A": the MSOA name and a letter
  int imd_rank = 0;
  int imd_decile = 0;
  int population = 0;
  int aged_0_15 = 0;
  int aged_16_59 = 0;
  int aged_60_plus = 0;
};

struct LocalAuthorityReference {
  std::string code;
  std::string name;
  std::vector<LsoaReference> lsoas;  // in file order
};

// Reads imd2019_lsoa.csv.gz and iod2019_lsoa_population.csv.gz from `dir` for one authority.
Result<LocalAuthorityReference> load_local_authority(const std::string& dir, const std::string& la_code);

// Activity-weighted mean unit cost of NHS services, from the National Cost Collection file.
struct NhsUnitCosts {
  Money emergency_care;           // A&E attendance, all "Emergency Care" currencies
  Money non_elective_short_stay;  // emergency admission, short stay
  Money non_elective_long_stay;   // emergency admission, long stay
  Money district_nurse_visit;     // N02AF District Nurse, Adult, Face to face
  Money health_visitor_contact;   // N03G Health Visitor, Other Statutory Contact, Face to Face
  Money mental_health_contact;    // MHCC Mental Health Care Contact
};
Result<NhsUnitCosts> load_nhs_unit_costs(const std::string& path);

}  // namespace jc::synth
