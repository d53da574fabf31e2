#include "store/area_repository.h"

namespace jc::store {
namespace {

std::optional<LocalityId> optional_locality(const Row& r, int col) {
  if (r.is_null(col)) return std::nullopt;
  return LocalityId(r.integer(col));
}

Organisation organisation_from(const Row& r) {
  Organisation o;
  o.id = OrganisationId(r.integer(0));
  o.ods_code = r.text(1);
  o.name = r.text(2);
  auto kind = organisation_kind_from_code(r.text(3));
  if (!kind) throw StoreError("organisations.kind: " + kind.error().message);
  o.kind = *kind;
  o.locality = optional_locality(r, 4);
  return o;
}

}  // namespace

std::vector<Locality> load_localities(Database& db) {
  std::vector<Locality> out;
  db.query("SELECT id, name, local_authority_code FROM localities ORDER BY id", {}, [&](const Row& r) {
    out.push_back(Locality{LocalityId(r.integer(0)), r.text(1), r.text(2)});
  });
  return out;
}

std::vector<Organisation> load_organisations(Database& db) {
  std::vector<Organisation> out;
  db.query("SELECT id, ods_code, name, kind, locality_id FROM organisations ORDER BY id", {},
           [&](const Row& r) { out.push_back(organisation_from(r)); });
  return out;
}

std::optional<Organisation> find_organisation_by_code(Database& db, std::string_view ods_code) {
  std::optional<Organisation> out;
  db.query("SELECT id, ods_code, name, kind, locality_id FROM organisations WHERE ods_code = ?",
           {std::string(ods_code)}, [&](const Row& r) { out = organisation_from(r); });
  return out;
}

std::vector<Team> load_teams(Database& db) {
  std::vector<Team> out;
  db.query("SELECT id, organisation_id, name, service, locality_id FROM teams ORDER BY id", {},
           [&](const Row& r) {
             out.push_back(Team{TeamId(r.integer(0)), OrganisationId(r.integer(1)), r.text(2), r.text(3),
                                optional_locality(r, 4)});
           });
  return out;
}

AreaSummary summarise_area(Database& db) {
  AreaSummary s;
  auto count = [&](const char* sql) { return db.query_integer(sql).value_or(0); };
  s.lsoas = count("SELECT COUNT(*) FROM lsoas");
  s.population = count("SELECT COALESCE(SUM(population), 0) FROM lsoas");
  s.localities = count("SELECT COUNT(*) FROM localities");
  s.organisations = count("SELECT COUNT(*) FROM organisations");
  s.gp_practices = count("SELECT COUNT(*) FROM gp_practices");
  s.teams = count("SELECT COUNT(*) FROM teams");
  s.staff_users = count("SELECT COUNT(*) FROM staff_users");
  s.local_records = count("SELECT COUNT(*) FROM local_records");
  s.activity_rows = count("SELECT COUNT(*) FROM activity");
  s.activity_cost_pence = count("SELECT COALESCE(SUM(cost_pence), 0) FROM activity");
  s.referrals = count("SELECT COUNT(*) FROM referrals");
  s.care_packages = count("SELECT COUNT(*) FROM care_packages");
  return s;
}

}  // namespace jc::store
