#include "care/assessments.h"

#include <algorithm>
#include <array>
#include <set>

#include "care/common.h"

namespace jc::care {
namespace {

using governance::EntryFacts;
using governance::held_by;
using governance::Op;

constexpr std::array<std::string_view, 9> kDomains = {"users_perspective",
                                                      "clinical_background",
                                                      "disease_prevention",
                                                      "personal_care",
                                                      "senses",
                                                      "mental_health",
                                                      "relationships",
                                                      "safety",
                                                      "immediate_environment"};

constexpr AssessmentQuestion kQuestions[] = {
    {"up1", "users_perspective", "What matters most to you at the moment?", true},
    {"up2", "users_perspective", "What would you like to be able to do that you cannot do now?",
     true},
    {"up3", "users_perspective", "Who would you like to be involved in planning your care?", false},
    {"cb1", "clinical_background", "Long-term conditions", true},
    {"cb2", "clinical_background", "Current medication and who manages it", true},
    {"cb3", "clinical_background", "Falls in the last 12 months", true},
    {"cb4", "clinical_background", "Hospital admissions in the last 12 months", false},
    {"dp1", "disease_prevention", "Smoking status", true},
    {"dp2", "disease_prevention", "Alcohol: units in a typical week", false},
    {"dp3", "disease_prevention", "Flu vaccination this season", false},
    {"dp4", "disease_prevention", "Blood pressure checked in the last year", false},
    {"pc1", "personal_care", "Washing and bathing: independent, some help or full help", true},
    {"pc2", "personal_care", "Dressing: independent, some help or full help", true},
    {"pc3", "personal_care", "Eating and drinking", true},
    {"pc4", "personal_care", "Moving about indoors", true},
    {"pc5", "personal_care", "Continence", false},
    {"se1", "senses", "Sight", true},
    {"se2", "senses", "Hearing", true},
    {"se3", "senses", "Communication needs (language, interpreter, aids)", false},
    {"mh1", "mental_health", "Mood over the last month", true},
    {"mh2", "mental_health", "Memory or cognition concerns", true},
    {"mh3", "mental_health", "Known to mental health services", false},
    {"re1", "relationships", "Lives with", true},
    {"re2", "relationships", "Unpaid carer: who, and their relationship", true},
    {"re3", "relationships", "Is the carer able and willing to continue caring?", false},
    {"re4", "relationships", "Social contact and isolation", false},
    {"sa1", "safety", "Risk of falls", true},
    {"sa2", "safety", "Safeguarding concerns", true},
    {"sa3", "safety", "Risk to self or to others", false},
    {"ie1", "immediate_environment", "Housing: type and tenure", true},
    {"ie2", "immediate_environment", "Adaptations or equipment needed at home", true},
    {"ie3", "immediate_environment", "Finances and benefits", false},
    {"ie4", "immediate_environment", "Access to transport and local services", false},
};

const AssessmentQuestion* find_question(std::string_view code) {
  for (const auto& q : kQuestions)
    if (q.code == code) return &q;
  return nullptr;
}

// The questions an assessment of this kind asks.
std::vector<const AssessmentQuestion*> questions_for(const std::string& kind,
                                                     const std::string& domain) {
  std::vector<const AssessmentQuestion*> out;
  std::set<std::string_view> first_seen;
  for (const auto& q : kQuestions) {
    bool first = first_seen.insert(q.domain).second;
    if (kind == "comprehensive" || (kind == "overview" && q.overview) ||
        (kind == "contact" && first) || (kind == "specialist" && q.domain == domain))
      out.push_back(&q);
  }
  return out;
}

struct StoredAnswer {
  std::int64_t id = 0;
  std::string code, answer, answered_by, organisation_name, answered_at;
  OrganisationId organisation;
  std::optional<std::int64_t> prefilled_from;
  std::optional<TeamId> team;
  std::int64_t answered_by_user = 0;
};

struct Header {
  std::int64_t id = 0;
  PersonId person;
  std::string kind, status, started_at, started_by, organisation;
  std::optional<std::string> domain, completed_at;
  int prefilled = 0;
  OrganisationId organisation_id;  // who started it: that is the organisation's information
};

std::optional<Header> load_header(store::Database& db, std::int64_t id) {
  std::optional<Header> h;
  db.query(
      "SELECT a.id, a.person_id, a.kind, a.domain, a.status, a.started_at, s.display_name, o.name, "
      "a.completed_at, "
      "a.questions_prefilled, a.organisation_id FROM assessments a JOIN staff_users s ON s.id = "
      "a.started_by_user_id "
      "JOIN organisations o ON o.id = a.organisation_id WHERE a.id = ?",
      {id}, [&](const store::Row& q) {
        h = Header{q.integer(0),
                   PersonId(q.integer(1)),
                   q.text(2),
                   q.text(4),
                   q.text(5),
                   q.text(6),
                   q.text(7),
                   q.optional_text(3),
                   q.optional_text(8),
                   static_cast<int>(q.integer(9)),
                   OrganisationId(q.integer(10))};
      });
  return h;
}

EntryFacts answer_facts(const StoredAnswer& a) {
  EntryFacts e;
  e.organisation = a.organisation;
  e.team = a.team;
  const auto* q = find_question(a.code);
  e.sensitivity = q && sensitive_domain(q->domain) ? governance::Sensitivity::Sensitive
                                                   : governance::Sensitivity::Normal;
  return e;
}

// The assessment as the user may see it: who started it and who contributed are each
// organisation's information, shown only where the person's consent lets it reach the user; so
// is each answer (and the sensitive domains need view_sensitive).
AssessmentView build_view(store::Database& db, const Header& h, governance::Gate& gate, Op op) {
  AssessmentView v;
  v.id = h.id;
  v.person = h.person;
  v.kind = h.kind;
  v.status = h.status;
  v.started_at = h.started_at;
  if (gate.decide(op, h.person, held_by(h.organisation_id)).allowed) {
    v.started_by = h.started_by;
    v.organisation = h.organisation;
  }
  v.domain = h.domain;
  v.completed_at = h.completed_at;
  v.prefilled = h.prefilled;
  // The latest answer to each question within this assessment.
  std::map<std::string, StoredAnswer> latest;
  std::set<std::string> contributors;
  db.query(
      "SELECT a.id, a.question_code, a.answer, s.display_name, o.name, a.answered_at, "
      "a.organisation_id, "
      "a.prefilled_from_answer_id, s.team_id FROM assessment_answers a JOIN staff_users s ON s.id "
      "= a.answered_by_user_id "
      "JOIN organisations o ON o.id = a.organisation_id WHERE a.assessment_id = ? ORDER BY a.id",
      {h.id}, [&](const store::Row& q) {
        StoredAnswer s{q.integer(0),
                       q.text(1),
                       q.text(2),
                       q.text(3),
                       q.text(4),
                       q.text(5),
                       OrganisationId(q.integer(6)),
                       q.optional_integer(7),
                       q.is_null(8) ? std::nullopt : std::optional<TeamId>(TeamId(q.integer(8))),
                       0};
        if (!s.prefilled_from) {
          ++v.asked;
          if (gate.decide(op, h.person, held_by(s.organisation)).allowed)
            contributors.insert(s.organisation_name);
        }
        latest[s.code] = std::move(s);
      });
  v.contributors.assign(contributors.begin(), contributors.end());
  for (const auto* q : questions_for(h.kind, h.domain.value_or(""))) {
    AnswerView a;
    a.question_code = std::string(q->code);
    a.domain = std::string(q->domain);
    a.question = std::string(q->text);
    auto it = latest.find(a.question_code);
    if (it == latest.end()) {
      ++v.outstanding;
    } else if (!gate.decide(op, h.person, answer_facts(it->second)).allowed) {
      a.withheld = true;
    } else {
      a.answer = it->second.answer;
      a.answered_by = it->second.answered_by;
      a.organisation = it->second.organisation_name;
      a.answered_at = it->second.answered_at;
      a.prefilled = it->second.prefilled_from.has_value();
    }
    v.questions.push_back(std::move(a));
  }
  return v;
}

}  // namespace

std::span<const AssessmentQuestion> assessment_questions() { return kQuestions; }
std::span<const std::string_view> assessment_domains() { return kDomains; }
bool sensitive_domain(std::string_view domain) {
  return domain == "mental_health" || domain == "safety";
}

Outcome<AssessmentView> start_assessment(const CareContext& ctx, PersonId person,
                                         const std::string& kind, const std::string& domain) {
  if (kind != "contact" && kind != "overview" && kind != "specialist" && kind != "comprehensive")
    return invalid("kind: contact, overview, specialist or comprehensive");
  if (kind == "specialist" && std::find(kDomains.begin(), kDomains.end(), domain) == kDomains.end())
    return invalid("domain: a specialist assessment names one of the nine domains");
  if (kind != "specialist" && !domain.empty())
    return invalid("domain: only a specialist assessment names a domain");
  if (!ctx.db.query_integer("SELECT 1 FROM persons WHERE id = ?", {person.value}))
    return not_found("no person " + std::to_string(person.value));
  auto gate = ctx.gate();
  auto pass = gate.pass(Op::AssessmentStart, person);
  if (!pass) return detail::refused(pass.decision, "assessment");
  auto questions = questions_for(kind, domain);
  std::set<std::string_view> wanted;
  for (const auto* q : questions) wanted.insert(q->code);
  // The latest answer to each question across the person's assessments, as the assessor may see it.
  std::map<std::string, StoredAnswer> latest;
  ctx.db.query(
      "SELECT a.id, a.question_code, a.answer, s.display_name, o.name, a.answered_at, "
      "a.organisation_id, "
      "a.prefilled_from_answer_id, s.team_id, a.answered_by_user_id FROM assessment_answers a "
      "JOIN staff_users s ON s.id = a.answered_by_user_id JOIN organisations o ON o.id = "
      "a.organisation_id "
      "WHERE a.person_id = ? AND a.prefilled_from_answer_id IS NULL ORDER BY a.answered_at, a.id",
      {person.value}, [&](const store::Row& q) {
        if (!wanted.count(q.text(1))) return;
        StoredAnswer s{q.integer(0),
                       q.text(1),
                       q.text(2),
                       q.text(3),
                       q.text(4),
                       q.text(5),
                       OrganisationId(q.integer(6)),
                       std::nullopt,
                       q.is_null(8) ? std::nullopt : std::optional<TeamId>(TeamId(q.integer(8))),
                       q.integer(9)};
        latest[s.code] = std::move(s);
      });
  store::Transaction tx(ctx.db);
  int prefilled = 0;
  std::int64_t id = ctx.db.insert_returning_id(
      "INSERT INTO assessments (person_id, kind, domain, status, started_at, "
      "started_by_user_id, organisation_id) "
      "VALUES (?, ?, ?, 'open', ?, ?, ?)",
      {person.value, kind, domain.empty() ? store::null() : store::Value(domain), ctx.now.iso(),
       ctx.actor.user.id.value, ctx.actor.user.organisation.value});
  for (const auto& [code, a] : latest) {
    if (!gate.decide(Op::AssessmentRead, person, answer_facts(a)).allowed) continue;
    // Carried forward under its original author, organisation and time.
    ctx.db.insert_returning_id(
        "INSERT INTO assessment_answers (assessment_id, person_id, question_code, answer, "
        "answered_by_user_id, "
        "organisation_id, answered_at, prefilled_from_answer_id) VALUES (?, ?, ?, ?, ?, ?, ?, "
        "?)",
        {id, person.value, code, a.answer, a.answered_by_user, a.organisation.value, a.answered_at,
         a.id});
    ++prefilled;
  }
  ctx.db.execute("UPDATE assessments SET questions_prefilled = ? WHERE id = ?",
                 {std::int64_t{prefilled}, id});
  gate.record(*pass.permit, std::to_string(id));
  tx.commit();
  return build_view(ctx.db, *load_header(ctx.db, id), gate, Op::AssessmentRead);
}

Outcome<AssessmentView> get_assessment(const CareContext& ctx, std::int64_t id) {
  auto h = load_header(ctx.db, id);
  if (!h) return not_found("no assessment " + std::to_string(id));
  auto gate = ctx.gate();
  auto pass = gate.pass(Op::AssessmentRead, h->person, std::to_string(id));
  if (!pass) return detail::refused(pass.decision, "assessment");
  return build_view(ctx.db, *h, gate, Op::AssessmentRead);
}

Outcome<AssessmentView> contribute(const CareContext& ctx, std::int64_t id,
                                   const std::map<std::string, std::string>& answers) {
  auto h = load_header(ctx.db, id);
  if (!h) return not_found("no assessment " + std::to_string(id));
  auto gate = ctx.gate();
  auto pass = gate.pass(Op::AssessmentContribute, h->person, std::to_string(id));
  if (!pass) return detail::refused(pass.decision, "assessment");
  if (h->status != "open")
    return conflict("assessment " + std::to_string(id) + " is " + h->status + ": start a new one");
  if (answers.empty()) return invalid("answers: nothing to record");
  auto asked = questions_for(h->kind, h->domain.value_or(""));
  for (const auto& [code, text] : answers) {
    if (std::none_of(asked.begin(), asked.end(),
                     [&code = code](const auto* q) { return q->code == code; }))
      return invalid("answers." + code + ": not a question of this " + h->kind + " assessment");
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
      return invalid("answers." + code + ": empty answer");
    if (text.size() > 10'000) return invalid("answers." + code + ": at most 10,000 characters");
  }
  store::Transaction tx(ctx.db);
  for (const auto& [code, text] : answers) {
    ctx.db.insert_returning_id(
        "INSERT INTO assessment_answers (assessment_id, person_id, question_code, answer, "
        "answered_by_user_id, "
        "organisation_id, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {id, h->person.value, code, text, ctx.actor.user.id.value,
         ctx.actor.user.organisation.value, ctx.now.iso()});
  }
  gate.record(*pass.permit, std::to_string(id));
  tx.commit();
  return build_view(ctx.db, *h, gate, Op::AssessmentRead);
}

Outcome<AssessmentView> complete_assessment(const CareContext& ctx, std::int64_t id) {
  auto h = load_header(ctx.db, id);
  if (!h) return not_found("no assessment " + std::to_string(id));
  auto gate = ctx.gate();
  auto pass = gate.pass(Op::AssessmentComplete, h->person, std::to_string(id));
  if (!pass) return detail::refused(pass.decision, "assessment");
  if (h->status != "open")
    return conflict("assessment " + std::to_string(id) + " is already " + h->status);
  store::Transaction tx(ctx.db);
  ctx.db.execute("UPDATE assessments SET status = 'completed', completed_at = ? WHERE id = ?",
                 {ctx.now.iso(), id});
  gate.record(*pass.permit, std::to_string(id));
  tx.commit();
  return build_view(ctx.db, *load_header(ctx.db, id), gate, Op::AssessmentRead);
}

Outcome<std::vector<AssessmentView>> person_assessments(const CareContext& ctx, PersonId person) {
  auto gate = ctx.gate();
  auto pass = gate.pass(Op::AssessmentList, person, std::to_string(person.value));
  if (!pass) return detail::refused(pass.decision, "person");
  std::vector<std::int64_t> ids;
  ctx.db.query("SELECT id FROM assessments WHERE person_id = ? ORDER BY id DESC", {person.value},
               [&](const store::Row& q) { ids.push_back(q.integer(0)); });
  std::vector<AssessmentView> out;
  for (auto id : ids)
    out.push_back(build_view(ctx.db, *load_header(ctx.db, id), gate, Op::AssessmentList));
  return out;
}

AssessmentStatistics assessment_statistics(store::Database& db) {
  AssessmentStatistics s;
  s.assessments = db.query_integer("SELECT COUNT(*) FROM assessments").value_or(0);
  s.questions_prefilled =
      db.query_integer(
            "SELECT COUNT(*) FROM assessment_answers WHERE prefilled_from_answer_id IS NOT NULL")
          .value_or(0);
  s.questions_asked =
      db.query_integer(
            "SELECT COUNT(*) FROM assessment_answers WHERE prefilled_from_answer_id IS NULL")
          .value_or(0);
  return s;
}

}  // namespace jc::care
