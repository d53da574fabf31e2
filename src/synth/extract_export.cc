#include <filesystem>
#include <fstream>
#include <unordered_map>

#include "core/person.h"
#include "interop/extract_profile.h"
#include "io/csv_writer.h"
#include "store/area_repository.h"
#include "synth/generator.h"

namespace jc::synth {
namespace {

// How each kind of source system lays out its person extract.
struct ExtractLayout {
  std::vector<std::string> header;  // id, nhs, given, family, birth, sex, address, postcode
  std::string date_format;
  std::string female, male, unknown;
};

ExtractLayout layout_for(OrganisationKind kind) {
  switch (kind) {
    case OrganisationKind::GpPractice:
      return {{"patient_id", "nhs_number", "forename", "surname", "date_of_birth", "sex",
               "address_line_1", "postcode"},
              "%Y-%m-%d",
              "F",
              "M",
              "U"};
    case OrganisationKind::AcuteTrust:
      return {{"MRN", "NHS_NO", "GIVEN_NAME", "FAMILY_NAME", "BIRTH_DATE", "SEX", "ADDRESS",
               "POSTCODE"},
              "%Y%m%d",
              "2",
              "1",
              "0"};
    case OrganisationKind::CommunityHealthProvider:
      return {{"Patient ID", "NHS Number", "First name", "Surname", "Date of birth", "Gender",
               "Address", "Postcode"},
              "%d/%m/%Y",
              "Female",
              "Male",
              "Unknown"};
    case OrganisationKind::MentalHealthTrust:
      return {
          {"ClientID", "NHSNumber", "Forename", "Surname", "DOB", "Sex", "AddressLine", "PostCode"},
          "%d-%b-%Y",
          "F",
          "M",
          "U"};
    case OrganisationKind::VoluntarySectorProvider:
      return {{"id", "nhs_no", "first_name", "last_name", "dob", "gender", "address", "postcode"},
              "%d/%m/%Y",
              "female",
              "male",
              ""};
    default:
      return {{"Person ID", "NHS Number", "Forename", "Surname", "Date of Birth", "Gender",
               "Address", "Post Code"},
              "%d/%m/%Y",
              "F",
              "M",
              "U"};
  }
}

}  // namespace

Status export_extracts(store::Database& db, const std::string& dir, const ExportOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{dir + ": cannot create: " + ec.message()};
  auto truth = io::CsvWriter::create_owner_only(dir + "/truth.csv");
  if (!truth) return truth.error();
  truth->row({"organisation_code", "local_id", "true_person", "injected_errors"});
  for (const Organisation& org : store::load_organisations(db)) {
    if (db.query_integer("SELECT COUNT(*) FROM local_records WHERE organisation_id = ?",
                         {org.id.value})
            .value_or(0) == 0) {
      continue;
    }
    ExtractLayout layout = layout_for(org.kind);
    const auto& h = layout.header;
    interop::ExtractProfile profile;
    profile.id = h[0];
    profile.nhs_number = {h[1]};
    profile.given_name = {h[2]};
    profile.family_name = {h[3]};
    profile.birth_date = {h[4]};
    profile.birth_date_format = layout.date_format;
    profile.sex = {h[5]};
    profile.address = {h[6]};
    profile.postcode = {h[7]};
    std::string source;
    auto csv = io::CsvWriter::create_owner_only(dir + "/" + org.ods_code + ".csv");
    if (!csv) return csv.error();
    csv->row(h);
    std::int64_t written = 0, left_out = 0;
    db.query(
        "SELECT r.local_id, r.nhs_number, r.given_name, r.family_name, r.birth_date, r.sex, "
        "r.address, r.postcode, "
        "t.true_person, t.injected_errors, r.source_system, r.person_id FROM local_records r "
        "LEFT JOIN synthetic_truth t ON t.local_record_id = r.id WHERE r.organisation_id = ? ORDER "
        "BY r.id",
        {org.id.value}, [&](const store::Row& row) {
          source = row.text(10);
          if (options.keep && !row.is_null(11) &&
              !options.keep(PersonId(row.integer(11)), org.id)) {
            ++left_out;
            return;
          }
          ++written;
          std::string birth;
          if (!row.is_null(4)) {
            auto d = Date::parse_iso(row.text(4));
            if (d) birth = d->format(layout.date_format);
          }
          std::string sex = row.text(5);
          sex = sex == "female" ? layout.female : sex == "male" ? layout.male : layout.unknown;
          csv->row({row.text(0), row.optional_text(1).value_or(""), row.text(2), row.text(3), birth,
                    sex, row.text(6), row.text(7)});
          if (!row.is_null(8)) truth->row({org.ods_code, row.text(0), row.text(8), row.text(9)});
        });
    if (auto st = csv->close(); !st) return st;
    profile.source_system = source;
    const std::string toml_path = dir + "/" + org.ods_code + ".toml";
    if (auto st = io::create_owner_only_file(toml_path); !st) return st;
    std::ofstream toml(toml_path);
    toml << "# " << org.name << " (" << to_code(org.kind) << "): person extract profile\n"
         << profile.to_toml();
    if (!toml) return Error{dir + "/" + org.ods_code + ".toml: write failed"};
    if (options.written) options.written(org, written, left_out);
  }
  return truth->close();
}

}  // namespace jc::synth
