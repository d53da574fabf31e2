// An inclusion proof as JSON, the one form `jointcare audit prove` writes and `--check` reads,
// and each line of the "who looked" report carries: the event's fields (from which its canonical
// entry and chain hash are recomputed), its leaf index, the tree size, the audit path (hex) and
// the signed checkpoint the path leads to.
#pragma once

#include <string>

#include "governance/audit.h"
#include "governance/audit_tree.h"
#include "governance/checkpoint.h"

namespace jc::governance {

// The event as JSON text (every field the chain hash covers).
std::string audit_event_json(const AuditEvent& e);
// The proof against `checkpoint`, as JSON text; `indent` as nlohmann's dump (-1: one line).
std::string inclusion_proof_json(const InclusionProof& proof, const Checkpoint& checkpoint,
                                 int indent = -1);

}  // namespace jc::governance
