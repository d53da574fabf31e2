#include "cli/audit_command.h"

#include <sodium.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "governance/audit.h"
#include "governance/audit_tree.h"
#include "governance/checkpoint.h"
#include "governance/gate.h"
#include "governance/proof_json.h"
#include "io/csv_writer.h"
#include "store/database.h"
#include "store/staff_repository.h"

namespace jc::cli {

CLI::App* add_audit_command(CLI::App& app, AuditArgs& a) {
  auto* c = app.add_subcommand(
      "audit", "The audit trail (record and access chains): verify it, search it, index it");
  c->require_subcommand(1);
  a.verify = c->add_subcommand(
      "verify",
      "Check that no audit event of either trail was altered, removed, inserted or reordered, and "
      "that the log extends every signed checkpoint (exit 0 when intact)");
  a.verify->add_option("--db", a.db, "Database")->required();
  a.verify->add_option(
      "--checkpoint", a.checkpoint,
      "A checkpoint file (a witness's copy): the log must extend each of its "
      "checkpoints (default: the database's own checkpoint file, when it has one)");
  a.verify->add_option("--verifier", a.verifier,
                       "The audit key's verifier key (KEY.pub) the checkpoints must be signed with "
                       "(default: the one beside the audit key)");
  a.verify->add_option("--key", a.key, "The audit key file (default: beside the database)");
  a.checkpoint_cmd = c->add_subcommand(
      "checkpoint",
      "Sign the head of both trails (size and Merkle root) with the audit key and append it to "
      "the checkpoint file; copy that file to a witness");
  a.checkpoint_cmd->add_option("--db", a.db, "Database")->required();
  a.checkpoint_cmd->add_option("--out", a.out,
                               "The checkpoint file to append to (default: beside the database)");
  a.checkpoint_cmd->add_option("--key", a.key,
                               "The audit key file, created 0600 when missing (default: beside "
                               "the database)");
  a.prove = c->add_subcommand(
      "prove",
      "An event's inclusion proof against the newest signed checkpoint of its trail (JSON), or, "
      "with --check, verify such a proof offline");
  a.prove->add_option("--db", a.db, "Database");
  a.prove->add_option("--trail", a.trail, "record or access")
      ->check(CLI::IsMember({"record", "access"}));
  a.prove->add_option("--event", a.event, "The event's id in its trail");
  a.prove->add_option("--checkpoint", a.checkpoint,
                      "The checkpoint file (default: the database's own)");
  a.prove->add_option("--verifier", a.verifier, "The verifier key (default: beside the audit key)");
  a.prove->add_option("--key", a.key, "The audit key file (default: beside the database)");
  a.prove->add_option("--check", a.check,
                      "A proof (JSON, as this command writes it) to verify, with --verifier; no "
                      "database needed");
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

namespace {

using json = nlohmann::json;

std::string key_path(const AuditArgs& a) {
  return a.key.empty() ? governance::default_audit_key_path(a.db) : a.key;
}

// The verifier: --verifier, else the key's .pub beside it, else derived from the key file.
Result<governance::AuditVerifier> verifier(const AuditArgs& a) {
  if (!a.verifier.empty()) return governance::load_verifier(a.verifier);
  const std::string key = key_path(a);
  if (std::filesystem::exists(key + ".pub")) return governance::load_verifier(key + ".pub");
  return governance::load_verifier(key);
}

// The checkpoints to hold the log to: --checkpoint, else the database's own file when it exists.
Result<std::optional<std::pair<std::string, std::vector<governance::Checkpoint>>>> checkpoints(
    const AuditArgs& a) {
  std::string path = a.checkpoint;
  if (path.empty()) {
    path = governance::default_checkpoint_path(a.db);
    if (!std::filesystem::exists(path))
      return std::optional<std::pair<std::string, std::vector<governance::Checkpoint>>>();
  }
  auto v = verifier(a);
  if (!v) return v.error();
  auto read = governance::read_checkpoints(path, *v);
  if (!read) return read.error();
  return std::optional(std::pair(path, std::move(*read)));
}

int check_proof(const AuditArgs& a) {
  if (a.verifier.empty() && a.db.empty()) {
    std::fprintf(stderr, "jointcare audit prove --check: give --verifier KEY.pub\n");
    return 2;
  }
  auto v = verifier(a);
  if (!v) {
    std::fprintf(stderr, "jointcare audit prove: %s\n", v.error().message.c_str());
    return 2;
  }
  json proof;
  try {
    std::ifstream in(a.check, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read");
    proof = json::parse(in);
    // The checkpoint is checked as the file would be: one note, signed by the key.
    const std::string note = proof.at("checkpoint").get<std::string>();
    auto heads = [&]() -> Result<std::vector<governance::Checkpoint>> {
      std::filesystem::path dir = std::filesystem::temp_directory_path();
      auto file = dir / ("jointcare-proof-" + std::to_string(::getpid()) + ".checkpoint");
      {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << note;
      }
      auto r = governance::read_checkpoints(file.string(), *v);
      std::filesystem::remove(file);
      return r;
    }();
    if (!heads || heads->size() != 1) {
      std::printf("proof NOT valid: its checkpoint: %s\n",
                  heads ? "holds more than one note" : heads.error().message.c_str());
      return 1;
    }
    const auto& head = heads->front();
    governance::AuditEvent e;
    const json& ev = proof.at("event");
    e.id = ev.at("id").get<std::int64_t>();
    auto t = Timestamp::parse_iso(ev.at("occurred_at").get<std::string>());
    if (!t) throw std::runtime_error("event.occurred_at: " + t.error().message);
    e.occurred_at = *t;
    auto opt = [&](const char* f) -> std::optional<std::int64_t> {
      return ev.at(f).is_null() ? std::nullopt : std::optional(ev.at(f).get<std::int64_t>());
    };
    e.user_id = opt("user_id");
    e.organisation_id = opt("organisation_id");
    e.person_id = opt("person_id");
    for (auto [field, dest] : {std::pair{"user_role", &e.user_role},
                               {"action", &e.action},
                               {"record_type", &e.record_type},
                               {"record_id", &e.record_id},
                               {"purpose", &e.purpose},
                               {"outcome", &e.outcome},
                               {"operation", &e.operation},
                               {"reason", &e.reason},
                               {"detail", &e.detail},
                               {"previous_hash", &e.previous_hash}})
      *dest = ev.at(field).get<std::string>();
    std::vector<governance::merkle::Hash> path;
    for (const auto& h : proof.at("path")) {
      auto parsed = governance::merkle::from_hex(h.get<std::string>());
      if (!parsed) throw std::runtime_error("path: not a SHA-256 hash in hex");
      path.push_back(*parsed);
    }
    const std::string trail = proof.at("trail").get<std::string>();
    if (trail != governance::trail_name(head.trail))
      throw std::runtime_error("trail: the checkpoint is of the " +
                               std::string(governance::trail_name(head.trail)) + " trail");
    const auto leaf = governance::audit_leaf(governance::audit_hash(e));
    if (e.id < 1 || !governance::merkle::verify_inclusion(static_cast<std::uint64_t>(e.id - 1),
                                                          head.size, leaf, path, head.root)) {
      std::printf("proof NOT valid: event %lld as given is not in the %s trail of %s\n",
                  static_cast<long long>(e.id), trail.c_str(), head.label().c_str());
      return 1;
    }
    std::printf("proof valid: event %lld of the %s trail is in %s, signed by %s\n",
                static_cast<long long>(e.id), trail.c_str(), head.label().c_str(), v->name.c_str());
    return 0;
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "jointcare audit prove: %s: %s\n", a.check.c_str(), ex.what());
    return 2;
  }
}

}  // namespace

int run_audit(const AuditArgs& a) {
  if (*a.prove && !a.check.empty()) return check_proof(a);
  if (a.db.empty()) {
    std::fprintf(stderr, "jointcare audit: --db is required\n");
    return 2;
  }
  auto db = store::open_database(a.db);
  if (*a.checkpoint_cmd) {
    auto key = governance::load_or_create_audit_key(key_path(a));
    if (!key) {
      std::fprintf(stderr, "jointcare audit checkpoint: %s\n", key.error().message.c_str());
      return 2;
    }
    const std::string out = a.out.empty() ? governance::default_checkpoint_path(a.db) : a.out;
    auto notes = governance::write_checkpoint(*db, *key, out, Timestamp::now());
    if (!notes) {
      std::fprintf(stderr, "jointcare audit checkpoint: %s\n", notes.error().message.c_str());
      return 2;
    }
    std::printf("%s", notes->c_str());
    std::printf("appended to %s; verifier key %s.pub\n", out.c_str(), key_path(a).c_str());
    return 0;
  }
  if (*a.prove) {
    if (a.trail.empty() || a.event < 1) {
      std::fprintf(stderr, "jointcare audit prove: give --trail and --event (or --check)\n");
      return 2;
    }
    const auto trail =
        a.trail == "access" ? governance::AuditTrail::Access : governance::AuditTrail::Record;
    auto cps = checkpoints(a);
    if (!cps || !*cps) {
      std::fprintf(stderr, "jointcare audit prove: %s\n",
                   cps ? "no checkpoint file: run jointcare audit checkpoint first"
                       : cps.error().message.c_str());
      return 2;
    }
    const governance::Checkpoint* newest = nullptr;
    for (const auto& c : (*cps)->second)
      if (c.trail == trail && (!newest || c.size >= newest->size)) newest = &c;
    if (!newest || static_cast<std::uint64_t>(a.event) > newest->size) {
      std::fprintf(stderr,
                   "jointcare audit prove: no checkpoint of the %s trail holds event %lld yet: "
                   "run jointcare audit checkpoint\n",
                   a.trail.c_str(), static_cast<long long>(a.event));
      return 2;
    }
    auto p = governance::prove_inclusion(*db, trail, a.event, newest->size);
    const bool ok = governance::merkle::verify_inclusion(
        p.index, p.size, governance::audit_leaf(p.event.hash), p.path, newest->root);
    std::printf("%s\n", governance::inclusion_proof_json(p, *newest, 2).c_str());
    if (!ok) {
      std::fprintf(stderr,
                   "jointcare audit prove: the log does not hold this event as %s signed it: run "
                   "jointcare audit verify\n",
                   newest->label().c_str());
      return 1;
    }
    return 0;
  }
  if (*a.verify) {
    auto cps = checkpoints(a);
    if (!cps) {
      std::printf("audit checkpoints not trusted: %s\n", cps.error().message.c_str());
      return 1;
    }
    std::vector<governance::TrustedHead> heads;
    if (*cps)
      for (const auto& c : (*cps)->second) heads.push_back(governance::trusted(c));
    auto v = governance::verify_audit(*db, heads);
    if (v.intact) {
      std::printf(
          "audit chain intact: %lld events (record trail %lld, access trail %lld); %lld "
          "governance records sealed\n",
          static_cast<long long>(v.events), static_cast<long long>(v.record_events),
          static_cast<long long>(v.access_events), static_cast<long long>(v.governed_rows));
      if (*cps) {
        std::printf("the log extends all %zu checkpoints of %s\n", (*cps)->second.size(),
                    (*cps)->first.c_str());
      } else {
        std::printf(
            "no checkpoint given: events cut off the end of a trail, or an access log's files "
            "removed, cannot be detected without one (jointcare audit checkpoint writes one; "
            "verify --checkpoint FILE holds the log to a witness's copy)\n");
      }
      return 0;
    }
    if (v.first_bad_id)
      std::printf("audit chain broken at event %lld of the %s trail: %s\n",
                  static_cast<long long>(*v.first_bad_id), governance::trail_name(*v.bad_trail),
                  v.problem.c_str());
    else
      std::printf("audit chain broken: %s\n", v.problem.c_str());
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
  const governance::Actor actor{staff->user, governance::Purpose::GovernanceReview};
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
