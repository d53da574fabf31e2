// The analytic engine: person-level linked activity and cost held in memory as columns, built from
// the store once and then refreshed incrementally (only activity and records added since the last
// refresh are read; a change to the person index, which the index counts in data_versions, or to
// the geography reloads the records). One pass over the columns answers every cut of a report.
//
// People are keyed as the Case Committee needs them: the person index's id where linkage has run,
// else the NHS number, else organisation:local id. Reports publish pseudonyms only (a keyed hash;
// see pseudonymise) and aggregates.
//
// Thread-safety: refresh() needs exclusive use; the reports are const and may run concurrently
// with each other.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace jc::insight {

struct RefreshStats {
  bool reloaded = false;          // records (and persons) were read afresh
  std::size_t records_read = 0;   // records read in this refresh
  std::size_t activity_read = 0;  // activity rows read in this refresh
  double seconds = 0;
};

struct EngineSize {
  std::size_t persons = 0, records = 0, activity_rows = 0, bytes = 0;
};

enum class DisclosureRule { NhsDigital, OneToFive };

struct CaseCommitteeOptions {
  std::size_t top = 20;
  std::string format = "json";  // json or csv
  std::optional<Date> from, to;  // the period (inclusive); by default all the activity held
};

class AnalyticEngine {
 public:
  AnalyticEngine();
  ~AnalyticEngine();
  AnalyticEngine(const AnalyticEngine&) = delete;
  AnalyticEngine& operator=(const AnalyticEngine&) = delete;

  // Brings the columns up to date with the store: everything on the first call, what was added
  // since on later ones. Also re-reads the small, changing facts (open referrals, active care
  // plans, key workers). Fails only when the store holds no local area.
  Result<RefreshStats> refresh(store::Database& db);

  // The Case Committee agenda (see case_committee.h) and the JSNA profiles (see jsna.h) from the
  // columns. `pseudonym_key_hex` keys the persons' pseudonyms.
  Result<std::string> case_committee(const CaseCommitteeOptions& options, const std::string& pseudonym_key_hex) const;
  Result<std::string> jsna(DisclosureRule rule) const;

  EngineSize size() const;

  // The person key behind a pseudonym on a report, for a caller that will then apply the care
  // record's access rule to that person (and audit it). Scans every person: for one-off lookups.
  std::optional<std::string> person_key_of(const std::string& pseudonym, const std::string& pseudonym_key_hex) const;

  // Appends `copies` copies of every activity row, each copy moved onto a fresh set of records and
  // persons (copies of the existing ones, same demographics and places): the benchmarks' way to
  // reach tens of millions of rows without generating an area that size.
  void replicate_for_benchmark(int copies);

 private:
  struct Columns;
  std::unique_ptr<Columns> c_;
};

// The database's pseudonym key (made on first use) and a person's pseudonym under it: "P-" and 16
// hex digits of a keyed BLAKE2b hash of the person key.
std::string pseudonym_key(store::Database& db);
std::string pseudonymise(const std::string& key_hex, const std::string& person_key);

}  // namespace jc::insight
