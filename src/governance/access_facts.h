// The facts the access rule needs about one user and one person, read from the store once per
// request: the user's team's relationship with the person, any live break-glass override, the
// person's consent choices, and the seals the user has broken. PersonAccess::decide() combines
// them with an entry's own facts (who recorded it, its sensitivity) and calls governance::decide().
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "core/ids.h"
#include "core/staff_user.h"
#include "core/time.h"
#include "governance/access.h"
#include "governance/audit.h"
#include "governance/operations.h"
#include "governance/purpose.h"
#include "store/database.h"

namespace jc::governance {

// Who is acting and why: the purpose of use goes into every audit event.
struct Actor {
  StaffUser user;
  Purpose purpose = Purpose::Treatment;
};

// An entry of the record, as the access rule sees it.
struct EntryFacts {
  OrganisationId organisation;  // the organisation that recorded it
  std::optional<TeamId> team;   // the team that wrote it, for seals
  Sensitivity sensitivity = Sensitivity::Normal;
  std::optional<std::int64_t> note_id;  // for seal breaks
  std::optional<bool> party;            // see AccessFacts::party
  // Where the information goes when not to the user's own organisation: a referral sent (or
  // redirected) to another organisation's team discloses the sender's record to it, so the
  // person's consent to that flow decides.
  std::optional<OrganisationId> to;
};

// The entry's information going on to another organisation.
inline EntryFacts flowing_to(EntryFacts e, OrganisationId to) {
  e.to = to;
  return e;
}

// An entry recorded by an organisation, with no facts beyond that.
inline EntryFacts held_by(OrganisationId organisation) {
  EntryFacts e;
  e.organisation = organisation;
  return e;
}

Relationship team_relationship(store::Database& db, std::optional<TeamId> team, PersonId person);

// Every person's standing consent refusals at once, for a bulk flow (an export) that cannot ask
// person by person. The latest choice per person, organisation and direction stands.
class ConsentRefusals {
 public:
  static ConsentRefusals load(store::Database& db);
  // The person refused the flow of what `from` recorded into `to` (out of one, or into the other).
  bool withholds(PersonId person, OrganisationId from, OrganisationId to) const;

 private:
  std::set<std::pair<std::int64_t, std::int64_t>> out_, in_;  // (person, organisation)
};

class PersonAccess {
 public:
  PersonAccess(store::Database& db, const RoleTable& roles, const Actor& actor, PersonId person,
               Timestamp now);
  // The decision for an operation (its activity, scope and limits from operations.h) on one entry.
  AccessDecision decide(Op op, const EntryFacts& entry) const;
  // The decision for an operation on the person as a whole, as recorded by the user's own
  // organisation.
  AccessDecision decide(Op op) const;
  Relationship relationship() const { return relationship_; }
  bool break_glass() const { return break_glass_; }
  PersonId person() const { return person_; }
  const Actor& actor() const { return actor_; }
  // Consent as recorded: false when the person refused sharing out of / into the organisation.
  bool shares_out(OrganisationId org) const { return !refused_out_.count(org.value); }
  bool shares_in(OrganisationId org) const { return !refused_in_.count(org.value); }

 private:
  const RoleTable& roles_;
  const Actor& actor_;
  PersonId person_;
  Timestamp now_;
  Relationship relationship_ = Relationship::None;
  bool break_glass_ = false;
  std::set<std::int64_t> refused_out_, refused_in_;  // organisation ids
  std::set<std::int64_t> seals_broken_;              // note ids
};

}  // namespace jc::governance
