// The JSON (and TOML) bodies of every route that takes one, through the API as the server calls
// it, against a generated area on SQLite, signed in as staff of several roles. The first byte
// picks the route, the second the user, the third which record the path names (a real one, one
// that does not exist, or another's); the rest is the body. Every answer must be a status the
// API documents (never 500) with a well-formed JSON body when it says JSON.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "identity/person_index.h"
#include "server/api.h"
#include "store/connection_pool.h"
#include "store/database.h"
#include "synth/generator.h"
#include "synth/simulation.h"

namespace {

using jc::server::HttpRequest;
using jc::server::HttpResponse;

// Which record a path names: {p} person, {r} referral, {n} note, {a} assessment, {c} CHC case,
// {l} care plan, {b} budget, {e} alert, {i} involvement.
struct Route {
  const char* method;
  const char* path;
};
constexpr Route kRoutes[] = {
    {"POST", "/api/v1/session"},
    {"POST", "/api/v1/persons/{p}/notes"},
    {"POST", "/api/v1/persons/{p}/consents"},
    {"POST", "/api/v1/persons/{p}/break-glass"},
    {"POST", "/api/v1/persons/{p}/assessments"},
    {"POST", "/api/v1/persons/{p}/chc"},
    {"POST", "/api/v1/persons/{p}/care-plans"},
    {"POST", "/api/v1/persons/{p}/budgets"},
    {"POST", "/api/v1/referrals"},
    {"POST", "/api/v1/referrals/{r}/accept"},
    {"POST", "/api/v1/referrals/{r}/decline"},
    {"POST", "/api/v1/referrals/{r}/redirect"},
    {"POST", "/api/v1/referrals/{r}/allocate"},
    {"POST", "/api/v1/referrals/{r}/schedule"},
    {"POST", "/api/v1/referrals/{r}/complete"},
    {"POST", "/api/v1/referrals/{r}/cancel"},
    {"POST", "/api/v1/involvements/{i}/close"},
    {"POST", "/api/v1/notes/{n}/corrections"},
    {"POST", "/api/v1/notes/{n}/seal-break"},
    {"POST", "/api/v1/assessments/{a}/answers"},
    {"POST", "/api/v1/assessments/{a}/complete"},
    {"POST", "/api/v1/chc/{c}/checklist"},
    {"POST", "/api/v1/chc/{c}/dst"},
    {"POST", "/api/v1/chc/{c}/decision"},
    {"POST", "/api/v1/care-plans/{l}/lines"},
    {"POST", "/api/v1/budgets/{b}/ledger"},
    {"POST", "/api/v1/alerts/{e}/review"},
    {"POST", "/api/v1/pathways/conformance?pathway=referrals"},
    {"POST", "/api/v1/scenario"},
    {"POST", "/api/v1/plan?as_of=2026-04-01"},
    {"PUT", "/api/v1/persons/{p}/notes"},
    {"PATCH", "/api/v1/referrals/{r}"},
    {"DELETE", "/api/v1/session"},
};
constexpr const char* kUsers[] = {"sworker",  "dnurse",       "mhpractitioner", "hvisitor",
                                  "tmanager", "commissioner", "caldicott",      "admin"};

// The statuses the API answers with (docs/api.md); anything else is a defect.
bool documented(int status) {
  switch (status) {
    case 200:
    case 201:
    case 400:
    case 401:
    case 403:
    case 404:
    case 405:
    case 409:
    case 413:
    case 415:
    case 422:
    case 423:
    case 429:
    case 503:
      return true;
    default:
      return false;
  }
}

// A response as the transport would send it: deferred work run, a later answer waited for, a
// held one released.
HttpResponse settle(HttpResponse r) {
  for (;;) {
    if (r.deferred) {
      auto work = std::move(r.deferred);
      r = work();
      continue;
    }
    if (r.later) {
      std::promise<HttpResponse> made;
      auto answer = made.get_future();
      auto later = std::move(r.later);
      later([&made](HttpResponse x) { made.set_value(std::move(x)); });
      r = answer.get();
      continue;
    }
    if (r.hold) {
      std::promise<bool> sent;
      auto go = sent.get_future();
      auto hold = std::move(r.hold);
      hold([&sent](bool ok) { sent.set_value(ok); });
      if (!go.get()) r.status = 503;
    }
    return r;
  }
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "api_json_fuzz: %s\n", what);
  std::abort();
}

struct Area {
  std::filesystem::path dir;
  std::unique_ptr<jc::store::ConnectionPool> pool;
  jc::server::Metrics metrics;
  std::unique_ptr<jc::server::Api> api;
  std::vector<std::string> tokens;  // one for each of kUsers
  std::int64_t ids[128] = {};       // by the letter in the path
  std::int64_t other_person = 0;
};

Area& area() {
  static Area* made = [] {
    auto* a = new Area;
    a->dir = std::filesystem::temp_directory_path() /
             ("jointcare-api-fuzz-" + std::to_string(::getpid()));
    std::filesystem::remove_all(a->dir);
    std::filesystem::create_directories(a->dir);
    std::string db = (a->dir / "area.db").string();
    {
      auto conn = jc::store::open_database(db);
      jc::synth::GenerateOptions o;
      o.reference_dir = std::string(JC_FUZZ_SHARED_DIR) + "/data/reference";
      o.population = 1000;
      if (!jc::synth::generate_area(*conn, o).ok()) die("could not generate the area");
      if (!jc::identity::rebuild_person_index(*conn, jc::identity::LinkOptions{}).ok())
        die("could not link the area");
      jc::synth::SimulationOptions so;
      so.now = jc::Timestamp::parse_iso("2026-04-20T12:00:00Z").value();
      if (!jc::synth::simulate_use(*conn, so).ok()) die("could not simulate use");
      auto first = [&](const char* sql) { return conn->query_integer(sql).value_or(1); };
      a->ids[static_cast<unsigned char>('p')] =
          first("SELECT person_id FROM involvements ORDER BY id LIMIT 1");
      a->other_person = first("SELECT MAX(id) FROM persons");
      a->ids[static_cast<unsigned char>('r')] = first(
          "SELECT MIN(id) FROM referrals WHERE id IN (SELECT referral_id FROM referral_events)");
      a->ids[static_cast<unsigned char>('n')] = first("SELECT MIN(id) FROM case_notes");
      a->ids[static_cast<unsigned char>('a')] = first("SELECT MIN(id) FROM assessments");
      a->ids[static_cast<unsigned char>('c')] = first("SELECT MIN(id) FROM chc_cases");
      a->ids[static_cast<unsigned char>('l')] = first("SELECT MIN(id) FROM care_plans");
      a->ids[static_cast<unsigned char>('b')] = first("SELECT MIN(id) FROM personal_budgets");
      a->ids[static_cast<unsigned char>('e')] = first("SELECT MIN(id) FROM alerts");
      a->ids[static_cast<unsigned char>('i')] = first("SELECT MIN(id) FROM involvements");
    }
    a->pool = std::make_unique<jc::store::ConnectionPool>(db, 2);
    jc::server::ApiOptions ao;
    ao.sign_ins_per_minute = 0;  // the fuzzer signs in as fast as it likes
    a->api = std::make_unique<jc::server::Api>(*a->pool, a->metrics,
                                               jc::governance::Authenticator{}, ao);
    for (const char* user : kUsers) {
      HttpRequest in;
      in.method = "POST";
      in.target = in.path = "/api/v1/session";
      in.remote_address = "192.0.2.1";
      in.body = nlohmann::json{{"username", user}, {"password", "jointcare-demo"}}.dump();
      std::string route;
      HttpResponse r = settle(a->api->handle(in, route));
      if (r.status != 200) die(r.body.c_str());
      a->tokens.push_back(nlohmann::json::parse(r.body)["token"].get<std::string>());
    }
    std::atexit([] { std::filesystem::remove_all(area().dir); });
    return a;
  }();
  return *made;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  Area& a = area();
  const Route& route = kRoutes[data[0] % std::size(kRoutes)];
  const std::size_t user = data[1] % std::size(kUsers);
  HttpRequest in;
  in.method = route.method;
  for (const char* c = route.path; *c; ++c) {
    if (*c == '{' && c[1] && c[2] == '}') {
      std::int64_t id = a.ids[static_cast<unsigned char>(c[1])];
      switch (data[2] % 4) {
        case 1:
          id = 999999999;
          break;  // none such
        case 2:
          id = c[1] == 'p' ? a.other_person : id + 1;
          break;
        default:
          break;
      }
      in.target += std::to_string(id);
      c += 2;
    } else {
      in.target += *c;
    }
  }
  auto q = in.target.find('?');
  in.path = in.target.substr(0, q);
  in.query = q == std::string::npos ? "" : in.target.substr(q + 1);
  in.remote_address = "192.0.2.1";
  in.headers.emplace_back("authorization", "Bearer " + a.tokens[user]);
  in.headers.emplace_back("content-type", "application/json");
  if (data[2] & 4) in.headers.emplace_back("x-purpose-of-use", "TREAT");
  in.body.assign(reinterpret_cast<const char*>(data) + 3, size - 3);
  std::string label;
  HttpResponse r = settle(a.api->handle(in, label));
  if (!documented(r.status)) {
    std::fprintf(stderr, "%s %s: %d %s\n", in.method.c_str(), in.target.c_str(), r.status,
                 r.body.substr(0, 300).c_str());
    __builtin_trap();
  }
  if (r.content_type == "application/json" && !nlohmann::json::accept(r.body)) {
    std::fprintf(stderr, "%s %s: not JSON: %s\n", in.method.c_str(), in.target.c_str(),
                 r.body.substr(0, 300).c_str());
    __builtin_trap();
  }
  // Route labels come from the routes, never from the request (no id reaches the metrics).
  if (label.rfind("/api/", 0) != 0 ||
      label.substr(5).find_first_of("023456789") != std::string::npos) {
    std::fprintf(stderr, "%s %s: route label %s\n", in.method.c_str(), in.target.c_str(),
                 label.c_str());
    __builtin_trap();
  }
  return 0;
}
