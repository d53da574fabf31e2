#include "care/chc.h"

#include <algorithm>
#include <array>
#include <functional>

namespace jc::care {
namespace {

using governance::Op;

constexpr std::array<ChcDomain, 12> kDomains = {{
    {"breathing", "Breathing", "priority", true},
    {"nutrition", "Nutrition", "severe", true},
    {"continence", "Continence", "high", false},
    {"skin_integrity", "Skin integrity", "severe", true},
    {"mobility", "Mobility", "severe", true},
    {"communication", "Communication", "high", false},
    {"psychological", "Psychological and emotional needs", "high", false},
    {"cognition", "Cognition", "severe", true},
    {"behaviour", "Behaviour", "priority", true},
    {"drug_therapies", "Drug therapies and medication", "priority", true},
    {"altered_states", "Altered states of consciousness", "priority", false},
    {"other", "Other significant care needs", "severe", true},
}};

constexpr std::array<std::string_view, 6> kLevels = {"no",   "low",    "moderate",
                                                     "high", "severe", "priority"};

int level_rank(std::string_view level) {
  auto it = std::find(kLevels.begin(), kLevels.end(), level);
  return it == kLevels.end() ? -1 : static_cast<int>(it - kLevels.begin());
}

std::optional<ChcCase> load(store::Database& db, std::int64_t id) {
  std::optional<ChcCase> c;
  db.query(
      "SELECT id, person_id, fast_track, status, opened_at, checklist_outcome, dst_at, "
      "recommendation, decision, decision_at, organisation_id FROM chc_cases WHERE id = ?",
      {id}, [&](const store::Row& q) {
        ChcCase x;
        x.id = q.integer(0);
        x.person = PersonId(q.integer(1));
        x.fast_track = q.integer(2) != 0;
        x.status = q.text(3);
        x.opened_at = q.text(4);
        x.checklist_outcome = q.optional_text(5);
        x.dst_at = q.optional_text(6);
        x.recommendation = q.optional_text(7);
        x.decision = q.optional_text(8);
        x.decision_at = q.optional_text(9);
        x.organisation = OrganisationId(q.integer(10));
        c = std::move(x);
      });
  if (!c) return c;
  db.query("SELECT domain, level FROM chc_domain_levels WHERE chc_id = ?", {id},
           [&](const store::Row& q) { c->levels[q.text(0)] = q.text(1); });
  db.query(
      "SELECT s.display_name, s.role, o.name FROM chc_mdt_members m JOIN staff_users s ON s.id = "
      "m.user_id "
      "JOIN organisations o ON o.id = s.organisation_id WHERE m.chc_id = ? ORDER BY s.display_name",
      {id}, [&](const store::Row& q) {
        c->mdt.push_back(q.text(0) + " (" + q.text(1) + ", " + q.text(2) + ")");
      });
  return c;
}

bool health_role(std::string_view role) {
  return role == "district_nurse" || role == "general_practitioner" ||
         role == "mental_health_practitioner" || role == "health_visitor" ||
         role == "hospital_discharge_coordinator" || role == "occupational_therapist";
}
bool social_care_role(std::string_view role) {
  return role == "social_worker" || role == "care_manager";
}

Outcome<ChcCase> step(const CareContext& ctx, std::int64_t id, Op op,
                      const std::vector<std::string>& from,
                      const std::function<std::optional<Failure>(const ChcCase&)>& act) {
  auto c = load(ctx.db, id);
  if (!c) return not_found("no CHC case " + std::to_string(id));
  auto gate = ctx.gate();
  auto pass = gate.pass(op, c->person, governance::held_by(c->organisation), std::to_string(id));
  if (!pass) return forbidden(std::string(pass.decision.explanation()));
  store::Transaction tx(ctx.db);
  if (std::find(from.begin(), from.end(), c->status) == from.end())
    return conflict("CHC case " + std::to_string(id) + " is at \"" + c->status +
                    "\": this step is not possible now");
  if (auto f = act(*c)) return *f;
  gate.record(*pass.permit, std::to_string(id));
  tx.commit();
  return *load(ctx.db, id);
}

}  // namespace

std::span<const ChcDomain> chc_domains() { return kDomains; }

std::string chc_recommendation(const std::map<std::string, std::string>& levels) {
  int priority = 0, severe = 0, high = 0, moderate = 0;
  for (const auto& [domain, level] : levels) {
    priority += level == "priority";
    severe += level == "severe";
    high += level == "high";
    moderate += level == "moderate";
  }
  if (priority >= 1 || severe >= 2) return "eligible";
  if ((severe == 1 && high + moderate >= 1) || high >= 4 || (high >= 2 && moderate >= 4))
    return "consider";
  return "not_eligible";
}

Outcome<ChcCase> open_chc(const CareContext& ctx, PersonId person, bool fast_track) {
  if (!ctx.db.query_integer("SELECT 1 FROM persons WHERE id = ?", {person.value}))
    return not_found("no person " + std::to_string(person.value));
  auto gate = ctx.gate();
  auto pass = gate.pass(Op::ChcOpen, person);
  if (!pass) return forbidden(std::string(pass.decision.explanation()));
  store::Transaction tx(ctx.db);
  if (ctx.db.query_integer("SELECT 1 FROM chc_cases WHERE person_id = ? AND status NOT IN "
                           "('decided', 'screened_out')",
                           {person.value}))
    return conflict("this person already has an open CHC case: assess once, jointly");
  std::int64_t id = ctx.db.insert_returning_id(
      "INSERT INTO chc_cases (person_id, fast_track, status, opened_at, opened_by_user_id, "
      "organisation_id) VALUES (?, ?, ?, ?, ?, ?)",
      {person.value, std::int64_t{fast_track ? 1 : 0},
       std::string(fast_track ? "awaiting_decision" : "screening"), ctx.now.iso(),
       ctx.actor.user.id.value, ctx.actor.user.organisation.value});
  gate.record(*pass.permit, std::to_string(id));
  tx.commit();
  return *load(ctx.db, id);
}

Outcome<ChcCase> record_checklist(const CareContext& ctx, std::int64_t id, bool positive) {
  return step(
      ctx, id, Op::ChcChecklist, {"screening"}, [&](const ChcCase&) -> std::optional<Failure> {
        ctx.db.execute(
            "UPDATE chc_cases SET checklist_outcome = ?, checklist_at = ?, status = ? WHERE id = ?",
            {std::string(positive ? "positive" : "negative"), ctx.now.iso(),
             std::string(positive ? "full_assessment" : "screened_out"), id});
        return std::nullopt;
      });
}

Outcome<ChcCase> record_dst(const CareContext& ctx, std::int64_t id,
                            const std::map<std::string, std::string>& levels,
                            const std::vector<StaffUserId>& mdt) {
  for (const auto& dom : kDomains)
    if (!levels.count(std::string(dom.code)))
      return invalid("levels." + std::string(dom.code) +
                     ": every one of the twelve domains needs a level");
  for (const auto& [domain, level] : levels) {
    auto dom = std::find_if(kDomains.begin(), kDomains.end(),
                            [&domain = domain](const ChcDomain& x) { return x.code == domain; });
    if (dom == kDomains.end())
      return invalid("levels." + domain + ": not a Decision Support Tool domain");
    int r = level_rank(level);
    if (r < 0) return invalid("levels." + domain + ": no, low, moderate, high, severe or priority");
    if (r > level_rank(dom->highest) || (level == "severe" && !dom->has_severe))
      return invalid("levels." + domain + ": " + std::string(dom->name) + " has no \"" + level +
                     "\" level");
  }
  // The multidisciplinary team: at least two professionals, from health and from social care.
  bool health = false, social = false;
  for (auto u : mdt) {
    auto role =
        ctx.db.query_text("SELECT role FROM staff_users WHERE id = ? AND active = 1", {u.value});
    if (!role) return invalid("mdt: no active user " + std::to_string(u.value));
    health = health || health_role(*role);
    social = social || social_care_role(*role);
  }
  if (!health || !social)
    return invalid(
        "mdt: the multidisciplinary team needs both a health and a social care professional");
  return step(
      ctx, id, Op::ChcAssess, {"full_assessment"}, [&](const ChcCase&) -> std::optional<Failure> {
        for (const auto& [domain, level] : levels)
          ctx.db.execute("INSERT INTO chc_domain_levels (chc_id, domain, level) VALUES (?, ?, ?)",
                         {id, domain, level});
        for (auto u : mdt)
          ctx.db.execute(
              "INSERT INTO chc_mdt_members (chc_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
              {id, u.value});
        ctx.db.execute(
            "UPDATE chc_cases SET dst_at = ?, recommendation = ?, status = 'awaiting_decision' "
            "WHERE id = ?",
            {ctx.now.iso(), chc_recommendation(levels), id});
        return std::nullopt;
      });
}

Outcome<ChcCase> record_chc_decision(const CareContext& ctx, std::int64_t id,
                                     const std::string& decision) {
  static const std::vector<std::string> kDecisions = {
      "nhs_chc", "joint_package", "funded_nursing_care", "social_care", "not_eligible"};
  if (std::find(kDecisions.begin(), kDecisions.end(), decision) == kDecisions.end())
    return invalid(
        "decision: nhs_chc, joint_package, funded_nursing_care, social_care or not_eligible");
  return step(ctx, id, Op::ChcDecide, {"awaiting_decision"},
              [&](const ChcCase&) -> std::optional<Failure> {
                ctx.db.execute(
                    "UPDATE chc_cases SET decision = ?, decision_at = ?, decided_by_user_id = ?, "
                    "status = 'decided' WHERE id = ?",
                    {decision, ctx.now.iso(), ctx.actor.user.id.value, id});
                return std::nullopt;
              });
}

Outcome<ChcCase> get_chc(const CareContext& ctx, std::int64_t id) {
  auto c = load(ctx.db, id);
  if (!c) return not_found("no CHC case " + std::to_string(id));
  auto gate = ctx.gate();
  auto pass =
      gate.pass(Op::ChcRead, c->person, governance::held_by(c->organisation), std::to_string(id));
  if (!pass) return forbidden(std::string(pass.decision.explanation()));
  return *c;
}

}  // namespace jc::care
