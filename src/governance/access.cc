#include "governance/access.h"

#include "io/toml_file.h"

namespace jc::governance {
namespace {

constexpr std::array<std::string_view, kActivityCount> kActivityCodes = {"trace_person",
                                                                         "view_record",
                                                                         "view_sensitive",
                                                                         "write_notes",
                                                                         "send_referrals",
                                                                         "manage_referrals",
                                                                         "assess",
                                                                         "chc",
                                                                         "chc_decide",
                                                                         "care_plans",
                                                                         "budgets",
                                                                         "consent",
                                                                         "break_glass",
                                                                         "break_seal",
                                                                         "review_alerts",
                                                                         "audit",
                                                                         "aggregates",
                                                                         "administer_users",
                                                                         "manage_person_index"};

}  // namespace

// The build embeds config/roles.toml as this string (src/embed_text.cmake).
extern "C" const char jc_roles_toml[];

std::string_view to_code(Activity a) { return kActivityCodes[static_cast<std::size_t>(a)]; }

Result<Activity> activity_from_code(std::string_view code) {
  for (std::size_t i = 0; i < kActivityCodes.size(); ++i)
    if (kActivityCodes[i] == code) return static_cast<Activity>(i);
  return Error{"unknown activity \"" + std::string(code) + "\""};
}

std::string_view to_code(Relationship r) {
  switch (r) {
    case Relationship::None:
      return "none";
    case Relationship::Referred:
      return "referred";
    case Relationship::Active:
      return "active";
    case Relationship::Ended:
      return "ended";
  }
  return "none";
}

std::string_view to_code(Sensitivity s) {
  switch (s) {
    case Sensitivity::Normal:
      return "normal";
    case Sensitivity::Sensitive:
      return "sensitive";
    case Sensitivity::Sealed:
      return "sealed";
    case Sensitivity::SealedLocked:
      return "sealed_locked";
  }
  return "normal";
}

Result<Sensitivity> sensitivity_from_code(std::string_view code) {
  for (auto s : {Sensitivity::Normal, Sensitivity::Sensitive, Sensitivity::Sealed,
                 Sensitivity::SealedLocked})
    if (to_code(s) == code) return s;
  return Error{"sensitivity must be normal, sensitive, sealed or sealed_locked, not \"" +
               std::string(code) + "\""};
}

std::string_view to_code(Scope s) {
  switch (s) {
    case Scope::Role:
      return "role";
    case Scope::Triage:
      return "triage";
    case Scope::Read:
      return "read";
    case Scope::TriageChange:
      return "triage_change";
    case Scope::Change:
      return "change";
  }
  return "role";
}

std::string_view to_code(DenyReason r) {
  switch (r) {
    case DenyReason::None:
      return "none";
    case DenyReason::Role:
      return "role";
    case DenyReason::Relationship:
      return "relationship";
    case DenyReason::Consent:
      return "consent";
    case DenyReason::Sealed:
      return "sealed";
    case DenyReason::Invisible:
      return "invisible";
    case DenyReason::Sensitive:
      return "sensitive";
    case DenyReason::Party:
      return "party";
    case DenyReason::Organisation:
      return "organisation";
    case DenyReason::OverrideReadsOnly:
      return "override_reads_only";
  }
  return "none";
}

std::string_view AccessDecision::explanation() const {
  switch (reason) {
    case DenyReason::None:
      return by_override ? "allowed by an override, which has been recorded for review" : "allowed";
    case DenyReason::Role:
      return "your role does not grant this activity";
    case DenyReason::Relationship:
      return "your team has no legitimate relationship with this person; record a break-glass "
             "override with a "
             "reason if you must";
    case DenyReason::Consent:
      return "the person has not consented to this information being shared with your organisation";
    case DenyReason::Sealed:
      return "this entry is sealed; an authorised user may break the seal, giving a reason";
    case DenyReason::Invisible:
      return "no such entry";
    case DenyReason::Sensitive:
      return "this entry is sensitive and your role may not see sensitive entries";
    case DenyReason::Party:
      return "only the team this entry belongs to may do this";
    case DenyReason::Organisation:
      return "only the organisation whose information it is may record this";
    case DenyReason::OverrideReadsOnly:
      return "a break-glass override allows reading only: a change needs your team's own "
             "relationship with the person";
  }
  return "denied";
}

Result<RoleTable> RoleTable::parse(std::string_view text, const std::string& source) {
  auto doc = io::parse_toml(text, source);
  if (!doc) return doc.error();
  const toml::table* roles = (*doc)["roles"].as_table();
  if (!roles) return Error{source + ": a [roles] table is required"};
  RoleTable t;
  for (const auto& [key, node] : *roles) {
    auto line = std::to_string(node.source().begin.line);
    auto role = role_from_code(key.str());
    if (!role) return Error{source + ":" + line + ": " + role.error().message};
    const toml::array* list = node.as_array();
    if (!list)
      return Error{source + ":" + line + ": roles." + std::string(key.str()) +
                   " must be a list of activities"};
    std::uint32_t bits = 0;
    for (const auto& item : *list) {
      auto code = item.value<std::string>();
      if (!code)
        return Error{source + ":" + line + ": roles." + std::string(key.str()) +
                     " holds a non-string"};
      auto activity = activity_from_code(*code);
      if (!activity)
        return Error{source + ":" + line + ": roles." + std::string(key.str()) + ": " +
                     activity.error().message};
      bits |= 1u << static_cast<unsigned>(*activity);
    }
    t.granted_[static_cast<std::size_t>(*role)] = bits;
  }
  return t;
}

const RoleTable& RoleTable::built_in() {
  static const RoleTable table = [] {
    auto parsed = parse(jc_roles_toml, "config/roles.toml (built in)");
    if (!parsed) throw std::logic_error(parsed.error().message);
    return *parsed;
  }();
  return table;
}

bool RoleTable::grants(Role role, Activity activity) const {
  return (granted_[static_cast<std::size_t>(role)] >> static_cast<unsigned>(activity)) & 1u;
}

AccessDecision decide(const RoleTable& roles, const AccessFacts& f) {
  AccessDecision d;
  auto deny = [&](DenyReason r, bool visible = true) {
    d.allowed = false;
    d.visible = visible;
    d.reason = r;
    d.by_override = false;
    return d;
  };
  // A sealed-and-locked entry does not exist for anyone outside its authoring team.
  if (f.sensitivity == Sensitivity::SealedLocked && !f.authoring_team)
    return deny(DenyReason::Invisible, false);
  if (!roles.grants(f.role, f.activity)) return deny(DenyReason::Role);
  bool change = is_change(f.scope);
  if (change && f.party == false) return deny(DenyReason::Party);
  if (f.own_organisation_only && !f.same_organisation) return deny(DenyReason::Organisation);
  // The relationship: an open involvement; for triage, a referral waiting with the team (or, for a
  // referral itself, being either end of it).
  bool triage = f.scope == Scope::Triage || f.scope == Scope::TriageChange;
  bool related = f.scope == Scope::Role || f.relationship == Relationship::Active ||
                 (triage && (f.party ? *f.party : f.relationship == Relationship::Referred));
  if (!related) {
    // An override stands in for the relationship for reading, and for nothing that outlives it.
    if (!f.break_glass) return deny(DenyReason::Relationship);
    if (change) return deny(DenyReason::OverrideReadsOnly);
    d.by_override = true;
  }
  // Consent: deny wins, and an override of the relationship does not override a refusal.
  if (!f.same_organisation && (f.share_out_denied || f.share_in_denied))
    return deny(DenyReason::Consent);
  if (f.sensitivity == Sensitivity::Sealed && !f.authoring_team) {
    if (!f.seal_broken) return deny(DenyReason::Sealed);
    d.by_override = true;
  }
  if (f.sensitivity != Sensitivity::Normal && !f.authoring_team &&
      !roles.grants(f.role, Activity::ViewSensitive))
    return deny(DenyReason::Sensitive);
  d.allowed = true;
  d.visible = true;
  d.reason = DenyReason::None;
  return d;
}

}  // namespace jc::governance
