#include "identity/person_index.h"

#include <numeric>
#include <unordered_map>

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

}  // namespace

Result<IndexSummary> rebuild_person_index(store::Database& db, const LinkOptions& options) {
  std::vector<PersonRecord> records;
  std::vector<std::int64_t> ids;
  db.query("SELECT id, nhs_number, given_name, family_name, birth_date, sex, address, postcode FROM local_records ORDER BY id",
           {}, [&](const store::Row& r) {
             records.push_back(from_row(r));
             ids.push_back(r.integer(0));
           });
  LinkOptions o = options;
  o.clustering = Clustering::ConnectedComponents;
  auto res = link_records(records, nullptr, o);
  if (!res) return res.error();
  // Components from the accepted links (every pair within a cluster is listed).
  std::vector<std::uint32_t> parent(records.size());
  std::iota(parent.begin(), parent.end(), 0u);
  auto find = [&](std::uint32_t v) {
    while (parent[v] != v) v = parent[v] = parent[parent[v]];
    return v;
  };
  for (const auto& l : res->links) parent[find(l.right)] = find(l.left);
  IndexSummary s;
  s.records = records.size();
  s.candidate_pairs = res->candidates.pairs.size();
  s.links = res->links.size();
  s.per_rule = res->candidates.per_rule;
  s.model = res->model;
  store::Transaction tx(db);
  db.execute("UPDATE local_records SET person_id = NULL");
  db.execute("DELETE FROM persons");
  std::unordered_map<std::uint32_t, std::int64_t> person_of_root;
  auto persons = db.bulk_insert("persons", {"id", "nhs_number", "created_at"});
  std::string now = Timestamp::now().iso();
  // Person ids follow the lowest record id in each cluster, so re-runs on the same records give
  // the same ids.
  std::vector<std::pair<std::int64_t, std::uint32_t>> updates;
  for (std::uint32_t v = 0; v < records.size(); ++v) {
    std::uint32_t root = find(v);
    auto [it, fresh] = person_of_root.emplace(root, ids[v]);
    if (fresh) {
      persons->add({ids[v], records[v].identifier.empty() ? store::null() : store::Value(records[v].identifier), now});
      ++s.persons;
    }
    updates.emplace_back(ids[v], static_cast<std::uint32_t>(it->second));
  }
  persons->finish();
  db.sync_id_sequence("persons");
  for (std::uint32_t v = 0; v < records.size(); ++v) {
    db.execute("UPDATE local_records SET person_id = ? WHERE id = ?", {person_of_root[find(v)], ids[v]});
  }
  tx.commit();
  return s;
}

Result<Evaluation> evaluate_person_index(store::Database& db) {
  std::unordered_map<std::string, std::string> truth;
  std::unordered_map<std::int64_t, std::vector<std::string>> by_person;
  db.query("SELECT r.id, r.person_id, t.true_person FROM local_records r JOIN synthetic_truth t ON t.local_record_id = r.id",
           {}, [&](const store::Row& r) {
             std::string id = std::to_string(r.integer(0));
             truth[id] = r.text(2);
             if (!r.is_null(1)) by_person[r.integer(1)].push_back(id);
           });
  if (truth.empty()) return Error{"the database has no synthetic truth to evaluate against"};
  std::vector<std::pair<std::string, std::string>> predicted;
  for (const auto& [p, members] : by_person)
    for (std::size_t i = 0; i < members.size(); ++i)
      for (std::size_t j = i + 1; j < members.size(); ++j) predicted.emplace_back(members[i], members[j]);
  return evaluate_links(predicted, truth, nullptr);
}

}  // namespace jc::identity
