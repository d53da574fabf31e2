// A small hand-built health and care system for care-record tests: a community trust (district
// nursing, health visiting), the council (social work), a mental health trust, staff in each role,
// and people with a record at each organisation. Everything is written through SQL so tests
// control exactly which relationships and consents exist.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "care/context.h"
#include "core/role.h"
#include "core/staff_user.h"
#include "governance/audit_writer.h"
#include "store/database.h"

namespace jc::testing {

class CareWorld {
 public:
  explicit CareWorld(store::Database& db) : db_(db), reads_(db) {
    db.execute("INSERT INTO local_authorities (code, name) VALUES ('E06000049', 'Cheshire East')");
    org("RX1", "Community Health Trust", "community_health_provider");     // 1
    org("LA1", "Council Adult Social Care", "council_adult_social_care");  // 2
    org("RX2", "Mental Health Trust", "mental_health_trust");              // 3
    team(1, 1, "District Nursing North", "district_nursing");
    team(2, 2, "Social Work North", "social_work");
    team(3, 1, "Health Visiting North", "health_visiting");
    team(4, 3, "Community Mental Health North", "mental_health");
    dn = user("dn", Role::DistrictNurse, 1, 1);
    sw = user("sw", Role::SocialWorker, 2, 2);
    hv = user("hv", Role::HealthVisitor, 1, 3);
    mh = user("mh", Role::MentalHealthPractitioner, 3, 4);
    sw_manager = user("swm", Role::TeamManager, 2, 2);
    cm = user("cm", Role::CareManager, 2, 2);
    caldicott = user("cg", Role::CaldicottGuardian, 2, std::nullopt);
    commissioner = user("comm", Role::Commissioner, 2, std::nullopt);
  }

  // A person with a record at each of the given organisations.
  PersonId person(const std::string& given, const std::string& family,
                  const std::string& nhs_number,
                  std::initializer_list<std::int64_t> organisations = {1, 2}) {
    std::int64_t id = db_.insert_returning_id(
        "INSERT INTO persons (nhs_number, created_at) VALUES (?, '2026-01-01T00:00:00Z')",
        {nhs_number});
    for (auto org : organisations) {
      db_.insert_returning_id(
          "INSERT INTO local_records (organisation_id, source_system, local_id, nhs_number, "
          "nhs_number_status, given_name, "
          "family_name, birth_date, sex, address, postcode, person_id) VALUES (?, 'test', ?, ?, "
          "'01', ?, ?, '1941-03-07', "
          "'female', '1 High Street', 'CW1 2AB', ?)",
          {org, "L" + std::to_string(++records_), nhs_number, given, family, id});
    }
    return PersonId(id);
  }

  std::int64_t involve(TeamId team, PersonId person, bool ended = false,
                       std::optional<StaffUserId> key_worker = std::nullopt) {
    return db_.insert_returning_id(
        "INSERT INTO involvements (person_id, team_id, service, key_worker_user_id, started_at, "
        "ended_at) "
        "VALUES (?, ?, 'test', ?, '2026-01-02T09:00:00Z', ?)",
        {person.value, team.value, key_worker ? store::Value(key_worker->value) : store::null(),
         ended ? store::Value(std::string("2026-02-01T09:00:00Z")) : store::null()});
  }

  // A consent choice already on record, sealed by its event in the record trail as the gate
  // seals one (verification checks every consent choice against its event).
  void consent(PersonId person, std::int64_t organisation, const std::string& direction,
               bool allowed) {
    const std::int64_t id = db_.insert_returning_id(
        "INSERT INTO consents (person_id, organisation_id, direction, allowed, recorded_at) VALUES "
        "(?, ?, ?, ?, "
        "'2026-01-03T09:00:00Z')",
        {person.value, organisation, direction, std::int64_t{allowed ? 1 : 0}});
    seal(person, "consent", "create", "consent", id);
  }

  // The record-trail event that seals a governance record made by a fixture.
  void seal(PersonId person, const std::string& record_type, const std::string& action,
            const std::string& kind, std::int64_t id) {
    governance::AuditEvent e;
    e.occurred_at = Timestamp::from_seconds(1'780'000'000);
    e.user_role = "system";
    e.person_id = person.value;
    e.action = action;
    e.record_type = record_type;
    e.record_id = std::to_string(id);
    e.purpose = "TREAT";
    e.outcome = "success";
    e.detail = governance::governed_row_digest(db_, kind, id);
    governance::append_audit(db_, e);
  }

  care::CareContext as(const StaffUser& u, Timestamp now = Timestamp::from_seconds(1'790'000'000)) {
    return care::CareContext{db_, governance::RoleTable::built_in(),
                             governance::Actor{u, governance::Purpose::Treatment}, reads_, now};
  }

  // A user with the given role in a team, made on demand (the matrix needs every role).
  StaffUser user(const std::string& name, Role role, std::int64_t organisation,
                 std::optional<std::int64_t> team) {
    std::int64_t id = db_.insert_returning_id(
        "INSERT INTO staff_users (username, display_name, role, organisation_id, team_id, "
        "password_hash) VALUES "
        "(?, ?, ?, ?, ?, 'x')",
        {name + std::to_string(++users_), "User " + name, std::string(to_code(role)), organisation,
         team ? store::Value(*team) : store::null()});
    StaffUser u;
    u.id = StaffUserId(id);
    u.username = name;
    u.display_name = "User " + name;
    u.role = role;
    u.organisation = OrganisationId(organisation);
    if (team) u.team = TeamId(*team);
    return u;
  }

  // Audit events in one trail (record: changes; access: reads and searches), or in both.
  std::int64_t audit_count(governance::AuditTrail trail) {
    return trail == governance::AuditTrail::Access
               ? db_.access_log().query_integer("SELECT COUNT(*) FROM access_events").value_or(0)
               : db_.query_integer("SELECT COUNT(*) FROM audit_events").value_or(0);
  }
  std::int64_t audit_count() {
    return audit_count(governance::AuditTrail::Record) +
           audit_count(governance::AuditTrail::Access);
  }
  // The newest event's outcome for a user and person in one trail.
  std::string last_outcome(const StaffUser& u, PersonId p, governance::AuditTrail trail) {
    bool access = trail == governance::AuditTrail::Access;
    return (access ? db_.access_log() : db_)
        .query_text(std::string("SELECT outcome FROM ") +
                        (access ? "access_events" : "audit_events") +
                        " WHERE user_id = ? AND person_id = ? ORDER BY id DESC LIMIT 1",
                    {u.id.value, p.value})
        .value_or("none");
  }

  StaffUser dn, sw, hv, mh, sw_manager, cm, caldicott, commissioner;

 private:
  void org(const std::string& code, const std::string& name, const std::string& kind) {
    db_.insert_returning_id("INSERT INTO organisations (ods_code, name, kind) VALUES (?, ?, ?)",
                            {code, name, kind});
  }
  void team(std::int64_t id, std::int64_t org, const std::string& name,
            const std::string& service) {
    db_.execute("INSERT INTO teams (id, organisation_id, name, service) VALUES (?, ?, ?, ?)",
                {id, org, name, service});
  }
  store::Database& db_;
  governance::DirectAudit reads_;
  int users_ = 0;
  std::int64_t records_ = 0;  // local ids: a person's id can come round again after a merge
};

}  // namespace jc::testing
