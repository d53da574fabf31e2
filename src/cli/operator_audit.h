// The command line run without a staff account acts as the system's operator (whoever holds the
// database files): its reads, changes and exports of person data are audited as the operator's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/database.h"

namespace jc::cli {

struct OperatorEvent {
  std::string operation;  // governance::Operation::code where the act is one, else ""
  std::string action, record_type, record_id, purpose;
  std::optional<std::int64_t> person;
};

// Appends the event to the record trail (in the caller's transaction, if any).
void audit_operator(store::Database& db, const OperatorEvent& event);

// A commissioning report made from the database's person-level rows (`commissioning.read`), in
// a transaction of its own, before the report is printed.
void audit_operator_report(store::Database& db, const std::string& report);

}  // namespace jc::cli
