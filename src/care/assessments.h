// The Single Assessment Process (Department of Health, 2002): contact, overview, specialist and
// comprehensive assessments over nine domains with coded questions. Several agencies contribute
// answers to one assessment, each answer recording who, for which organisation and when.
// Starting any assessment pre-fills the latest answers the assessor may see ("last answered by …
// on …"), so nobody is asked again what another agency already asked; the system counts
// questions pre-filled against questions asked.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "care/context.h"
#include "care/outcome.h"

namespace jc::care {

struct AssessmentQuestion {
  std::string_view code;    // "pc1"
  std::string_view domain;  // one of the nine
  std::string_view text;
  bool overview;            // asked in an overview assessment (contact asks the first of each domain)
};
std::span<const AssessmentQuestion> assessment_questions();
std::span<const std::string_view> assessment_domains();
// Domains whose answers are sensitive (need view_sensitive outside the answering team's organisation).
bool sensitive_domain(std::string_view domain);

struct AnswerView {
  std::string question_code, domain, question;
  std::optional<std::string> answer;  // absent: outstanding (or withheld from this user)
  std::optional<std::string> answered_by, organisation, answered_at;
  bool prefilled = false;  // carried forward from an earlier assessment
  bool withheld = false;   // answered, but not shareable with this user
};

struct AssessmentView {
  std::int64_t id = 0;
  PersonId person;
  std::string kind, status, started_at, started_by, organisation;
  std::optional<std::string> domain, completed_at;
  std::vector<AnswerView> questions;
  int prefilled = 0;     // questions pre-filled when it started
  int asked = 0;         // questions answered afresh in this assessment
  int outstanding = 0;   // questions nobody has answered yet
  std::vector<std::string> contributors;  // organisations that answered in this assessment
};

Outcome<AssessmentView> start_assessment(const CareContext& ctx, PersonId person, const std::string& kind,
                                         const std::string& domain = "");
Outcome<AssessmentView> get_assessment(const CareContext& ctx, std::int64_t id);
Outcome<AssessmentView> contribute(const CareContext& ctx, std::int64_t id, const std::map<std::string, std::string>& answers);
Outcome<AssessmentView> complete_assessment(const CareContext& ctx, std::int64_t id);
Outcome<std::vector<AssessmentView>> person_assessments(const CareContext& ctx, PersonId person);

struct AssessmentStatistics {
  std::int64_t assessments = 0, questions_prefilled = 0, questions_asked = 0;
};
AssessmentStatistics assessment_statistics(store::Database& db);

}  // namespace jc::care
