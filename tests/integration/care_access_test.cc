// The authorisation matrix of issue 4: every role × relationship (none, active, ended) × consent
// (allow, share-out denied, share-in denied) × sensitivity × action (read a note, write a note),
// each asserting allow or deny and the audit record written; on SQLite and PostgreSQL.
// The expectation is written out here from REFERENCE.md's access rule, apart from the code.
#include <gtest/gtest.h>

#include "care/notes.h"
#include "care/people.h"
#include "governance/access.h"
#include "support/care_world.h"
#include "support/database_fixture.h"

namespace jc::care {
namespace {

using governance::Activity;
using governance::AuditTrail;
using governance::RoleTable;

enum class Rel { None, Active, Ended };
enum class Consent { Allow, ShareOutDenied, ShareInDenied };

const char* name(Rel r) { return r == Rel::None ? "none" : r == Rel::Active ? "active" : "ended"; }
const char* name(Consent c) {
  return c == Consent::Allow            ? "allow"
         : c == Consent::ShareOutDenied ? "share-out denied"
                                        : "share-in denied";
}

class CareAccessMatrix : public testing::DatabaseTest {};

TEST_P(CareAccessMatrix, EveryRoleRelationshipConsentSensitivityAndAction) {
  testing::CareWorld w(*db_);
  const RoleTable& roles = RoleTable::built_in();
  const char* sensitivities[] = {"normal", "sensitive", "sealed", "sealed_locked"};
  int cases = 0, allowed_reads = 0, allowed_writes = 0;
  int n = 0;
  for (Role role : all_roles()) {
    // The reader: this role, in the council's social work team (organisation 2); the note is the
    // community trust's district nursing team's (organisation 1), so consent governs the flow.
    StaffUser reader = w.user("r", role, 2, 2);
    for (Rel rel : {Rel::None, Rel::Active, Rel::Ended}) {
      for (Consent consent : {Consent::Allow, Consent::ShareOutDenied, Consent::ShareInDenied}) {
        for (const char* sensitivity : sensitivities) {
          SCOPED_TRACE(std::string(to_code(role)) + " / " + name(rel) + " / " + name(consent) +
                       " / " + sensitivity);
          PersonId p = w.person("Ann", "Case" + std::to_string(++n), "9434765919");
          // Social work's relationship: team 2 is the reader's team.
          if (rel != Rel::None) w.involve(TeamId(2), p, rel == Rel::Ended);
          w.involve(TeamId(1), p);
          if (consent == Consent::ShareOutDenied) w.consent(p, 1, "share_out", false);
          if (consent == Consent::ShareInDenied) w.consent(p, 2, "share_in", false);
          auto dn = w.as(w.dn);
          auto note =
              add_note(dn, p, NewNote{"visit", sensitivity, "Dressing changed; pain controlled."});
          ASSERT_TRUE(note.ok()) << note.failure().message;

          // --- read: the expectation, from the rule ---
          bool role_reads = roles.grants(role, Activity::ViewRecord);
          bool related = rel == Rel::Active;
          bool consented = consent == Consent::Allow;
          std::string s = sensitivity;
          bool list_ok = role_reads && related;
          bool shown = list_ok && consented && s != "sealed_locked" &&
                       (s != "sensitive" || roles.grants(role, Activity::ViewSensitive));
          bool stub = list_ok && consented && s == "sealed";  // exists, body withheld
          auto before = w.audit_count(AuditTrail::Access);
          auto changes_before = w.audit_count(AuditTrail::Record);
          auto ctx = w.as(reader);
          auto list = list_notes(ctx, p);
          ++cases;
          EXPECT_EQ(list.ok(), list_ok);
          EXPECT_GT(w.audit_count(AuditTrail::Access), before)
              << "every read is audited, allowed or not";
          EXPECT_EQ(w.audit_count(AuditTrail::Record), changes_before) << "a read changes nothing";
          EXPECT_EQ(w.last_outcome(reader, p, AuditTrail::Access), list_ok ? "success" : "denied");
          if (list.ok()) {
            const CaseNote* found = nullptr;
            for (const auto& x : *list)
              if (x.note_id == note->note_id) found = &x;
            if (s == "sealed") {
              EXPECT_EQ(found != nullptr, stub);
              if (found) {
                EXPECT_TRUE(found->sealed_to_you && !found->body);
              }
            } else {
              EXPECT_EQ(found != nullptr, shown);
              if (found) {
                EXPECT_EQ(found->body.value_or(""), "Dressing changed; pain controlled.");
                ++allowed_reads;
              }
            }
          }

          // --- write: a note of the same sensitivity into the reader's own organisation ---
          bool write_ok = roles.grants(role, Activity::WriteNotes) && related;
          before = w.audit_count(AuditTrail::Record);
          auto reads_before = w.audit_count(AuditTrail::Access);
          auto written = add_note(ctx, p, NewNote{"review", sensitivity, "Reviewed."});
          EXPECT_EQ(written.ok(), write_ok) << (written.ok() ? "" : written.failure().message);
          EXPECT_EQ(w.audit_count(AuditTrail::Record), before + 1);
          EXPECT_EQ(w.audit_count(AuditTrail::Access), reads_before);
          EXPECT_EQ(w.last_outcome(reader, p, AuditTrail::Record), write_ok ? "success" : "denied");
          if (written.ok()) ++allowed_writes;
          if (!write_ok) {
            EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM case_notes WHERE person_id = ?",
                                         {p.value}),
                      1);
          }
        }
      }
    }
  }
  EXPECT_EQ(cases, 14 * 3 * 3 * 4);
  // Spot checks that do not depend on the role table being read right: a district nurse with an
  // active relationship and consent sees normal and sensitive notes; a commissioner sees none.
  EXPECT_GT(allowed_reads, 0);
  EXPECT_GT(allowed_writes, 0);
  EXPECT_TRUE(roles.grants(Role::DistrictNurse, Activity::ViewSensitive));
  EXPECT_FALSE(roles.grants(Role::Commissioner, Activity::ViewRecord));
  EXPECT_FALSE(roles.grants(Role::ReablementWorker, Activity::ViewSensitive));
  EXPECT_TRUE(governance::verify_audit(*db_).intact);
}

TEST_P(CareAccessMatrix, BreakGlassAndSealBreaksRaiseAlerts) {
  testing::CareWorld w(*db_);
  PersonId p = w.person("Bea", "Glass", "9434765870");
  w.involve(TeamId(1), p);
  auto dn = w.as(w.dn);
  auto normal = add_note(dn, p, NewNote{"visit", "normal", "Seen at home."});
  auto sealed = add_note(dn, p, NewNote{"safeguarding", "sealed", "Disclosure recorded."});
  ASSERT_TRUE(normal.ok() && sealed.ok());

  // No relationship: refused, and nothing but the audit of the refusal.
  auto sw = w.as(w.sw);
  auto refused = list_notes(sw, p);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.failure().fault, Fault::Forbidden);
  EXPECT_EQ(w.last_outcome(w.sw, p, AuditTrail::Access), "denied");
  // A reason is required.
  auto no_reason = break_glass(sw, p, "urgent");
  ASSERT_FALSE(no_reason.ok());
  EXPECT_EQ(no_reason.failure().fault, Fault::Invalid);
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM alerts"), 0);
  auto grant = break_glass(sw, p, "Found collapsed at home; ambulance crew asking for history");
  ASSERT_TRUE(grant.ok()) << grant.failure().message;
  EXPECT_EQ(
      db_->query_text("SELECT kind FROM alerts WHERE id = ?", {store::Value(grant->alert_id)}),
      "break_glass");
  EXPECT_EQ(
      db_->query_text("SELECT status FROM alerts WHERE id = ?", {store::Value(grant->alert_id)}),
      "open");
  auto now_allowed = list_notes(sw, p);
  ASSERT_TRUE(now_allowed.ok());
  ASSERT_EQ(now_allowed->size(), 2u);
  EXPECT_TRUE((*now_allowed)[1].by_override);  // the normal note, read by override
  EXPECT_TRUE((*now_allowed)[0].sealed_to_you);
  EXPECT_EQ(db_->access_log().query_text("SELECT purpose FROM access_events WHERE user_id = ? AND "
                                         "action = 'read' ORDER BY id DESC LIMIT 1",
                                         {w.sw.id.value}),
            "ETREAT");

  // The override lapses.
  auto later = w.as(w.sw, Timestamp::from_seconds(1'790'000'000 + 5 * 3600));
  EXPECT_FALSE(list_notes(later, p).ok());

  // Seal break: a social worker's role may not; the team manager (with a relationship) may.
  w.involve(TeamId(2), p);
  auto sw2 = w.as(w.sw);
  auto not_allowed =
      break_seal(sw2, sealed->note_id, "Need the safeguarding detail for a strategy meeting");
  ASSERT_FALSE(not_allowed.ok());
  EXPECT_EQ(not_allowed.failure().fault, Fault::Forbidden);
  auto mgr = w.as(w.sw_manager);
  auto before_alerts = db_->query_integer("SELECT COUNT(*) FROM alerts").value_or(0);
  auto opened = break_seal(mgr, sealed->note_id, "Section 42 enquiry: strategy meeting today");
  ASSERT_TRUE(opened.ok()) << opened.failure().message;
  EXPECT_EQ(opened->body.value_or(""), "Disclosure recorded.");
  EXPECT_EQ(db_->query_integer("SELECT COUNT(*) FROM alerts"), before_alerts + 1);
  EXPECT_EQ(db_->query_text("SELECT kind FROM alerts ORDER BY id DESC LIMIT 1"), "seal_break");
  // Afterwards the manager reads it in the list.
  auto listed = list_notes(mgr, p);
  ASSERT_TRUE(listed.ok());
  bool seen = false;
  for (const auto& n : *listed)
    if (n.note_id == sealed->note_id) seen = n.body.has_value() && n.by_override;
  EXPECT_TRUE(seen);

  // A sealed-and-locked note does not exist outside its team, not even for a seal break.
  auto locked = add_note(dn, p, NewNote{"sexual_health", "sealed_locked", "Clinic attendance."});
  ASSERT_TRUE(locked.ok());
  auto hidden = break_seal(mgr, locked->note_id, "Trying to read a locked note anyway");
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.failure().fault, Fault::NotFound);
  EXPECT_TRUE(governance::verify_audit(*db_).intact);
}

TEST_P(CareAccessMatrix, NotesAreCorrectedByNewVersionsOnly) {
  testing::CareWorld w(*db_);
  PersonId p = w.person("Cy", "Versions", "9434765838");
  w.involve(TeamId(1), p);
  w.involve(TeamId(2), p);
  auto dn = w.as(w.dn);
  auto note = add_note(dn, p, NewNote{"visit", "normal", "Wound 3cm."});
  ASSERT_TRUE(note.ok());
  auto sw = w.as(w.sw);
  auto other_team = correct_note(sw, note->note_id, "Wound 30cm.", "typo");
  ASSERT_FALSE(other_team.ok());
  EXPECT_EQ(other_team.failure().fault, Fault::Forbidden);
  auto no_reason = correct_note(dn, note->note_id, "Wound 3.5cm.", " ");
  EXPECT_FALSE(no_reason.ok());
  auto fixed = correct_note(dn, note->note_id, "Wound 3.5cm.", "measured again");
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed->version, 2);
  auto history = note_history(sw, note->note_id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].body.value_or(""), "Wound 3cm.");
  EXPECT_EQ((*history)[1].body.value_or(""), "Wound 3.5cm.");
  EXPECT_EQ((*history)[1].correction_reason.value_or(""), "measured again");
  auto list = list_notes(sw, p);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].version, 2);
}

INSTANTIATE_STORE_SUITE(CareAccessMatrix);

// The rule itself, without a database: overrides and their limits.
TEST(AccessRule, OverridesDoNotOverrideConsentOrLocks) {
  const auto& roles = RoleTable::built_in();
  governance::AccessFacts f;
  f.role = Role::SocialWorker;
  f.activity = Activity::ViewRecord;
  f.relationship = governance::Relationship::None;
  f.break_glass = true;
  f.same_organisation = false;
  auto d = governance::decide(roles, f);
  EXPECT_TRUE(d.allowed);
  EXPECT_TRUE(d.by_override);
  f.share_in_denied = true;
  EXPECT_EQ(governance::decide(roles, f).reason, governance::DenyReason::Consent);
  f.share_in_denied = false;
  f.sensitivity = governance::Sensitivity::SealedLocked;
  d = governance::decide(roles, f);
  EXPECT_FALSE(d.allowed);
  EXPECT_FALSE(d.visible);
  f.sensitivity = governance::Sensitivity::Normal;
  f.relationship = governance::Relationship::Referred;
  f.break_glass = false;
  EXPECT_FALSE(
      governance::decide(roles, f).allowed);  // a pending referral is not a care relationship
  f.scope = governance::Scope::Triage;
  EXPECT_TRUE(governance::decide(roles, f).allowed);  // but is enough to triage it
}

TEST(AccessRule, RoleTableErrorsNameTheLine) {
  auto bad = RoleTable::parse(
      "[roles]\ndistrict_nurse = [\"view_record\"]\nsocial_worker = [\"fly\"]\n", "roles.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("roles.toml:3"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("fly"), std::string::npos);
  auto unknown_role = RoleTable::parse("[roles]\nwizard = []\n", "roles.toml");
  ASSERT_FALSE(unknown_role.ok());
  auto good = RoleTable::parse("[roles]\ndistrict_nurse = [\"view_record\"]\n", "roles.toml");
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(good->grants(Role::DistrictNurse, Activity::ViewRecord));
  EXPECT_FALSE(good->grants(Role::DistrictNurse, Activity::WriteNotes));
  EXPECT_FALSE(good->grants(Role::SocialWorker, Activity::ViewRecord));
}

}  // namespace
}  // namespace jc::care
