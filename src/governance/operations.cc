#include "governance/operations.h"

#include <array>

namespace jc::governance {
namespace {

using A = Activity;
using S = Scope;
using P = Purpose;
constexpr AuditTrail R = AuditTrail::Record;
constexpr AuditTrail X = AuditTrail::Access;

constexpr std::array<Operation, 54> kOperations = {{
    {Op::PersonSearch, "person.search", A::TracePerson, S::Role, X, "search", "person"},
    {Op::PersonSummary, "person.summary", A::ViewRecord, S::Triage, X, "read", "person_summary"},
    {Op::PersonKnownTo, "person.known_to", A::ViewRecord, S::Triage, X, "read", "known_to"},
    {Op::PersonTimeline, "person.timeline", A::ViewRecord, S::Read, X, "read", "timeline"},
    {Op::BreakGlass, "person.break_glass", A::BreakGlass, S::Role, R, "break_glass", "break_glass",
     false, true},
    {Op::ConsentList, "consent.list", A::ViewRecord, S::Triage, X, "read", "consent"},
    {Op::ConsentRecord, "consent.record", A::Consent, S::Change, R, "create", "consent", true},
    {Op::NoteCreate, "note.create", A::WriteNotes, S::Change, R, "create", "case_note"},
    {Op::NoteCorrect, "note.correct", A::WriteNotes, S::Change, R, "update", "case_note"},
    {Op::NoteList, "note.list", A::ViewRecord, S::Read, X, "read", "case_notes"},
    {Op::NoteHistory, "note.history", A::ViewRecord, S::Read, X, "read", "case_note"},
    {Op::NoteBreakSeal, "note.break_seal", A::BreakSeal, S::Read, R, "break_seal", "case_note",
     false, true},
    {Op::ReferralSend, "referral.send", A::SendReferrals, S::Change, R, "create", "referral"},
    {Op::ReferralRead, "referral.read", A::ViewRecord, S::Triage, X, "read", "referral"},
    {Op::ReferralInbox, "referral.inbox", A::ManageReferrals, S::Role, X, "read", "referral"},
    {Op::ReferralAccept, "referral.accept", A::ManageReferrals, S::TriageChange, R, "update",
     "referral"},
    {Op::ReferralDecline, "referral.decline", A::ManageReferrals, S::TriageChange, R, "update",
     "referral"},
    {Op::ReferralRedirect, "referral.redirect", A::ManageReferrals, S::TriageChange, R, "update",
     "referral"},
    {Op::ReferralAllocate, "referral.allocate", A::ManageReferrals, S::Change, R, "update",
     "referral"},
    {Op::ReferralSchedule, "referral.schedule", A::ManageReferrals, S::Change, R, "update",
     "referral"},
    {Op::ReferralComplete, "referral.complete", A::ManageReferrals, S::Change, R, "update",
     "referral"},
    {Op::ReferralCancel, "referral.cancel", A::ManageReferrals, S::TriageChange, R, "update",
     "referral"},
    {Op::ReferralBook, "referral.book", A::SendReferrals, S::Change, R, "update", "referral"},
    {Op::ReferralWithdraw, "referral.withdraw", A::SendReferrals, S::Change, R, "update",
     "referral"},
    {Op::InvolvementClose, "involvement.close", A::ManageReferrals, S::Change, R, "update",
     "involvement"},
    {Op::AssessmentStart, "assessment.start", A::Assess, S::Change, R, "create", "assessment"},
    {Op::AssessmentRead, "assessment.read", A::ViewRecord, S::Read, X, "read", "assessment"},
    {Op::AssessmentList, "assessment.list", A::ViewRecord, S::Read, X, "read", "assessments"},
    {Op::AssessmentContribute, "assessment.contribute", A::Assess, S::Change, R, "update",
     "assessment"},
    {Op::AssessmentComplete, "assessment.complete", A::Assess, S::Change, R, "update",
     "assessment"},
    {Op::ChcOpen, "chc.open", A::Chc, S::Change, R, "create", "chc_case"},
    {Op::ChcChecklist, "chc.checklist", A::Chc, S::Change, R, "update", "chc_case"},
    {Op::ChcAssess, "chc.assess", A::Chc, S::Change, R, "update", "chc_case"},
    {Op::ChcDecide, "chc.decide", A::ChcDecide, S::Change, R, "update", "chc_case"},
    {Op::ChcRead, "chc.read", A::ViewRecord, S::Read, X, "read", "chc_case"},
    {Op::CarePlanCreate, "care_plan.create", A::CarePlans, S::Change, R, "create", "care_plan"},
    {Op::CarePlanAddLine, "care_plan.add_line", A::CarePlans, S::Change, R, "update", "care_plan"},
    {Op::CarePlanList, "care_plan.list", A::ViewRecord, S::Read, X, "read", "care_plans"},
    {Op::BudgetCreate, "budget.create", A::Budgets, S::Change, R, "create", "personal_budget"},
    {Op::BudgetRecordEntry, "budget.record_entry", A::Budgets, S::Change, R, "update",
     "personal_budget"},
    {Op::BudgetList, "budget.list", A::ViewRecord, S::Read, X, "read", "personal_budgets"},
    {Op::AlertList, "alert.list", A::ReviewAlerts, S::Role, X, "read", "alert", false, false,
     P::GovernanceReview},
    {Op::AlertReview, "alert.review", A::ReviewAlerts, S::Role, R, "update", "alert", false, false,
     P::GovernanceReview},
    {Op::AuditSearch, "audit.search", A::Audit, S::Role, X, "search", "audit_trail", false, false,
     P::GovernanceReview},
    {Op::AuditWhoLooked, "audit.who_looked", A::Audit, S::Role, X, "read", "access_log", false,
     false, P::GovernanceReview},
    {Op::AuditVerify, "audit.verify", A::Audit, S::Role, X, "read", "audit_trail", false, false,
     P::GovernanceReview},
    {Op::CommissioningRead, "commissioning.read", A::Aggregates, S::Role, X, "read",
     "commissioning", false, false, P::Operations},
    {Op::PersonMerge, "person.merge", A::ManagePersonIndex, S::Role, R, "merge", "linkage_review",
     false, false, P::Operations},
    {Op::PersonKeepApart, "person.keep_apart", A::ManagePersonIndex, S::Role, R, "update",
     "linkage_review", false, false, P::Operations},
    {Op::PersonUnmerge, "person.unmerge", A::ManagePersonIndex, S::Role, R, "unmerge",
     "person_merge", false, false, P::Operations},
    {Op::ExtractExport, "extract.export", A::ManagePersonIndex, S::Role, R, "export", "extract",
     false, false, P::Operations},
    {Op::PatientRead, "patient.read", A::ViewRecord, S::Triage, X, "read", "patient"},
    {Op::PatientSearch, "patient.search", A::TracePerson, S::Role, X, "search", "patient"},
    {Op::ReferralSearch, "referral.search", A::ViewRecord, S::Role, X, "search", "referral"},
}};

constexpr bool in_order() {
  for (std::size_t i = 0; i < kOperations.size(); ++i)
    if (static_cast<std::size_t>(kOperations[i].op) != i) return false;
  return true;
}
static_assert(in_order(), "kOperations lists the operations in the order of Op");
static_assert(static_cast<std::size_t>(Op::ReferralSearch) + 1 == kOperations.size(),
              "every Op is declared");

}  // namespace

std::span<const Operation> operations() { return kOperations; }

const Operation& operation(Op op) { return kOperations[static_cast<std::size_t>(op)]; }

Result<Op> op_from_code(std::string_view code) {
  for (const auto& o : kOperations)
    if (o.code == code) return o.op;
  return Error{"unknown operation \"" + std::string(code) + "\""};
}

}  // namespace jc::governance
