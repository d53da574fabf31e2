// Every operation on a person's data, declared once: its name, the activity it needs from the
// role table (config/roles.toml), the relationship it needs, the audit trail it writes and how
// its audit event names it. The gate (gate.h) runs an operation from this table: the care
// services, the server and the CLI name operations and hold no rule of their own.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/result.h"
#include "governance/access.h"
#include "governance/audit.h"
#include "governance/purpose.h"

namespace jc::governance {

enum class Op : std::uint8_t {
  PersonSearch,
  PersonSummary,
  PersonKnownTo,
  PersonTimeline,
  BreakGlass,
  ConsentList,
  ConsentRecord,
  NoteCreate,
  NoteCorrect,
  NoteList,
  NoteHistory,
  NoteBreakSeal,
  ReferralSend,
  ReferralRead,
  ReferralInbox,
  ReferralAccept,
  ReferralDecline,
  ReferralRedirect,
  ReferralAllocate,
  ReferralSchedule,
  ReferralComplete,
  ReferralCancel,
  ReferralBook,      // the sending team books a visit into the receiving team's diary
  ReferralWithdraw,  // the sending team cancels its referral
  InvolvementClose,
  AssessmentStart,
  AssessmentRead,
  AssessmentList,
  AssessmentContribute,
  AssessmentComplete,
  ChcOpen,
  ChcChecklist,
  ChcAssess,
  ChcDecide,
  ChcRead,
  CarePlanCreate,
  CarePlanAddLine,
  CarePlanList,
  BudgetCreate,
  BudgetRecordEntry,
  BudgetList,
  AlertList,
  AlertReview,
  AuditSearch,
  AuditWhoLooked,
  AuditVerify,
  CommissioningRead,
  PersonMerge,      // a linkage review accepted: two persons become one
  PersonKeepApart,  // a linkage review rejected: they stay two
  PersonUnmerge,
  ExtractExport,   // each organisation's person extract written to files (jointcare export)
  PatientRead,     // one organisation's own record of the person (FHIR Patient)
  PatientSearch,   // organisations' records found by identifier or demographics (FHIR search)
  ReferralSearch,  // referrals found by record, organisation, status or time (FHIR search)
};

struct Operation {
  Op op;
  std::string_view code;  // "referral.accept": how tests, docs and the route table name it
  Activity activity;
  Scope scope;
  AuditTrail trail;  // record: a change (in its transaction); access: a read or search
  std::string_view
      action;  // the audit event's action: read, search, create, update, break_glass, break_seal
  std::string_view record_type;  // the audit event's record type
  // Only staff of the organisation the entry belongs to may do it (a consent choice is recorded
  // for the organisation whose data it is, by that organisation).
  bool own_organisation_only = false;
  // The operation is itself an override (break-glass, a seal break): its events say so and it
  // raises an alert for review.
  bool is_override = false;
  // The purpose of use its events record when the operation has its own (governance's reviews,
  // commissioning); otherwise the one the user gives.
  std::optional<Purpose> purpose = {};
};

// The table, in the order of Op.
std::span<const Operation> operations();
const Operation& operation(Op op);
Result<Op> op_from_code(std::string_view code);

}  // namespace jc::governance
