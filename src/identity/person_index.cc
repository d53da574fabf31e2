#include "identity/person_index.h"

#include <algorithm>
#include <climits>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "core/postcode.h"
#include "core/time.h"
#include "identity/string_metrics.h"

namespace jc::identity {
namespace {

PersonRecord from_row(const store::Row& r) {
  PersonRecord p;
  p.id = std::to_string(r.integer(0));
  p.given = normalise_text(r.text(2));
  p.given_canonical = canonical_given_name(p.given);
  p.family = normalise_text(r.text(3));
  p.given_sx = soundex(p.given);
  p.family_sx = soundex(p.family);
  if (!r.is_null(1)) p.identifier = r.text(1);
  if (!r.is_null(4)) {
    auto d = Date::parse_iso(r.text(4));
    if (d) {
      p.dob_days = d->days();
      p.birth_year = d->year();
      p.dob = d->format("%Y%m%d");
    }
  }
  std::string sex = r.text(5);
  p.sex = sex == "female" ? 'f' : sex == "male" ? 'm' : 0;
  std::string address = r.text(6);
  auto comma = address.rfind(", ");
  if (comma != std::string::npos) {
    p.town = normalise_text(address.substr(comma + 2));
    address = address.substr(0, comma);
  }
  p.address = normalise_text(address);
  if (!r.text(7).empty()) {
    auto pc = Postcode::parse(r.text(7));
    if (pc) {
      p.postcode = pc->full();
      p.pc_sector = pc->sector();
      p.pc_district = pc->district();
    }
  }
  return p;
}

struct IndexedRecords {
  std::vector<PersonRecord> records;
  std::vector<std::int64_t> ids;
  std::vector<std::int64_t> person;  // 0 when not linked
};

IndexedRecords load_records(store::Database& db) {
  IndexedRecords out;
  db.query(
      "SELECT id, nhs_number, given_name, family_name, birth_date, sex, address, postcode, "
      "person_id FROM local_records "
      "ORDER BY id",
      {}, [&](const store::Row& r) {
        out.records.push_back(from_row(r));
        out.ids.push_back(r.integer(0));
        out.person.push_back(r.is_null(8) ? 0 : r.integer(8));
      });
  return out;
}

void save_model(store::Database& db, const LinkageModel& model) {
  db.insert_returning_id("INSERT INTO linkage_models (created_at, parameters) VALUES (?, ?)",
                         {Timestamp::now().iso(), model.parameters_json()});
}

void queue_for_review(store::Database& db, const std::vector<Link>& review,
                      const std::vector<std::int64_t>& left_ids,
                      const std::vector<std::int64_t>& right_ids) {
  std::string now = Timestamp::now().iso();
  for (const Link& l : review) {
    std::int64_t a = left_ids[l.left], b = right_ids[l.right];
    if (a > b) std::swap(a, b);
    db.execute(
        "INSERT INTO linkage_review (left_record_id, right_record_id, match_probability, status, "
        "created_at) "
        "VALUES (?, ?, ?, 'open', ?) ON CONFLICT DO NOTHING",
        {a, b, l.probability, now});
  }
}

// Tables whose rows refer to a person (the care record): they follow the person when persons merge
// or the index is rebuilt.
constexpr const char* kPersonReferences[] = {
    "involvements", "appointments",       "case_notes", "consents",   "break_glass",     "alerts",
    "assessments",  "assessment_answers", "chc_cases",  "care_plans", "personal_budgets"};

void repoint_person(store::Database& db, std::int64_t from, std::int64_t to) {
  for (const char* table : kPersonReferences)
    db.execute(std::string("UPDATE ") + table + " SET person_id = ? WHERE person_id = ?",
               {to, from});
}

// A referral is about the person its sender's record belongs to.
// Every change of which person a record belongs to passes here (or merge_persons), so readers that
// keep persons in memory (the analytic engine) see the index's version move.
void refresh_referral_persons(store::Database& db) {
  db.bump_data_version("person_index");
  db.execute(
      "UPDATE referrals SET person_id = (SELECT person_id FROM local_records lr WHERE lr.id = "
      "referrals.local_record_id)");
}

// Moves every record of `merged` to `kept` and removes `merged`, recording which records moved so
// undo_merge can put them back.
void merge_persons(store::Database& db, std::int64_t kept, std::int64_t merged,
                   const std::string& reason, const std::string& now) {
  std::string moved;
  db.query("SELECT id FROM local_records WHERE person_id = ? ORDER BY id", {merged},
           [&](const store::Row& r) {
             moved += (moved.empty() ? "" : ",") + std::to_string(r.integer(0));
           });
  // The care record's rows that were the merged person's, so an undo can hand them back.
  std::string rows;
  for (const char* table : kPersonReferences) {
    std::string ids;
    db.query(std::string("SELECT id FROM ") + table + " WHERE person_id = ? ORDER BY id", {merged},
             [&](const store::Row& r) {
               ids += (ids.empty() ? "" : ",") + std::to_string(r.integer(0));
             });
    if (!ids.empty()) rows += (rows.empty() ? "" : ";") + std::string(table) + ":" + ids;
  }
  db.execute("UPDATE local_records SET person_id = ? WHERE person_id = ?", {kept, merged});
  db.bump_data_version("person_index");
  repoint_person(db, merged, kept);
  db.insert_returning_id(
      "INSERT INTO person_merges (merged_at, kept_person_id, merged_person_id, record_ids, reason, "
      "moved_rows) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {now, kept, merged, moved, reason, rows});
  db.execute("DELETE FROM persons WHERE id = ?", {merged});
}

}  // namespace

Result<IndexSummary> rebuild_person_index(store::Database& db, const LinkOptions& options) {
  IndexedRecords all = load_records(db);
  const auto& records = all.records;
  const auto& ids = all.ids;
  LinkOptions o = options;
  o.clustering = Clustering::ConnectedComponents;
  auto res = link_records(records, nullptr, o);
  if (!res) return res.error();
  IndexSummary s;
  s.records = records.size();
  s.candidate_pairs = res->candidates.pairs.size();
  s.links = res->links.size();
  s.per_rule = res->candidates.per_rule;
  s.model = res->model;
  store::Transaction tx(db);
  // Person ids follow the lowest record id in each cluster (records come in id order), so re-runs
  // on the same records give the same ids. Persons that no longer exist hand what refers to them
  // to the person their own first record now belongs to.
  std::unordered_map<std::uint32_t, std::int64_t> person_of_root;
  std::unordered_map<std::int64_t, std::int64_t> person_of_record;
  std::unordered_set<std::int64_t> existing;
  db.query("SELECT id FROM persons", {},
           [&](const store::Row& r) { existing.insert(r.integer(0)); });
  auto persons = db.bulk_insert("persons", {"id", "nhs_number", "created_at"});
  std::string now = Timestamp::now().iso();
  std::unordered_set<std::int64_t> fresh;
  for (std::uint32_t v = 0; v < records.size(); ++v) {
    auto [it, added] = person_of_root.emplace(res->cluster_of[v], ids[v]);
    person_of_record[ids[v]] = it->second;
    if (!added) continue;
    fresh.insert(ids[v]);
    ++s.persons;
    if (!existing.count(ids[v]))
      persons->add(
          {ids[v],
           records[v].identifier.empty() ? store::null() : store::Value(records[v].identifier),
           now});
  }
  persons->finish();
  db.sync_id_sequence("persons");
  for (std::uint32_t v = 0; v < records.size(); ++v) {
    db.execute("UPDATE local_records SET person_id = ? WHERE id = ?",
               {person_of_record[ids[v]], ids[v]});
  }
  for (std::int64_t old : existing) {
    if (fresh.count(old)) continue;
    if (auto it = person_of_record.find(old); it != person_of_record.end())
      repoint_person(db, old, it->second);
    db.execute("DELETE FROM persons WHERE id = ?", {old});
  }
  refresh_referral_persons(db);
  save_model(db, res->model);
  db.execute("DELETE FROM linkage_review WHERE status = 'open'");
  queue_for_review(db, res->review, ids, ids);
  s.review = res->review.size();
  tx.commit();
  return s;
}

Result<IndexSummary> link_new_records(store::Database& db, const LinkOptions& o) {
  auto params = db.query_text("SELECT parameters FROM linkage_models ORDER BY id DESC LIMIT 1");
  if (!params)
    return Error{"there is no trained linkage model yet: run a full `jointcare link --db` first"};
  auto model = LinkageModel::from_parameters_json(*params);
  if (!model) return model.error();
  IndexedRecords all = load_records(db);
  model->count_term_frequencies(all.records, nullptr);
  std::vector<std::uint32_t> fresh_index;
  std::vector<PersonRecord> fresh;
  for (std::uint32_t v = 0; v < all.records.size(); ++v) {
    if (all.person[v] == 0) {
      fresh_index.push_back(v);
      fresh.push_back(all.records[v]);
    }
  }
  IndexSummary s;
  s.records = all.records.size();
  s.new_records = fresh.size();
  if (fresh.empty()) return s;
  auto candidates = block(fresh, &all.records, o.blocking_rules);
  if (!candidates) return candidates.error();
  s.candidate_pairs = candidates->pairs.size();
  s.per_rule = candidates->per_rule;
  std::vector<Link> scored, review;
  for (auto [fi, j] : candidates->pairs) {
    std::uint32_t i = fresh_index[fi];
    if (i == j || (all.person[j] == 0 && j < i))
      continue;  // itself, or a new pair seen from the other side
    Explanation e = model->score(all.records[i], all.records[j]);
    Link l{std::min(i, j), std::max(i, j), e.probability, e.weight};
    if (e.probability >= o.threshold)
      scored.push_back(l);
    else if (e.probability >= o.review_threshold)
      review.push_back(l);
  }
  std::sort(scored.begin(), scored.end(), [](const Link& a, const Link& b) {
    return a.weight != b.weight ? a.weight > b.weight
                                : std::tie(a.left, a.right) < std::tie(b.left, b.right);
  });
  // Groups start as the existing persons; new records join them under the same guard as a full run.
  PersonClusters clusters(all.records, *model, o);
  std::unordered_map<std::int64_t, std::uint32_t> first_of_person;
  for (std::uint32_t v = 0; v < all.records.size(); ++v) {
    if (all.person[v] == 0) continue;
    auto [it, fresh_person] = first_of_person.emplace(all.person[v], v);
    if (!fresh_person) clusters.join_unchecked(it->second, v);
  }
  for (const Link& l : scored)
    if (clusters.try_join(l)) ++s.links;
  store::Transaction tx(db);
  std::string now = Timestamp::now().iso();
  std::unordered_map<std::uint32_t, bool> done;
  for (std::uint32_t v : fresh_index) {
    std::uint32_t root = clusters.find(v);
    if (done[root]) continue;
    done[root] = true;
    std::vector<std::int64_t> persons;
    std::int64_t lowest_record = INT64_MAX;
    const auto& members = clusters.members(root);
    for (std::uint32_t m : members) {
      if (all.person[m] != 0) persons.push_back(all.person[m]);
      lowest_record = std::min(lowest_record, all.ids[m]);
    }
    std::sort(persons.begin(), persons.end());
    persons.erase(std::unique(persons.begin(), persons.end()), persons.end());
    std::int64_t kept;
    if (persons.empty()) {
      kept = lowest_record;  // as a full run numbers persons
      if (db.query_integer("SELECT COUNT(*) FROM persons WHERE id = ?", {kept}).value_or(0) > 0)
        kept = db.lock_and_next_id("persons");
      db.execute("INSERT INTO persons (id, nhs_number, created_at) VALUES (?, NULL, ?)",
                 {kept, now});
      ++s.persons;
    } else {
      kept = persons.front();
      for (std::size_t k = 1; k < persons.size(); ++k) {
        merge_persons(db, kept, persons[k], "new record links both", now);
        ++s.merges;
      }
    }
    for (std::uint32_t m : members)
      if (all.person[m] == 0)
        db.execute("UPDATE local_records SET person_id = ? WHERE id = ?", {kept, all.ids[m]});
  }
  db.sync_id_sequence("persons");
  db.sync_id_sequence("person_merges");
  refresh_referral_persons(db);
  queue_for_review(db, review, all.ids, all.ids);
  s.review = review.size();
  tx.commit();
  return s;
}

std::vector<ReviewItem> open_reviews(store::Database& db, std::size_t limit) {
  std::vector<ReviewItem> out;
  db.query(
      "SELECT id, left_record_id, right_record_id, match_probability FROM linkage_review WHERE "
      "status = 'open' "
      "ORDER BY match_probability DESC, id LIMIT ?",
      {static_cast<std::int64_t>(limit)}, [&](const store::Row& r) {
        out.push_back({r.integer(0), r.integer(1), r.integer(2), r.real(3)});
      });
  return out;
}

Status decide_review(store::Database& db, std::int64_t review_id, bool accept) {
  std::optional<ReviewItem> item;
  db.query(
      "SELECT id, left_record_id, right_record_id, match_probability FROM linkage_review WHERE id "
      "= ? AND status = 'open'",
      {review_id}, [&](const store::Row& r) {
        item = ReviewItem{r.integer(0), r.integer(1), r.integer(2), r.real(3)};
      });
  if (!item) return Error{"no open review " + std::to_string(review_id)};
  store::Transaction tx(db);
  std::string now = Timestamp::now().iso();
  db.execute("UPDATE linkage_review SET status = ?, decided_at = ? WHERE id = ?",
             {std::string(accept ? "accepted" : "rejected"), now, review_id});
  if (accept) {
    auto a =
        db.query_integer("SELECT person_id FROM local_records WHERE id = ?", {item->left_record});
    auto b =
        db.query_integer("SELECT person_id FROM local_records WHERE id = ?", {item->right_record});
    if (!a || !b)
      return Error{"the records of review " + std::to_string(review_id) +
                   " are not both in the person index"};
    if (*a != *b)
      merge_persons(db, std::min(*a, *b), std::max(*a, *b),
                    "clerical review " + std::to_string(review_id), now);
  }
  tx.commit();
  return {};
}

Status undo_merge(store::Database& db, std::int64_t merge_id) {
  std::optional<std::tuple<std::int64_t, std::int64_t, std::string, std::string>> m;
  db.query(
      "SELECT kept_person_id, merged_person_id, record_ids, COALESCE(moved_rows, '') FROM "
      "person_merges WHERE id = ? AND undone_at IS NULL",
      {merge_id}, [&](const store::Row& r) {
        m = std::make_tuple(r.integer(0), r.integer(1), r.text(2), r.text(3));
      });
  if (!m) return Error{"no merge " + std::to_string(merge_id) + " to undo"};
  auto [kept, merged, records, rows] = *m;
  store::Transaction tx(db);
  std::string now = Timestamp::now().iso();
  db.execute("INSERT INTO persons (id, nhs_number, created_at) VALUES (?, NULL, ?)", {merged, now});
  std::size_t start = 0;
  while (start < records.size()) {
    std::size_t comma = records.find(',', start);
    std::string id =
        records.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    db.execute("UPDATE local_records SET person_id = ? WHERE id = ? AND person_id = ?",
               {merged, std::stoll(id), kept});
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  // The care record's rows go back to the restored person (rows written since stay with the kept
  // one).
  std::size_t at = 0;
  while (at < rows.size()) {
    std::size_t end = rows.find(';', at);
    std::string part = rows.substr(at, end == std::string::npos ? std::string::npos : end - at);
    std::size_t colon = part.find(':');
    std::string table = part.substr(0, colon);
    if (colon != std::string::npos &&
        std::find(std::begin(kPersonReferences), std::end(kPersonReferences), table) !=
            std::end(kPersonReferences)) {
      std::size_t from = colon + 1;
      while (from < part.size()) {
        std::size_t comma = part.find(',', from);
        std::string id =
            part.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
        db.execute("UPDATE " + table + " SET person_id = ? WHERE id = ? AND person_id = ?",
                   {merged, std::stoll(id), kept});
        if (comma == std::string::npos) break;
        from = comma + 1;
      }
    }
    if (end == std::string::npos) break;
    at = end + 1;
  }
  refresh_referral_persons(db);
  db.execute("UPDATE person_merges SET undone_at = ? WHERE id = ?", {now, merge_id});
  tx.commit();
  return {};
}

Result<Evaluation> evaluate_person_index(store::Database& db) {
  std::unordered_map<std::string, std::string> truth;
  std::unordered_map<std::int64_t, std::vector<std::string>> by_person;
  db.query(
      "SELECT r.id, r.person_id, t.true_person FROM local_records r JOIN synthetic_truth t ON "
      "t.local_record_id = r.id",
      {}, [&](const store::Row& r) {
        std::string id = std::to_string(r.integer(0));
        truth[id] = r.text(2);
        if (!r.is_null(1)) by_person[r.integer(1)].push_back(id);
      });
  if (truth.empty()) return Error{"the database has no synthetic truth to evaluate against"};
  std::vector<std::pair<std::string, std::string>> predicted;
  for (const auto& [p, members] : by_person)
    for (std::size_t i = 0; i < members.size(); ++i)
      for (std::size_t j = i + 1; j < members.size(); ++j)
        predicted.emplace_back(members[i], members[j]);
  return evaluate_links(predicted, truth, nullptr);
}

}  // namespace jc::identity
