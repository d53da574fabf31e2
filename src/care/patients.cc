#include "care/patients.h"

#include <algorithm>
#include <cctype>

#include "care/common.h"
#include "core/nhs_number.h"
#include "core/time.h"

namespace jc::care {
namespace {

using governance::held_by;
using governance::Op;

constexpr const char* kPatientColumns =
    "lr.id, COALESCE(lr.person_id, 0), lr.organisation_id, o.ods_code, o.name, lr.source_system, "
    "lr.local_id, COALESCE(lr.nhs_number, ''), lr.nhs_number_status, lr.given_name, "
    "lr.family_name, COALESCE(lr.birth_date, ''), lr.sex, lr.address, lr.postcode, "
    "COALESCE(lr.gp_practice_id, 0), COALESCE(g.ods_code, '') "
    "FROM local_records lr JOIN organisations o ON o.id = lr.organisation_id "
    "LEFT JOIN organisations g ON g.id = lr.gp_practice_id ";

PatientRecord patient_from(const store::Row& r) {
  PatientRecord p;
  p.id = LocalRecordId(r.integer(0));
  p.person = PersonId(r.integer(1));
  p.organisation = OrganisationId(r.integer(2));
  p.organisation_code = r.text(3);
  p.organisation_name = r.text(4);
  p.source_system = r.text(5);
  p.local_id = r.text(6);
  p.nhs_number = r.text(7);
  p.nhs_number_status = r.text(8);
  p.given_name = r.text(9);
  p.family_name = r.text(10);
  p.birth_date = r.text(11);
  p.sex = r.text(12);
  p.address = r.text(13);
  p.postcode = r.text(14);
  if (r.integer(15) > 0) p.gp_practice = OrganisationId(r.integer(15));
  p.gp_practice_code = r.text(16);
  return p;
}

std::string lower_ascii(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A LIKE pattern matching text that begins with `prefix` (its own % and _ taken literally).
std::string starts_with_pattern(const std::string& prefix) {
  std::string out;
  for (char c : prefix) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + '%';
}

std::string compact_postcode(const std::string& p) {
  std::string out;
  for (char c : p)
    if (c != ' ') out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Outcome<PatientRecord> patient_record(const CareContext& ctx, LocalRecordId id) {
  std::optional<PatientRecord> found;
  ctx.db.query(std::string("SELECT ") + kPatientColumns + "WHERE lr.id = ?", {id.value},
               [&](const store::Row& r) { found = patient_from(r); });
  // A record not yet in the person index has no person for a relationship to reach.
  if (!found || !found->person.valid()) return not_found("no such patient");
  auto gate = ctx.gate();
  auto pass = gate.pass(Op::PatientRead, found->person, held_by(found->organisation),
                        std::to_string(id.value));
  if (!pass) return detail::refused(pass.decision, "patient");
  return *found;
}

Outcome<PatientPage> search_patients(const CareContext& ctx, const PatientQuery& q) {
  detail::Conditions where;
  if (q.id) where.add("lr.id = ?", {q.id->value});
  if (!q.nhs_number.empty()) {
    auto n = NhsNumber::parse(q.nhs_number);
    if (!n) return invalid("identifier: " + n.error().message);
    where.add("lr.nhs_number = ?", {std::string(n->digits())});
  }
  if (!q.local_organisation_code.empty() || !q.local_id.empty()) {
    where.add("o.ods_code = ?", {q.local_organisation_code});
    where.add("lr.local_id = ?", {q.local_id});
  }
  if (!q.birth_date_from.empty()) where.add("lr.birth_date >= ?", {q.birth_date_from});
  if (!q.birth_date_before.empty()) where.add("lr.birth_date < ?", {q.birth_date_before});
  const bool by_birth = !q.birth_date_from.empty() && !q.birth_date_before.empty();
  if (!q.id && q.nhs_number.empty() && q.local_id.empty() && !by_birth)
    return invalid(
        "search by _id, by identifier or by birthdate (a day, a month or a year), narrowed by "
        "the others");
  if (!q.family_name.empty())
    where.add("LOWER(lr.family_name) LIKE ? ESCAPE '\\'",
              {starts_with_pattern(lower_ascii(q.family_name))});
  if (!q.given_name.empty())
    where.add("LOWER(lr.given_name) LIKE ? ESCAPE '\\'",
              {starts_with_pattern(lower_ascii(q.given_name))});
  if (!q.name.empty()) {
    const std::string pattern = starts_with_pattern(lower_ascii(q.name));
    where.add(
        "(LOWER(lr.family_name) LIKE ? ESCAPE '\\' OR LOWER(lr.given_name) LIKE ? ESCAPE '\\')",
        {pattern, pattern});
  }
  if (!q.sex.empty()) where.add("lr.sex = ?", {q.sex});
  if (!q.postcode.empty())
    where.add("REPLACE(UPPER(lr.postcode), ' ', '') = ?", {compact_postcode(q.postcode)});
  if (q.organisation) where.add("lr.organisation_id = ?", {q.organisation->value});

  auto gate = ctx.gate();
  auto pass = gate.pass_role(Op::PatientSearch);
  if (!pass) return forbidden("your role may not search for patients");
  std::vector<PatientRecord> candidates;
  where.params.push_back(static_cast<std::int64_t>(kMostCandidates + 1));
  ctx.db.query(std::string("SELECT ") + kPatientColumns + where.sql + " ORDER BY lr.id LIMIT ?",
               where.params, [&](const store::Row& r) { candidates.push_back(patient_from(r)); });
  if (candidates.size() > kMostCandidates)
    return invalid("more than " + std::to_string(kMostCandidates) +
                   " records match: narrow the search (a family name, a given name, a postcode)");
  auto shown = detail::page_of(
      candidates, q.after.value, q.limit,
      [&](const PatientRecord& p) {
        // Not yet in the person index: nobody's relationship reaches it.
        return p.person.valid() &&
               gate.decide(Op::PatientRead, p.person, held_by(p.organisation)).allowed;
      },
      [](const PatientRecord& p) { return p.id.value; });
  for (const auto& p : shown.page)
    gate.record_read(*pass.permit, "patient", std::to_string(p.id.value), p.person);
  PatientPage page;
  page.records = std::move(shown.page);
  page.total = shown.total;
  page.more = shown.more;
  return page;
}

Outcome<PersonLinks> person_links(const CareContext& ctx, PersonId person) {
  std::vector<PatientRecord> records;
  ctx.db.query(std::string("SELECT ") + kPatientColumns + "WHERE lr.person_id = ? ORDER BY lr.id",
               {person.value}, [&](const store::Row& r) { records.push_back(patient_from(r)); });
  if (records.empty() && !detail::person_exists(ctx.db, person)) return not_found("no such person");
  auto gate = ctx.gate();
  auto pass = gate.pass(Op::PersonKnownTo, person, std::to_string(person.value));
  if (!pass) return detail::refused(pass.decision, "person");
  PersonLinks out;
  out.id = person;
  const PatientRecord* shown = nullptr;
  int best_rank = -1;
  for (const auto& r : records) {
    if (!gate.decide(Op::PersonKnownTo, person, held_by(r.organisation)).allowed) {
      ++out.withheld;
      continue;
    }
    out.records.push_back({r.id, r.organisation, r.organisation_code, r.organisation_name});
    if (r.nhs_number_status == "01" && !r.nhs_number.empty()) out.nhs_number = r.nhs_number;
    int rank = detail::display_rank(gate, person, r.organisation, r.nhs_number_status);
    if (rank > best_rank) best_rank = rank, shown = &r;
  }
  if (shown) {
    out.given_name = shown->given_name;
    out.family_name = shown->family_name;
    out.birth_date = shown->birth_date;
    out.sex = shown->sex;
  }
  return out;
}

}  // namespace jc::care
