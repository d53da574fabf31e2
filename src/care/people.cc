#include "care/people.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "care/common.h"
#include "core/nhs_number.h"
#include "core/postcode.h"
#include "identity/person_index.h"
#include "identity/person_record.h"
#include "identity/string_metrics.h"

namespace jc::care {
namespace {

using governance::EntryFacts;
using governance::Op;

struct RecordRow {
  std::int64_t id = 0;
  std::int64_t person = 0;
  OrganisationId organisation;
  std::string organisation_name, organisation_kind, local_id;
  std::string nhs_number, nhs_status, given, family, birth_date, sex, address, postcode;
};

constexpr const char* kRecordColumns =
    "lr.id, COALESCE(lr.person_id, 0), lr.organisation_id, o.name, o.kind, lr.local_id, "
    "COALESCE(lr.nhs_number, ''), "
    "lr.nhs_number_status, lr.given_name, lr.family_name, COALESCE(lr.birth_date, ''), lr.sex, "
    "lr.address, lr.postcode";

RecordRow record_from(const store::Row& r) {
  RecordRow x;
  x.id = r.integer(0);
  x.person = r.integer(1);
  x.organisation = OrganisationId(r.integer(2));
  x.organisation_name = r.text(3);
  x.organisation_kind = r.text(4);
  x.local_id = r.text(5);
  x.nhs_number = r.text(6);
  x.nhs_status = r.text(7);
  x.given = r.text(8);
  x.family = r.text(9);
  x.birth_date = r.text(10);
  x.sex = r.text(11);
  x.address = r.text(12);
  x.postcode = r.text(13);
  return x;
}

std::vector<RecordRow> records_of(store::Database& db, PersonId person) {
  std::vector<RecordRow> out;
  db.query(std::string("SELECT ") + kRecordColumns +
               " FROM local_records lr JOIN organisations o ON o.id = lr.organisation_id WHERE "
               "lr.person_id = ? ORDER BY lr.id",
           {person.value}, [&](const store::Row& r) { out.push_back(record_from(r)); });
  return out;
}

std::string sector_of(const std::string& postcode) {
  auto p = Postcode::parse(postcode);
  return p ? std::string(p->sector()) : std::string();
}

// A match weight (log2 odds) of a record against what was asked, in the manner of Fellegi and
// Sunter with fixed, conservative weights; the probability assumes a prior of 1 in 1,024.
// What was asked, normalised once for scoring many candidate records.
struct Asked {
  explicit Asked(const PersonQuery& q)
      : nhs(identity::normalise_text(q.nhs_number)),
        birth_date(q.birth_date),
        family(identity::normalise_text(q.family_name)),
        family_soundex(identity::soundex(family)),
        given(identity::normalise_text(q.given_name)),
        given_canonical(identity::canonical_given_name(given)),
        postcode(identity::normalise_text(q.postcode)),
        sector(sector_of(q.postcode)) {
    nhs.erase(std::remove(nhs.begin(), nhs.end(), ' '), nhs.end());
  }
  std::string nhs, birth_date, family, family_soundex, given, given_canonical, postcode, sector;
};

double match_probability(const Asked& q, const RecordRow& r) {
  double w = -10;
  if (!q.nhs.empty() && !r.nhs_number.empty()) w += q.nhs == r.nhs_number ? 14 : -12;
  if (!q.birth_date.empty() && !r.birth_date.empty()) {
    if (q.birth_date == r.birth_date)
      w += 7;
    else if (q.birth_date.size() == 10 && r.birth_date.size() == 10 &&
             q.birth_date.compare(0, 4, r.birth_date, 0, 4) == 0 &&
             q.birth_date.compare(5, 2, r.birth_date, 8, 2) == 0 &&
             q.birth_date.compare(8, 2, r.birth_date, 5, 2) == 0)
      w += 3;  // day and month swapped
    else
      w -= 6;
  }
  if (!q.family.empty()) {
    auto b = identity::normalise_text(r.family);
    w += q.family == b                                 ? 6
         : identity::jaro_winkler(q.family, b) >= 0.92 ? 3
         : q.family_soundex == identity::soundex(b)    ? 1
                                                       : -4;
  }
  if (!q.given.empty()) {
    auto b = identity::normalise_text(r.given);
    if (q.given == b)
      w += 5;
    else if (q.given_canonical == identity::canonical_given_name(b) ||
             identity::jaro_winkler(q.given, b) >= 0.92)
      w += 3;
    else if (!b.empty() && q.given[0] == b[0])
      w += 0.5;
    else
      w -= 4;
  }
  if (!q.postcode.empty() && !r.postcode.empty()) {
    auto b = identity::normalise_text(r.postcode);
    if (q.postcode == b)
      w += 6;
    else if (!q.sector.empty() && q.sector == sector_of(r.postcode))
      w += 2;
    else
      w -= 1;
  }
  return 1.0 / (1.0 + std::exp2(-w));
}

double match_probability(const PersonQuery& q, const RecordRow& r) {
  return match_probability(Asked(q), r);
}

// The "known to" panel as the user may see it.
KnownTo load_known_to(const CareContext& ctx, governance::Gate& gate, PersonId person,
                      const std::vector<RecordRow>& records) {
  std::map<std::int64_t, KnownToOrganisation> orgs;
  std::string person_nhs;
  for (const auto& r : records)
    if (r.nhs_status == "01" && !r.nhs_number.empty()) person_nhs = r.nhs_number;
  PersonQuery anchor;  // the person's verified identity, to say how well each record agrees
  if (!records.empty()) {
    const RecordRow& a = records.front();
    anchor.nhs_number = person_nhs;
    anchor.given_name = a.given;
    anchor.family_name = a.family;
    anchor.birth_date = a.birth_date;
    anchor.postcode = a.postcode;
  }
  for (const auto& r : records) {
    auto& o = orgs[r.organisation.value];
    o.organisation = r.organisation;
    o.name = r.organisation_name;
    o.kind = r.organisation_kind;
    o.local_id = r.local_id;
    o.match = !person_nhs.empty() && r.nhs_number == person_nhs ? "nhs_number" : "demographics";
    o.confidence = &r == &records.front() ? 1.0 : match_probability(anchor, r);
  }
  ctx.db.query(
      "SELECT i.id, i.team_id, t.name, t.organisation_id, o.name, o.kind, i.service, i.started_at, "
      "i.ended_at, s.display_name "
      "FROM involvements i JOIN teams t ON t.id = i.team_id JOIN organisations o ON o.id = "
      "t.organisation_id "
      "LEFT JOIN staff_users s ON s.id = i.key_worker_user_id WHERE i.person_id = ? ORDER BY "
      "i.started_at",
      {person.value}, [&](const store::Row& row) {
        auto& o = orgs[row.integer(3)];
        if (!o.organisation.valid()) {
          o.organisation = OrganisationId(row.integer(3));
          o.name = row.text(4);
          o.kind = row.text(5);
          o.match = "involvement";
        }
        TeamInvolvement t;
        t.involvement_id = row.integer(0);
        t.team = TeamId(row.integer(1));
        t.team_name = row.text(2);
        t.service = row.text(6);
        t.started_at = row.text(7);
        t.ended_at = row.optional_text(8);
        t.key_worker = row.optional_text(9);
        o.teams.push_back(std::move(t));
      });
  ctx.db.query(
      "SELECT t.organisation_id, COUNT(*) FROM referrals r JOIN teams t ON t.id = r.to_team_id "
      "WHERE r.person_id = ? AND r.status IN ('sent', 'accepted', 'scheduled') GROUP BY "
      "t.organisation_id",
      {person.value}, [&](const store::Row& row) {
        auto it = orgs.find(row.integer(0));
        if (it != orgs.end()) it->second.open_referrals = static_cast<int>(row.integer(1));
      });
  // Current services: care packages held against the person's records, and care plan lines.
  std::string today = ctx.now.iso().substr(0, 10);
  ctx.db.query(
      "SELECT lr.organisation_id, cp.service, po.name FROM care_packages cp JOIN local_records lr "
      "ON lr.id = cp.local_record_id "
      "JOIN organisations po ON po.id = cp.provider_organisation_id WHERE lr.person_id = ? AND "
      "cp.start_date <= ? "
      "AND (cp.end_date IS NULL OR cp.end_date >= ?) "
      "UNION ALL SELECT p.organisation_id, l.service, po.name FROM care_plan_lines l JOIN "
      "care_plans p ON p.id = l.care_plan_id "
      "JOIN organisations po ON po.id = l.provider_organisation_id WHERE p.person_id = ? AND "
      "p.status = 'active' "
      "AND l.start_date <= ? AND (l.end_date IS NULL OR l.end_date >= ?)",
      {person.value, today, today, person.value, today, today}, [&](const store::Row& row) {
        auto it = orgs.find(row.integer(0));
        if (it != orgs.end())
          it->second.current_services.push_back(row.text(1) + " (" + row.text(2) + ")");
      });
  KnownTo out;
  for (auto& [id, o] : orgs) {
    EntryFacts e;
    e.organisation = o.organisation;
    if (!gate.decide(Op::PersonKnownTo, person, e).allowed) {
      ++out.withheld;
      continue;
    }
    out.organisations.push_back(std::move(o));
  }
  return out;
}

}  // namespace

std::int64_t raise_alert(store::Database& db, Timestamp now, const std::string& kind,
                         StaffUserId user, std::optional<PersonId> person,
                         const std::string& record_type, const std::string& record_id,
                         const std::string& reason) {
  std::int64_t id = db.insert_returning_id(
      "INSERT INTO alerts (raised_at, kind, user_id, person_id, record_type, record_id, reason, "
      "status) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, 'open')",
      {now.iso(), kind, user.value, person ? store::Value(person->value) : store::null(),
       record_type, record_id, reason});
  return id;
}

Outcome<std::vector<PersonMatch>> find_persons(const CareContext& ctx, const PersonQuery& q) {
  auto gate = ctx.gate();
  auto pass = gate.pass_role(Op::PersonSearch);
  if (!pass) return forbidden("your role may not search for people");
  std::vector<RecordRow> candidates;
  std::string sql =
      std::string("SELECT ") + kRecordColumns +
      " FROM local_records lr JOIN organisations o ON o.id = lr.organisation_id WHERE ";
  if (!q.nhs_number.empty()) {
    auto n = NhsNumber::parse(q.nhs_number);
    if (!n) return invalid("nhs_number: " + n.error().message);
    ctx.db.query(sql + "lr.nhs_number = ?", {std::string(n->digits())},
                 [&](const store::Row& r) { candidates.push_back(record_from(r)); });
  } else {
    if (q.birth_date.empty() || (q.family_name.empty() && q.given_name.empty()))
      return invalid(
          "search by nhs_number, or by birth_date with family_name and/or given_name (and postcode "
          "if known)");
    auto d = Date::parse_iso(q.birth_date);
    if (!d) return invalid("birth_date: " + d.error().message);
    std::string swapped = d->iso();
    auto y = swapped.substr(0, 4), m = swapped.substr(5, 2), dd = swapped.substr(8, 2);
    std::string alt = y + "-" + dd + "-" + m;
    // Everyone born that day (or with day and month swapped), from the demographics index alone;
    // the full record is read only for the best match of each person who matches.
    Asked asked(q);
    std::map<std::int64_t, std::pair<double, std::int64_t>>
        best_record;  // person → probability, record
    ctx.db.query(
        "SELECT lr.id, COALESCE(lr.person_id, 0), lr.given_name, lr.family_name, lr.birth_date, "
        "lr.postcode "
        "FROM local_records lr WHERE lr.birth_date IN (?, ?)",
        {d->iso(), alt}, [&](const store::Row& r) {
          RecordRow x;
          x.person = r.integer(1);
          if (x.person == 0) return;  // not yet in the person index
          x.given = r.text(2);
          x.family = r.text(3);
          x.birth_date = r.text(4);
          x.postcode = r.text(5);
          double p = match_probability(asked, x);
          auto& b = best_record[x.person];
          if (p >= 0.5 && p > b.first) b = {p, r.integer(0)};
        });
    for (const auto& [person, b] : best_record)
      if (b.second != 0)
        ctx.db.query(sql + "lr.id = ?", {b.second},
                     [&](const store::Row& r) { candidates.push_back(record_from(r)); });
  }
  std::map<std::int64_t, PersonMatch> best;
  const Asked asked(q);
  for (const auto& r : candidates) {
    if (r.person == 0) continue;  // not yet in the person index
    // A record shows only where the person's consent lets its organisation's information reach
    // the user's.
    EntryFacts e;
    e.organisation = r.organisation;
    if (!gate.decide(Op::PersonSearch, PersonId(r.person), e).allowed) continue;
    double p = match_probability(asked, r);
    if (p < 0.5) continue;
    auto& m = best[r.person];
    if (p <= m.confidence) continue;
    m.person = PersonId(r.person);
    m.nhs_number = r.nhs_status == "01" ? r.nhs_number : std::string();
    m.given_name = r.given;
    m.family_name = r.family;
    m.birth_date = r.birth_date;
    m.sex = r.sex;
    m.postcode = r.postcode;
    m.confidence = p;
    m.matched_on = q.nhs_number.empty() ? "demographics" : "nhs_number";
  }
  std::vector<PersonMatch> out;
  for (auto& [id, m] : best) out.push_back(std::move(m));
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.confidence > b.confidence; });
  if (out.size() > q.limit) out.resize(q.limit);
  for (const auto& m : out)
    gate.record_read(*pass.permit, "person", std::to_string(m.person.value), m.person);
  return out;
}

Outcome<PersonSummary> person_summary(const CareContext& ctx, PersonId person) {
  auto records = records_of(ctx.db, person);
  if (records.empty() && !detail::person_exists(ctx.db, person))
    return not_found("no person " + std::to_string(person.value));
  auto gate = ctx.gate();
  auto pass = gate.pass(Op::PersonSummary, person, std::to_string(person.value));
  if (!pass) return detail::refused(pass.decision, "person");
  PersonSummary s;
  s.id = person;
  s.relationship = std::string(to_code(gate.person(person).relationship()));
  s.by_override = pass.decision.by_override;
  // Demographics from the record the user may see that is most authoritative.
  const RecordRow* shown = nullptr;
  int best_rank = -1;
  for (const auto& r : records) {
    int rank = detail::display_rank(gate, person, r.organisation, r.nhs_status);
    if (rank > best_rank) best_rank = rank, shown = &r;
  }
  for (const auto& r : records)
    if (r.nhs_status == "01" && !r.nhs_number.empty() &&
        detail::display_rank(gate, person, r.organisation, r.nhs_status) >= 0)
      s.nhs_number = r.nhs_number;
  if (shown) {
    s.given_name = shown->given;
    s.family_name = shown->family;
    s.birth_date = shown->birth_date;
    s.sex = shown->sex;
    s.address = shown->address;
    s.postcode = shown->postcode;
  }
  s.known_to = load_known_to(ctx, gate, person, records);
  ctx.db.query(
      "SELECT r.id, ft.name, tt.name, r.status, r.sent_at, r.service_requested, "
      "tt.organisation_id, ft.organisation_id, r.from_team_id, r.to_team_id "
      "FROM referrals r JOIN teams ft ON ft.id = r.from_team_id JOIN teams tt ON tt.id = "
      "r.to_team_id "
      "WHERE r.person_id = ? AND r.status IN ('sent', 'accepted', 'scheduled') ORDER BY r.sent_at",
      {person.value}, [&](const store::Row& row) {
        // A team that only triages a referral sees the referrals it is an end of.
        const auto& team = ctx.actor.user.team;
        bool end = team && (team->value == row.integer(8) || team->value == row.integer(9));
        if (gate.person(person).relationship() != governance::Relationship::Active &&
            !pass.decision.by_override && !end)
          return;
        EntryFacts e;
        e.organisation = OrganisationId(row.integer(7));
        if (!gate.decide(Op::PersonSummary, person, e).allowed) return;
        e.organisation = OrganisationId(row.integer(6));
        if (!gate.decide(Op::PersonSummary, person, e).allowed) return;
        s.referrals.push_back({ReferralId(row.integer(0)), row.text(1), row.text(2), row.text(3),
                               row.text(4), row.optional_text(5)});
      });
  return s;
}

Outcome<KnownTo> known_to(const CareContext& ctx, PersonId person) {
  auto records = records_of(ctx.db, person);
  if (records.empty() && !detail::person_exists(ctx.db, person))
    return not_found("no person " + std::to_string(person.value));
  auto gate = ctx.gate();
  auto pass = gate.pass(Op::PersonKnownTo, person, std::to_string(person.value));
  if (!pass) return detail::refused(pass.decision, "person");
  return load_known_to(ctx, gate, person, records);
}

Outcome<std::vector<TimelineEntry>> timeline(const CareContext& ctx, PersonId person,
                                             std::size_t limit) {
  if (!detail::person_exists(ctx.db, person))
    return not_found("no person " + std::to_string(person.value));
  auto gate = ctx.gate();
  auto pass = gate.pass(Op::PersonTimeline, person, std::to_string(person.value));
  if (!pass) return detail::refused(pass.decision, "person");
  // Each entry with the parts of the record it shows (a referral shows the sender's and the
  // receiver's information: the person's consent must allow both).
  struct Shown {
    TimelineEntry entry;
    EntryFacts facts;
    std::optional<EntryFacts> also;
  };
  std::vector<Shown> all;
  auto facts = [](std::int64_t org, std::optional<std::int64_t> team, bool sensitive) {
    EntryFacts e;
    e.organisation = OrganisationId(org);
    if (team) e.team = TeamId(*team);
    e.sensitivity =
        sensitive ? governance::Sensitivity::Sensitive : governance::Sensitivity::Normal;
    return e;
  };
  ctx.db.query(
      "SELECT a.activity_date, a.service, a.organisation_id, o.name, a.team_id, t.name, a.units "
      "FROM activity a "
      "JOIN local_records lr ON lr.id = a.local_record_id JOIN organisations o ON o.id = "
      "a.organisation_id "
      "LEFT JOIN teams t ON t.id = a.team_id WHERE lr.person_id = ? ORDER BY a.activity_date DESC "
      "LIMIT ?",
      {person.value, static_cast<std::int64_t>(limit)}, [&](const store::Row& r) {
        std::string service = r.text(1);
        std::string what = service;
        for (auto& c : what)
          if (c == '_') c = ' ';
        all.push_back({{r.text(0), "activity", r.text(3), what, r.optional_text(5)},
                       facts(r.integer(2), r.optional_integer(4),
                             service.find("mental_health") != std::string::npos),
                       std::nullopt});
      });
  ctx.db.query(
      "SELECT r.sent_at, r.status, ft.organisation_id, fo.name, ft.name, tt.name, "
      "r.service_requested, tt.organisation_id "
      "FROM referrals r "
      "JOIN teams ft ON ft.id = r.from_team_id JOIN teams tt ON tt.id = r.to_team_id JOIN "
      "organisations fo ON fo.id = ft.organisation_id "
      "WHERE r.person_id = ? ORDER BY r.sent_at DESC LIMIT ?",
      {person.value, static_cast<std::int64_t>(limit)}, [&](const store::Row& r) {
        all.push_back({{r.text(0), "referral", r.text(3),
                        "referred to " + r.text(5) + " (" + r.text(1) + ")" +
                            (r.is_null(6) ? "" : ": " + r.text(6)),
                        r.text(4)},
                       facts(r.integer(2), std::nullopt, false),
                       facts(r.integer(7), std::nullopt, false)});
      });
  ctx.db.query(
      "SELECT a.starts_at, a.status, t.organisation_id, o.name, t.name, a.place FROM appointments "
      "a JOIN teams t ON t.id = a.team_id "
      "JOIN organisations o ON o.id = t.organisation_id WHERE a.person_id = ? ORDER BY a.starts_at "
      "DESC LIMIT ?",
      {person.value, static_cast<std::int64_t>(limit)}, [&](const store::Row& r) {
        all.push_back({{r.text(0), "appointment", r.text(3),
                        "visit (" + r.text(1) + "), " + r.text(5), r.text(4)},
                       facts(r.integer(2), std::nullopt, false),
                       std::nullopt});
      });
  ctx.db.query(
      "SELECT n.written_at, n.category, n.organisation_id, o.name, n.team_id, t.name, "
      "n.sensitivity FROM case_notes n "
      "JOIN organisations o ON o.id = n.organisation_id JOIN teams t ON t.id = n.team_id WHERE "
      "n.person_id = ? AND n.version = 1 "
      "ORDER BY n.written_at DESC LIMIT ?",
      {person.value, static_cast<std::int64_t>(limit)}, [&](const store::Row& r) {
        EntryFacts e = facts(r.integer(2), r.integer(4), false);
        e.sensitivity = governance::sensitivity_from_code(r.text(6)).ok()
                            ? *governance::sensitivity_from_code(r.text(6))
                            : governance::Sensitivity::Normal;
        if (e.sensitivity == governance::Sensitivity::Sealed)
          e.sensitivity = governance::Sensitivity::Normal;  // its existence shows
        all.push_back(
            {{r.text(0), "note", r.text(3), r.text(1) + " note", r.text(5)}, e, std::nullopt});
      });
  ctx.db.query(
      "SELECT a.started_at, a.kind, a.organisation_id, o.name FROM assessments a JOIN "
      "organisations o ON o.id = a.organisation_id "
      "WHERE a.person_id = ? ORDER BY a.started_at DESC LIMIT ?",
      {person.value, static_cast<std::int64_t>(limit)}, [&](const store::Row& r) {
        all.push_back(
            {{r.text(0), "assessment", r.text(3), r.text(1) + " assessment started", std::nullopt},
             facts(r.integer(2), std::nullopt, false),
             std::nullopt});
      });
  std::vector<TimelineEntry> out;
  for (auto& x : all)
    if (gate.decide(Op::PersonTimeline, person, x.facts).allowed &&
        (!x.also || gate.decide(Op::PersonTimeline, person, *x.also).allowed))
      out.push_back(std::move(x.entry));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.at > b.at; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

Outcome<BreakGlassGrant> break_glass(const CareContext& ctx, PersonId person,
                                     const std::string& reason, int hours) {
  if (!detail::person_exists(ctx.db, person))
    return not_found("no person " + std::to_string(person.value));
  std::string trimmed = reason;
  trimmed.erase(0, trimmed.find_first_not_of(" \t\r\n"));
  auto gate = ctx.gate();
  auto pass = gate.pass_role(Op::BreakGlass, person, std::to_string(person.value));
  if (!pass) return forbidden("your role may not override access controls");
  if (trimmed.size() < 10)
    return invalid("reason: say why you need this record (at least 10 characters)");
  if (hours < 1 || hours > 24) return invalid("hours: an override lasts 1 to 24 hours");
  store::Transaction tx(ctx.db);
  BreakGlassGrant g;
  g.expires_at = ctx.now.plus_seconds(std::int64_t{hours} * 3600).iso();
  g.id = ctx.db.insert_returning_id(
      "INSERT INTO break_glass (user_id, person_id, reason, started_at, expires_at) VALUES (?, ?, "
      "?, ?, ?)",
      {ctx.actor.user.id.value, person.value, trimmed, ctx.now.iso(), g.expires_at});
  g.alert_id = raise_alert(ctx.db, ctx.now, "break_glass", ctx.actor.user.id, person, "break_glass",
                           std::to_string(g.id), trimmed);
  gate.record(*pass.permit, std::to_string(g.id), {}, {}, "break_glass");
  gate.record(*pass.permit, std::to_string(g.alert_id), "alert", "create", "alert");
  tx.commit();
  return g;
}

Outcome<ConsentChoice> record_consent(const CareContext& ctx, PersonId person,
                                      OrganisationId organisation, const std::string& direction,
                                      bool allowed) {
  if (direction != "share_out" && direction != "share_in")
    return invalid("direction: share_out or share_in");
  if (!detail::person_exists(ctx.db, person))
    return not_found("no person " + std::to_string(person.value));
  auto name =
      ctx.db.query_text("SELECT name FROM organisations WHERE id = ?", {organisation.value});
  if (!name)
    return invalid("organisation_id: no organisation " + std::to_string(organisation.value));
  // A choice about organisation X's information is the person's, recorded by X's own staff with
  // a relationship of their own (never under an override).
  auto gate = ctx.gate();
  EntryFacts e;
  e.organisation = organisation;
  auto pass = gate.pass(Op::ConsentRecord, person, e);
  if (!pass) return detail::refused(pass.decision, "person");
  store::Transaction tx(ctx.db);
  ConsentChoice c;
  {
    c.organisation = organisation;
    c.organisation_name = *name;
    c.direction = direction;
    c.allowed = allowed;
    c.recorded_at = ctx.now.iso();
    c.id = ctx.db.insert_returning_id(
        "INSERT INTO consents (person_id, organisation_id, direction, allowed, recorded_at, "
        "recorded_by_user_id) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        {person.value, organisation.value, direction, std::int64_t{allowed ? 1 : 0}, c.recorded_at,
         ctx.actor.user.id.value});
  }
  gate.record(*pass.permit, std::to_string(c.id), {}, {}, "consent");
  tx.commit();
  return c;
}

Outcome<std::vector<ConsentChoice>> consents(const CareContext& ctx, PersonId person) {
  if (!detail::person_exists(ctx.db, person))
    return not_found("no person " + std::to_string(person.value));
  auto gate = ctx.gate();
  auto pass = gate.pass(Op::ConsentList, person, std::to_string(person.value));
  if (!pass) return detail::refused(pass.decision, "person");
  // A choice about another organisation says the person is known to it: shown only where that
  // organisation's information may reach the reader (as "known to" shows the organisation).
  std::vector<ConsentChoice> all, out;
  ctx.db.query(
      "SELECT c.id, c.organisation_id, o.name, c.direction, c.allowed, c.recorded_at FROM consents "
      "c "
      "JOIN organisations o ON o.id = c.organisation_id WHERE c.person_id = ? ORDER BY c.id",
      {person.value}, [&](const store::Row& r) {
        all.push_back({r.integer(0), OrganisationId(r.integer(1)), r.text(2), r.text(3), r.text(5),
                       r.integer(4) != 0});
      });
  for (auto& c : all) {
    EntryFacts e;
    e.organisation = c.organisation;
    if (gate.decide(Op::ConsentList, person, e).allowed) out.push_back(std::move(c));
  }
  return out;
}

namespace {

// A change of the person index as one operation: the gate first (a refusal is audited on its
// own), then the change and its audit event in one transaction.
Outcome<Done> change_person_index(const CareContext& ctx, Op op, std::int64_t id,
                                  const std::function<Status()>& change) {
  auto gate = ctx.gate();
  auto pass = gate.pass_role(op, std::nullopt, std::to_string(id));
  if (!pass) return forbidden("your role may not change the person index");
  store::Transaction tx(ctx.db);
  if (auto st = change(); !st) return not_found(st.error().message);
  gate.record(*pass.permit, std::to_string(id));
  tx.commit();
  return Done{};
}

}  // namespace

Outcome<Done> decide_link_review(const CareContext& ctx, std::int64_t review_id, bool accept) {
  return change_person_index(ctx, accept ? Op::PersonMerge : Op::PersonKeepApart, review_id,
                             [&] { return identity::decide_review(ctx.db, review_id, accept); });
}

Outcome<Done> undo_person_merge(const CareContext& ctx, std::int64_t merge_id) {
  return change_person_index(ctx, Op::PersonUnmerge, merge_id,
                             [&] { return identity::undo_merge(ctx.db, merge_id); });
}

}  // namespace jc::care
