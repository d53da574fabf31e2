// Reads an organisation's person extract (CSV) through its profile, field by field, with
// errors that name the file, line and field. Not thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/nhs_number.h"
#include "core/person.h"
#include "core/result.h"
#include "core/time.h"
#include "interop/extract_profile.h"
#include "io/csv_reader.h"

namespace jc::interop {

struct ExtractRecord {
  long line = 0;
  std::string id;
  std::string nhs_number_raw;             // as written, trimmed
  std::optional<std::string> nhs_number;  // ten digits, when valid
  std::string given_name;
  std::string family_name;
  std::string birth_date_raw;
  std::optional<Date> birth_date;
  std::string sex_raw;
  Sex sex = Sex::Unknown;
  std::string address;
  std::string town;
  std::string postcode;
  std::string email;
};

enum class Strictness {
  // Any unreadable date, malformed NHS number or unknown sex code fails the read.
  Strict,
  // Such values are dropped from the typed field (kept raw) and the record is still returned;
  // problems() lists each with file, line and field.
  Lenient,
};

class ExtractReader {
 public:
  static Result<std::unique_ptr<ExtractReader>> open(const std::string& csv_path, const ExtractProfile& profile,
                                                     Strictness strictness = Strictness::Strict);
  Result<std::optional<ExtractRecord>> next();
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  ExtractReader(io::CsvTable table, ExtractProfile profile, Strictness s)
      : table_(std::move(table)), profile_(std::move(profile)), strictness_(s) {}
  Status resolve_columns();
  Status problem(long line, const std::string& field, const std::string& message);

  io::CsvTable table_;
  ExtractProfile profile_;
  Strictness strictness_;
  struct Columns {
    std::vector<std::size_t> nhs, given, family, birth, sex, address, town, postcode, email;
    std::size_t id = 0;
  } cols_;
  std::vector<std::string> problems_;
};

}  // namespace jc::interop
