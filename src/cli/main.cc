// The jointcare command: a thin face over the services. Exit codes: 0 done; 1 the work failed;
// 2 bad usage or bad input; 3 the database failed.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <tuple>

#include "cli/audit_command.h"
#include "cli/budget_command.h"
#include "cli/export_command.h"
#include "cli/link_command.h"
#include "cli/operator_audit.h"
#include "cli/pathways_command.h"
#include "cli/progress.h"
#include "cli/report_formats.h"
#include "cli/users_command.h"
#include "core/money.h"
#include "governance/authentication.h"
#include "governance/checkpoint.h"
#include "identity/person_index.h"
#include "insight/case_committee.h"
#include "insight/jsna.h"
#include "insight/plans.h"
#include "insight/scenario.h"
#include "insight/spend.h"
#include "interop/extract_import.h"
#include "io/toml_file.h"
#include "money/devolved.h"
#include "money/ledger.h"
#include "server/api.h"
#include "server/http_server.h"
#include "server/log.h"
#include "server/static_files.h"
#include "store/area_repository.h"
#include "store/connection_pool.h"
#include "store/database.h"
#include "store/periodic.h"
#include "synth/generator.h"
#include "synth/simulation.h"

namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitStore = 3;

std::string default_reference_dir() {
  if (const char* env = std::getenv("JOINTCARE_REFERENCE_DIR")) return env;
  return JC_DEFAULT_REFERENCE_DIR;
}

std::string default_static_dir() {
  for (const char* candidate : {"web/dist", "../web/dist", JC_DEFAULT_WEB_DIR}) {
    if (std::filesystem::is_regular_file(std::filesystem::path(candidate) / "index.html"))
      return candidate;
  }
  return {};
}

struct GenerateArgs {
  std::string db;
  long long population = 0;
  std::uint64_t seed = 1;
  std::string la = "E06000049";
  std::string reference_dir = default_reference_dir();
  std::string export_dir;
  int months = 12;
  bool no_simulate = false;
};

// A SQLite area being generated has a marker file beside it until every step (the area, the person
// index, the simulated use) is done; a generate that was interrupted leaves it behind, and the
// next generate (or demo) into that file starts again from nothing. A PostgreSQL area is made in
// one transaction, steps and all: an interrupted generate leaves nothing behind.
std::string generating_marker(const std::string& db) { return db + ".generating"; }

bool generation_interrupted(const std::string& db) {
  return !jc::store::is_postgres_target(db) && std::filesystem::exists(generating_marker(db));
}

// The database's files and its access log's (store::access_log_path), and the marker.
void remove_sqlite_area(const std::string& db) {
  std::error_code ec;
  for (const std::string& f :
       {db, jc::store::access_log_path(db, 0), jc::store::access_log_path(db, 1)}) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      std::filesystem::remove(f + suffix, ec);
  }
  std::filesystem::remove(jc::store::access_log_lock_path(db), ec);
  std::filesystem::remove(generating_marker(db), ec);
}

int run_generate_steps(const GenerateArgs& a, jc::store::Database& db);

int run_generate(const GenerateArgs& a) {
  if (jc::store::is_postgres_target(a.db)) {
    auto db = jc::store::open_database(a.db);
    jc::store::Transaction tx(*db);  // each step's own transactions nest in it
    int rc = run_generate_steps(a, *db);
    if (rc == 0) tx.commit();
    return rc;
  }
  if (generation_interrupted(a.db)) {
    std::printf("An earlier generate into %s did not finish: starting again from nothing.\n",
                a.db.c_str());
    remove_sqlite_area(a.db);
  }
  bool fresh = !std::filesystem::exists(a.db);
  if (fresh)
    std::ofstream(generating_marker(a.db))
        << "generate started " << jc::Timestamp::now().iso() << "\n";
  int rc = run_generate_steps(a, *jc::store::open_database(a.db));
  if (fresh && rc == 0) std::filesystem::remove(generating_marker(a.db));
  return rc;
}

int run_generate_steps(const GenerateArgs& a, jc::store::Database& db) {
  jc::synth::GenerateOptions o;
  o.reference_dir = a.reference_dir;
  o.la_code = a.la;
  o.population = a.population;
  o.seed = a.seed;
  o.months = a.months;
  jc::cli::ProgressBar bar;
  o.progress = [&](const std::string& phase, long long done, long long total) {
    bar.update(phase, done, total);
  };
  auto started = std::chrono::steady_clock::now();
  auto summary = jc::synth::generate_area(db, o);
  bar.finish();
  if (!summary) {
    std::fprintf(stderr, "jointcare generate: %s\n", summary.error().message.c_str());
    return kExitUsage;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf(
      "Generated %lld people, %lld local records, %lld activity rows (%s), %lld referrals, %lld "
      "care packages in %.1f s\n",
      summary->people, summary->local_records, summary->activity_rows,
      jc::Money::pence(summary->total_cost_pence).formatted().c_str(), summary->referrals,
      summary->care_packages, seconds);
  if (!a.export_dir.empty()) {
    auto st = jc::synth::export_extracts(db, a.export_dir);
    if (!st) {
      std::fprintf(stderr, "jointcare generate: %s\n", st.error().message.c_str());
      return kExitFailed;
    }
    std::printf("Wrote each organisation's extract, profile and truth.csv to %s\n",
                a.export_dir.c_str());
  }
  if (a.no_simulate) return 0;
  // The person index, then a period of use of the shared care record through its services.
  started = std::chrono::steady_clock::now();
  jc::identity::LinkOptions lo;
  lo.chain_guard = 0.5;
  lo.seed = a.seed;
  lo.progress = [&](const std::string& phase, long long done, long long total) {
    bar.update(phase, done, total);
  };
  auto index = jc::identity::rebuild_person_index(db, lo);
  bar.finish();
  if (!index) {
    std::fprintf(stderr, "jointcare generate: linking the records: %s\n",
                 index.error().message.c_str());
    return kExitFailed;
  }
  std::printf("Linked %zu records into %zu persons in %.1f s\n", index->records, index->persons,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  started = std::chrono::steady_clock::now();
  jc::synth::SimulationOptions so;
  so.seed = a.seed;
  auto sim = jc::synth::simulate_use(db, so);
  if (!sim) {
    std::fprintf(stderr, "jointcare generate: simulating use: %s\n", sim.error().message.c_str());
    return kExitFailed;
  }
  if (auto st = jc::money::seed_pool_ledgers(db); !st) {
    std::fprintf(stderr, "jointcare generate: pooled budgets: %s\n", st.error().message.c_str());
    return kExitFailed;
  }
  if (auto st = jc::money::seed_devolved_budgets(db); !st) {
    std::fprintf(stderr, "jointcare generate: devolved budgets: %s\n", st.error().message.c_str());
    return kExitFailed;
  }
  std::printf(
      "Simulated %d days of use: %lld involvements, %lld referrals, %lld notes, %lld shared "
      "assessments, %lld reads, "
      "%lld break-glass overrides in %.1f s\n",
      so.days, sim->involvements, sim->referrals, sim->notes, sim->assessments, sim->reads,
      sim->break_glass,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return 0;
}

struct ServeArgs {
  std::string db;
  std::string address = "127.0.0.1";
  unsigned short port = 8080;
  int threads = 0;
  std::string static_dir = default_static_dir();
  std::string roles;  // a role table (TOML) to use instead of the built-in config/roles.toml
  std::string log_level = "info";
  std::size_t max_connections = jc::server::ServerOptions{}.max_connections;
  std::size_t max_connections_per_address = 0;  // 0: half of max_connections
  bool secure_cookies = false;
  double sign_ins_per_minute = jc::server::ApiOptions{}.sign_ins_per_minute;
  std::string disclosure = "nhs-digital";
  std::string audit_key, checkpoints;  // default: beside the database
  int checkpoint_every = 60;           // seconds; 0: only on shutdown
  int page_cache_kib = jc::store::kServerPageCacheKib;
};

int run_serve(const ServeArgs& a) {
  int threads = a.threads > 0 ? a.threads
                              : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // A connection for each I/O thread and each worker (server::ServerOptions::workers: one per
  // core).
  const int workers = jc::server::default_workers();
  jc::store::set_embedded_cache_kib(a.page_cache_kib);  // every connection the server opens
  jc::store::ConnectionPool pool(a.db, static_cast<std::size_t>(threads + workers));
  jc::server::Metrics metrics;
  if (!jc::server::set_log_level(a.log_level)) {
    std::fprintf(stderr, "jointcare serve: --log-level must be debug, info, warn or error\n");
    return kExitUsage;
  }
  std::optional<jc::governance::RoleTable> roles;
  if (!a.roles.empty()) {
    auto text = jc::io::read_text_file(a.roles);
    if (!text) {
      std::fprintf(stderr, "jointcare serve: %s\n", text.error().message.c_str());
      return kExitUsage;
    }
    auto parsed = jc::governance::RoleTable::parse(*text, a.roles);
    if (!parsed) {
      std::fprintf(stderr, "jointcare serve: %s\n", parsed.error().message.c_str());
      return kExitUsage;
    }
    roles = *parsed;
  }
  jc::server::ApiOptions ao;
  ao.static_dir = a.static_dir;
  ao.roles = roles ? &*roles : nullptr;
  ao.warm_reports = true;
  ao.secure_cookies = a.secure_cookies;
  ao.sign_ins_per_minute = a.sign_ins_per_minute;
  ao.disclosure = a.disclosure == "one-to-five" ? jc::insight::DisclosureRule::OneToFive
                                                : jc::insight::DisclosureRule::NhsDigital;
  // The audit key signs checkpoints of the audit trails (made 0600 on first run); they are
  // appended to the checkpoint file every checkpoint_every seconds when the trails grew, and on
  // shutdown.
  auto key = jc::governance::load_or_create_audit_key(
      a.audit_key.empty() ? jc::governance::default_audit_key_path(a.db) : a.audit_key);
  if (!key) {
    std::fprintf(stderr, "jointcare serve: the audit key: %s\n", key.error().message.c_str());
    return kExitUsage;
  }
  // The checkpoint file is checked before serving: one altered or forged is a log not to be
  // extended until audit verify says what happened.
  jc::governance::CheckpointLog checkpoint_log(
      a.checkpoints.empty() ? jc::governance::default_checkpoint_path(a.db) : a.checkpoints, *key);
  if (auto st = checkpoint_log.load(); !st) {
    std::fprintf(stderr,
                 "jointcare serve: the audit checkpoints cannot be trusted: %s (run jointcare "
                 "audit verify)\n",
                 st.error().message.c_str());
    return kExitUsage;
  }
  auto signer = jc::store::open_database(a.db);
  auto checkpoint = [&] {
    if (auto st = checkpoint_log.sign(*signer, jc::Timestamp::now()); !st)
      jc::server::log_event("error", "audit_checkpoint_failed",
                            {{"error", std::string_view(st.error().message)}});
  };
  checkpoint();
  std::optional<jc::store::Periodic> checkpoints;
  if (a.checkpoint_every > 0)
    checkpoints.emplace(std::chrono::seconds(a.checkpoint_every), checkpoint);
  ao.checkpoints = &checkpoint_log;
  jc::server::Api api(pool, metrics, jc::governance::Authenticator{}, ao);
  jc::server::ServerOptions so;
  so.address = a.address;
  so.port = a.port;
  so.threads = threads;
  so.max_connections = a.max_connections;
  so.max_connections_per_address = a.max_connections_per_address;
  so.workers = workers;
  jc::server::HttpServer server(
      so,
      [&](const jc::server::HttpRequest& r, std::string& route) { return api.handle(r, route); },
      metrics);
  try {
    server.listen();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "jointcare serve: cannot listen on %s:%u: %s\n", a.address.c_str(), a.port,
                 e.what());
    return kExitFailed;
  }
  std::printf("JointCare is serving on http://%s:%u (Ctrl-C to stop)\n", a.address.c_str(),
              server.port());
  if (jc::server::StaticFiles(a.static_dir).built()) {
    std::printf("The web application: %s\n",
                std::filesystem::absolute(a.static_dir).lexically_normal().c_str());
  } else if (a.static_dir.empty()) {
    std::printf(
        "No web application is built (web/dist has no index.html), and / says so: build it with "
        "`make web`, or give --static-dir.\n");
  } else {
    std::printf(
        "No web application in %s (no index.html), and / says so: build it with `make web`, or "
        "give --static-dir.\n",
        a.static_dir.c_str());
  }
  std::fflush(stdout);
  server.run(true);
  checkpoints.reset();
  checkpoint();
  return 0;
}

void print_demo_logins(jc::store::Database& db, const std::string& password) {
  std::printf("\nDemo sign-ins (password for all: %s):\n", password.c_str());
  db.query(
      "SELECT u.username, u.display_name, u.role, o.name FROM staff_users u JOIN organisations o "
      "ON o.id = "
      "u.organisation_id ORDER BY u.id",
      {}, [](const jc::store::Row& r) {
        std::printf("  %-15s %-20s %-32s %s\n", r.text(0).c_str(), r.text(1).c_str(),
                    r.text(2).c_str(), r.text(3).c_str());
      });
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"JointCare: the joint health and social care system for one local area"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("jointcare ") + JC_VERSION);

  GenerateArgs gen;
  auto* generate = app.add_subcommand("generate", "Create a synthetic local area in a database");
  generate->add_option("--db", gen.db, "SQLite file or PostgreSQL connection string")->required();
  generate->add_option("--population", gen.population,
                       "People to make (1,000 to 10,000,000; default: the area's own)");
  generate->add_option("--seed", gen.seed, "Random seed: the same seed gives the same area");
  generate->add_option("--la", gen.la, "Local authority code (default E06000049, Cheshire East)");
  generate->add_option("--months", gen.months, "Months of activity from 1 April 2025")
      ->check(CLI::Range(1, 36));
  generate->add_option("--reference-dir", gen.reference_dir, "Folder with the reference data");
  generate->add_option("--export-dir", gen.export_dir,
                       "Also write each organisation's extract, profile and the truth here");
  generate->add_flag(
      "--no-simulate", gen.no_simulate,
      "Write the area only: no person index and no simulated period of use of the care record");

  ServeArgs serve_args;
  auto* serve = app.add_subcommand("serve", "Serve the API and web application");
  serve->add_option("--db", serve_args.db, "SQLite file or PostgreSQL connection string")
      ->required();
  serve->add_option("--port", serve_args.port, "Port (0 for any free one)");
  serve->add_option("--address", serve_args.address, "Address to listen on");
  serve->add_option("--threads", serve_args.threads, "Worker threads (default: one per core)");
  serve->add_option("--roles", serve_args.roles,
                    "Role table (TOML, as config/roles.toml) instead of the built-in one");
  serve->add_option("--log-level", serve_args.log_level,
                    "debug, info, warn or error (default info: one line a request)");
  serve->add_option("--static-dir", serve_args.static_dir, "Built web assets to serve");
  serve->add_flag("--secure-cookies", serve_args.secure_cookies,
                  "Mark the session cookie Secure (served over HTTPS through a proxy)");
  serve
      ->add_option("--sign-ins-per-minute", serve_args.sign_ins_per_minute,
                   "Sign-ins one client address may try a minute (default 30; 0: no limit)")
      ->check(CLI::Range(0.0, 1e6));
  serve
      ->add_option("--disclosure", serve_args.disclosure,
                   "The disclosure rule of published counts: nhs-digital (default) or one-to-five")
      ->check(CLI::IsMember({"nhs-digital", "one-to-five"}));
  serve->add_option("--audit-key", serve_args.audit_key,
                    "The key that signs the audit checkpoints, made 0600 when missing (default: "
                    "beside the database; keep it off the database's disks and backups)");
  serve->add_option("--checkpoints", serve_args.checkpoints,
                    "The file signed checkpoints are appended to (default: beside the database); "
                    "copy it to a witness");
  serve
      ->add_option("--checkpoint-every", serve_args.checkpoint_every,
                   "Seconds between checkpoints of the audit trails (default 60; 0: on shutdown "
                   "only)")
      ->check(CLI::Range(0, 86400));
  serve
      ->add_option("--page-cache-kib", serve_args.page_cache_kib,
                   "SQLite's page cache for each of the server's connections, in KiB (default " +
                       std::to_string(jc::store::kServerPageCacheKib) + ")")
      ->check(CLI::Range(256, 1048576));
  serve
      ->add_option("--max-connections", serve_args.max_connections,
                   "Connections open at once; more are answered 503 (default 512)")
      ->check(CLI::Range(1, 100000));
  serve
      ->add_option("--max-connections-per-address", serve_args.max_connections_per_address,
                   "Of those, how many one client address (an IPv6 /64) may hold (default half "
                   "of --max-connections; behind a reverse proxy, raise it to --max-connections)")
      ->check(CLI::Range(0, 100000));

  GenerateArgs demo_gen;
  demo_gen.db = "var/demo.db";
  ServeArgs demo_serve;
  auto* demo = app.add_subcommand(
      "demo", "Create the synthetic area if missing, print the demo sign-ins, and serve it");
  demo->add_option("--db", demo_gen.db, "SQLite file for the demo area");
  demo->add_option("--port", demo_serve.port, "Port");
  demo->add_option("--population", demo_gen.population, "People to make when creating the area");
  demo->add_option("--seed", demo_gen.seed, "Random seed");

  std::string import_db, import_org, import_file, import_profile;
  auto* import = app.add_subcommand(
      "import", "Import an organisation's person extract (CSV) in one transaction");
  import->add_option("--db", import_db, "Database")->required();
  import
      ->add_option("--organisation", import_org,
                   "ODS code of the organisation the extract came from")
      ->required();
  import->add_option("--file", import_file, "The extract (CSV)")
      ->required()
      ->check(CLI::ExistingFile);
  import->add_option("--profile", import_profile, "The extract's profile (TOML)")
      ->required()
      ->check(CLI::ExistingFile);

  jc::cli::ExportArgs export_args;
  auto* exp = jc::cli::add_export_command(app, export_args);

  jc::cli::PathwaysArgs pathways_args;
  auto* pathways = jc::cli::add_pathways_command(app, pathways_args);

  jc::cli::LinkArgs link_args;
  auto* link = jc::cli::add_link_command(app, link_args);
  jc::cli::AuditArgs audit_args;
  auto* audit = jc::cli::add_audit_command(app, audit_args);
  jc::cli::UsersArgs users_args;
  jc::cli::add_users_commands(app, users_args);
  jc::cli::BudgetArgs budget_args;
  jc::cli::add_budget_command(app, budget_args);
  jc::cli::ReviewArgs review_args;
  auto* review = jc::cli::add_review_command(app, review_args);
  jc::cli::EvaluateArgs evaluate_args;
  auto* evaluate = jc::cli::add_evaluate_command(app, evaluate_args);

  std::string jsna_db, jsna_format = "json";
  auto* jsna = app.add_subcommand(
      "jsna", "Joint Strategic Needs Assessment profiles, disclosure-controlled");
  jsna->add_option("--db", jsna_db, "Database")->required();
  jsna->add_option("--format", jsna_format, "json, csv or table")
      ->check(CLI::IsMember({"json", "csv", "table"}));
  std::string jsna_disclosure = "nhs-digital";
  jsna->add_option("--disclosure", jsna_disclosure,
                   "nhs-digital (default) or one-to-five (with secondary suppression)")
      ->check(CLI::IsMember({"nhs-digital", "one-to-five"}));

  std::string spend_db;
  jc::insight::SpendOptions spend_options;
  auto* spend = app.add_subcommand(
      "spend",
      "Spend and trend: by service, provider, client group and month; projections; concentration");
  spend->add_option("--db", spend_db, "Database")->required();
  spend->add_option("--format", spend_options.format, "json, csv or table")
      ->check(CLI::IsMember({"json", "csv", "table"}));
  spend->add_option("--months", spend_options.projection_months, "Months to project (default 12)");

  std::string scenario_db, scenario_file, scenario_format = "json";
  auto* scenario = app.add_subcommand(
      "scenario", "Cost a scenario (TOML) over 3-5 years per funder, pool and partner");
  scenario->add_option("--db", scenario_db, "Database")->required();
  scenario->add_option("--file", scenario_file, "Scenario (TOML)")->required();
  scenario->add_option("--format", scenario_format, "json, csv or table")
      ->check(CLI::IsMember({"json", "csv", "table"}));

  std::string plan_db, plan_file, plan_format = "json", plan_as_of;
  auto* plan = app.add_subcommand(
      "plan",
      "A commissioning plan's performance: outputs, indicators, RAG, trend, control limits");
  plan->add_option("--db", plan_db, "Database")->required();
  plan->add_option("--file", plan_file, "Plan (TOML)")->required();
  plan->add_option("--format", plan_format, "json, csv or table")
      ->check(CLI::IsMember({"json", "csv", "table"}));
  plan->add_option("--as-of", plan_as_of,
                   "Date the outputs' status (default: the last day of activity)");

  std::string cc_db;
  jc::insight::CaseCommitteeOptions cc_options;
  auto* casecommittee = app.add_subcommand(
      "casecommittee", "The Case Committee agenda: each locality's highest-cost people");
  casecommittee->add_option("--db", cc_db, "Database")->required();
  casecommittee->add_option("--top", cc_options.top, "People per locality (default 20)");
  casecommittee->add_option("--format", cc_options.format, "json, csv or table")
      ->check(CLI::IsMember({"json", "csv", "table"}));
  std::string cc_from, cc_to;
  casecommittee->add_option("--from", cc_from,
                            "Start of the period, YYYY-MM-DD (default: the first activity held)");
  casecommittee->add_option("--to", cc_to,
                            "End of the period, YYYY-MM-DD (default: the last activity held)");

  auto* version = app.add_subcommand("version", "Print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }

  try {
    if (*version) {
      std::printf("jointcare %s\n", JC_VERSION);
      return 0;
    }
    if (int rc = jc::cli::run_users(users_args); rc >= 0) return rc;
    if (int rc = jc::cli::run_budget(budget_args); rc >= 0) return rc;
    if (*generate) return run_generate(gen);
    if (*pathways) return jc::cli::run_pathways(pathways_args);
    if (*link) return jc::cli::run_link(link_args);
    if (*evaluate) return jc::cli::run_evaluate(evaluate_args);
    if (*review) return jc::cli::run_review(review_args);
    if (*audit) return jc::cli::run_audit(audit_args);
    if (*casecommittee) {
      for (auto [text, field, name] : {std::tuple{&cc_from, &cc_options.from, "--from"},
                                       std::tuple{&cc_to, &cc_options.to, "--to"}}) {
        if (text->empty()) continue;
        auto d = jc::Date::parse_iso(*text);
        if (!d) {
          std::fprintf(stderr, "jointcare casecommittee: %s: %s\n", name,
                       d.error().message.c_str());
          return kExitUsage;
        }
        *field = *d;
      }
      auto db = jc::store::open_database(cc_db);
      std::string format = cc_options.format;
      if (format == "table") cc_options.format = "json";
      auto text = jc::insight::case_committee_report(*db, cc_options);
      if (!text) {
        std::fprintf(stderr, "jointcare casecommittee: %s\n", text.error().message.c_str());
        return kExitUsage;
      }
      jc::cli::audit_operator_report(*db, "casecommittee");
      if (format == "table")
        jc::cli::print_report(*text, format, jc::cli::case_committee_rows);
      else
        std::fwrite(text->data(), 1, text->size(), stdout);
      return 0;
    }
    if (*plan) {
      auto text = jc::io::read_text_file(plan_file);
      if (!text) {
        std::fprintf(stderr, "jointcare plan: %s\n", text.error().message.c_str());
        return kExitUsage;
      }
      auto db = jc::store::open_database(plan_db);
      auto out = jc::insight::evaluate_plan(
          *db, *text, plan_file, plan_format == "csv" ? "json" : plan_format, plan_as_of);
      if (!out) {
        std::fprintf(stderr, "jointcare plan: %s\n", out.error().message.c_str());
        return kExitUsage;
      }
      jc::cli::audit_operator_report(*db, "plan");
      if (plan_format == "csv")
        jc::cli::print_report(*out, plan_format, jc::cli::plan_rows);
      else
        std::fwrite(out->data(), 1, out->size(), stdout);
      return 0;
    }
    if (*scenario) {
      auto text = jc::io::read_text_file(scenario_file);
      if (!text) {
        std::fprintf(stderr, "jointcare scenario: %s\n", text.error().message.c_str());
        return kExitUsage;
      }
      auto db = jc::store::open_database(scenario_db);
      auto out = jc::insight::run_scenario(*db, *text, scenario_file,
                                           scenario_format == "csv" ? "json" : scenario_format);
      if (!out) {
        std::fprintf(stderr, "jointcare scenario: %s\n", out.error().message.c_str());
        return kExitUsage;
      }
      jc::cli::audit_operator_report(*db, "scenario");
      if (scenario_format == "csv")
        jc::cli::print_report(*out, scenario_format, jc::cli::scenario_rows);
      else
        std::fwrite(out->data(), 1, out->size(), stdout);
      return 0;
    }
    if (*spend) {
      auto db = jc::store::open_database(spend_db);
      std::string format = spend_options.format;
      if (format == "table") spend_options.format = "json";
      auto text = jc::insight::spend_report(*db, spend_options);
      if (!text) {
        std::fprintf(stderr, "jointcare spend: %s\n", text.error().message.c_str());
        return kExitUsage;
      }
      jc::cli::audit_operator_report(*db, "spend");
      if (format == "table")
        jc::cli::print_report(*text, format, jc::cli::spend_rows);
      else
        std::fwrite(text->data(), 1, text->size(), stdout);
      return 0;
    }
    if (*jsna) {
      auto db = jc::store::open_database(jsna_db);
      auto text = jc::insight::jsna_report_json(*db, jsna_disclosure == "one-to-five"
                                                         ? jc::insight::DisclosureRule::OneToFive
                                                         : jc::insight::DisclosureRule::NhsDigital);
      if (!text) {
        std::fprintf(stderr, "jointcare jsna: %s\n", text.error().message.c_str());
        return kExitUsage;
      }
      jc::cli::audit_operator_report(*db, "jsna");
      jc::cli::print_report(*text, jsna_format, jc::cli::jsna_rows);
      return 0;
    }
    if (*serve) return run_serve(serve_args);
    if (*import) {
      auto profile = jc::interop::ExtractProfile::load(import_profile);
      if (!profile) {
        std::fprintf(stderr, "jointcare import: %s\n", profile.error().message.c_str());
        return kExitUsage;
      }
      auto db = jc::store::open_database(import_db);
      auto summary = jc::interop::import_extract(*db, {import_org, import_file, *profile});
      if (!summary) {
        std::fprintf(stderr, "jointcare import: %s\nNothing was imported.\n",
                     summary.error().message.c_str());
        return kExitUsage;
      }
      std::printf("Imported %lld records (%lld with an NHS number) for %s\n",
                  static_cast<long long>(summary->records),
                  static_cast<long long>(summary->with_nhs_number), import_org.c_str());
      return 0;
    }
    if (*exp) return jc::cli::run_export(export_args);
    if (*demo) {
      std::filesystem::path dbp(demo_gen.db);
      if (dbp.has_parent_path()) std::filesystem::create_directories(dbp.parent_path());
      bool has_area = false;
      if (!generation_interrupted(demo_gen.db) && std::filesystem::exists(demo_gen.db)) {
        auto db = jc::store::open_database(demo_gen.db);
        has_area = db->query_integer("SELECT COUNT(*) FROM organisations").value_or(0) > 0;
      }
      if (!has_area) {
        std::printf("Creating the synthetic local area in %s ...\n", demo_gen.db.c_str());
        if (int rc = run_generate(demo_gen); rc != 0) return rc;
      } else {
        std::printf("Using the existing area in %s\n", demo_gen.db.c_str());
      }
      {
        auto db = jc::store::open_database(demo_gen.db);
        print_demo_logins(*db, jc::synth::GenerateOptions{}.demo_password);
      }
      demo_serve.db = demo_gen.db;
      return run_serve(demo_serve);
    }
  } catch (const jc::store::StoreError& e) {
    std::fprintf(stderr, "jointcare: database error: %s\n", e.what());
    return kExitStore;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "jointcare: %s\n", e.what());
    return kExitFailed;
  }
  return kExitUsage;
}
