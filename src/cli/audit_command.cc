#include "cli/audit_command.h"

#include <cstdio>

#include "governance/audit.h"
#include "governance/gate.h"
#include "io/csv_writer.h"
#include "store/database.h"
#include "store/staff_repository.h"

namespace jc::cli {

CLI::App* add_audit_command(CLI::App& app, AuditArgs& a) {
  auto* c = app.add_subcommand(
      "audit", "The audit trail (record and access chains): verify it, search it, index it");
  c->require_subcommand(1);
  a.verify = c->add_subcommand("verify",
                               "Check that no audit event of either chain was altered, removed or "
                               "reordered (exit 0 when intact)");
  a.verify->add_option("--db", a.db, "Database")->required();
  a.search =
      c->add_subcommand("search", "Audit events by person, user, organisation, action and time");
  a.search->add_option("--db", a.db, "Database")->required();
  a.search->add_option("--person", a.person, "Person id: who looked at this person's record");
  a.search->add_option("--user", a.user, "Staff user id");
  a.search->add_option("--organisation", a.organisation, "Organisation id");
  a.search->add_option("--action", a.action,
                       "read, search, create, update, archive, login, merge, unmerge");
  a.search->add_option("--from", a.from, "From this time (ISO 8601)");
  a.search->add_option("--to", a.to, "Before this time (ISO 8601)");
  a.search
      ->add_option("--trail", a.trail,
                   "record (changes) or access (reads and searches); both when omitted")
      ->check(CLI::IsMember({"record", "access"}));
  a.search->add_option("--limit", a.limit, "At most this many events (1,000 at most)");
  a.search
      ->add_option(
          "--as", a.as,
          "The staff account searching (its role must grant audit): the search is itself audited")
      ->required();
  a.index = c->add_subcommand("index",
                              "Index the access log's events by person, user and organisation now "
                              "(the server does it as it goes; "
                              "use after upgrading an access log, or with no server running)");
  a.index->add_option("--db", a.db, "Database")->required();
  return c;
}

int run_audit(const AuditArgs& a) {
  auto db = store::open_database(a.db);
  if (*a.verify) {
    auto v = governance::verify_audit(*db);
    if (v.intact) {
      std::printf("audit chain intact: %lld events (record trail %lld, access trail %lld)\n",
                  static_cast<long long>(v.events), static_cast<long long>(v.record_events),
                  static_cast<long long>(v.access_events));
      return 0;
    }
    std::printf("audit chain broken at event %lld of the %s trail: %s\n",
                static_cast<long long>(*v.first_bad_id), governance::trail_name(*v.bad_trail),
                v.problem.c_str());
    return 1;
  }
  if (*a.index) {
    std::printf("indexed %zu events of the access trail\n", governance::index_access_trail(*db));
    return 0;
  }
  governance::AuditQuery q;
  if (a.person) q.person_id = a.person;
  if (a.user) q.user_id = a.user;
  if (a.organisation) q.organisation_id = a.organisation;
  if (!a.action.empty()) q.action = a.action;
  for (auto [text, dest] : {std::pair{&a.from, &q.from}, {&a.to, &q.to}}) {
    if (text->empty()) continue;
    auto t = Timestamp::parse_iso(*text);
    if (!t) {
      std::fprintf(stderr, "jointcare audit: %s\n", t.error().message.c_str());
      return 2;
    }
    *dest = *t;
  }
  if (!a.trail.empty())
    q.trail = a.trail == "access" ? governance::AuditTrail::Access : governance::AuditTrail::Record;
  q.limit = a.limit;
  // A search of the audit trail is an operation of a member of staff, through the gate.
  auto staff = store::find_staff_by_username(*db, a.as);
  if (!staff || !staff->user.active) {
    std::fprintf(stderr, "jointcare audit: --as: no active staff account \"%s\"\n", a.as.c_str());
    return 2;
  }
  governance::DirectAudit reads(*db);
  const governance::Actor actor{staff->user, "information governance"};
  governance::Gate gate(*db, governance::RoleTable::built_in(), actor, reads, Timestamp::now());
  if (!gate.pass_role(governance::Op::AuditSearch,
                      q.person_id ? std::optional(PersonId(*q.person_id)) : std::nullopt)) {
    std::fprintf(stderr, "jointcare audit: your role may not search the audit trail\n");
    return 2;
  }
  std::printf(
      "trail,id,occurred_at,user_id,user_role,organisation_id,person_id,action,record_type,record_"
      "id,purpose,outcome\n");
  auto o = [](const std::optional<std::int64_t>& v) {
    return v ? std::to_string(*v) : std::string();
  };
  // Every text field quoted as RFC 4180 needs: a purpose of use is what the reader typed.
  auto f = [](const std::string& v) { return io::csv_field(v); };
  for (const auto& e : governance::search_audit(*db, q)) {
    std::printf("%s,%lld,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", governance::trail_name(e.trail),
                static_cast<long long>(e.id), e.occurred_at.iso().c_str(), o(e.user_id).c_str(),
                f(e.user_role).c_str(), o(e.organisation_id).c_str(), o(e.person_id).c_str(),
                f(e.action).c_str(), f(e.record_type).c_str(), f(e.record_id).c_str(),
                f(e.purpose).c_str(), f(e.outcome).c_str());
  }
  return 0;
}

}  // namespace jc::cli
