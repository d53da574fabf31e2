#include "governance/gate.h"

namespace jc::governance {

Gate::Gate(store::Database& db, const RoleTable& roles, const Actor& actor, AuditSink& reads,
           Timestamp now)
    : db_(db), roles_(roles), actor_(actor), reads_(reads), now_(now) {}

const PersonAccess& Gate::person(PersonId person) {
  auto it = people_.find(person.value);
  if (it == people_.end())
    it = people_.emplace(person.value, PersonAccess(db_, roles_, actor_, person, now_)).first;
  return it->second;
}

AccessDecision Gate::decide(Op op, PersonId p, const EntryFacts& entry) {
  return person(p).decide(op, entry);
}

AuditEvent Gate::event(const Operation& op, std::optional<PersonId> person, std::string record_id,
                       const AccessDecision& d) const {
  AuditEvent e;
  e.occurred_at = now_;
  e.user_id = actor_.user.id.value;
  e.user_role = std::string(to_code(actor_.user.role));
  e.organisation_id = actor_.user.organisation.value;
  if (person) e.person_id = person->value;
  e.action = std::string(op.action);
  e.record_type = std::string(op.record_type);
  e.record_id = std::move(record_id);
  // A read the rule allowed only by an override is emergency care, whatever was asserted.
  e.purpose = std::string(
      code(d.by_override ? Purpose::EmergencyTreatment : op.purpose.value_or(actor_.purpose)));
  e.outcome = d.allowed ? "success" : "denied";
  e.operation = std::string(op.code);
  if (!d.allowed) e.reason = std::string(to_code(d.reason));
  return e;
}

void Gate::audit(const Operation& op, AuditEvent e) {
  if (op.trail == AuditTrail::Access) {
    reads_.record(std::move(e));
    return;
  }
  // A refused change: in a transaction of its own (nothing else is written).
  store::Transaction tx(db_);
  append_audit(db_, std::move(e));
  tx.commit();
}

Passage Gate::finish(const Operation& o, std::optional<PersonId> p, AccessDecision d,
                     std::string record_id) {
  Passage out;
  out.decision = d;
  if (out.decision.allowed) {
    if (o.is_override) out.decision.by_override = true;
    if (o.trail == AuditTrail::Access)
      reads_.record(event(o, p, std::move(record_id), out.decision));
    out.permit = Permit(o, out.decision, p);
  } else {
    audit(o, event(o, p, std::move(record_id), out.decision));
  }
  return out;
}

Passage Gate::pass(Op op, PersonId p, const EntryFacts& entry, std::string record_id) {
  return pass(op, p, {entry}, std::move(record_id));
}

Passage Gate::pass(Op op, PersonId p, std::initializer_list<EntryFacts> entries,
                   std::string record_id) {
  return pass(op, p, std::span<const EntryFacts>(entries.begin(), entries.size()),
              std::move(record_id));
}

Passage Gate::pass(Op op, PersonId p, std::span<const EntryFacts> entries, std::string record_id) {
  const Operation& o = operation(op);
  AccessDecision decision;
  decision.allowed = entries.size() > 0;
  for (const auto& e : entries) {
    auto d = person(p).decide(op, e);
    if (!d.allowed) {
      decision = d;
      break;
    }
    decision.by_override = decision.by_override || d.by_override;
  }
  return finish(o, p, decision, std::move(record_id));
}

Passage Gate::pass(Op op, PersonId p, std::string record_id) {
  return pass(op, p, held_by(actor_.user.organisation), std::move(record_id));
}

Passage Gate::pass_role(Op op, std::optional<PersonId> p, std::string record_id) {
  const Operation& o = operation(op);
  AccessFacts f;
  f.role = actor_.user.role;
  f.activity = o.activity;
  f.scope = Scope::Role;
  return finish(o, p, governance::decide(roles_, f), std::move(record_id));
}

AccessDecision Gate::refuse(Op op, std::optional<PersonId> p, DenyReason reason,
                            std::string record_id) {
  AccessDecision d;
  d.reason = reason;
  audit(operation(op), event(operation(op), p, std::move(record_id), d));
  return d;
}

void Gate::record(const Permit& permit, std::string record_id, std::string_view record_type,
                  std::string_view action, std::string_view sealing) {
  if (!db_.in_transaction())
    throw store::StoreError("a change's audit event is written inside the change's transaction");
  AuditEvent e =
      event(permit.operation(), permit.person(), std::move(record_id), permit.decision());
  if (!record_type.empty()) e.record_type = std::string(record_type);
  if (!action.empty()) e.action = std::string(action);
  if (!sealing.empty()) e.detail = governed_row_digest(db_, sealing, std::stoll(e.record_id));
  append_audit(db_, std::move(e));
}

void Gate::record_read(const Permit& permit, std::string_view record_type, std::string record_id,
                       std::optional<PersonId> person) {
  AuditEvent e = event(permit.operation(), person, std::move(record_id), permit.decision());
  e.record_type = std::string(record_type);
  reads_.record(std::move(e));
}

}  // namespace jc::governance
