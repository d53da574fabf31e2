// Benchmark: the care record under a working day's mix, over HTTP with keep-alive. 240 staff in
// every team of the area, each with a session of their own; each team has a caseload (an open
// involvement with every person whose id falls to it). Each request is a random member of staff:
// 10% writes (7% a case note, 3% a referral to the next team, for a person on their caseload),
// the rest reads (the person's summary, notes or "known to", equally), a fifth of them of a person
// not on the team's caseload, which the gate refuses. Every answer is audited before it leaves.
//
// With CARE_MIXED_BENCH_MIX=fhir the mix is FHIR's instead: each request a random member of
// staff reading a UK Core Patient (an organisation's record of a person on their caseload) or
// searching Patients by that person's NHS number, equally, a fifth of all requests a Patient read
// of a person on another team's caseload, which the gate refuses.
//
// Usage: care_mixed_bench [population=1000000] [seconds=10] [connections=32] [server_threads=2]
// [db] db: a SQLite file (default: in the temp folder, built once and reused) or a postgresql://
// URL.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string_view>
#include <thread>
#include <vector>

#include "governance/authentication.h"
#include "server/api.h"
#include "server/http_server.h"
#include "server/log.h"
#include "store/connection_pool.h"
#include "store/staff_repository.h"
#include "synth/generator.h"

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kStaff = 240;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& v) {
    return static_cast<double>(v.tv_sec) + static_cast<double>(v.tv_usec) / 1e6;
  };
  return s(u.ru_utime) + s(u.ru_stime);
}

// The area, one person per true person, the staff and the teams' caseloads.
void build(jc::store::Database& db, long long population) {
  auto t = Clock::now();
  jc::synth::GenerateOptions g;
  g.reference_dir = JC_DEFAULT_REFERENCE_DIR;
  g.population = population;
  auto s = jc::synth::generate_area(db, g);
  if (!s) {
    std::fprintf(stderr, "%s\n", s.error().message.c_str());
    std::exit(1);
  }
  jc::store::Transaction tx(db);
  db.execute(
      "INSERT INTO persons (id, nhs_number, created_at) SELECT DISTINCT true_person + 1, NULL, "
      "'2026-01-01T00:00:00Z' FROM synthetic_truth");
  db.execute(
      "UPDATE local_records SET person_id = (SELECT true_person + 1 FROM synthetic_truth t WHERE "
      "t.local_record_id = local_records.id)");
  db.execute(
      "UPDATE referrals SET person_id = (SELECT person_id FROM local_records lr WHERE lr.id = "
      "referrals.local_record_id)");
  db.sync_id_sequence("persons");
  // The care teams (not commissioning), in id order: team k's caseload is every person whose id
  // leaves k on division by their number.
  std::vector<std::pair<std::int64_t, std::int64_t>> teams;  // team, organisation
  db.query(
      "SELECT t.id, t.organisation_id FROM teams t JOIN organisations o ON o.id = "
      "t.organisation_id "
      "WHERE o.kind <> 'nhs_commissioner' ORDER BY t.id",
      {}, [&](const jc::store::Row& r) { teams.emplace_back(r.integer(0), r.integer(1)); });
  auto n = static_cast<std::int64_t>(teams.size());
  for (std::int64_t k = 0; k < n; ++k)
    db.execute(
        "INSERT INTO involvements (person_id, team_id, service, started_at) SELECT id, ?, "
        "'caseload', '2026-01-01T09:00:00Z' "
        "FROM persons WHERE id % ? = ?",
        {teams[static_cast<std::size_t>(k)].first, n, k});
  for (int i = 0; i < kStaff; ++i) {
    const auto& [team, org] = teams[static_cast<std::size_t>(i % n)];
    bool council =
        db.query_integer("SELECT 1 FROM organisations WHERE id = ? AND kind LIKE 'council%'", {org})
            .has_value();
    db.execute(
        "INSERT INTO staff_users (username, display_name, role, organisation_id, team_id, "
        "password_hash) VALUES (?, ?, ?, ?, ?, 'x')",
        {"bench" + std::to_string(i), "Bench Staff " + std::to_string(i),
         std::string(council ? "social_worker" : "district_nurse"), org, team});
  }
  tx.commit();
  std::printf("care_mixed_bench: built %lld people, %lld teams, %d staff in %.1f s\n", population,
              static_cast<long long>(n), kStaff, since(t));
}

struct Staff {
  std::string token;
  std::int64_t team_index = 0;  // in the caseload order
};

enum Kind {
  Summary,
  Notes,
  KnownTo,
  Refused,
  Note,
  Referral,
  FhirRead,
  FhirSearch,
  FhirRefused,
  kKinds
};
const char* kKindNames[kKinds] = {"summary",      "notes",       "known_to",
                                  "refused_read", "write_note",  "write_referral",
                                  "fhir_read",    "fhir_search", "fhir_refused"};

// Each person's first record and its NHS number (by person id), for the FHIR mix.
struct Records {
  std::vector<std::int64_t> record;
  std::vector<std::string> nhs_number;
};

struct Tally {
  std::vector<double> ms[kKinds];
  std::map<int, long long> statuses[kKinds];
  long long errors = 0;
};

struct Connection : std::enable_shared_from_this<Connection> {
  Connection(net::io_context& ioc, const std::vector<Staff>& s, const std::vector<std::int64_t>& t,
             std::int64_t p, unsigned seed, std::atomic<bool>& st, Tally& ta, const Records* r)
      : stream(ioc), staff(s), teams(t), persons(p), rng(seed), stop(st), tally(ta), records(r) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  http::request<http::string_body> req;
  http::response<http::string_body> res;
  const std::vector<Staff>& staff;
  const std::vector<std::int64_t>& teams;
  std::int64_t persons;
  std::mt19937_64 rng;
  std::atomic<bool>& stop;
  Tally& tally;
  const Records* records;  // the FHIR mix's, or null
  Kind kind = Summary;
  Clock::time_point sent;

  std::int64_t person_of(std::int64_t team_index) {
    auto n = static_cast<std::int64_t>(teams.size());
    std::uniform_int_distribution<std::int64_t> pick(0, persons / n - 1);
    std::int64_t id = pick(rng) * n + team_index;
    return id == 0 ? n : id;
  }

  void next() {
    if (stop) return;
    const Staff& who = staff[std::uniform_int_distribution<std::size_t>(0, staff.size() - 1)(rng)];
    double r = std::uniform_real_distribution<double>(0, 1)(rng);
    auto n = static_cast<std::int64_t>(teams.size());
    std::string target, body;
    http::verb verb = http::verb::get;
    // A person on a team's caseload who has a record (the person index has gaps).
    auto with_record = [&](std::int64_t team_index) {
      for (;;) {
        std::int64_t p = person_of(team_index);
        if (p < static_cast<std::int64_t>(records->record.size()) &&
            records->record[static_cast<std::size_t>(p)] != 0)
          return p;
      }
    };
    if (records && r < 0.20) {
      kind = FhirRefused;
      std::int64_t other =
          (who.team_index + 1 + std::uniform_int_distribution<std::int64_t>(0, n - 2)(rng)) % n;
      target = "/fhir/R4/Patient/" +
               std::to_string(records->record[static_cast<std::size_t>(with_record(other))]);
    } else if (records) {
      std::int64_t p = with_record(who.team_index);
      const auto& nhs = records->nhs_number[static_cast<std::size_t>(p)];
      kind = r < 0.60 || nhs.empty() ? FhirRead : FhirSearch;
      target =
          kind == FhirRead
              ? "/fhir/R4/Patient/" + std::to_string(records->record[static_cast<std::size_t>(p)])
              : "/fhir/R4/Patient?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-"
                "number%7C" +
                    nhs;
    } else if (r < 0.07) {
      kind = Note;
      verb = http::verb::post;
      target = "/api/v1/persons/" + std::to_string(person_of(who.team_index)) + "/notes";
      body = R"({"category":"visit","body":"Visited at home; all well."})";
    } else if (r < 0.10) {
      kind = Referral;
      verb = http::verb::post;
      target = "/api/v1/referrals";
      body = "{\"person_id\":" + std::to_string(person_of(who.team_index)) + ",\"to_team_id\":" +
             std::to_string(teams[static_cast<std::size_t>((who.team_index + 1) % n)]) +
             ",\"reason\":\"Please assess at home\"}";
    } else if (r < 0.10 + 0.90 * 0.22) {
      kind = Refused;
      std::int64_t other =
          (who.team_index + 1 + std::uniform_int_distribution<std::int64_t>(0, n - 2)(rng)) % n;
      target = "/api/v1/persons/" + std::to_string(person_of(other)) + "/notes";
    } else {
      kind = static_cast<Kind>(std::uniform_int_distribution<int>(0, 2)(rng));
      std::string p = "/api/v1/persons/" + std::to_string(person_of(who.team_index));
      target = kind == Summary ? p : kind == Notes ? p + "/notes" : p + "/known-to";
    }
    req = {verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer " + who.token);
    if (!body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    sent = Clock::now();
    http::async_write(stream, req, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return void(++self->tally.errors);
      self->res = {};
      http::async_read(
          self->stream, self->buffer, self->res, [self](beast::error_code ec2, std::size_t) {
            if (ec2) return void(++self->tally.errors);
            self->tally.ms[self->kind].push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - self->sent).count());
            ++self->tally.statuses[self->kind][static_cast<int>(self->res.result_int())];
            self->next();
          });
    });
  }
};

std::int64_t newest(jc::store::Database& db, const char* table, bool access) {
  std::int64_t out = 0;
  if (!access)
    return db.query_integer(std::string("SELECT COALESCE(MAX(id), 0) FROM ") + table).value_or(0);
  for (std::size_t i = 0; i < db.access_log_parts(); ++i)
    out = std::max(out, db.access_log(i)
                            .query_integer(std::string("SELECT COALESCE(MAX(id), 0) FROM ") + table)
                            .value_or(0));
  return out;
}

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  long long population = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
  double seconds = argc > 2 ? std::atof(argv[2]) : 10;
  int connections = argc > 3 ? std::atoi(argv[3]) : 32;
  int threads = argc > 4 ? std::atoi(argv[4]) : 2;
  std::string target = argc > 5 ? argv[5]
                                : (std::filesystem::temp_directory_path() /
                                   ("jointcare-mixed-bench-" + std::to_string(population) + ".db"))
                                      .string();
  jc::server::set_log_level("warn");
  const char* mix = std::getenv("CARE_MIXED_BENCH_MIX");
  const bool fhir = mix && std::string_view(mix) == "fhir";
  Records records;
  std::vector<Staff> staff;
  std::vector<std::int64_t> teams;
  std::int64_t persons = 0;
  {
    auto db = jc::store::open_database(target);
    if (db->query_integer("SELECT COUNT(*) FROM staff_users WHERE username = 'bench0'")
            .value_or(0) == 0)
      build(*db, population);
    db->query(
        "SELECT t.id FROM teams t JOIN organisations o ON o.id = t.organisation_id WHERE o.kind <> "
        "'nhs_commissioner' ORDER BY t.id",
        {}, [&](const jc::store::Row& r) { teams.push_back(r.integer(0)); });
    persons = db->query_integer("SELECT MAX(id) FROM persons").value_or(0);
    if (fhir) {
      records.record.assign(static_cast<std::size_t>(persons) + 1, 0);
      records.nhs_number.assign(static_cast<std::size_t>(persons) + 1, "");
      db->query(
          "SELECT person_id, MIN(id), MAX(COALESCE(nhs_number, '')) FROM local_records WHERE "
          "person_id IS NOT NULL GROUP BY person_id",
          {}, [&](const jc::store::Row& r) {
            auto p = static_cast<std::size_t>(r.integer(0));
            records.record[p] = r.integer(1);
            records.nhs_number[p] = r.text(2);
          });
    }
    // A session for each member of staff, made afresh each run (signing in is its own benchmark).
    jc::store::Transaction tx(*db);
    db->execute(
        "DELETE FROM sessions WHERE user_id IN (SELECT id FROM staff_users WHERE username LIKE "
        "'bench%')");
    std::mt19937_64 rng(std::random_device{}());
    for (int i = 0; i < kStaff; ++i) {
      auto user = jc::store::find_staff_by_username(*db, "bench" + std::to_string(i));
      Staff s;
      char buf[33];
      std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                    static_cast<unsigned long long>(rng()));
      s.token = buf;
      auto team = *user->user.team;
      s.team_index = std::find(teams.begin(), teams.end(), team.value) - teams.begin();
      jc::store::insert_session(*db, jc::governance::hash_token(s.token), user->user.id,
                                jc::Timestamp::now(), jc::Timestamp::now().plus_seconds(3600));
      staff.push_back(std::move(s));
    }
    tx.commit();
  }
  // As `jointcare serve` sizes them (CARE_MIXED_BENCH_WORKERS to try another number).
  const char* workers_env = std::getenv("CARE_MIXED_BENCH_WORKERS");
  const int workers = workers_env ? std::atoi(workers_env) : jc::server::default_workers();
  // The server's page cache (CARE_MIXED_BENCH_CACHE_KIB to try another size).
  const char* cache_env = std::getenv("CARE_MIXED_BENCH_CACHE_KIB");
  jc::store::set_embedded_cache_kib(cache_env ? std::atoi(cache_env)
                                              : jc::store::kServerPageCacheKib);
  jc::store::ConnectionPool pool(target, static_cast<std::size_t>(threads + workers));
  std::int64_t record_before = 0, access_before = 0;
  {
    auto db = pool.acquire();
    record_before = newest(*db, "audit_events", false);
    access_before = newest(*db, "access_events", true);
  }
  jc::server::Metrics metrics;
  jc::server::ApiOptions ao;
  ao.sign_ins_per_minute = 0;
  jc::server::Api api(pool, metrics, jc::governance::Authenticator{}, ao);
  jc::server::ServerOptions so;
  so.port = 0;
  so.threads = threads;
  so.workers = workers;
  jc::server::HttpServer server(
      so,
      [&](const jc::server::HttpRequest& r, std::string& route) { return api.handle(r, route); },
      metrics);
  server.listen();
  std::thread serving([&] { server.run(false); });

  net::io_context ioc;
  std::atomic<bool> stop{false};
  Tally tally;
  std::vector<std::shared_ptr<Connection>> conns;
  for (int i = 0; i < connections; ++i) {
    auto c =
        std::make_shared<Connection>(ioc, staff, teams, persons, 4321u + static_cast<unsigned>(i),
                                     stop, tally, fhir ? &records : nullptr);
    c->stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
    conns.push_back(c);
  }
  for (auto& c : conns) c->next();
  auto warm = Clock::now() + std::chrono::seconds(2);
  while (Clock::now() < warm) ioc.run_for(std::chrono::milliseconds(50));
  tally = Tally{};
  double cpu0 = cpu_seconds();
  auto t = Clock::now();
  auto until = t + std::chrono::duration<double>(seconds);
  while (Clock::now() < until) ioc.run_for(std::chrono::milliseconds(50));
  double elapsed = since(t), cpu = cpu_seconds() - cpu0;
  Tally measured = tally;
  stop = true;
  ioc.run_for(std::chrono::seconds(2));
  server.stop();
  serving.join();

  std::vector<double> all;
  long long requests = 0, refused = 0, unexpected = 0;
  for (int k = 0; k < kKinds; ++k) {
    if (measured.ms[k].empty()) continue;
    all.insert(all.end(), measured.ms[k].begin(), measured.ms[k].end());
    requests += static_cast<long long>(measured.ms[k].size());
    std::string statuses;
    for (const auto& [status, count] : measured.statuses[k]) {
      statuses += " " + std::to_string(status) + ":" + std::to_string(count);
      if (status == 403) refused += count;
      bool expected = k == Refused || k == FhirRefused ? status == 403
                      : k == Note || k == Referral     ? status == 201
                                                       : status == 200;
      // A person id that falls in a gap of the person index is a 404: not a failure of the system.
      if (!expected && status != 404) unexpected += count;
    }
    std::printf("care_mixed_bench: %-14s requests=%zu p50_ms=%.2f p99_ms=%.2f statuses:%s\n",
                kKindNames[k], measured.ms[k].size(), pct(measured.ms[k], 0.5),
                pct(measured.ms[k], 0.99), statuses.c_str());
  }
  std::int64_t audited = 0;
  {
    auto db = pool.acquire();
    audited = newest(*db, "audit_events", false) - record_before +
              newest(*db, "access_events", true) - access_before;
  }
  std::printf(
      "care_mixed_bench: mix=%s persons=%lld staff=%d teams=%zu connections=%d server_threads=%d "
      "requests=%lld seconds=%.2f "
      "requests_per_s=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f refused_share=%.3f unexpected=%lld "
      "errors=%lld "
      "audit_events_written=%lld cpu_busy=%.2f\n",
      fhir ? "fhir" : "care", static_cast<long long>(persons), kStaff, teams.size(), connections,
      threads, requests, elapsed, static_cast<double>(requests) / elapsed, pct(all, 0.5),
      pct(all, 0.99), all.empty() ? 0.0 : *std::max_element(all.begin(), all.end()),
      static_cast<double>(refused) / static_cast<double>(std::max(requests, 1LL)), unexpected,
      measured.errors, static_cast<long long>(audited), cpu / elapsed);
  return measured.errors == 0 && unexpected == 0 ? 0 : 1;
}
