// The seeds' own examples, end to end through the care services on both databases: the district
// nurse's referral to social care; the social worker booking a health visitor's visit; a receiving
// team seeing who else knows the person; two agencies completing one assessment; Continuing
// Healthcare; a care plan with a personal budget; and refusals that change nothing.
#include <gtest/gtest.h>

#include "care/assessments.h"
#include "care/chc.h"
#include "care/notes.h"
#include "care/oversight.h"
#include "care/people.h"
#include "care/plans.h"
#include "care/referrals.h"
#include "support/care_world.h"
#include "support/database_fixture.h"

namespace jc::care {
namespace {

class CareScenario : public testing::DatabaseTest {};

TEST_P(CareScenario, DistrictNurseReferralToSocialCareAcceptedAndVisibleToBoth) {
  testing::CareWorld w(*db_);
  PersonId p = w.person("Edna", "Moss", "9434765919");
  w.involve(TeamId(1), p, false, w.dn.id);
  auto dn = w.as(w.dn);
  auto sent =
      send_referral(dn, NewReferral{p, TeamId(2), "home care assessment",
                                    "Struggling with personal care after a fall", "urgent"});
  ASSERT_TRUE(sent.ok()) << sent.failure().message;
  EXPECT_EQ(sent->status, "sent");
  EXPECT_EQ(sent->from_team_name, "District Nursing North");

  // It arrives in the social work team's inbox, with the person named.
  auto sw = w.as(w.sw);
  auto inbox = team_inbox(sw, TeamId(2), {}, 0, 50);
  ASSERT_TRUE(inbox.ok()) << inbox.failure().message;
  ASSERT_EQ(inbox->total, 1);
  EXPECT_EQ(inbox->referrals[0].id, sent->id);
  EXPECT_EQ(inbox->referrals[0].person_name, "Edna Moss");
  EXPECT_EQ(inbox->referrals[0].person_nhs_number, "9434765919");
  // Another team's inbox is not the social worker's to open.
  EXPECT_FALSE(team_inbox(sw, TeamId(1), {}, 0, 50).ok());

  // Before accepting, social work has no care relationship: the notes stay closed.
  auto dn_note = add_note(dn, p, NewNote{"visit", "normal", "Fell on Tuesday; bruised hip."});
  ASSERT_TRUE(dn_note.ok());
  EXPECT_FALSE(list_notes(sw, p).ok());

  ReferralAction accept;
  accept.action = "accept";
  accept.allocate_to = w.sw.id;
  auto accepted = act_on_referral(sw, sent->id, accept);
  ASSERT_TRUE(accepted.ok()) << accepted.failure().message;
  EXPECT_EQ(accepted->status, "accepted");
  ASSERT_TRUE(accepted->hours_to_acceptance.has_value());
  EXPECT_EQ(accepted->allocated_user.value_or(""), "User sw");
  // An involvement began: now a legitimate relationship.
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM involvements WHERE person_id = ? AND team_id "
                               "= 2 AND ended_at IS NULL",
                               {p.value}),
            1);
  auto notes = list_notes(sw, p);
  ASSERT_TRUE(notes.ok());
  ASSERT_EQ(notes->size(), 1u);
  EXPECT_EQ((*notes)[0].body.value_or(""), "Fell on Tuesday; bruised hip.");

  // Visible to both ends, with its history.
  auto seen_by_dn = get_referral(dn, sent->id);
  ASSERT_TRUE(seen_by_dn.ok());
  EXPECT_EQ(seen_by_dn->status, "accepted");
  ASSERT_EQ(seen_by_dn->events.size(), 2u);
  EXPECT_EQ(seen_by_dn->events[1].event, "accept");
  auto seen_by_sw = get_referral(sw, sent->id);
  ASSERT_TRUE(seen_by_sw.ok());
  // The timeline across organisations: the nurse's note and the referral, newest first.
  auto journey = timeline(sw, p);
  ASSERT_TRUE(journey.ok());
  bool note_seen = false, referral_seen = false;
  for (const auto& e : *journey) {
    note_seen = note_seen || (e.kind == "note" && e.organisation == "Community Health Trust");
    referral_seen = referral_seen || e.kind == "referral";
  }
  EXPECT_TRUE(note_seen && referral_seen);
  for (std::size_t i = 1; i < journey->size(); ++i)
    EXPECT_GE((*journey)[i - 1].at, (*journey)[i].at);
  w.consent(p, 1, "share_out", false);  // the person stops the community trust sharing out
  auto withheld = timeline(sw, p);
  ASSERT_TRUE(withheld.ok());
  for (const auto& e : *withheld) EXPECT_NE(e.organisation, "Community Health Trust");
  EXPECT_FALSE(timeline(w.as(w.hv), p).ok());
  // The district nurse's "known to" panel now shows social work with its key worker.
  auto known = known_to(dn, p);
  ASSERT_TRUE(known.ok());
  bool council = false;
  for (const auto& o : known->organisations)
    for (const auto& t : o.teams)
      if (t.team == TeamId(2) && !t.ended_at &&
          t.key_worker == std::optional<std::string>("User sw"))
        council = true;
  EXPECT_TRUE(council);
  EXPECT_TRUE(governance::verify_audit(*db_).intact);
}

TEST_P(CareScenario,
       SocialWorkerBooksHealthVisitorsVisitAndReceivingTeamSeesWhoElseKnowsThePerson) {
  testing::CareWorld w(*db_);
  PersonId p = w.person("Faye", "Young", "9434765870", {1, 2, 3});
  w.involve(TeamId(2), p, false, w.sw.id);
  w.involve(TeamId(4), p, false, w.mh.id);
  auto sw = w.as(w.sw);
  auto sent = send_referral(sw, NewReferral{p, TeamId(3), "health visitor visit",
                                            "New baby; mother's low mood", "routine"});
  ASSERT_TRUE(sent.ok()) << sent.failure().message;

  // The health visiting team, triaging, sees who else knows the person (and no notes yet).
  auto hv = w.as(w.hv);
  auto known = known_to(hv, p);
  ASSERT_TRUE(known.ok()) << known.failure().message;
  std::set<std::string> orgs;
  for (const auto& o : known->organisations) orgs.insert(o.name);
  EXPECT_TRUE(orgs.count("Council Adult Social Care"));
  EXPECT_TRUE(orgs.count("Mental Health Trust"));
  EXPECT_FALSE(list_notes(hv, p).ok());
  // If the person refused sharing out of the mental health trust, that organisation is withheld.
  w.consent(p, 3, "share_out", false);
  auto known2 = known_to(hv, p);
  ASSERT_TRUE(known2.ok());
  EXPECT_EQ(known2->withheld, 1);
  for (const auto& o : known2->organisations) EXPECT_NE(o.name, "Mental Health Trust");

  ReferralAction accept;
  accept.action = "accept";
  ASSERT_TRUE(act_on_referral(hv, sent->id, accept).ok());
  // The social worker books the health visitor's visit into the health visiting diary.
  ReferralAction book;
  book.action = "schedule";
  book.starts_at = "2026-09-22T10:30:00Z";
  book.place = "Family home";
  book.practitioner = w.hv.id;
  auto booked = act_on_referral(sw, sent->id, book);
  ASSERT_TRUE(booked.ok()) << booked.failure().message;
  EXPECT_EQ(booked->status, "scheduled");
  ASSERT_EQ(booked->appointments.size(), 1u);
  EXPECT_EQ(booked->appointments[0].practitioner.value_or(""), "User hv");
  EXPECT_EQ(booked->appointments[0].place, "Family home");
  // A practitioner from outside the receiving team is refused.
  book.practitioner = w.dn.id;
  auto wrong = act_on_referral(sw, sent->id, book);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.failure().fault, Fault::Invalid);
  // The visit happens; the health visitor completes the referral; first contact is the visit.
  auto after = w.as(w.hv, Timestamp::parse_iso("2026-09-23T09:00:00Z").value());
  ReferralAction complete;
  complete.action = "complete";
  auto done = act_on_referral(after, sent->id, complete);
  ASSERT_TRUE(done.ok()) << done.failure().message;
  EXPECT_EQ(done->status, "completed");
  EXPECT_EQ(done->first_contact_at.value_or(""), "2026-09-22T10:30:00Z");
  EXPECT_EQ(done->appointments[0].status, "attended");
}

// A redirected referral carries what the first sender asked: the person's refusal of sharing out
// of the first sender's organisation applies to every team it reaches, not only to its first end.
TEST_P(CareScenario, ARedirectedReferralKeepsTheFirstSendersConsent) {
  testing::CareWorld w(*db_);
  PersonId p = w.person("Red", "Irect", "9434765919", {1, 2, 3});
  w.involve(TeamId(1), p);
  auto sent = send_referral(
      w.as(w.dn), NewReferral{p, TeamId(2), "", "Struggling at home after the fall", "routine"});
  ASSERT_TRUE(sent.ok()) << sent.failure().message;
  ReferralAction redirect;
  redirect.action = "redirect";
  redirect.reason = "Mental health needs first";
  redirect.redirect_to = TeamId(4);
  auto onward = act_on_referral(w.as(w.sw), sent->id, redirect);
  ASSERT_TRUE(onward.ok()) << onward.failure().message;
  EXPECT_TRUE(get_referral(w.as(w.mh), onward->id).ok())
      << "the team it was redirected to reads it";
  w.consent(p, 1, "share_out", false);  // the community trust's information stays with it
  auto refused = get_referral(w.as(w.mh), onward->id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.failure().fault, Fault::Forbidden);
  EXPECT_EQ(w.last_outcome(w.mh, p, governance::AuditTrail::Access), "denied");
}

TEST_P(CareScenario, InvalidTransitionsAreRefusedAndChangeNothing) {
  testing::CareWorld w(*db_);
  PersonId p = w.person("Gus", "Decline", "9434765838");
  w.involve(TeamId(1), p);
  auto dn = w.as(w.dn);
  auto sent =
      send_referral(dn, NewReferral{p, TeamId(2), "", "Needs help with shopping", "routine"});
  ASSERT_TRUE(sent.ok());
  auto sw = w.as(w.sw);
  ReferralAction decline;
  decline.action = "decline";
  auto no_reason = act_on_referral(sw, sent->id, decline);
  ASSERT_FALSE(no_reason.ok());
  EXPECT_EQ(no_reason.failure().fault, Fault::Invalid);
  decline.reason = "Does not meet the eligibility criteria";
  ASSERT_TRUE(act_on_referral(sw, sent->id, decline).ok());

  auto events = db_->query_integer("SELECT COUNT(*) FROM referral_events");
  auto audit = w.audit_count();
  auto involvements = db_->query_integer("SELECT COUNT(*) FROM involvements");
  for (const char* action : {"complete", "accept", "schedule", "cancel", "redirect"}) {
    ReferralAction a;
    a.action = action;
    a.reason = "trying anyway";
    a.redirect_to = TeamId(3);
    a.starts_at = "2026-09-22T10:30:00Z";
    a.place = "Home";
    a.practitioner = w.sw.id;
    auto r = act_on_referral(sw, sent->id, a);
    ASSERT_FALSE(r.ok()) << action;
    EXPECT_EQ(r.failure().fault, Fault::Conflict) << action;
    EXPECT_NE(r.failure().message.find("declined"), std::string::npos) << r.failure().message;
  }
  EXPECT_EQ(db_->query_text("SELECT status FROM referrals WHERE id = ?", {sent->id.value}),
            "declined");
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM referral_events"), events);
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM involvements"), involvements);
  EXPECT_EQ(w.audit_count(), audit);
  // The sender may not accept its own referral.
  auto again = send_referral(dn, NewReferral{p, TeamId(2), "", "Second try", "routine"});
  ASSERT_TRUE(again.ok());
  ReferralAction accept;
  accept.action = "accept";
  auto self = act_on_referral(dn, again->id, accept);
  ASSERT_FALSE(self.ok());
  EXPECT_EQ(self.failure().fault, Fault::Forbidden);
  // A redirect is a hand-off: a new referral, linked to the old one.
  ReferralAction redirect;
  redirect.action = "redirect";
  redirect.redirect_to = TeamId(4);
  redirect.reason = "Needs are mental health";
  auto moved = act_on_referral(sw, again->id, redirect);
  ASSERT_TRUE(moved.ok()) << moved.failure().message;
  EXPECT_EQ(moved->to_team, TeamId(4));
  EXPECT_EQ(moved->previous_referral_id.value_or(0), again->id.value);
  EXPECT_EQ(db_->query_text("SELECT status FROM referrals WHERE id = ?", {again->id.value}),
            "redirected");
}

TEST_P(CareScenario, TwoAgenciesCompleteOneAssessmentAndNobodyIsAskedTwice) {
  testing::CareWorld w(*db_);
  PersonId p = w.person("Hal", "Single", "9434765919");
  w.involve(TeamId(1), p);
  w.involve(TeamId(2), p);
  auto dn = w.as(w.dn);
  auto started = start_assessment(dn, p, "comprehensive");
  ASSERT_TRUE(started.ok()) << started.failure().message;
  const int total = static_cast<int>(started->questions.size());
  EXPECT_EQ(total, static_cast<int>(assessment_questions().size()));
  EXPECT_EQ(started->prefilled, 0);
  EXPECT_EQ(started->outstanding, total);
  // The district nurse answers the health domains.
  std::map<std::string, std::string> health;
  for (const auto& q : assessment_questions())
    if (q.domain == "clinical_background" || q.domain == "disease_prevention" ||
        q.domain == "personal_care" || q.domain == "senses")
      health[std::string(q.code)] = "answer from the district nurse";
  auto after_dn = contribute(dn, started->id, health);
  ASSERT_TRUE(after_dn.ok()) << after_dn.failure().message;
  EXPECT_EQ(after_dn->outstanding, total - static_cast<int>(health.size()));

  // The social worker opens the same assessment: only what the nurse did not answer is outstanding.
  auto sw = w.as(w.sw);
  auto opened = get_assessment(sw, started->id);
  ASSERT_TRUE(opened.ok());
  std::map<std::string, std::string> rest;
  for (const auto& q : opened->questions) {
    if (health.count(q.question_code)) {
      EXPECT_EQ(q.answer.value_or(""), "answer from the district nurse");
      EXPECT_EQ(q.answered_by.value_or(""), "User dn");
      EXPECT_EQ(q.organisation.value_or(""), "Community Health Trust");
    } else {
      EXPECT_FALSE(q.answer.has_value()) << q.question_code;
      rest[q.question_code] = "answer from the social worker";
    }
  }
  auto done = contribute(sw, started->id, rest);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->outstanding, 0);
  EXPECT_EQ(done->asked, total);
  EXPECT_EQ(done->contributors,
            (std::vector<std::string>{"Community Health Trust", "Council Adult Social Care"}));
  ASSERT_TRUE(complete_assessment(sw, started->id).ok());
  auto closed = contribute(sw, started->id, rest);
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.failure().fault, Fault::Conflict);

  // A later overview by the mental health trust starts from those answers, as it may see them:
  // the sensitive domains (mental health, safety) need view_sensitive, which it has.
  w.involve(TeamId(4), p);
  auto mh = w.as(w.mh);
  auto overview = start_assessment(mh, p, "overview");
  ASSERT_TRUE(overview.ok());
  EXPECT_EQ(overview->prefilled, static_cast<int>(overview->questions.size()));
  EXPECT_EQ(overview->outstanding, 0);
  EXPECT_EQ(overview->asked, 0);
  for (const auto& q : overview->questions) {
    EXPECT_TRUE(q.prefilled);
    EXPECT_TRUE(q.answered_by.has_value());
  }
  // If the person refuses sharing into the mental health trust, nothing is pre-filled for it.
  w.consent(p, 3, "share_in", false);
  auto refused = start_assessment(mh, p, "contact");
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->prefilled, 0);
  auto stats = assessment_statistics(*db_);
  EXPECT_EQ(stats.questions_asked, total);
  EXPECT_EQ(stats.questions_prefilled, overview->prefilled);
  // Bad input names the field.
  auto bad = contribute(mh, refused->id, {{"zz9", "x"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.failure().message.find("answers.zz9"), std::string::npos);
}

TEST_P(CareScenario, ContinuingHealthcareAssessedOnceJointly) {
  testing::CareWorld w(*db_);
  PersonId p = w.person("Ida", "Chc", "9434765870");
  w.involve(TeamId(1), p);
  w.involve(TeamId(2), p);
  auto dn = w.as(w.dn);
  auto c = open_chc(dn, p, false);
  ASSERT_TRUE(c.ok()) << c.failure().message;
  EXPECT_FALSE(open_chc(w.as(w.sw), p, false).ok());  // one open case: assess once
  ASSERT_TRUE(record_checklist(dn, c->id, true).ok());
  std::map<std::string, std::string> levels;
  for (const auto& d : chc_domains()) levels[std::string(d.code)] = "low";
  levels["breathing"] = "priority";
  auto nurse_only = record_dst(dn, c->id, levels, {w.dn.id});
  ASSERT_FALSE(nurse_only.ok());
  EXPECT_NE(nurse_only.failure().message.find("mdt"), std::string::npos);
  auto bad_level = levels;
  bad_level["continence"] = "severe";  // continence goes no higher than high
  EXPECT_FALSE(record_dst(dn, c->id, bad_level, {w.dn.id, w.sw.id}).ok());
  auto dst = record_dst(dn, c->id, levels, {w.dn.id, w.sw.id});
  ASSERT_TRUE(dst.ok()) << dst.failure().message;
  EXPECT_EQ(dst->recommendation.value_or(""), "eligible");
  EXPECT_EQ(dst->mdt.size(), 2u);
  // The decision is for a role that grants it (care manager), not the nurse.
  EXPECT_FALSE(record_chc_decision(dn, c->id, "nhs_chc").ok());
  auto decided = record_chc_decision(w.as(w.cm), c->id, "nhs_chc");
  ASSERT_TRUE(decided.ok()) << decided.failure().message;
  EXPECT_EQ(decided->status, "decided");

  // The recommendation rule on hand-made cases.
  std::map<std::string, std::string> l;
  for (const auto& d : chc_domains()) l[std::string(d.code)] = "no";
  EXPECT_EQ(chc_recommendation(l), "not_eligible");
  l["mobility"] = "severe";
  EXPECT_EQ(chc_recommendation(l), "not_eligible");
  l["nutrition"] = "high";
  EXPECT_EQ(chc_recommendation(l), "consider");
  l["cognition"] = "severe";
  EXPECT_EQ(chc_recommendation(l), "eligible");
}

TEST_P(CareScenario, CarePlanAndPersonalBudgetWithLedger) {
  testing::CareWorld w(*db_);
  PersonId p = w.person("Jo", "Budget", "9434765919");
  w.involve(TeamId(2), p);
  db_->execute(
      "INSERT INTO pools (id, name, kind, host_organisation_id) VALUES (1, 'Better Care Fund', "
      "'pooled', 2)");
  auto sw = w.as(w.sw);
  auto plan = create_care_plan(sw, p, NewPlan{"2027-03-31", w.sw.id});
  ASSERT_TRUE(plan.ok()) << plan.failure().message;
  NewPlanLine home_care{OrganisationId(2), "home care", "council", std::nullopt, 14, 2450,
                        "2026-01-01",      ""};
  NewPlanLine nursing{
      OrganisationId(1), "district nursing", "nhs", std::nullopt, 2, 5811, "2026-01-01", ""};
  ASSERT_TRUE(add_plan_line(sw, plan->id, home_care).ok());
  auto both = add_plan_line(sw, plan->id, nursing);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->weekly_cost_pence, 14 * 2450 + 2 * 5811);
  NewPlanLine pooled = home_care;
  pooled.funder = "pool";
  EXPECT_FALSE(add_plan_line(sw, plan->id, pooled).ok());  // which pool?
  pooled.pool_id = 1;
  EXPECT_TRUE(add_plan_line(sw, plan->id, pooled).ok());

  NewBudget b;
  b.care_plan_id = plan->id;
  b.kind = "personal_health_budget";
  b.mode = "direct_payment";
  b.annual_amount_pence = 1'200'000;
  b.funders = {{"council", 700'000}, {"nhs", 400'000}};
  b.start_date = "2026-04-01";
  b.review_date = "2026-10-01";
  auto unbalanced = create_personal_budget(sw, p, b);
  ASSERT_FALSE(unbalanced.ok());
  EXPECT_NE(unbalanced.failure().message.find("add up"), std::string::npos);
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM personal_budgets"), 0);
  b.funders = {{"council", 800'000}, {"nhs", 400'000}};
  auto budget = create_personal_budget(sw, p, b);
  ASSERT_TRUE(budget.ok()) << budget.failure().message;
  auto spent = record_budget_entry(sw, budget->id, "spend", "2026-04-30",
                                   "Personal assistant, April", 95'000);
  ASSERT_TRUE(spent.ok());
  spent =
      record_budget_entry(sw, budget->id, "refund", "2026-05-02", "Overpayment returned", 5'000);
  ASSERT_TRUE(spent.ok());
  EXPECT_EQ(spent->spent_pence, 90'000);
  EXPECT_EQ(spent->balance_pence, 1'110'000);
  EXPECT_FALSE(
      record_budget_entry(sw, budget->id, "refund", "2026-05-03", "Too much", 100'000).ok());
  EXPECT_FALSE(record_budget_entry(sw, budget->id, "spend", "2026-05-03", "Negative", -1).ok());
  // A district nurse without a relationship may not see them.
  EXPECT_FALSE(personal_budgets(w.as(w.dn), p).ok());
}

TEST_P(CareScenario, WhoLookedAtMyRecordAndTheAlertQueue) {
  testing::CareWorld w(*db_);
  PersonId p = w.person("Kit", "Looked", "9434765838");
  w.involve(TeamId(1), p);
  auto dn = w.as(w.dn);
  ASSERT_TRUE(person_summary(dn, p).ok());
  auto sw = w.as(w.sw);
  EXPECT_FALSE(person_summary(sw, p).ok());
  ASSERT_TRUE(break_glass(sw, p, "Emergency duty team: urgent safeguarding call").ok());
  auto summary = person_summary(sw, p);
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->by_override);
  EXPECT_EQ(summary->nhs_number, "9434765838");

  // Practitioners may not read the audit trail; the Caldicott Guardian may.
  EXPECT_FALSE(who_looked(dn, p, 100).ok());
  auto cg = w.as(w.caldicott);
  auto log = who_looked(cg, p, 100);
  ASSERT_TRUE(log.ok());
  std::set<std::string> who;
  int denied = 0;
  for (const auto& e : *log) {
    who.insert(e.user_name);
    denied += e.event.outcome == "denied" && e.user_name == "User sw";
  }
  EXPECT_TRUE(who.count("User dn"));
  EXPECT_TRUE(who.count("User sw"));
  EXPECT_EQ(denied, 1);  // the social worker's refused read, before the override
  auto alerts = list_alerts(cg, "open", 0, 50);
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_EQ((*alerts)[0].kind, "break_glass");
  EXPECT_FALSE(review_alert(cg, (*alerts)[0].id, "inappropriate", "").ok());  // needs a note
  auto reviewed = review_alert(cg, (*alerts)[0].id, "appropriate", "");
  ASSERT_TRUE(reviewed.ok());
  EXPECT_EQ(reviewed->status, "reviewed");
  EXPECT_FALSE(review_alert(cg, (*alerts)[0].id, "appropriate", "").ok());
  EXPECT_FALSE(list_alerts(dn, "open", 0, 50).ok());
  // Searching by person finds the same trail; the search itself was audited.
  governance::AuditQuery q;
  q.person_id = p.value;
  auto found = search_audit_trail(cg, q);
  ASSERT_TRUE(found.ok());
  EXPECT_GE(found->size(), log->size());
  EXPECT_TRUE(verify_audit_trail(cg)->intact);
}

TEST_P(CareScenario, FindingAPersonByNhsNumberOrDemographics) {
  testing::CareWorld w(*db_);
  PersonId p = w.person("Lena", "Fairweather", "9434765919");
  w.person("Lena", "Foster", "9434765870");
  auto dn = w.as(w.dn);
  auto by_number = find_persons(dn, PersonQuery{"943 476 5919", "", "", "", "", 10});
  ASSERT_TRUE(by_number.ok());
  ASSERT_EQ(by_number->size(), 1u);
  EXPECT_EQ((*by_number)[0].person, p);
  EXPECT_GT((*by_number)[0].confidence, 0.9);
  auto bad = find_persons(dn, PersonQuery{"943 476 5918", "", "", "", "", 10});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.failure().message.find("nhs_number"), std::string::npos);
  auto by_demographics =
      find_persons(dn, PersonQuery{"", "Lena", "Fairwether", "1941-03-07", "CW1 2AB", 10});
  ASSERT_TRUE(by_demographics.ok());
  ASSERT_GE(by_demographics->size(), 1u);
  EXPECT_EQ((*by_demographics)[0].person, p);  // the misspelt surname still ranks her first
  // Day and month swapped still finds her, with less confidence.
  auto swapped =
      find_persons(dn, PersonQuery{"", "Lena", "Fairweather", "1941-07-03", "CW1 2AB", 10});
  ASSERT_TRUE(swapped.ok());
  ASSERT_GE(swapped->size(), 1u);
  EXPECT_EQ((*swapped)[0].person, p);
  EXPECT_LT((*swapped)[0].confidence, (*by_demographics)[0].confidence);
  EXPECT_FALSE(
      find_persons(w.as(w.commissioner), PersonQuery{"9434765919", "", "", "", "", 10}).ok());
}

INSTANTIATE_STORE_SUITE(CareScenario);

}  // namespace
}  // namespace jc::care
