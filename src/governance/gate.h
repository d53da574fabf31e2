// The gate: the one place an operation on a person's data is decided and audited. A service asks
// the gate to pass an operation (operations.h) on a person's entry; the gate loads the facts
// about the person once (access_facts.h), decides with the pure rule (access.h), writes the audit
// event of the outcome in the right trail, and only then hands back a Permit. Refusals are
// audited too, one event each: a refused read in the access trail, a refused change in the record
// trail (in a transaction of its own). A permitted change's event is written with record(),
// inside the change's own transaction, so the change and its audit commit together.
//
// Only the gate makes a Permit, so code that takes one cannot run without the rule having said yes.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "governance/access_facts.h"
#include "governance/audit_writer.h"
#include "governance/operations.h"

namespace jc::governance {

class Gate;

// Leave to carry out one operation, given by the gate.
class Permit {
 public:
  const Operation& operation() const { return *op_; }
  const AccessDecision& decision() const { return decision_; }
  bool by_override() const { return decision_.by_override; }
  std::optional<PersonId> person() const { return person_; }

 private:
  friend class Gate;
  Permit(const Operation& op, AccessDecision d, std::optional<PersonId> person)
      : op_(&op), decision_(d), person_(person) {}
  const Operation* op_;
  AccessDecision decision_;
  std::optional<PersonId> person_;
};

// What the gate answered: a permit, or the refusal's decision (already audited).
struct Passage {
  std::optional<Permit> permit;
  AccessDecision decision;
  explicit operator bool() const { return permit.has_value(); }
};

class Gate {
 public:
  // Keeps references to all it is given: they must outlive the gate.
  Gate(store::Database& db, const RoleTable& roles, const Actor& actor, AuditSink& reads,
       Timestamp now);
  Gate(store::Database&, const RoleTable&, Actor&&, AuditSink&, Timestamp) = delete;
  Gate(const Gate&) = delete;
  Gate& operator=(const Gate&) = delete;

  // The facts about one person, read once per gate.
  const PersonAccess& person(PersonId person);

  // Passes an operation on an entry of the person's record (pass(op, person) for the record as
  // a whole, as the user's own organisation holds it) and audits the outcome.
  Passage pass(Op op, PersonId person, const EntryFacts& entry, std::string record_id = "");
  Passage pass(Op op, PersonId person, std::string record_id = "");
  // An entry that holds several organisations' information (a referral: the sender's and the
  // receiver's): every part must be allowed.
  Passage pass(Op op, PersonId person, std::initializer_list<EntryFacts> entries,
               std::string record_id = "");
  Passage pass(Op op, PersonId person, std::span<const EntryFacts> entries,
               std::string record_id = "");
  // An operation of the role alone (Scope::Role), about a person or nobody in particular.
  Passage pass_role(Op op, std::optional<PersonId> person = std::nullopt,
                    std::string record_id = "");
  // Refuses an operation for a reason of the rule found by the caller before any entry exists
  // (the user belongs to no team): audited as any refusal.
  AccessDecision refuse(Op op, std::optional<PersonId> person, DenyReason reason,
                        std::string record_id = "");

  // The decision alone, not audited: for the parts of an answer whose operation has passed (which
  // of a person's notes a permitted list shows).
  AccessDecision decide(Op op, PersonId person, const EntryFacts& entry);

  // A permitted change's audit event (record trail), inside the change's transaction; a change
  // that makes several records writes one for each, with their own record type when it differs
  // from the operation's (the involvement an acceptance starts). A governance record (an override,
  // a seal break, an alert or its review, a consent choice) is sealed by its event: `sealing`
  // names its kind (governed_row_digest), and the event carries the row's digest.
  void record(const Permit& permit, std::string record_id, std::string_view record_type = {},
              std::string_view action = {}, std::string_view sealing = {});
  // A permitted read's event for one entry it shows (access trail), beside the operation's own.
  void record_read(const Permit& permit, std::string_view record_type, std::string record_id,
                   std::optional<PersonId> person);

  const Actor& actor() const { return actor_; }

 private:
  AuditEvent event(const Operation& op, std::optional<PersonId> person, std::string record_id,
                   const AccessDecision& d) const;
  void audit(const Operation& op, AuditEvent e);
  // Audits a decision and, when it allows, makes the permit.
  Passage finish(const Operation& op, std::optional<PersonId> person, AccessDecision d,
                 std::string record_id);

  store::Database& db_;
  const RoleTable& roles_;
  const Actor& actor_;
  AuditSink& reads_;
  Timestamp now_;
  std::map<std::int64_t, PersonAccess> people_;
};

}  // namespace jc::governance
