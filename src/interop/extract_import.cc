#include "interop/extract_import.h"

#include <unordered_map>

#include "core/postcode.h"
#include "interop/extract_reader.h"
#include "store/area_repository.h"

namespace jc::interop {

Result<ImportSummary> import_extract(store::Database& db, const ImportRequest& req) {
  auto org = store::find_organisation_by_code(db, req.organisation_code);
  if (!org) return Error{"no organisation with the code \"" + req.organisation_code + "\""};
  auto reader = ExtractReader::open(req.csv_path, req.profile, Strictness::Strict);
  if (!reader) return reader.error();

  // Local ids already held for this organisation, and those seen in this file, with their line.
  std::unordered_map<std::string, long> seen;
  db.query("SELECT local_id FROM local_records WHERE organisation_id = ?", {org->id.value},
           [&](const store::Row& r) { seen.emplace(r.text(0), 0); });

  ImportSummary summary;
  store::Transaction tx(db);
  // A bulk load (COPY on PostgreSQL) numbers its own rows, so it holds the table for the
  // transaction: no other writer can take an id in the run.
  std::int64_t next_id = db.lock_and_next_id("local_records");
  auto writer =
      db.bulk_insert("local_records", {"id", "organisation_id", "source_system", "local_id",
                                       "nhs_number", "nhs_number_status", "given_name",
                                       "family_name", "birth_date", "sex", "address", "postcode"});
  std::string source_system = req.profile.source_system.value_or("import");
  while (true) {
    auto rec = (*reader)->next();
    if (!rec) return rec.error();  // the transaction rolls back
    if (!rec->has_value()) break;
    const ExtractRecord& r = **rec;
    auto [it, fresh] = seen.emplace(r.id, r.line);
    if (!fresh) {
      std::string where =
          it->second > 0 ? "line " + std::to_string(it->second) + " of this file" : "the database";
      return Error{req.csv_path + ":" + std::to_string(r.line) + ": field " + req.profile.id +
                   ": the record id \"" + r.id + "\" is already used (" + where + ")"};
    }
    std::string postcode = r.postcode;
    if (!postcode.empty()) {
      auto pc = Postcode::parse(postcode);
      if (!pc) {
        return Error{req.csv_path + ":" + std::to_string(r.line) + ": field " +
                     req.profile.postcode.front() + ": \"" + postcode +
                     "\" is not a postcode: " + pc.error().message};
      }
      postcode = pc->full();
    }
    std::string address = r.address;
    if (!r.town.empty()) address += (address.empty() ? "" : ", ") + r.town;
    writer->add(
        {next_id++, org->id.value, source_system, r.id, store::optional_value(r.nhs_number),
         to_code(r.nhs_number ? NhsNumberStatus::PresentNotTraced : NhsNumberStatus::TraceRequired),
         r.given_name, r.family_name,
         r.birth_date ? store::Value(r.birth_date->iso()) : store::null(),
         std::string(to_code(r.sex)), address, postcode});
    ++summary.records;
    if (r.nhs_number) ++summary.with_nhs_number;
  }
  writer->finish();
  db.sync_id_sequence("local_records");
  db.insert_returning_id(
      "INSERT INTO imports (organisation_id, file_name, record_count, imported_at) VALUES (?, ?, "
      "?, ?)",
      {org->id.value, req.csv_path, summary.records, Timestamp::now().iso()});
  tx.commit();
  return summary;
}

}  // namespace jc::interop
