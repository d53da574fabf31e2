// The context every care-record service runs in: the connection, the role table, who is acting
// and why, where reads are audited, and the time. Services decide nothing themselves: each
// operation passes the gate made from this context. Writes audit inside their own transaction on
// `db`; reads hand their events to `reads` (the server's group-committing AuditWriter, or a
// DirectAudit on `db`).
#pragma once

#include "core/time.h"
#include "governance/access.h"
#include "governance/access_facts.h"
#include "governance/audit_writer.h"
#include "governance/gate.h"
#include "store/database.h"

namespace jc::care {

struct CareContext {
  store::Database& db;
  const governance::RoleTable& roles;
  governance::Actor actor;
  governance::AuditSink& reads;
  Timestamp now = Timestamp::now();

  // The gate every operation of a service passes (governance/gate.h).
  governance::Gate gate() const { return governance::Gate(db, roles, actor, reads, now); }
};

}  // namespace jc::care
