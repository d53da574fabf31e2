// Benchmark (issue 4): authenticated, audited reads of a person summary over HTTP with keep-alive,
// at a million persons. The server runs in this process on its own threads (as `jointcare serve`
// does); one client thread drives N keep-alive connections asynchronously and times each request.
// Every answer is a 200 whose audit event was committed before it was sent (group commit).
//
// Usage: care_read_bench [population=1000000] [seconds=10] [connections=32] [server_threads=2] [db]
// The database is built once (area, persons, a caseload) and reused on later runs; each run starts
// with an access trail (reads' audit) of CARE_READ_BENCH_AUDIT_EVENTS events (default 5,000,000).
// CARE_READ_BENCH_HTTP_ONLY=1 skips the in-process measurements and runs only the HTTP one;
// CARE_READ_BENCH_SETUP_ONLY=1 only builds the database and settles its audit trail.
#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <sys/resource.h>
#include <ctime>
#include <thread>
#include <vector>

#include "care/people.h"
#include "governance/audit.h"
#include "server/api.h"
#include "store/staff_repository.h"
#include "server/http_server.h"
#include "server/log.h"
#include "store/connection_pool.h"
#include "synth/generator.h"

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double cpu_seconds(int who) {
  rusage u{};
  getrusage(who, &u);
  auto s = [](const timeval& v) { return static_cast<double>(v.tv_sec) + static_cast<double>(v.tv_usec) / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Builds the bench database: the area, one person per true person (the bench measures reads, not
// linkage), and the district nurse's team with a relationship to every person, so any person
// may be read.
void build(const std::string& path, long long population) {
  auto t = Clock::now();
  auto db = jc::store::open_database(path);
  jc::synth::GenerateOptions g;
  g.reference_dir = JC_DEFAULT_REFERENCE_DIR;
  g.population = population;
  auto s = jc::synth::generate_area(*db, g);
  if (!s) {
    std::fprintf(stderr, "%s\n", s.error().message.c_str());
    std::exit(1);
  }
  jc::store::Transaction tx(*db);
  db->execute("INSERT INTO persons (id, nhs_number, created_at) SELECT DISTINCT true_person + 1, NULL, '2026-01-01T00:00:00Z' FROM synthetic_truth");
  db->execute("UPDATE local_records SET person_id = (SELECT true_person + 1 FROM synthetic_truth t WHERE t.local_record_id = local_records.id)");
  db->execute("UPDATE referrals SET person_id = (SELECT person_id FROM local_records lr WHERE lr.id = referrals.local_record_id)");
  auto team = db->query_integer("SELECT team_id FROM staff_users WHERE username = 'dnurse'");
  db->execute("INSERT INTO involvements (person_id, team_id, service, started_at) SELECT id, ?, 'district_nursing', "
              "'2026-01-01T09:00:00Z' FROM persons",
              {*team});
  tx.commit();
  std::printf("care_read_bench: built %s: %lld people in %.1f s\n", path.c_str(), population, since(t));
}

// The audit event of the district nurse's successful read of a person's record.
jc::governance::AuditEvent nurse_read(const jc::StaffUser& user, std::int64_t person, jc::Timestamp when, std::string record_type,
                                      std::string record_id, std::string purpose) {
  jc::governance::AuditEvent e;
  e.occurred_at = when;
  e.user_id = user.id.value;
  e.user_role = "district_nurse";
  e.organisation_id = user.organisation.value;
  e.person_id = person;
  e.action = "read";
  e.record_type = std::move(record_type);
  e.record_id = std::move(record_id);
  e.purpose = std::move(purpose);
  e.outcome = "success";
  return e;
}

// Events in the access trail (reads' audit), over the access log's parts.
std::int64_t access_events(jc::store::Database& db) {
  std::int64_t newest = 0;
  for (std::size_t part = 0; part < db.access_log_parts(); ++part)
    newest = std::max(newest, db.access_log(part).query_integer("SELECT COALESCE(MAX(id), 0) FROM access_events").value_or(0));
  return newest;
}

// Every run starts from the same access trail (the audit of reads): `events` events (the history
// of an area's use, some months of reads), however many earlier runs appended. Short of that, past
// reads by the district nurse are appended; beyond it, the events of earlier runs are taken off the
// end (the chain before them stays whole). Then the write-ahead logs are emptied into their files.
void settle_audit_trail(const std::string& path, long long events) {
  auto t = Clock::now();
  auto db = jc::store::open_database(path);
  std::int64_t have = access_events(*db);
  if (have > events) {
    // The events, and their entries in the access log's index.
    const auto keep = static_cast<std::int64_t>(events);
    for (std::size_t part = 0; part < db->access_log_parts(); ++part) {
      auto& log = db->access_log(part);
      jc::store::Transaction tx(log);
      log.execute("DELETE FROM access_events WHERE id > ?", {keep});
      log.execute("DELETE FROM access_index WHERE event_id > ?", {keep});
      log.execute("UPDATE access_index_state SET indexed_through = MIN(indexed_through, ?)", {keep});
      tx.commit();
    }
  } else if (have < events) {
    auto user = jc::store::find_staff_by_username(*db, "dnurse")->user;
    std::int64_t persons = db->query_integer("SELECT COUNT(*) FROM persons").value_or(1);
    std::mt19937_64 rng(99);
    std::uniform_int_distribution<std::int64_t> pick(1, persons);
    auto when = jc::Timestamp::now();
    for (std::int64_t done = have; done < events;) {
      std::vector<jc::governance::AuditEvent> batch;
      for (; done < events && batch.size() < 10'000; ++done) {
        std::int64_t person = pick(rng);
        batch.push_back(nurse_read(user, person, when, "person_summary", std::to_string(person), "direct care"));
      }
      jc::governance::append_audit_batch(*db, batch, jc::governance::AuditTrail::Access);
    }
  }
  // As on a server that has been running: the access log indexed to its end (the server indexes
  // in the background as it goes).
  jc::governance::index_access_trail(*db);
  db->query("PRAGMA wal_checkpoint(TRUNCATE)", {}, [](const jc::store::Row&) {});
  for (std::size_t part = 0; part < db->access_log_parts(); ++part)
    db->access_log(part).query("PRAGMA wal_checkpoint(TRUNCATE)", {}, [](const jc::store::Row&) {});
  std::printf("care_read_bench: access trail set to %lld events (from %lld) in %.1f s\n", events, static_cast<long long>(have), since(t));
}

struct Connection : std::enable_shared_from_this<Connection> {
  Connection(net::io_context& ioc, const std::string& t, std::pair<std::int64_t, std::int64_t> ids, unsigned seed,
             std::atomic<bool>& s, std::vector<double>& l, long long& e)
      : stream(ioc), token(t), person_ids(ids), rng(seed), stop(s), latencies(l), errors(e) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  http::request<http::empty_body> req;
  http::response<http::string_body> res;
  std::string token;
  std::pair<std::int64_t, std::int64_t> person_ids;  // the first and last person id
  std::mt19937_64 rng;
  std::atomic<bool>& stop;
  std::vector<double>& latencies;
  long long& errors;
  Clock::time_point sent;

  void next() {
    if (stop) return;
    std::uniform_int_distribution<std::int64_t> pick(person_ids.first, person_ids.second);
    req = {http::verb::get, "/api/v1/persons/" + std::to_string(pick(rng)), 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer " + token);
    sent = Clock::now();
    http::async_write(stream, req, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        std::fprintf(stderr, "care_read_bench: write: %s\n", ec.message().c_str());
        return void(++self->errors);
      }
      self->res = {};
      http::async_read(self->stream, self->buffer, self->res, [self](beast::error_code ec2, std::size_t) {
        if (ec2) {
          std::fprintf(stderr, "care_read_bench: read: %s\n", ec2.message().c_str());
          return void(++self->errors);
        }
        self->latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - self->sent).count());
        if (self->res.result_int() != 200) {
          if (++self->errors == 1) std::fprintf(stderr, "care_read_bench: HTTP %u: %s\n", self->res.result_int(), self->res.body().c_str());
        }
        self->next();
      });
    });
  }
};

}  // namespace

int main(int argc, char** argv) {
  long long population = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
  double seconds = argc > 2 ? std::atof(argv[2]) : 10;
  int connections = argc > 3 ? std::atoi(argv[3]) : 32;
  int threads = argc > 4 ? std::atoi(argv[4]) : 2;
  std::string path = argc > 5 ? argv[5]
                              : (std::filesystem::temp_directory_path() / ("jointcare-care-bench-" + std::to_string(population) + ".db")).string();
  if (!std::filesystem::exists(path)) build(path, population);
  jc::server::set_log_level("warn");
  const char* history = std::getenv("CARE_READ_BENCH_AUDIT_EVENTS");
  settle_audit_trail(path, history ? std::atoll(history) : 5'000'000);
  if (std::getenv("CARE_READ_BENCH_SETUP_ONLY")) return 0;  // bench/care_read_wrk.sh serves it itself

  if (!std::getenv("CARE_READ_BENCH_HTTP_ONLY")) {
    // The service alone, in process, on one thread: what a summary costs without HTTP and audit
    // commits (the audit events are made and discarded).
    struct Discard final : jc::governance::AuditSink {
      using AuditSink::record;
      void record(std::vector<jc::governance::AuditEvent>) override {}
    } discard;
    auto db = jc::store::open_database(path);
    auto user = jc::store::find_staff_by_username(*db, "dnurse")->user;
    std::int64_t n = db->query_integer("SELECT COUNT(*) FROM persons").value_or(1);
    jc::care::CareContext ctx{*db, jc::governance::RoleTable::built_in(), jc::governance::Actor{user, jc::governance::Purpose::Treatment}, discard,
                              jc::Timestamp::now()};
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<std::int64_t> pick(1, n);
    int calls = 0;
    auto t0 = Clock::now();
    while (since(t0) < 2.0) {
      for (int k = 0; k < 100; ++k) {
        auto s = jc::care::person_summary(ctx, jc::PersonId(pick(rng)));
        if (!s.ok()) return 1;
        ++calls;
      }
    }
    std::printf("care_read_bench: in-process person_summary calls=%d us_per_call=%.1f\n", calls, 1e6 * since(t0) / calls);
    // Issue 3's lookups: "known to" for a person found by NHS number, or by demographics (given and
    // family name, birth date, postcode of a GP record), timed one by one.
    {
      std::vector<jc::care::PersonQuery> by_number, by_demographics;
      db->query("SELECT r.nhs_number, r.given_name, r.family_name, r.birth_date, r.postcode FROM local_records r "
                "JOIN organisations o ON o.id = r.organisation_id WHERE o.kind = 'gp_practice' AND r.nhs_number_status = '01' "
                "AND r.nhs_number IS NOT NULL AND r.birth_date IS NOT NULL ORDER BY r.id LIMIT 200000",
                {}, [&](const jc::store::Row& r) {
                  jc::care::PersonQuery q;
                  q.nhs_number = r.text(0);
                  by_number.push_back(q);
                  jc::care::PersonQuery d;
                  d.given_name = r.text(1);
                  d.family_name = r.text(2);
                  d.birth_date = r.text(3);
                  d.postcode = r.text(4);
                  by_demographics.push_back(d);
                });
      for (const auto& [label, queries] : {std::pair{"NHS number", &by_number}, std::pair{"demographics", &by_demographics}}) {
        std::vector<double> us;
        std::size_t misses = 0;
        std::uniform_int_distribution<std::size_t> any(0, queries->size() - 1);
        auto t2 = Clock::now();
        while (since(t2) < 2.0 && !queries->empty()) {
          auto t = Clock::now();
          auto found = jc::care::find_persons(ctx, (*queries)[any(rng)]);
          if (!found.ok()) return 1;
          if (found->empty()) {
            ++misses;
            continue;
          }
          auto known = jc::care::known_to(ctx, found->front().person);
          if (!known.ok()) return 1;
          us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t).count());
        }
        std::sort(us.begin(), us.end());
        if (!us.empty())
          std::printf("care_read_bench: in-process lookup by %s + known-to lookups=%zu not_found=%zu p50_us=%.0f p99_us=%.0f\n", label,
                      us.size(), misses, us[us.size() / 2], us[us.size() * 99 / 100]);
      }
    }
    // The audit trail's own cost: appending events in batches of 1, 8 and 64.
    for (int batch : {1, 8, 64}) {
      int events = 0;
      auto t1 = Clock::now();
      while (since(t1) < 1.0) {
        std::vector<jc::governance::AuditEvent> v;
        for (int k = 0; k < batch; ++k) {
          v.push_back(nurse_read(user, pick(rng), jc::Timestamp::now(), "bench", "0", "benchmark"));
        }
        jc::governance::append_audit_batch(*db, v, jc::governance::AuditTrail::Access);
        events += batch;
      }
      std::printf("care_read_bench: audit append batch=%d events_per_s=%.0f us_per_event=%.1f\n", batch, events / since(t1),
                  1e6 * since(t1) / events);
    }
    // "Who looked at my record": a person's events over the whole access trail, through its index
    // and past it (the appends above indexed theirs every 1,024 events).
    {
      std::vector<double> us;
      std::size_t found = 0;
      for (int i = 0; i < 300; ++i) {
        jc::governance::AuditQuery q;
        q.person_id = pick(rng);
        auto t1 = Clock::now();
        found += jc::governance::search_audit(*db, q).size();
        us.push_back(1e6 * since(t1));
      }
      std::sort(us.begin(), us.end());
      std::printf("care_read_bench: who-looked searches=%zu events_found=%zu p50_us=%.0f p99_us=%.0f\n", us.size(), found,
                  us[us.size() / 2], us[us.size() * 99 / 100]);
    }
  }
  jc::store::ConnectionPool pool(path, static_cast<std::size_t>(threads));
  std::int64_t persons = 0;
  std::pair<std::int64_t, std::int64_t> person_ids;
  std::int64_t audit_before = 0;
  {
    auto db = pool.acquire();
    persons = db->query_integer("SELECT COUNT(*) FROM persons").value_or(0);
    person_ids = {db->query_integer("SELECT MIN(id) FROM persons").value_or(1), db->query_integer("SELECT MAX(id) FROM persons").value_or(1)};
    audit_before = access_events(*db);
  }
  jc::server::Metrics metrics;
  jc::server::Api api(pool, metrics, jc::governance::Authenticator{});
  jc::server::ServerOptions so;
  so.port = 0;
  so.threads = threads;
  jc::server::HttpServer server(so, [&](const jc::server::HttpRequest& r, std::string& route) { return api.handle(r, route); }, metrics);
  server.listen();
  std::thread serving([&] { server.run(false); });

  // Sign in once (Argon2id), as a client would.
  net::io_context ioc;
  std::string token;
  {
    beast::tcp_stream s(ioc);
    s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
    http::request<http::string_body> req{http::verb::post, "/api/v1/session", 11};
    req.set(http::field::host, "127.0.0.1");
    req.body() = R"({"username":"dnurse","password":"jointcare-demo"})";
    req.prepare_payload();
    http::write(s, req);
    beast::flat_buffer b;
    http::response<http::string_body> res;
    http::read(s, b, res);
    token = nlohmann::json::parse(res.body())["token"].get<std::string>();
  }

  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(connections));
  std::vector<long long> errors(static_cast<std::size_t>(connections), 0);
  std::vector<std::shared_ptr<Connection>> conns;
  for (int i = 0; i < connections; ++i) {
    auto c = std::make_shared<Connection>(ioc, token, person_ids, 1234u + static_cast<unsigned>(i), stop,
                                          latencies[static_cast<std::size_t>(i)], errors[static_cast<std::size_t>(i)]);
    c->stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
    conns.push_back(c);
  }
  // Warm up for a second, then measure.
  for (auto& c : conns) c->next();
  auto warm_until = Clock::now() + std::chrono::seconds(1);
  while (Clock::now() < warm_until) ioc.run_for(std::chrono::milliseconds(50));
  for (auto& l : latencies) l.clear();
  auto t = Clock::now();
  double process_cpu0 = cpu_seconds(RUSAGE_SELF), client_cpu0 = thread_cpu_seconds();
  auto until = t + std::chrono::duration<double>(seconds);
  while (Clock::now() < until) ioc.run_for(std::chrono::milliseconds(50));
  double elapsed = since(t);
  double process_cpu = cpu_seconds(RUSAGE_SELF) - process_cpu0, client_cpu = thread_cpu_seconds() - client_cpu0;
  stop = true;
  ioc.run_for(std::chrono::seconds(2));
  std::vector<double> all;
  long long errs = 0;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  for (auto e : errors) errs += e;
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<std::size_t>(p * static_cast<double>(all.size())))]; };
  server.stop();
  serving.join();
  std::int64_t audited = 0;
  {
    auto db = pool.acquire();
    audited = access_events(*db) - audit_before;
  }
  std::printf("care_read_bench: persons=%lld connections=%d server_threads=%d requests=%zu errors=%lld seconds=%.2f "
              "requests_per_s=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f audit_events_written=%lld server_cpu_us_per_request=%.1f "
              "client_cpu_us_per_request=%.1f cpu_busy=%.2f\n",
              static_cast<long long>(persons), connections, threads, all.size(), errs, elapsed,
              static_cast<double>(all.size()) / elapsed, pct(0.5), pct(0.99), all.empty() ? 0.0 : all.back(),
              static_cast<long long>(audited), 1e6 * (process_cpu - client_cpu) / static_cast<double>(std::max<std::size_t>(all.size(), 1)),
              1e6 * client_cpu / static_cast<double>(std::max<std::size_t>(all.size(), 1)), process_cpu / elapsed);
  return errs == 0 ? 0 : 1;
}
