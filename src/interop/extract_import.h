// Imports an organisation's person extract into local_records in one transaction: either every
// record is stored or, on the first bad line, none is and the error names file, line and field.
#pragma once

#include <string>

#include "core/result.h"
#include "interop/extract_profile.h"
#include "store/database.h"

namespace jc::interop {

struct ImportRequest {
  std::string organisation_code;  // ODS code of the organisation whose extract this is
  std::string csv_path;
  ExtractProfile profile;
};

struct ImportSummary {
  std::int64_t records = 0;
  std::int64_t with_nhs_number = 0;
};

Result<ImportSummary> import_extract(store::Database& db, const ImportRequest& request);

}  // namespace jc::interop
