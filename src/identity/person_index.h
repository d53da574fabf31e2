// The person index over the database: links every organisation's local records into persons
// (`jointcare link --db`), and scores the result against the synthetic area's truth.
#pragma once

#include <functional>
#include <string>

#include "core/result.h"
#include "identity/linkage_model.h"
#include "store/database.h"

namespace jc::identity {

struct IndexSummary {
  std::size_t records = 0, persons = 0, candidate_pairs = 0, links = 0, new_records = 0, merges = 0, review = 0;
  std::vector<std::pair<std::string, std::size_t>> per_rule;
  LinkageModel model;
};

// Reads local_records, links them (connected components with the chaining guard), and rewrites
// persons and local_records.person_id in one transaction.
Result<IndexSummary> rebuild_person_index(store::Database& db, const LinkOptions& options);

// Links the records that have no person yet (new or changed) against the index, with the model
// the last full run kept: they join existing persons or become new ones; a record that joins two
// persons merges them (recorded in person_merges). Other persons keep their ids. Uncertain pairs go
// to the clerical review queue (linkage_review).
Result<IndexSummary> link_new_records(store::Database& db, const LinkOptions& options);

// The clerical review queue: open pairs, and decisions on them. Accepting joins the two records'
// persons (a merge, recorded and undoable); rejecting closes the pair.
struct ReviewItem {
  std::int64_t id, left_record, right_record;
  double probability;
};
std::vector<ReviewItem> open_reviews(store::Database& db, std::size_t limit);
Status decide_review(store::Database& db, std::int64_t review_id, bool accept);

// Undoes a merge: the records that came with the merged person go back to it.
Status undo_merge(store::Database& db, std::int64_t merge_id);

// Pairwise precision, recall and F1 of the person index against synthetic_truth.
Result<Evaluation> evaluate_person_index(store::Database& db);

}  // namespace jc::identity
