#include "care/plans.h"

#include <algorithm>

#include "care/common.h"

namespace jc::care {
namespace {

using governance::EntryFacts;
using governance::held_by;
using governance::Op;

std::optional<CarePlan> load_plan(store::Database& db, std::int64_t id, const std::string& today) {
  std::optional<CarePlan> p;
  db.query(
      "SELECT p.id, p.person_id, p.status, p.created_at, p.review_date, o.name, s.display_name, "
      "p.organisation_id "
      "FROM care_plans p "
      "JOIN organisations o ON o.id = p.organisation_id LEFT JOIN staff_users s ON s.id = "
      "p.key_worker_user_id WHERE p.id = ?",
      {id}, [&](const store::Row& q) {
        CarePlan x;
        x.id = q.integer(0);
        x.person = PersonId(q.integer(1));
        x.status = q.text(2);
        x.created_at = q.text(3);
        x.review_date = q.text(4);
        x.organisation = q.text(5);
        x.key_worker = q.optional_text(6);
        x.organisation_id = OrganisationId(q.integer(7));
        p = std::move(x);
      });
  if (!p) return p;
  db.query(
      "SELECT l.id, l.provider_organisation_id, o.name, l.service, l.funder, l.pool_id, "
      "l.units_per_week, l.unit_cost_pence, "
      "l.start_date, l.end_date FROM care_plan_lines l JOIN organisations o ON o.id = "
      "l.provider_organisation_id "
      "WHERE l.care_plan_id = ? ORDER BY l.id",
      {id}, [&](const store::Row& q) {
        PlanLine l;
        l.id = q.integer(0);
        l.provider = OrganisationId(q.integer(1));
        l.provider_name = q.text(2);
        l.service = q.text(3);
        l.funder = q.text(4);
        l.pool_id = q.optional_integer(5);
        l.units_per_week = q.integer(6);
        l.unit_cost_pence = q.integer(7);
        l.start_date = q.text(8);
        l.end_date = q.optional_text(9);
        if (l.start_date <= today && (!l.end_date || *l.end_date >= today))
          p->weekly_cost_pence += l.weekly_cost_pence();
        p->lines.push_back(std::move(l));
      });
  return p;
}

std::optional<PersonalBudget> load_budget(store::Database& db, std::int64_t id) {
  std::optional<PersonalBudget> b;
  db.query(
      "SELECT b.id, b.person_id, b.care_plan_id, b.kind, b.mode, b.annual_amount_pence, "
      "b.start_date, "
      "b.review_date, s.organisation_id FROM personal_budgets b JOIN staff_users s ON s.id = "
      "b.created_by_user_id "
      "WHERE b.id = ?",
      {id}, [&](const store::Row& q) {
        PersonalBudget x;
        x.id = q.integer(0);
        x.person = PersonId(q.integer(1));
        x.care_plan_id = q.optional_integer(2);
        x.kind = q.text(3);
        x.mode = q.text(4);
        x.annual_amount_pence = q.integer(5);
        x.start_date = q.text(6);
        x.review_date = q.text(7);
        x.organisation_id = OrganisationId(q.integer(8));
        b = std::move(x);
      });
  if (!b) return b;
  db.query(
      "SELECT funder, amount_pence FROM personal_budget_funders WHERE budget_id = ? ORDER BY "
      "funder",
      {id}, [&](const store::Row& q) { b->funders.emplace_back(q.text(0), q.integer(1)); });
  b->balance_pence = b->annual_amount_pence;
  db.query(
      "SELECT id, entry_date, kind, description, amount_pence FROM personal_budget_ledger WHERE "
      "budget_id = ? ORDER BY id",
      {id}, [&](const store::Row& q) {
        BudgetEntry e{q.integer(0), q.text(1), q.text(2), q.text(3), q.integer(4)};
        if (e.kind == "spend") b->spent_pence += e.amount_pence, b->balance_pence -= e.amount_pence;
        if (e.kind == "refund")
          b->spent_pence -= e.amount_pence, b->balance_pence += e.amount_pence;
        b->ledger.push_back(std::move(e));
      });
  return b;
}

bool valid_date(const std::string& s) { return Date::parse_iso(s).ok(); }

}  // namespace

Outcome<CarePlan> create_care_plan(const CareContext& ctx, PersonId person, const NewPlan& in) {
  if (!detail::person_exists(ctx.db, person))
    return not_found("no person " + std::to_string(person.value));
  if (!valid_date(in.review_date)) return invalid("review_date: an ISO date such as 2027-05-31");
  auto gate = ctx.gate();
  auto pass = gate.pass(Op::CarePlanCreate, person);
  if (!pass) return detail::refused(pass.decision, "care_plan");
  if (in.key_worker &&
      !ctx.db.query_integer("SELECT 1 FROM staff_users WHERE id = ? AND active = 1",
                            {in.key_worker->value}))
    return invalid("key_worker_user_id: no active user " + std::to_string(in.key_worker->value));
  store::Transaction tx(ctx.db);
  // One current plan per person: a new plan supersedes the last.
  ctx.db.execute(
      "UPDATE care_plans SET status = 'superseded' WHERE person_id = ? AND status = 'active'",
      {person.value});
  std::int64_t id = ctx.db.insert_returning_id(
      "INSERT INTO care_plans (person_id, status, created_at, created_by_user_id, "
      "organisation_id, key_worker_user_id, "
      "review_date) VALUES (?, 'active', ?, ?, ?, ?, ?)",
      {person.value, ctx.now.iso(), ctx.actor.user.id.value, ctx.actor.user.organisation.value,
       in.key_worker ? store::Value(in.key_worker->value) : store::null(), in.review_date});
  gate.record(*pass.permit, std::to_string(id));
  tx.commit();
  return *load_plan(ctx.db, id, ctx.now.iso().substr(0, 10));
}

Outcome<CarePlan> add_plan_line(const CareContext& ctx, std::int64_t plan_id,
                                const NewPlanLine& in) {
  auto plan = load_plan(ctx.db, plan_id, ctx.now.iso().substr(0, 10));
  if (!plan) return not_found("no care plan " + std::to_string(plan_id));
  if (in.funder != "council" && in.funder != "nhs" && in.funder != "education" &&
      in.funder != "pool")
    return invalid("funder: council, nhs, education or pool");
  if (in.funder == "pool" && !in.pool_id) return invalid("pool_id: which pool funds this line");
  if (in.pool_id && !ctx.db.query_integer("SELECT 1 FROM pools WHERE id = ?", {*in.pool_id}))
    return invalid("pool_id: no pool " + std::to_string(*in.pool_id));
  if (!ctx.db.query_integer("SELECT 1 FROM organisations WHERE id = ?", {in.provider.value}))
    return invalid("provider_organisation_id: no organisation " +
                   std::to_string(in.provider.value));
  if (in.service.find_first_not_of(' ') == std::string::npos)
    return invalid("service: what is provided");
  if (in.units_per_week <= 0 || in.units_per_week > 24 * 7 * 4)
    return invalid("units_per_week: a positive number of units");
  if (in.unit_cost_pence <= 0) return invalid("unit_cost_pence: a positive amount in pence");
  if (!valid_date(in.start_date)) return invalid("start_date: an ISO date");
  if (!in.end_date.empty() && (!valid_date(in.end_date) || in.end_date < in.start_date))
    return invalid("end_date: an ISO date on or after start_date");
  // The plan is its organisation's: another organisation's staff change it only where the
  // person's consent lets them see it.
  auto gate = ctx.gate();
  auto pass = gate.pass(Op::CarePlanAddLine, plan->person, held_by(plan->organisation_id),
                        std::to_string(plan_id));
  if (!pass) return detail::refused(pass.decision, "care_plan");
  if (plan->status != "active")
    return conflict("care plan " + std::to_string(plan_id) + " is " + plan->status);
  store::Transaction tx(ctx.db);
  ctx.db.insert_returning_id(
      "INSERT INTO care_plan_lines (care_plan_id, provider_organisation_id, service, funder, "
      "pool_id, units_per_week, "
      "unit_cost_pence, start_date, end_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {plan_id, in.provider.value, in.service, in.funder, store::optional_value(in.pool_id),
       in.units_per_week, in.unit_cost_pence, in.start_date,
       in.end_date.empty() ? store::null() : store::Value(in.end_date)});
  gate.record(*pass.permit, std::to_string(plan_id));
  tx.commit();
  return *load_plan(ctx.db, plan_id, ctx.now.iso().substr(0, 10));
}

Outcome<std::vector<CarePlan>> care_plans(const CareContext& ctx, PersonId person) {
  if (!detail::person_exists(ctx.db, person))
    return not_found("no person " + std::to_string(person.value));
  auto gate = ctx.gate();
  auto pass = gate.pass(Op::CarePlanList, person, std::to_string(person.value));
  if (!pass) return detail::refused(pass.decision, "person");
  std::vector<std::int64_t> ids;
  ctx.db.query("SELECT id FROM care_plans WHERE person_id = ? ORDER BY id DESC", {person.value},
               [&](const store::Row& q) { ids.push_back(q.integer(0)); });
  std::vector<CarePlan> out;
  for (auto id : ids) {
    auto plan = load_plan(ctx.db, id, ctx.now.iso().substr(0, 10));
    if (!gate.decide(Op::CarePlanList, person, held_by(plan->organisation_id)).allowed)
      continue;  // consent: withheld
    gate.record_read(*pass.permit, "care_plan", std::to_string(id), person);
    out.push_back(std::move(*plan));
  }
  return out;
}

Outcome<PersonalBudget> create_personal_budget(const CareContext& ctx, PersonId person,
                                               const NewBudget& in) {
  if (!detail::person_exists(ctx.db, person))
    return not_found("no person " + std::to_string(person.value));
  if (in.kind != "personal_budget" && in.kind != "personal_health_budget")
    return invalid("kind: personal_budget or personal_health_budget");
  if (in.mode != "notional" && in.mode != "third_party" && in.mode != "direct_payment" &&
      in.mode != "mixed")
    return invalid("mode: notional, third_party, direct_payment or mixed");
  if (in.annual_amount_pence <= 0)
    return invalid("annual_amount_pence: a positive amount in pence");
  if (in.funders.empty()) return invalid("funders: who pays, and how much of the annual amount");
  std::int64_t sum = 0;
  for (const auto& [funder, pence] : in.funders) {
    if (funder != "council" && funder != "nhs" && funder != "education")
      return invalid("funders: " + funder + " is not council, nhs or education");
    if (pence <= 0) return invalid("funders." + funder + ": a positive amount in pence");
    if (__builtin_add_overflow(sum, pence, &sum))
      return invalid("funders: the shares add up to more than any budget");
  }
  if (sum != in.annual_amount_pence)
    return invalid("funders: the shares add up to " + std::to_string(sum) +
                   " pence, not the annual amount of " + std::to_string(in.annual_amount_pence));
  if (in.kind == "personal_health_budget" &&
      std::none_of(in.funders.begin(), in.funders.end(),
                   [](const auto& f) { return f.first == "nhs"; }))
    return invalid("funders: a personal health budget is funded at least in part by the NHS");
  if (!valid_date(in.start_date)) return invalid("start_date: an ISO date");
  if (!valid_date(in.review_date) || in.review_date < in.start_date)
    return invalid("review_date: an ISO date on or after start_date");
  auto gate = ctx.gate();
  auto pass = gate.pass(Op::BudgetCreate, person);
  if (!pass) return detail::refused(pass.decision, "personal_budget");
  // Only once the gate has let the user at the person's record: which plans are the person's.
  if (in.care_plan_id && ctx.db.query_integer("SELECT person_id FROM care_plans WHERE id = ?",
                                              {*in.care_plan_id}) != person.value)
    return invalid("care_plan_id: not a care plan of this person");
  store::Transaction tx(ctx.db);
  std::int64_t id = ctx.db.insert_returning_id(
      "INSERT INTO personal_budgets (person_id, care_plan_id, kind, mode, annual_amount_pence, "
      "start_date, review_date, "
      "created_at, created_by_user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {person.value, store::optional_value(in.care_plan_id), in.kind, in.mode,
       in.annual_amount_pence, in.start_date, in.review_date, ctx.now.iso(),
       ctx.actor.user.id.value});
  for (const auto& [funder, pence] : in.funders)
    ctx.db.execute(
        "INSERT INTO personal_budget_funders (budget_id, funder, amount_pence) VALUES (?, ?, ?)",
        {id, funder, pence});
  gate.record(*pass.permit, std::to_string(id));
  tx.commit();
  return *load_budget(ctx.db, id);
}

Outcome<PersonalBudget> record_budget_entry(const CareContext& ctx, std::int64_t budget_id,
                                            const std::string& kind, const std::string& entry_date,
                                            const std::string& description, std::int64_t amount) {
  auto b = load_budget(ctx.db, budget_id);
  if (!b) return not_found("no personal budget " + std::to_string(budget_id));
  if (kind != "spend" && kind != "refund") return invalid("kind: spend or refund");
  if (amount <= 0) return invalid("amount_pence: a positive amount in pence");
  if (!valid_date(entry_date)) return invalid("entry_date: an ISO date");
  if (description.find_first_not_of(' ') == std::string::npos)
    return invalid("description: what the money was spent on");
  auto gate = ctx.gate();
  auto pass = gate.pass(Op::BudgetRecordEntry, b->person, held_by(b->organisation_id),
                        std::to_string(budget_id));
  if (!pass) return detail::refused(pass.decision, "personal_budget");
  // Only once the gate has let the user at the budget: what it has spent.
  if (kind == "refund" && amount > b->spent_pence)
    return invalid("amount_pence: a refund cannot exceed what was spent");
  store::Transaction tx(ctx.db);
  ctx.db.insert_returning_id(
      "INSERT INTO personal_budget_ledger (budget_id, entry_date, kind, description, "
      "amount_pence, recorded_by_user_id, "
      "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {budget_id, entry_date, kind, description, amount, ctx.actor.user.id.value, ctx.now.iso()});
  gate.record(*pass.permit, std::to_string(budget_id));
  tx.commit();
  return *load_budget(ctx.db, budget_id);
}

Outcome<std::vector<PersonalBudget>> personal_budgets(const CareContext& ctx, PersonId person) {
  if (!detail::person_exists(ctx.db, person))
    return not_found("no person " + std::to_string(person.value));
  auto gate = ctx.gate();
  auto pass = gate.pass(Op::BudgetList, person, std::to_string(person.value));
  if (!pass) return detail::refused(pass.decision, "person");
  std::vector<std::int64_t> ids;
  ctx.db.query("SELECT id FROM personal_budgets WHERE person_id = ? ORDER BY id", {person.value},
               [&](const store::Row& q) { ids.push_back(q.integer(0)); });
  std::vector<PersonalBudget> out;
  for (auto id : ids) {
    auto budget = load_budget(ctx.db, id);
    if (!gate.decide(Op::BudgetList, person, held_by(budget->organisation_id)).allowed)
      continue;  // consent: withheld
    gate.record_read(*pass.permit, "personal_budget", std::to_string(id), person);
    out.push_back(std::move(*budget));
  }
  return out;
}

}  // namespace jc::care
