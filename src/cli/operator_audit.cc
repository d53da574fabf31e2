#include "cli/operator_audit.h"

#include "core/time.h"
#include "governance/audit.h"
#include "governance/operations.h"

namespace jc::cli {

void audit_operator(store::Database& db, const OperatorEvent& o) {
  governance::AuditEvent e;
  e.occurred_at = Timestamp::now();
  e.user_role = "operator";
  e.person_id = o.person;
  e.action = o.action;
  e.record_type = o.record_type;
  e.record_id = o.record_id;
  e.purpose = o.purpose;
  e.outcome = "success";
  e.operation = o.operation;
  governance::append_audit(db, e);
}

void audit_operator_report(store::Database& db, const std::string& report) {
  const auto& op = governance::operation(governance::Op::CommissioningRead);
  store::Transaction tx(db);
  audit_operator(db, {std::string(op.code), std::string(op.action), std::string(op.record_type),
                      report, std::string(governance::code(*op.purpose)), std::nullopt});
  tx.commit();
}

}  // namespace jc::cli
