// The policy decision point: one function that applies the access rule of REFERENCE.md to every
// read, search and write of a person's data, and the role table (config/roles.toml) it consults.
//
//   allow = role grants the activity
//         ∧ (legitimate relationship of the user's team ∨ break-glass with a reason)
//         ∧ consent allows the flow (share out of the recording organisation, share in to the
//           reading one; deny wins; within one organisation there is no flow)
//         ∧ not sealed (or the authoring team, or an authorised seal break with a reason)
//
// A "sealed and locked" entry is invisible, even as existing, outside its authoring team. Sensitive
// entries also need the view_sensitive activity. decide() is pure: the facts come from
// access_facts.h, so the rule can be tested exhaustively without a database.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/role.h"

namespace jc::governance {

enum class Activity {
  TracePerson,
  ViewRecord,
  ViewSensitive,
  WriteNotes,
  SendReferrals,
  ManageReferrals,
  Assess,
  Chc,
  ChcDecide,
  CarePlans,
  Budgets,
  Consent,
  BreakGlass,
  BreakSeal,
  ReviewAlerts,
  Audit,
  Aggregates,
  AdministerUsers,
  ManagePersonIndex,
};
constexpr std::size_t kActivityCount = 19;
std::string_view to_code(Activity a);
Result<Activity> activity_from_code(std::string_view code);

// Which activities each role grants.
class RoleTable {
 public:
  // Parses the TOML form of config/roles.toml; errors name the source, line and the bad entry.
  static Result<RoleTable> parse(std::string_view toml_text, const std::string& source);
  // The table built into the program (config/roles.toml at build time).
  static const RoleTable& built_in();
  bool grants(Role role, Activity activity) const;

 private:
  std::array<std::uint32_t, 14> granted_{};  // a bit per activity, per role
};

enum class Relationship {
  None,      // never had one
  Referred,  // a referral to the user's team awaits a decision: enough to triage it
  Active,    // an open involvement, allocated case or care-team membership
  Ended,     // there was one; it has closed
};
std::string_view to_code(Relationship r);

// What an operation needs of the user's team beyond the role (operations.h declares it per
// operation).
enum class Scope : std::uint8_t {
  Role,    // the role alone (search, the override itself, governance's own reviews)
  Triage,  // a summary-level read: a referral waiting with the team is enough; break-glass may
           // stand in
  Read,    // a read of the record: an open involvement; break-glass may stand in
  TriageChange,  // a move of a referral waiting with the team: it, or an open involvement; never
                 // break-glass
  Change,        // a change: an open involvement of the user's team; never break-glass
};
std::string_view to_code(Scope s);
inline bool is_change(Scope s) { return s == Scope::TriageChange || s == Scope::Change; }

enum class Sensitivity { Normal, Sensitive, Sealed, SealedLocked };
std::string_view to_code(Sensitivity s);
Result<Sensitivity> sensitivity_from_code(std::string_view code);

// Everything the rule needs to know about one access.
struct AccessFacts {
  Role role = Role::SocialWorker;
  Activity activity = Activity::ViewRecord;
  Relationship relationship = Relationship::None;
  bool break_glass = false;       // the user has a live break-glass override for this person
  bool same_organisation = true;  // recorded by the organisation it goes to (the user's own)
  bool share_out_denied = false;  // the person refused sharing out of the recording organisation
  bool share_in_denied = false;   // the person refused sharing into the user's organisation
  Sensitivity sensitivity = Sensitivity::Normal;
  bool authoring_team = false;  // the user belongs to the team that wrote the entry
  bool seal_broken = false;     // the user has broken this entry's seal, with a reason
  Scope scope = Scope::Read;    // what the operation needs (operations.h)
  // Whether the user's team holds the part the entry asks for: the sending or receiving team of
  // a referral, the authoring team of a note being corrected. Unset: the entry asks for none.
  // A change needs it; for a triage read of a referral it stands for the relationship (either end
  // of a referral may read that referral, and only that one).
  std::optional<bool> party;
  // Only the organisation the entry belongs to may do this (a consent choice).
  bool own_organisation_only = false;
};

enum class DenyReason {
  None,
  Role,
  Relationship,
  Consent,
  Sealed,
  Invisible,
  Sensitive,
  Party,
  Organisation,
  OverrideReadsOnly
};
std::string_view to_code(DenyReason r);

struct AccessDecision {
  bool allowed = false;
  bool visible = true;  // false: the entry must not be shown even as existing
  DenyReason reason = DenyReason::None;
  bool by_override = false;  // allowed only because of break-glass or a seal break
  std::string_view explanation() const;
};

AccessDecision decide(const RoleTable& roles, const AccessFacts& facts);

}  // namespace jc::governance
