#include "governance/access_facts.h"

#include <map>
#include <tuple>

namespace jc::governance {

Relationship team_relationship(store::Database& db, std::optional<TeamId> team, PersonId person) {
  if (!team) return Relationship::None;
  Relationship r = Relationship::None;
  db.query("SELECT ended_at IS NULL FROM involvements WHERE person_id = ? AND team_id = ?",
           {person.value, team->value}, [&](const store::Row& row) {
             if (row.integer(0) != 0)
               r = Relationship::Active;
             else if (r != Relationship::Active)
               r = Relationship::Ended;
           });
  if (r == Relationship::Active) return r;
  auto pending = db.query_integer(
      "SELECT 1 FROM referrals WHERE person_id = ? AND to_team_id = ? AND status = 'sent' LIMIT 1",
      {person.value, team->value});
  return pending ? Relationship::Referred : r;
}

ConsentRefusals ConsentRefusals::load(store::Database& db) {
  std::map<std::tuple<std::int64_t, std::int64_t, bool>, bool> latest;  // (person, org, out)
  db.query("SELECT person_id, organisation_id, direction, allowed FROM consents ORDER BY id", {},
           [&](const store::Row& r) {
             latest[{r.integer(0), r.integer(1), r.text(2) == "share_out"}] = r.integer(3) != 0;
           });
  ConsentRefusals out;
  for (const auto& [key, allowed] : latest) {
    if (allowed) continue;
    const auto& [person, organisation, share_out] = key;
    (share_out ? out.out_ : out.in_).emplace(person, organisation);
  }
  return out;
}

bool ConsentRefusals::withholds(PersonId person, OrganisationId from, OrganisationId to) const {
  if (from == to) return false;
  return out_.count({person.value, from.value}) > 0 || in_.count({person.value, to.value}) > 0;
}

PersonAccess::PersonAccess(store::Database& db, const RoleTable& roles, const Actor& actor,
                           PersonId person, Timestamp now)
    : roles_(roles), actor_(actor), person_(person), now_(now) {
  relationship_ = team_relationship(db, actor.user.team, person);
  // Overrides, consent choices and broken seals in one query (each usually empty).
  std::map<std::pair<std::int64_t, std::string>, bool>
      latest;  // the latest consent per organisation and direction
  db.query(
      "SELECT 0, id, '', 1, id FROM break_glass WHERE user_id = ? AND person_id = ? AND expires_at "
      "> ? "
      "UNION ALL SELECT 1, organisation_id, direction, allowed, id FROM consents WHERE person_id = "
      "? "
      "UNION ALL SELECT 2, sb.note_id, '', 1, sb.id FROM seal_breaks sb JOIN case_notes n ON n.id "
      "= sb.note_id "
      "WHERE sb.user_id = ? AND n.person_id = ? ORDER BY 1, 5",
      {actor.user.id.value, person.value, now.iso(), person.value, actor.user.id.value,
       person.value},
      [&](const store::Row& r) {
        switch (r.integer(0)) {
          case 0:
            break_glass_ = true;
            break;
          case 1:
            latest[{r.integer(1), r.text(2)}] = r.integer(3) != 0;
            break;
          default:
            seals_broken_.insert(r.integer(1));
            break;
        }
      });
  for (const auto& [key, allowed] : latest) {
    if (allowed) continue;
    (key.second == "share_out" ? refused_out_ : refused_in_).insert(key.first);
  }
}

AccessDecision PersonAccess::decide(Op op, const EntryFacts& e) const {
  const Operation& o = operation(op);
  AccessFacts f;
  f.role = actor_.user.role;
  f.activity = o.activity;
  f.scope = o.scope;
  f.own_organisation_only = o.own_organisation_only;
  f.party = e.party;
  f.relationship = relationship_;
  f.break_glass = break_glass_;
  const OrganisationId receiver = e.to ? *e.to : actor_.user.organisation;
  f.same_organisation = e.organisation == receiver;
  f.share_out_denied = refused_out_.count(e.organisation.value) > 0;
  f.share_in_denied = refused_in_.count(receiver.value) > 0;
  f.sensitivity = e.sensitivity;
  f.authoring_team = e.team && actor_.user.team && *e.team == *actor_.user.team;
  f.seal_broken = e.note_id && seals_broken_.count(*e.note_id) > 0;
  return governance::decide(roles_, f);
}

AccessDecision PersonAccess::decide(Op op) const {
  return decide(op, held_by(actor_.user.organisation));
}

}  // namespace jc::governance
