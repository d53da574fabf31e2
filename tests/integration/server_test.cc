// The HTTP server end to end over real sockets: health, metrics, sign-in, errors, limits,
// keep-alive and graceful shutdown.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "core/nhs_number.h"
#include "governance/audit_tree.h"
#include "governance/checkpoint.h"
#include "identity/person_index.h"
#include "insight/engine.h"
#include "server/api.h"
#include "server/http_request.h"
#include "server/http_server.h"
#include "server/rate_limit.h"
#include "server/routes.h"
#include "store/staff_repository.h"
#include "support/http_client.h"
#include "support/test_paths.h"
#include "synth/generator.h"
#include "synth/simulation.h"

namespace jc::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;

using testing::Client;
using testing::exchange;
using testing::Reply;

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(testing::scratch_dir("server"));
    std::string db = (*dir_ / "area.db").string();
    auto conn = store::open_database(db);
    synth::GenerateOptions o;
    o.reference_dir = testing::reference_dir();
    o.population = 1000;
    ASSERT_TRUE(synth::generate_area(*conn, o).ok());
    ASSERT_TRUE(identity::rebuild_person_index(*conn, identity::LinkOptions{}).ok());
    synth::SimulationOptions so;
    so.now = Timestamp::parse_iso("2026-04-20T12:00:00Z").value();
    ASSERT_TRUE(synth::simulate_use(*conn, so).ok());
    pool_ = new store::ConnectionPool(db, 2);
    auto key = governance::load_or_create_audit_key((*dir_ / "area.audit-key").string());
    ASSERT_TRUE(key.ok()) << key.error().message;
    checkpoints_ = new governance::CheckpointLog((*dir_ / "area.checkpoints").string(), *key);
  }
  static void TearDownTestSuite() {
    delete checkpoints_;
    delete pool_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  void SetUp() override {
    ApiOptions ao;
    ao.checkpoints = checkpoints_;
    api_ = std::make_unique<Api>(
        *pool_, metrics_, governance::Authenticator(governance::AuthenticationPolicy{3, 600, 3600}),
        ao);
    ServerOptions so;
    so.port = 0;
    so.threads = 2;
    so.body_limit = 4096;
    server_ = std::make_unique<HttpServer>(
        so, [this](const HttpRequest& r, std::string& route) { return api_->handle(r, route); },
        metrics_);
    server_->listen();
    thread_ = std::thread([this] { server_->run(false); });
  }
  void TearDown() override {
    server_->stop();
    thread_.join();
  }

  std::string sign_in(Client& c, const std::string& user = "dnurse") {
    auto r = c.send(http::verb::post, "/api/v1/session",
                    json{{"username", user}, {"password", "jointcare-demo"}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body)["token"].get<std::string>();
  }

  static std::filesystem::path* dir_;
  static store::ConnectionPool* pool_;
  static governance::CheckpointLog* checkpoints_;
  Metrics metrics_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};
std::filesystem::path* ServerTest::dir_ = nullptr;
store::ConnectionPool* ServerTest::pool_ = nullptr;
governance::CheckpointLog* ServerTest::checkpoints_ = nullptr;

TEST_F(ServerTest, AnswersHealthAndMetrics) {
  Client c(server_->port());
  auto h = c.send(http::verb::get, "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(json::parse(h.body)["status"], "ok");
  EXPECT_EQ(json::parse(h.body)["reports"],
            "ready");  // nothing to warm here (ApiOptions::warm_reports)
  EXPECT_EQ(c.send(http::verb::get, "/api/v1/me", "", sign_in(c)).status, 200);
  auto m = c.send(http::verb::get, "/metrics");  // the same connection: keep-alive
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(
      m.body.find(
          "jointcare_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1"),
      std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("jointcare_http_request_duration_seconds_bucket"), std::string::npos);
  // SQLite's page caches: /api/v1/me has read the session through them, so they hold pages.
  const std::string gauge = "\njointcare_database_cache_bytes ";
  const auto at = m.body.find(gauge);
  ASSERT_NE(at, std::string::npos) << m.body;
  EXPECT_GT(std::stoll(m.body.substr(at + gauge.size())), 0);
}

TEST_F(ServerTest, SignsInAndServesTheArea) {
  Client c(server_->port());
  std::string token = sign_in(c);
  auto me = c.send(http::verb::get, "/api/v1/me", "", token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(json::parse(me.body)["role"], "district_nurse");
  auto area = c.send(http::verb::get, "/api/v1/area", "", token);
  ASSERT_EQ(area.status, 200);
  EXPECT_EQ(json::parse(area.body)["population"], 1000);
  EXPECT_EQ(json::parse(area.body)["localities"], 7);
  auto orgs = c.send(http::verb::get, "/api/v1/organisations", "", token);
  EXPECT_GT(json::parse(orgs.body).size(), 9u);
  auto out = c.send(http::verb::delete_, "/api/v1/session", "", token);
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(c.send(http::verb::get, "/api/v1/me", "", token).status, 401);
}

// The commissioning reports answer the method they are read with, and nothing else: a DELETE
// of the spend report is not a read of it (it answered 200 with the report).
TEST_F(ServerTest, CommissioningReportsAnswerOnlyTheirMethod) {
  Client c(server_->port());
  std::string commissioner = sign_in(c, "commissioner");
  for (const char* path :
       {"/api/v1/spend", "/api/v1/budgets", "/api/v1/jsna", "/api/v1/casecommittee",
        "/api/v1/budgets/practices", "/api/v1/budgets/localities", "/api/v1/pathways"}) {
    for (auto verb : {http::verb::delete_, http::verb::put, http::verb::post}) {
      auto r = c.send(verb, path, "{}", commissioner);
      EXPECT_EQ(r.status, 405) << path << " " << http::to_string(verb);
      EXPECT_EQ(json::parse(r.body)["error"]["code"], "method_not_allowed") << path;
    }
  }
  EXPECT_EQ(c.send(http::verb::get, "/api/v1/spend", "", commissioner).status, 200);
  for (const char* path : {"/api/v1/scenario", "/api/v1/plan"})
    EXPECT_EQ(c.send(http::verb::get, path, "", commissioner).status, 405) << path;
}

TEST_F(ServerTest, ServesPathwaysToCommissionersOnly) {
  Client c(server_->port());
  std::string nurse = sign_in(c, "dnurse");
  EXPECT_EQ(c.send(http::verb::get, "/api/v1/pathways?pathway=referrals", "", nurse).status, 403);
  std::string commissioner = sign_in(c, "commissioner");
  auto r =
      c.send(http::verb::get, "/api/v1/pathways?pathway=referrals&report=dfg", "", commissioner);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  std::uint64_t sum = 0;
  for (const auto& e : j["edges"]) sum += e["count"].get<std::uint64_t>();
  EXPECT_EQ(sum, j["events"].get<std::uint64_t>() - j["cases"].get<std::uint64_t>());
  auto durations =
      json::parse(c.send(http::verb::get, "/api/v1/pathways?pathway=referrals&report=durations", "",
                         commissioner)
                      .body);
  EXPECT_TRUE(durations.contains("duration_s"));
  EXPECT_FALSE(durations.contains("per_case"));  // no case ids (NHS numbers) through the API
  auto conf =
      c.send(http::verb::post, "/api/v1/pathways/conformance?pathway=children",
             "name = \"children\"\n[[stage]]\nactivity = \"referral to single_point_of_access\"\n",
             commissioner);
  ASSERT_EQ(conf.status, 200) << conf.body;
  EXPECT_GT(json::parse(conf.body)["cases"].get<int>(), 0);
  auto bad_target =
      c.send(http::verb::post, "/api/v1/pathways/conformance", "[[stage]\n", commissioner);
  EXPECT_EQ(bad_target.status, 400);
  auto bad = c.send(http::verb::get, "/api/v1/pathways?pathway=nowhere", "", commissioner);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json::parse(bad.body)["error"]["code"], "bad_request");
}

TEST_F(ServerTest, ErrorsHaveOneStableShape) {
  Client c(server_->port());
  for (auto [verb, target, body, status, code] :
       {std::tuple{http::verb::get, "/api/v1/me", "", 401, "unauthenticated"},
        {http::verb::post, "/api/v1/session", "not json", 400, "bad_request"},
        {http::verb::post, "/api/v1/session", R"({"username":"dnurse","password":"nope"})", 401,
         "bad_credentials"},
        {http::verb::get, "/no/such/thing", "", 404, "not_found"}}) {
    auto r = c.send(verb, target, body);
    EXPECT_EQ(r.status, status) << target;
    auto j = json::parse(r.body);
    EXPECT_EQ(j["error"]["code"], code) << r.body;
    EXPECT_TRUE(j["error"]["message"].is_string());
  }
}

TEST_F(ServerTest, LocksAnAccountAfterRepeatedFailures) {
  Client c(server_->port());
  std::string bad = json{{"username", "gp"}, {"password", "wrong"}}.dump();
  EXPECT_EQ(c.send(http::verb::post, "/api/v1/session", bad).status, 401);
  EXPECT_EQ(c.send(http::verb::post, "/api/v1/session", bad).status, 401);
  EXPECT_EQ(c.send(http::verb::post, "/api/v1/session", bad).status, 423);
  auto good = c.send(http::verb::post, "/api/v1/session",
                     json{{"username", "gp"}, {"password", "jointcare-demo"}}.dump());
  EXPECT_EQ(good.status, 423);
  EXPECT_EQ(json::parse(good.body)["error"]["code"], "account_locked");
}

TEST_F(ServerTest, RefusesABodyOverTheLimitAndCloses) {
  Client c(server_->port());
  auto r = c.send(http::verb::post, "/api/v1/session", std::string(10000, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "too_large");
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, StopsGracefullyClosingIdleConnections) {
  Client idle(server_->port());
  EXPECT_EQ(idle.send(http::verb::get, "/healthz").status, 200);
  auto started = std::chrono::steady_clock::now();
  server_->stop();
  thread_.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_TRUE(idle.closed_by_peer());
  thread_ = std::thread([] {});  // TearDown joins and stops again: both harmless
}

TEST_F(ServerTest, SaysPlainlyWhenNoWebApplicationIsBuilt) {
  Client c(server_->port());
  for (const char* target : {"/", "/index.html"}) {
    auto r = c.send(http::verb::get, target);
    EXPECT_EQ(r.status, 503) << target;
    EXPECT_NE(r.header("Content-Type").find("text/html"), std::string::npos);
    EXPECT_NE(r.body.find("The web application is not built"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("make web"), std::string::npos);
  }
  EXPECT_EQ(c.send(http::verb::get, "/healthz").status, 200);  // the server itself is up
}

// A server of its own over a static folder with a sibling whose name begins with the folder's.
class StaticServer {
 public:
  StaticServer(store::ConnectionPool& pool, Metrics& metrics, const std::filesystem::path& dist) {
    ApiOptions ao;
    ao.static_dir = dist.string();
    api_ = std::make_unique<Api>(pool, metrics, governance::Authenticator{}, ao);
    ServerOptions so;
    so.port = 0;
    so.threads = 2;
    server_ = std::make_unique<HttpServer>(
        so, [this](const HttpRequest& r, std::string& route) { return api_->handle(r, route); },
        metrics);
    server_->listen();
    thread_ = std::thread([this] { server_->run(false); });
  }
  ~StaticServer() {
    server_->stop();
    thread_.join();
  }
  unsigned short port() const { return server_->port(); }

 private:
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

// What an attacker on the loopback sent: a target with invalid UTF-8 and a name too long for the
// file system (the server used to abort while logging the error), and a path out of the folder.
TEST_F(ServerTest, StaticFilesStayInsideTheirFolderAndHostileTargetsAreAnswered) {
  namespace fs = std::filesystem;
  fs::path base = *dir_ / "static";
  fs::create_directories(base / "dist");
  fs::create_directories(base / "dist-old");
  std::ofstream(base / "dist" / "index.html") << "<div id=\"root\"></div>";
  std::ofstream(base / "dist-old" / "secret.txt") << "secret of the old build";
  StaticServer s(*pool_, metrics_, base / "dist");
  Client c(s.port());
  auto index = c.send(http::verb::get, "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("id=\"root\""), std::string::npos);
  for (const char* target : {"/../dist-old/secret.txt", "/%2e%2e/dist-old/secret.txt",
                             "/..%2fdist-old%2fsecret.txt", "/assets/../../dist-old/secret.txt"}) {
    auto r = c.send(http::verb::get, target);
    EXPECT_EQ(r.body.find("secret of the old build"), std::string::npos) << target;
  }
  for (const std::string& target :
       {"/\xff" + std::string(300, 'a'), "/" + std::string(5000, 'b'), std::string("/\xc3")}) {
    Client hostile(s.port());
    auto r = hostile.send(http::verb::get, target);
    EXPECT_TRUE(r.status == 200 || r.status == 400 || r.status == 404) << r.status;
  }
  EXPECT_EQ(Client(s.port()).send(http::verb::get, "/healthz").status, 200);  // still serving
}

// Text at the edge: a URL, query or header that is not clean UTF-8 is a 400 naming the part,
// never a 500 (a percent-encoded 0xFF in a search used to reach the JSON writer).
TEST_F(ServerTest, RefusesRequestsWhoseTextIsNotUtf8) {
  Client c(server_->port());
  std::string token = sign_in(c);
  for (auto [target, names] : {std::pair{"/api/v1/persons?birth_date=%FF", "birth_date"},
                               {"/api/v1/persons?family_name=Sm%C3", "family_name"},
                               {"/api/v1/persons?given_name=a%00b", "given_name"},
                               {"/api/v1/audit?user=%C0%AF", "user"},
                               {"/api/v1/persons/%FF", "path"}}) {
    auto r = c.send(http::verb::get, target, "", token);
    EXPECT_EQ(r.status, 400) << target;
    auto j = json::parse(r.body);
    EXPECT_EQ(j["error"]["code"], "bad_request");
    EXPECT_NE(j["error"]["message"].get<std::string>().find(names), std::string::npos) << r.body;
  }
  http::request<http::string_body> req{http::verb::get, "/api/v1/persons/2", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::authorization, "Bearer " + token);
  req.set("X-Purpose-Of-Use", "direct care \xff\xfe");
  auto res = exchange(server_->port(), req);
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("x-purpose-of-use"), std::string::npos) << res.body;
  EXPECT_EQ(c.send(http::verb::get, "/api/v1/persons?family_name=Sm%C3%ADth&birth_date=1950-01-01",
                   "", token)
                .status,
            200);  // Smíth is text
}

TEST_F(ServerTest, EveryResponseCarriesTheSecurityHeaders) {
  Client c(server_->port());
  for (const char* target : {"/healthz", "/api/v1/me", "/"}) {
    auto r = c.send(http::verb::get, target);
    EXPECT_EQ(r.header("X-Frame-Options"), "DENY") << target;
    EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(r.header("Cache-Control"), "no-store");
    EXPECT_EQ(r.header("Referrer-Policy"), "no-referrer");
    std::string csp = r.header("Content-Security-Policy");
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
    auto script = csp.substr(csp.find("script-src"),
                             csp.find(';', csp.find("script-src")) - csp.find("script-src"));
    EXPECT_EQ(script.find("unsafe-inline"), std::string::npos) << script;
    EXPECT_EQ(script.find("'unsafe-eval'"), std::string::npos) << script;
  }
}

// Cookies by exact name: "xjc_session" is another cookie, and an empty value is none.
TEST(CookieValue, MatchesWholeNamesOnly) {
  EXPECT_EQ(cookie_value("jc_session=abc", "jc_session").value(), "abc");
  EXPECT_EQ(cookie_value("theme=dark; jc_session=abc; x=1", "jc_session").value(), "abc");
  EXPECT_EQ(cookie_value("jc_session=\"abc\"", "jc_session").value(), "abc");
  EXPECT_FALSE(cookie_value("xjc_session=abc", "jc_session").has_value());
  EXPECT_FALSE(cookie_value("a=xjc_session=abc", "jc_session").has_value());
  EXPECT_FALSE(cookie_value("jc_session=", "jc_session").has_value());
  EXPECT_FALSE(cookie_value("", "jc_session").has_value());
}

TEST_F(ServerTest, AnswersOverTheConnectionCapWith503) {
  ServerOptions so;
  so.port = 0;
  so.threads = 2;
  so.max_connections = 3;
  so.max_connections_per_address = 3;  // the whole cap for this one client
  HttpServer capped(
      so, [this](const HttpRequest& r, std::string& route) { return api_->handle(r, route); },
      metrics_);
  capped.listen();
  std::thread t([&] { capped.run(false); });
  std::vector<std::unique_ptr<Client>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<Client>(capped.port()));
    EXPECT_EQ(held.back()->send(http::verb::get, "/healthz").status, 200);
  }
  Client extra(capped.port());
  auto r = extra.send(http::verb::get, "/healthz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "over_capacity");
  held.pop_back();  // one closes: the next is served again
  for (int i = 0; i < 50; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    Client again(capped.port());
    if (again.send(http::verb::get, "/healthz").status == 200) break;
    ASSERT_LT(i, 49) << "a freed connection slot was never reused";
  }
  capped.stop();
  t.join();
}

// One client (here 127.0.0.1) may hold half the connections by default; the other half stays
// for everyone else, and its freed connections are its own again.
TEST_F(ServerTest, OneClientHoldsAtMostItsShareOfTheConnections) {
  ServerOptions so;
  so.port = 0;
  so.threads = 2;
  so.max_connections = 4;  // per address: 2
  HttpServer capped(
      so, [this](const HttpRequest& r, std::string& route) { return api_->handle(r, route); },
      metrics_);
  capped.listen();
  std::thread t([&] { capped.run(false); });
  std::vector<std::unique_ptr<Client>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<Client>(capped.port()));
    EXPECT_EQ(held.back()->send(http::verb::get, "/healthz").status, 200);
  }
  Client third(capped.port());
  auto r = third.send(http::verb::get, "/healthz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "over_capacity");
  held.clear();
  for (int i = 0; i < 50; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    Client again(capped.port());
    if (again.send(http::verb::get, "/healthz").status == 200) break;
    ASSERT_LT(i, 49) << "a client's freed connections were never its own again";
  }
  capped.stop();
  t.join();
}

// Clients are keyed by address, IPv6 by /64, so that one host cannot take a fresh share per
// address of its /64.
TEST(ClientKey, KeysIpv4ByAddressAndIpv6ByItsSlash64) {
  EXPECT_EQ(client_key("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(client_key("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(client_key("2001:db8:1:2::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(client_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), client_key("2001:db8:1:2::1"));
  EXPECT_NE(client_key("2001:db8:1:3::1"), client_key("2001:db8:1:2::1"));
  EXPECT_EQ(client_key("::1"), "::/64");
  EXPECT_EQ(client_key("not an address"), "");
  EXPECT_EQ(client_key(""), "");
}

// A browser's cookie may not be used by another site's page: a change made with the cookie needs
// the session's CSRF token and a same-site origin. (A text/plain POST from a foreign origin with
// the cookie was accepted when SameSite was the only guard.)
TEST_F(ServerTest, ChangesMadeWithTheCookieNeedTheCsrfTokenAndTheSameSite) {
  Client c(server_->port());
  auto login = c.send(http::verb::post, "/api/v1/session",
                      json{{"username", "dnurse"}, {"password", "jointcare-demo"}}.dump());
  ASSERT_EQ(login.status, 200);
  auto j = json::parse(login.body);
  std::string token = j["token"], csrf = j["csrf_token"];
  EXPECT_EQ(csrf.size(), 64u);
  EXPECT_NE(login.header("Set-Cookie").find("HttpOnly; SameSite=Strict"), std::string::npos);
  EXPECT_EQ(login.header("Set-Cookie").find("Secure"), std::string::npos);  // not asked for
  // A person on the nurse's caseload, so that the care record's rule lets her write.
  std::int64_t person = 0;
  {
    auto db = pool_->acquire();
    auto team =
        db->query_integer("SELECT team_id FROM staff_users WHERE username = 'dnurse'").value();
    person = db->query_integer("SELECT MIN(id) FROM persons").value();
    db->execute(
        "INSERT INTO involvements (person_id, team_id, service, started_at) VALUES (?, ?, "
        "'district_nursing', '2026-01-05T09:00:00Z')",
        {person, team});
  }
  std::string note =
      json{{"category", "visit"}, {"sensitivity", "normal"}, {"body", "Visited; all well."}}.dump();
  std::string target = "/api/v1/persons/" + std::to_string(person) + "/notes";
  auto post = [&](const std::vector<std::pair<std::string, std::string>>& headers,
                  const std::string& body, const std::string& type) {
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(server_->port()));
    req.set(http::field::cookie, "jc_session=" + token);
    req.set(http::field::content_type, type);
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    auto res = exchange(server_->port(), req);
    return std::pair{res.status, res.body};
  };
  std::string host = "http://127.0.0.1:" + std::to_string(server_->port());
  auto [s1, b1] = post({{"Origin", "http://evil.example"}}, note, "text/plain");
  EXPECT_EQ(s1, 403) << b1;
  EXPECT_NE(b1.find("cross_site_refused"), std::string::npos);
  auto [s2, b2] =
      post({{"Origin", "http://evil.example"}, {"X-CSRF-Token", csrf}}, note, "application/json");
  EXPECT_EQ(s2, 403) << b2;
  auto [s3, b3] =
      post({{"Sec-Fetch-Site", "cross-site"}, {"X-CSRF-Token", csrf}}, note, "application/json");
  EXPECT_EQ(s3, 403) << b3;
  auto [s4, b4] = post({{"Origin", host}}, note, "application/json");
  EXPECT_EQ(s4, 403) << b4;
  EXPECT_NE(b4.find("csrf_token_missing"), std::string::npos);
  auto [s5, b5] =
      post({{"Origin", host}, {"X-CSRF-Token", std::string(64, '0')}}, note, "application/json");
  EXPECT_EQ(s5, 403) << b5;
  auto [s6, b6] =
      post({{"Origin", host}, {"Sec-Fetch-Site", "same-origin"}, {"X-CSRF-Token", csrf}}, note,
           "application/json");
  EXPECT_EQ(s6, 201) << b6;  // the token and the same site: written
  // The page gets the token again after a reload from /api/v1/me (by cookie).
  http::request<http::string_body> me{http::verb::get, "/api/v1/me", 11};
  me.set(http::field::host, "127.0.0.1");
  me.set(http::field::cookie, "theme=dark; jc_session=" + token);
  EXPECT_EQ(json::parse(exchange(server_->port(), me).body)["csrf_token"], csrf);
  // Another cookie whose name merely ends in the session's is no session.
  http::request<http::string_body> other{http::verb::get, "/api/v1/me", 11};
  other.set(http::field::host, "127.0.0.1");
  other.set(http::field::cookie, "xjc_session=" + token);
  EXPECT_EQ(exchange(server_->port(), other).status, 401);
  // A sign-in posted from another site is refused too.
  http::request<http::string_body> cross{http::verb::post, "/api/v1/session", 11};
  cross.set(http::field::host, "127.0.0.1");
  cross.set("Origin", "http://evil.example");
  cross.body() = json{{"username", "dnurse"}, {"password", "jointcare-demo"}}.dump();
  EXPECT_EQ(exchange(server_->port(), cross).status, 403);
}

TEST_F(ServerTest, LimitsSignInsPerAddress) {
  ApiOptions ao;
  ao.sign_ins_per_minute = 3;
  Api limited(*pool_, metrics_, governance::Authenticator{}, ao);
  ServerOptions so;
  so.port = 0;
  so.threads = 2;
  HttpServer server(
      so, [&](const HttpRequest& r, std::string& route) { return limited.handle(r, route); },
      metrics_);
  server.listen();
  std::thread t([&] { server.run(false); });
  Client c(server.port());
  std::string bad = json{{"username", "no-such-user"}, {"password", "guess"}}.dump();
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(c.send(http::verb::post, "/api/v1/session", bad).status, 401);
  auto r = c.send(http::verb::post, "/api/v1/session", bad);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "too_many_sign_ins");
  EXPECT_GE(std::stoi(r.header("Retry-After")), 1);
  server.stop();
  t.join();
}

TEST(RateLimiter, RefillsAtItsRate) {
  RateLimiter limiter(60, 2);  // one a second, two at once
  auto t0 = RateLimiter::Clock::time_point{} + std::chrono::hours(1);
  EXPECT_TRUE(limiter.allow("a", t0));
  EXPECT_TRUE(limiter.allow("a", t0));
  EXPECT_FALSE(limiter.allow("a", t0));
  EXPECT_TRUE(limiter.allow("b", t0));  // per key
  EXPECT_EQ(limiter.retry_after("a", t0), 1);
  EXPECT_FALSE(limiter.allow("a", t0 + std::chrono::milliseconds(500)));
  EXPECT_TRUE(limiter.allow("a", t0 + std::chrono::milliseconds(1600)));
  EXPECT_TRUE(RateLimiter(0, 0).allow("a", t0));  // no limit
}

// Numbers are range-checked and text fields checked for control characters: an override asked for
// 4,294,967,300 hours became a 4-hour one when it wrapped.
TEST_F(ServerTest, RangeChecksNumbersAndChecksTextInBodies) {
  Client c(server_->port());
  std::string token = sign_in(c, "hvisitor");
  for (auto [target, body, field] :
       {std::tuple{"/api/v1/persons/2/break-glass",
                   R"({"reason":"safeguarding concern","hours":4294967300})",
                   "hours: must be from 1 to 24"},
        {"/api/v1/persons/2/break-glass", R"({"reason":"safeguarding concern","hours":0})",
         "hours: must be from 1 to 24"},
        {"/api/v1/persons/2/break-glass", R"({"reason":"safeguarding concern","hours":-3})",
         "hours: must be from 1 to 24"},
        {"/api/v1/persons/2/break-glass", R"({"reason":"safe\u0000guarding","hours":2})",
         "reason: holds a control character"},
        {"/api/v1/referrals", R"({"person_id":18446744073709551615,"to_team_id":1})",
         "person_id: must be from 1"},
        {"/api/v1/referrals", R"({"person_id":-1,"to_team_id":1})", "person_id: must be from 1"}}) {
    auto r = c.send(http::verb::post, target, body, token);
    EXPECT_EQ(r.status, 400) << body << " " << r.body;
    EXPECT_NE(r.body.find(field), std::string::npos) << r.body;
  }
}

// Password hashing runs on the worker pool; when its queue is full the answer is 503 at once,
// and the I/O threads go on answering everything else.
TEST_F(ServerTest, CpuHeavyWorkWaitsInABoundedQueue) {
  ApiOptions ao;
  ao.sign_ins_per_minute = 0;
  Api api(*pool_, metrics_, governance::Authenticator{}, ao);
  ServerOptions so;
  so.port = 0;
  so.threads = 2;
  so.workers = 1;
  so.work_queue_limit = 1;
  HttpServer server(
      so, [&](const HttpRequest& r, std::string& route) { return api.handle(r, route); }, metrics_);
  server.listen();
  std::thread t([&] { server.run(false); });
  std::atomic<int> busy{0}, answered{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&, i] {
      Client c(server.port());
      auto r = c.send(http::verb::post, "/api/v1/session",
                      json{{"username", "user" + std::to_string(i)}, {"password", "guess"}}.dump());
      if (r.status == 503 && json::parse(r.body)["error"]["code"] == "busy") ++busy;
      if (r.status == 401) ++answered;
    });
  }
  Client health(server.port());
  EXPECT_EQ(health.send(http::verb::get, "/healthz").status, 200);
  for (auto& c : clients) c.join();
  EXPECT_GE(busy.load(), 1);
  EXPECT_GE(answered.load(), 1);
  EXPECT_EQ(busy.load() + answered.load(), 8);
  server.stop();
  t.join();
}

// A signed-in user's path segment never becomes a route label: it reached the logs (and aborted
// the server when it was invalid UTF-8) and /metrics, which anyone may read.
TEST_F(ServerTest, RouteLabelsComeFromTheRoutesNotTheRequest) {
  Client c(server_->port());
  std::string token = sign_in(c);
  for (const std::string& target : {std::string("/api/v1/persons/2/\xff"),
                                    std::string("/api/v1/persons/2/PatrickLee-9996137643"),
                                    std::string("/api/v1/referrals/1/\xfe\xfe")}) {
    auto r =
        c.send(target.find("referrals") != std::string::npos ? http::verb::post : http::verb::get,
               target, "", token);
    EXPECT_GE(r.status, 400) << target;
    EXPECT_LT(r.status, 500) << target;
  }
  for (int i = 0; i < 3; ++i) {
    http::request<http::string_body> req{http::verb::unknown, "/healthz", 11};
    req.method_string("BREW" + std::to_string(i));
    req.set(http::field::host, "127.0.0.1");
    (void)exchange(server_->port(), req);
  }
  auto m = c.send(http::verb::get, "/metrics");
  EXPECT_EQ(m.body.find("PatrickLee"), std::string::npos);
  EXPECT_EQ(m.body.find("\xff"), std::string::npos);
  EXPECT_EQ(m.body.find("BREW"), std::string::npos);
  EXPECT_NE(m.body.find("route=\"/api/v1/persons/{id}/{unknown}\""), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("method=\"other\""), std::string::npos);
}

}  // namespace
}  // namespace jc::server

namespace jc::server {
namespace {

std::int64_t team_of(store::Database& db, const std::string& username) {
  return db.query_integer("SELECT team_id FROM staff_users WHERE username = ?", {username}).value();
}

// The Case Committee speaks in pseudonyms; opening the record behind one goes through the care
// record's access rule and is audited, for the purpose of the case committee.
TEST_F(ServerTest, OpeningACaseCommitteePseudonymFollowsTheAccessRule) {
  Client c(server_->port());
  std::string commissioner = sign_in(c, "commissioner"), nurse = sign_in(c, "dnurse");
  auto agenda =
      json::parse(c.send(http::verb::get, "/api/v1/casecommittee?top=1", "", commissioner).body);
  std::string pseudonym = agenda["localities"][0]["agenda"][0]["person"];
  auto csv = c.send(http::verb::get, "/api/v1/casecommittee?top=1&format=csv", "", commissioner);
  EXPECT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.rfind("locality,rank,person,", 0), 0u);
  EXPECT_NE(csv.body.find(pseudonym), std::string::npos);
  auto db = pool_->acquire();
  std::string key = insight::pseudonym_key(*db);
  std::int64_t person = 0;
  db->query("SELECT id FROM persons", {}, [&](const store::Row& r) {
    if (insight::pseudonymise(key, std::to_string(r.integer(0))) == pseudonym)
      person = r.integer(0);
  });
  ASSERT_NE(person, 0);
  // Neither the commissioner nor a nurse with no relationship may open it; both refusals audited.
  auto before =
      db->access_log()
          .query_integer(
              "SELECT COUNT(*) FROM access_events WHERE purpose = 'COC' AND outcome = 'denied'")
          .value_or(0);
  EXPECT_EQ(c.send(http::verb::get, "/api/v1/casecommittee/identify?person=" + pseudonym, "",
                   commissioner)
                .status,
            403);
  db->execute("DELETE FROM involvements WHERE person_id = ? AND team_id = ?",
              {person, team_of(*db, "dnurse")});
  EXPECT_EQ(c.send(http::verb::get, "/api/v1/casecommittee/identify?person=" + pseudonym, "", nurse)
                .status,
            403);
  EXPECT_EQ(db->access_log()
                .query_integer("SELECT COUNT(*) FROM access_events WHERE purpose = 'COC' AND"
                               " outcome = 'denied'")
                .value_or(0),
            before + 2);
  // On the nurse's caseload, she may: the summary of that person, audited as a read.
  db->execute(
      "INSERT INTO involvements (person_id, team_id, service, started_at) VALUES (?, ?, "
      "'district_nursing', '2026-01-05T09:00:00Z')",
      {person, team_of(*db, "dnurse")});
  auto opened =
      c.send(http::verb::get, "/api/v1/casecommittee/identify?person=" + pseudonym, "", nurse);
  ASSERT_EQ(opened.status, 200) << opened.body;
  EXPECT_EQ(json::parse(opened.body)["id"].get<std::int64_t>(), person);
  EXPECT_GT(db->access_log()
                .query_integer("SELECT COUNT(*) FROM access_events WHERE purpose = 'COC' AND"
                               " outcome = 'success' AND person_id = ?",
                               {person})
                .value_or(0),
            0);
  EXPECT_EQ(
      c.send(http::verb::get, "/api/v1/casecommittee/identify?person=P-0000000000000000", "", nurse)
          .status,
      404);
  db->execute(
      "DELETE FROM involvements WHERE person_id = ? AND team_id = ? AND started_at = "
      "'2026-01-05T09:00:00Z'",
      {person, team_of(*db, "dnurse")});
}

// The red team's cases of the one gate, over HTTP: each fixed behaviour as a user would meet it.
struct GateWorld {
  std::int64_t person = 0;
  std::int64_t sw_team = 0, mh_team = 0, dn_team = 0, hv_team = 0;
  std::int64_t mh_org = 0, sw_org = 0, hv_org = 0;
};

// A person unknown to every demo team, then on the caseloads named (open involvements).
GateWorld gate_world(store::Database& db, std::initializer_list<const char*> caseloads) {
  GateWorld g;
  g.sw_team = team_of(db, "sworker");
  g.mh_team = team_of(db, "mhpractitioner");
  g.dn_team = team_of(db, "dnurse");
  g.hv_team = team_of(db, "hvisitor");
  auto org = [&](const char* user) {
    return db
        .query_integer("SELECT organisation_id FROM staff_users WHERE username = ?",
                       {std::string(user)})
        .value();
  };
  g.mh_org = org("mhpractitioner");
  g.sw_org = org("sworker");
  g.hv_org = org("hvisitor");
  static int taken = 0;
  g.person = db.query_integer(
                   "SELECT p.id FROM persons p WHERE NOT EXISTS (SELECT 1 FROM involvements j "
                   "WHERE j.person_id = p.id AND "
                   "j.team_id IN (?, ?, ?, ?)) AND NOT EXISTS (SELECT 1 FROM referrals r WHERE "
                   "r.person_id = p.id) "
                   "AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.person_id = p.id) ORDER BY "
                   "p.id DESC LIMIT 1 OFFSET ?",
                   {g.sw_team, g.mh_team, g.dn_team, g.hv_team, std::int64_t{taken++}})
                 .value();
  for (const char* user : caseloads)
    db.execute(
        "INSERT INTO involvements (person_id, team_id, service, started_at) VALUES (?, ?, 'test', "
        "'2026-01-05T09:00:00Z')",
        {g.person, team_of(db, user)});
  return g;
}

// A consent choice recorded over the API.
Reply record_consent(Client& c, const std::string& pid, std::int64_t organisation,
                     const std::string& direction, bool allowed, const std::string& token) {
  return c.send(
      http::verb::post, "/api/v1/persons/" + pid + "/consents",
      json{{"organisation_id", organisation}, {"direction", direction}, {"allowed", allowed}}
          .dump(),
      token);
}

// The newest record-trail event of a user: "operation reason outcome".
std::string last_change_event(store::Database& db, const std::string& username) {
  return db
      .query_text(
          "SELECT e.operation || ' ' || e.reason || ' ' || e.outcome FROM audit_events e JOIN "
          "staff_users s ON "
          "s.id = e.user_id WHERE s.username = ? ORDER BY e.id DESC LIMIT 1",
          {username})
      .value_or("none");
}

TEST_F(ServerTest, AConsentChoiceIsRecordedOnlyByTheOrganisationWhoseInformationItIs) {
  auto db = pool_->acquire();
  GateWorld g = gate_world(*db, {"sworker", "mhpractitioner"});
  std::string pid = std::to_string(g.person);
  Client c(server_->port());
  std::string social = sign_in(c, "sworker"), mental = sign_in(c, "mhpractitioner"),
              visitor = sign_in(c, "hvisitor");
  auto consent = [&](std::int64_t org, bool allowed, const std::string& token) {
    return record_consent(c, pid, org, "share_out", allowed, token);
  };
  // The trust records the person's refusal for its own information.
  ASSERT_EQ(consent(g.mh_org, false, mental).status, 201);
  auto note =
      c.send(http::verb::post, "/api/v1/persons/" + pid + "/notes",
             json{{"category", "review"}, {"body", "Reviewed at the clinic."}}.dump(), mental);
  ASSERT_EQ(note.status, 201) << note.body;
  // A council social worker may not flip the trust's choice.
  auto flipped = consent(g.mh_org, true, social);
  EXPECT_EQ(flipped.status, 403) << flipped.body;
  EXPECT_EQ(last_change_event(*db, "sworker"), "consent.record organisation denied");
  // A health visitor who broke the glass may neither record the trust's choice nor her own
  // organisation's: an override grants reading only.
  auto glass = c.send(
      http::verb::post, "/api/v1/persons/" + pid + "/break-glass",
      json{{"reason", "Safeguarding concern raised out of hours"}, {"hours", 1}}.dump(), visitor);
  ASSERT_EQ(glass.status, 201) << glass.body;
  EXPECT_EQ(consent(g.mh_org, true, visitor).status, 403);
  EXPECT_EQ(last_change_event(*db, "hvisitor"), "consent.record organisation denied");
  EXPECT_EQ(consent(g.hv_org, true, visitor).status, 403);
  EXPECT_EQ(last_change_event(*db, "hvisitor"), "consent.record override_reads_only denied");
  // The refusal stands: the trust's note stays out of the council's view.
  auto notes =
      json::parse(c.send(http::verb::get, "/api/v1/persons/" + pid + "/notes", "", social).body);
  for (const auto& n : notes["items"])
    EXPECT_NE(n["organisation_id"].get<std::int64_t>(), g.mh_org) << n.dump();
  auto choices =
      json::parse(c.send(http::verb::get, "/api/v1/persons/" + pid + "/consents", "", mental).body);
  ASSERT_EQ(choices["items"].size(), 1u) << choices.dump();
  EXPECT_FALSE(choices["items"][0]["allowed"].get<bool>());
}

TEST_F(ServerTest, ARefusalOfSharingAppliesToPlansAssessmentsAndTheTimeline) {
  auto db = pool_->acquire();
  GateWorld g = gate_world(*db, {"sworker", "mhpractitioner", "dnurse"});
  std::string pid = std::to_string(g.person);
  Client c(server_->port());
  std::string social = sign_in(c, "sworker"), mental = sign_in(c, "mhpractitioner"),
              nurse = sign_in(c, "dnurse");
  ASSERT_EQ(c.send(http::verb::post, "/api/v1/persons/" + pid + "/care-plans",
                   json{{"review_date", "2027-03-31"}}.dump(), mental)
                .status,
            201);
  ASSERT_EQ(c.send(http::verb::post, "/api/v1/persons/" + pid + "/assessments",
                   json{{"kind", "contact"}}.dump(), mental)
                .status,
            201);
  auto referral = c.send(
      http::verb::post, "/api/v1/referrals",
      json{
          {"person_id", g.person}, {"to_team_id", g.mh_team}, {"reason", "Low mood after the fall"}}
          .dump(),
      nurse);
  ASSERT_EQ(referral.status, 201) << referral.body;
  auto mh_team_name = db->query_text("SELECT name FROM teams WHERE id = ?", {g.mh_team}).value();
  // Before the refusal the council sees all three.
  auto plans = json::parse(
      c.send(http::verb::get, "/api/v1/persons/" + pid + "/care-plans", "", social).body);
  EXPECT_EQ(plans["items"].size(), 1u);
  ASSERT_EQ(record_consent(c, pid, g.mh_org, "share_out", false, mental).status, 201);
  plans = json::parse(
      c.send(http::verb::get, "/api/v1/persons/" + pid + "/care-plans", "", social).body);
  EXPECT_TRUE(plans["items"].empty()) << plans.dump();
  auto assessments = json::parse(
      c.send(http::verb::get, "/api/v1/persons/" + pid + "/assessments", "", social).body);
  ASSERT_EQ(assessments["items"].size(), 1u);
  EXPECT_EQ(assessments["items"][0]["organisation"], "")
      << "who assessed is the trust's information";
  EXPECT_EQ(assessments["items"][0]["started_by"], "");
  auto timeline = c.send(http::verb::get, "/api/v1/persons/" + pid + "/timeline", "", social);
  ASSERT_EQ(timeline.status, 200);
  EXPECT_EQ(timeline.body.find(mh_team_name), std::string::npos)
      << "the referral to the trust's team is the trust's too";
  // The trust itself still sees everything.
  EXPECT_EQ(
      json::parse(c.send(http::verb::get, "/api/v1/persons/" + pid + "/care-plans", "", mental)
                      .body)["items"]
          .size(),
      1u);
}

TEST_F(ServerTest, AReferralGoesOnlyWhereThePersonsConsentLetsTheInformationFlow) {
  auto db = pool_->acquire();
  GateWorld g = gate_world(*db, {"sworker", "mhpractitioner"});
  std::string pid = std::to_string(g.person);
  Client c(server_->port());
  std::string social = sign_in(c, "sworker"), mental = sign_in(c, "mhpractitioner");
  // The person refuses any sharing into the mental-health trust (recorded by the trust).
  ASSERT_EQ(record_consent(c, pid, g.mh_org, "share_in", false, mental).status, 201);
  auto sent = c.send(
      http::verb::post, "/api/v1/referrals",
      json{{"person_id", g.person}, {"to_team_id", g.mh_team}, {"reason", "Low mood"}}.dump(),
      social);
  EXPECT_EQ(sent.status, 403) << sent.body;
  EXPECT_EQ(last_change_event(*db, "sworker"), "referral.send consent denied");
  EXPECT_EQ(db->query_integer("SELECT COUNT(*) FROM referrals WHERE person_id = ?", {g.person}), 0);
  // To a team of an organisation the person has not refused, it goes.
  auto to_visitors = c.send(
      http::verb::post, "/api/v1/referrals",
      json{{"person_id", g.person}, {"to_team_id", g.hv_team}, {"reason", "New baby"}}.dump(),
      social);
  EXPECT_EQ(to_visitors.status, 201) << to_visitors.body;
}

TEST_F(ServerTest, AContinuingHealthcareCaseIsHeldByTheOrganisationThatOpenedIt) {
  auto db = pool_->acquire();
  GateWorld g = gate_world(*db, {"sworker", "mhpractitioner"});
  std::string pid = std::to_string(g.person);
  Client c(server_->port());
  std::string social = sign_in(c, "sworker"), mental = sign_in(c, "mhpractitioner");
  auto opened = c.send(http::verb::post, "/api/v1/persons/" + pid + "/chc",
                       json{{"fast_track", false}}.dump(), mental);
  ASSERT_EQ(opened.status, 201) << opened.body;
  std::string path = "/api/v1/chc/" + std::to_string(json::parse(opened.body)["id"].get<int>());
  EXPECT_EQ(c.send(http::verb::get, path, "", social).status, 200);
  ASSERT_EQ(record_consent(c, pid, g.mh_org, "share_out", false, mental).status, 201);
  // The trust's case is the trust's information: the council no longer reads or changes it.
  EXPECT_EQ(c.send(http::verb::get, path, "", social).status, 403);
  EXPECT_EQ(
      c.send(http::verb::post, path + "/checklist", json{{"positive", true}}.dump(), social).status,
      403);
  EXPECT_EQ(last_change_event(*db, "sworker"), "chc.checklist consent denied");
  EXPECT_EQ(c.send(http::verb::get, path, "", mental).status, 200);
}

TEST_F(ServerTest, ABreakGlassGrantsReadingAndNothingThatOutlivesIt) {
  auto db = pool_->acquire();
  GateWorld g = gate_world(*db, {"dnurse"});
  std::string pid = std::to_string(g.person);
  Client c(server_->port());
  std::string visitor = sign_in(c, "hvisitor");
  EXPECT_EQ(c.send(http::verb::get, "/api/v1/persons/" + pid + "/notes", "", visitor).status, 403);
  ASSERT_EQ(
      c.send(http::verb::post, "/api/v1/persons/" + pid + "/break-glass",
             json{{"reason", "Child protection concern raised out of hours"}, {"hours", 1}}.dump(),
             visitor)
          .status,
      201);
  EXPECT_EQ(c.send(http::verb::get, "/api/v1/persons/" + pid + "/notes", "", visitor).status, 200);
  auto note = c.send(http::verb::post, "/api/v1/persons/" + pid + "/notes",
                     json{{"category", "visit"}, {"body", "Seen."}}.dump(), visitor);
  EXPECT_EQ(note.status, 403);
  EXPECT_EQ(last_change_event(*db, "hvisitor"), "note.create override_reads_only denied");
  auto sent = c.send(
      http::verb::post, "/api/v1/referrals",
      json{{"person_id", g.person}, {"to_team_id", g.sw_team}, {"reason", "Please assess"}}.dump(),
      visitor);
  EXPECT_EQ(sent.status, 403);
  EXPECT_EQ(last_change_event(*db, "hvisitor"), "referral.send override_reads_only denied");
  EXPECT_EQ(c.send(http::verb::post, "/api/v1/persons/" + pid + "/care-plans",
                   json{{"review_date", "2027-03-31"}}.dump(), visitor)
                .status,
            403);
  // Nothing was made that would outlive the override.
  EXPECT_EQ(db->query_integer("SELECT COUNT(*) FROM referrals WHERE person_id = ?", {g.person}), 0);
  EXPECT_EQ(
      db->query_integer("SELECT COUNT(*) FROM involvements WHERE person_id = ? AND team_id = ?",
                        {g.person, g.hv_team}),
      0);
}

// The purpose of use is a code from the list (HL7 v3 PurposeOfUse and JointCare's own), checked
// at the edge: none given is direct care, anything else is refused before the gate, and a read
// allowed only by break-glass is emergency care whatever was asserted.
TEST_F(ServerTest, ThePurposeOfUseIsACodeFromTheList) {
  auto db = pool_->acquire();
  GateWorld g = gate_world(*db, {"dnurse"});
  const std::string target = "/api/v1/persons/" + std::to_string(g.person) + "/notes";
  Client c(server_->port());
  std::string nurse = sign_in(c, "dnurse"), visitor = sign_in(c, "hvisitor");
  auto read = [&](const std::string& token, const char* purpose) {
    http::request<http::string_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer " + token);
    if (purpose) req.set("X-Purpose-Of-Use", purpose);
    return exchange(server_->port(), req);
  };
  auto newest = [&](const char* username) {
    std::int64_t user =
        db->query_integer("SELECT id FROM staff_users WHERE username = ?", {std::string(username)})
            .value_or(0);
    return db->access_log()
        .query_text("SELECT purpose FROM access_events WHERE user_id = ? ORDER BY id DESC LIMIT 1",
                    {user})
        .value_or("none");
  };
  auto events = [&] {
    return db->access_log().query_integer("SELECT COUNT(*) FROM access_events").value_or(0);
  };
  EXPECT_EQ(read(nurse, nullptr).status, 200);
  EXPECT_EQ(newest("dnurse"), "TREAT");
  EXPECT_EQ(read(nurse, "SAFEGUARD").status, 200);
  EXPECT_EQ(newest("dnurse"), "SAFEGUARD");
  EXPECT_EQ(read(nurse, "COC").status, 200);
  EXPECT_EQ(newest("dnurse"), "COC");
  const std::int64_t before = events();
  for (const char* bad : {"curiosity", "treat", "direct care", "TREAT,ETREAT", "IGREVIEW;TREAT"}) {
    auto r = read(nurse, bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(json::parse(r.body)["error"]["code"], "invalid_purpose_of_use") << r.body;
    EXPECT_NE(r.body.find("x-purpose-of-use"), std::string::npos) << r.body;
  }
  EXPECT_EQ(events(), before);  // refused at the edge: no read was made
  ASSERT_EQ(
      c.send(http::verb::post, "/api/v1/persons/" + std::to_string(g.person) + "/break-glass",
             json{{"reason", "Safeguarding concern raised out of hours"}, {"hours", 1}}.dump(),
             visitor)
          .status,
      201);
  EXPECT_EQ(read(visitor, "SAFEGUARD").status, 200);
  EXPECT_EQ(newest("hvisitor"), "ETREAT");
}

// "Who looked at my record", for print and as JSON: every access with who, where, when and why,
// each line proved against the newest signed checkpoint; lines newer than it say so, and a line
// the log no longer holds as signed is shown as not proved.
TEST_F(ServerTest, TheAccessReportProvesEachLineAgainstTheSignedCheckpoint) {
  auto db = pool_->acquire();
  GateWorld g = gate_world(*db, {"dnurse"});
  const std::string pid = std::to_string(g.person);
  Client c(server_->port());
  std::string nurse = sign_in(c, "dnurse"), guardian = sign_in(c, "caldicott");
  ASSERT_EQ(c.send(http::verb::get, "/api/v1/persons/" + pid + "/notes", "", nurse).status, 200);
  ASSERT_TRUE(checkpoints_->sign(*db, Timestamp::now()).ok());
  // One read after the checkpoint: in the report, not yet proved.
  ASSERT_EQ(c.send(http::verb::get, "/api/v1/persons/" + pid + "/known-to", "", nurse).status, 200);
  EXPECT_EQ(c.send(http::verb::get, "/api/v1/persons/" + pid + "/access-report", "", nurse).status,
            403);  // a nurse does not audit
  auto r = c.send(http::verb::get, "/api/v1/persons/" + pid + "/access-report", "", guardian);
  ASSERT_EQ(r.status, 200) << r.body;
  auto report = json::parse(r.body);
  auto verifier = governance::parse_verifier(report["verifier"].get<std::string>());
  ASSERT_TRUE(verifier.ok());
  EXPECT_EQ(verifier->public_key, checkpoints_->verifier().public_key);
  const auto& lines = report["lines"];
  ASSERT_GE(lines.size(), 2u);
  std::size_t proved = 0, unproved = 0;
  bool nurse_read = false;
  for (const auto& l : lines) {
    if (l["proof"].is_null()) {
      ++unproved;
      EXPECT_FALSE(l["proof_holds"].get<bool>());
      continue;
    }
    ++proved;
    // Check the proof as an outsider would: the entry's hash is the leaf's, the path leads from
    // the leaf to the root the signed checkpoint names.
    const auto& p = l["proof"];
    EXPECT_EQ(p["event"]["id"], l["event_id"]);
    EXPECT_EQ(p["event"]["purpose"], l["purpose"]);
    auto leaf = governance::merkle::from_hex(p["leaf_hash"].get<std::string>());
    auto root = governance::merkle::from_base64(p["root"].get<std::string>());
    ASSERT_TRUE(leaf && root);
    std::vector<governance::merkle::Hash> path;
    for (const auto& h : p["path"])
      path.push_back(governance::merkle::from_hex(h.get<std::string>()).value());
    EXPECT_TRUE(governance::merkle::verify_inclusion(p["leaf_index"].get<std::uint64_t>(),
                                                     p["tree_size"].get<std::uint64_t>(), *leaf,
                                                     path, *root));
    EXPECT_EQ(governance::audit_leaf(p["hash"].get<std::string>()), *leaf);
    EXPECT_TRUE(l["proof_holds"].get<bool>());
    EXPECT_NE(p["checkpoint"].get<std::string>().find(p["root"].get<std::string>()),
              std::string::npos);
    if (l["role"] == "district_nurse") {
      nurse_read = true;
      EXPECT_EQ(l["purpose"], "TREAT");
      EXPECT_EQ(l["purpose_display"], "Direct care");
    }
  }
  EXPECT_TRUE(nurse_read);
  EXPECT_GE(proved, 1u);
  EXPECT_GE(unproved, 1u);  // the read after the checkpoint, and the report's own event
  // An insider rewrites why the nurse looked: the line is no longer proved.
  std::int64_t nurse_event = 0;
  for (const auto& l : lines)
    if (l["role"] == "district_nurse" && !l["proof"].is_null())
      nurse_event = l["event_id"].get<std::int64_t>();
  ASSERT_NE(nurse_event, 0);
  db->access_log().execute("UPDATE access_events SET purpose = 'SAFEGUARD' WHERE id = ?",
                           {nurse_event});
  unproved = 0;
  auto rewritten = json::parse(
      c.send(http::verb::get, "/api/v1/persons/" + pid + "/access-report", "", guardian).body);
  for (const auto& l : rewritten["lines"])
    if (l["event_id"] == nurse_event && l["trail"] == "access") {
      EXPECT_EQ(l["purpose"], "SAFEGUARD");
      EXPECT_FALSE(l["proof_holds"].get<bool>());
      ++unproved;
    }
  EXPECT_EQ(unproved, 1u);
  db->access_log().execute("UPDATE access_events SET purpose = 'TREAT' WHERE id = ?",
                           {nurse_event});  // as it was, for the tests that verify the log
  // For print: the same lines, HTML, every text escaped.
  auto html = c.send(http::verb::get, "/api/v1/persons/" + pid + "/access-report?format=html", "",
                     guardian);
  ASSERT_EQ(html.status, 200);
  EXPECT_NE(html.body.find("<h1>Who looked at the record of person " + pid + "</h1>"),
            std::string::npos);
  EXPECT_NE(html.body.find("not yet in a signed checkpoint"), std::string::npos);
  EXPECT_NE(html.body.find("Direct care <code>TREAT</code>"), std::string::npos);
  EXPECT_EQ(
      c.send(http::verb::get, "/api/v1/persons/" + pid + "/access-report?format=pdf", "", guardian)
          .status,
      400);
}

TEST_F(ServerTest, ATeamWithAPendingReferralReadsThatReferralAndNoOther) {
  auto db = pool_->acquire();
  GateWorld g = gate_world(*db, {"dnurse"});
  Client c(server_->port());
  std::string nurse = sign_in(c, "dnurse"), social = sign_in(c, "sworker");
  auto to_social = c.send(
      http::verb::post, "/api/v1/referrals",
      json{{"person_id", g.person}, {"to_team_id", g.sw_team}, {"reason", "Personal care at home"}}
          .dump(),
      nurse);
  auto to_mental = c.send(http::verb::post, "/api/v1/referrals",
                          json{{"person_id", g.person},
                               {"to_team_id", g.mh_team},
                               {"reason", "Disclosed thoughts of self-harm"}}
                              .dump(),
                          nurse);
  ASSERT_EQ(to_social.status, 201);
  ASSERT_EQ(to_mental.status, 201);
  auto own = c.send(
      http::verb::get,
      "/api/v1/referrals/" + std::to_string(json::parse(to_social.body)["id"].get<std::int64_t>()),
      "", social);
  EXPECT_EQ(own.status, 200) << own.body;
  auto other = c.send(
      http::verb::get,
      "/api/v1/referrals/" + std::to_string(json::parse(to_mental.body)["id"].get<std::int64_t>()),
      "", social);
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_EQ(other.body.find("self-harm"), std::string::npos);
  // The summary (triage) is open to the team the referral waits with.
  EXPECT_EQ(
      c.send(http::verb::get, "/api/v1/persons/" + std::to_string(g.person), "", social).status,
      200);
}

TEST_F(ServerTest, TheDisclosureRuleIsTheAreasNotTheReaders) {
  Client c(server_->port());
  std::string analyst = sign_in(c, "commissioner");
  auto chosen = c.send(http::verb::get, "/api/v1/jsna?disclosure=one-to-five", "", analyst);
  EXPECT_EQ(chosen.status, 400) << chosen.body;
  EXPECT_NE(json::parse(chosen.body)["error"]["message"].get<std::string>().find("disclosure"),
            std::string::npos);
}

TEST_F(ServerTest, TheSharedCareRecordOverHttp) {
  auto db = pool_->acquire();
  std::int64_t dn_team = team_of(*db, "dnurse"), sw_team = team_of(*db, "sworker");
  // A person put on the district nurse's caseload, unknown to social work.
  auto person = db->query_integer(
      "SELECT p.id FROM persons p WHERE NOT EXISTS (SELECT 1 FROM involvements j WHERE j.person_id "
      "= p.id AND j.team_id IN (?, ?)) "
      "AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.person_id = p.id) ORDER BY p.id LIMIT 1",
      {dn_team, sw_team});
  ASSERT_TRUE(person.has_value());
  db->execute(
      "INSERT INTO involvements (person_id, team_id, service, started_at) VALUES (?, ?, "
      "'district_nursing', '2026-01-05T09:00:00Z')",
      {*person, dn_team});
  std::string pid = std::to_string(*person);
  auto audit_before =
      db->access_log().query_integer("SELECT COUNT(*) FROM access_events").value_or(0);

  Client c(server_->port());
  std::string nurse = sign_in(c, "dnurse"), social = sign_in(c, "sworker"),
              guardian = sign_in(c, "caldicott");
  auto summary = c.send(http::verb::get, "/api/v1/persons/" + pid, "", nurse);
  ASSERT_EQ(summary.status, 200) << summary.body;
  auto s = json::parse(summary.body);
  EXPECT_EQ(s["relationship"], "active");
  EXPECT_FALSE(s["known_to"]["organisations"].empty());
  // The read was audited before the answer left (group commit).
  EXPECT_GT(db->access_log().query_integer("SELECT COUNT(*) FROM access_events").value_or(0),
            audit_before);

  // Social work may not read the record yet.
  auto refused = c.send(http::verb::get, "/api/v1/persons/" + pid + "/notes", "", social);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(json::parse(refused.body)["error"]["code"], "forbidden");

  auto sent = c.send(http::verb::post, "/api/v1/referrals",
                     json{{"person_id", *person},
                          {"to_team_id", sw_team},
                          {"service_requested", "social care assessment"},
                          {"reason", "Needs help with personal care"}}
                         .dump(),
                     nurse);
  ASSERT_EQ(sent.status, 201) << sent.body;
  std::string rid = std::to_string(json::parse(sent.body)["id"].get<std::int64_t>());
  auto inbox = json::parse(
      c.send(http::verb::get,
             "/api/v1/teams/" + std::to_string(sw_team) + "/inbox?status=sent&limit=200", "",
             social)
          .body);
  bool listed = false;
  for (const auto& r : inbox["items"])
    listed = listed || std::to_string(r["id"].get<std::int64_t>()) == rid;
  EXPECT_TRUE(listed) << inbox.dump();
  auto bad = c.send(http::verb::post, "/api/v1/referrals/" + rid + "/complete", "{}", social);
  EXPECT_EQ(bad.status, 409);
  EXPECT_EQ(json::parse(bad.body)["error"]["code"], "conflict");
  auto accepted = c.send(http::verb::post, "/api/v1/referrals/" + rid + "/accept", "{}", social);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(json::parse(accepted.body)["status"], "accepted");
  EXPECT_EQ(c.send(http::verb::get, "/api/v1/persons/" + pid + "/notes", "", social).status, 200);
  EXPECT_EQ(
      json::parse(c.send(http::verb::get, "/api/v1/referrals/" + rid, "", nurse).body)["status"],
      "accepted");

  // A note, and bad input naming its field.
  auto note = c.send(
      http::verb::post, "/api/v1/persons/" + pid + "/notes",
      json{{"category", "visit"}, {"sensitivity", "normal"}, {"body", "Assessed at home."}}.dump(),
      social);
  EXPECT_EQ(note.status, 201) << note.body;
  auto bad_note =
      c.send(http::verb::post, "/api/v1/persons/" + pid + "/notes",
             json{{"category", "visit"}, {"sensitivity", "secret"}, {"body", "x"}}.dump(), social);
  EXPECT_EQ(bad_note.status, 400);
  EXPECT_NE(json::parse(bad_note.body)["error"]["message"].get<std::string>().find("sensitivity"),
            std::string::npos);

  // Break-glass for somebody unknown to the nurse's team raises an alert the guardian sees.
  auto stranger = db->query_integer(
      "SELECT p.id FROM persons p WHERE NOT EXISTS (SELECT 1 FROM involvements i WHERE i.person_id "
      "= p.id "
      "AND i.team_id = ?) ORDER BY p.id DESC LIMIT 1",
      {dn_team});
  ASSERT_TRUE(stranger.has_value());
  std::string sid = std::to_string(*stranger);
  EXPECT_EQ(c.send(http::verb::get, "/api/v1/persons/" + sid, "", nurse).status, 403);
  auto glass = c.send(http::verb::post, "/api/v1/persons/" + sid + "/break-glass",
                      json{{"reason", "Found unwell at a neighbour's house"}}.dump(), nurse);
  ASSERT_EQ(glass.status, 201) << glass.body;
  EXPECT_EQ(c.send(http::verb::get, "/api/v1/persons/" + sid, "", nurse).status, 200);
  auto alerts =
      json::parse(c.send(http::verb::get, "/api/v1/alerts?status=open", "", guardian).body);
  bool raised = false;
  for (const auto& a : alerts["items"])
    raised = raised || (a["person_id"] == *stranger && a["kind"] == "break_glass");
  EXPECT_TRUE(raised);
  auto looked = json::parse(
      c.send(http::verb::get, "/api/v1/persons/" + sid + "/access-log", "", guardian).body);
  ASSERT_FALSE(looked["items"].empty());
  EXPECT_EQ(looked["items"][0]["user"],
            "Carol Guardian");  // looking is itself recorded, newest first
  // Both trails, as one: the nurse's break-glass (a change: the record trail) and her reads (the
  // access trail), newest first.
  bool nurse_broke_glass = false, nurse_read = false;
  for (const auto& e : looked["items"]) {
    nurse_broke_glass =
        nurse_broke_glass ||
        (e["user"] == "Dana Nurse" && e["action"] == "break_glass" && e["trail"] == "record");
    nurse_read = nurse_read ||
                 (e["user"] == "Dana Nurse" && e["action"] == "read" && e["trail"] == "access");
  }
  EXPECT_TRUE(nurse_broke_glass);
  EXPECT_TRUE(nurse_read);
  for (std::size_t i = 1; i < looked["items"].size(); ++i)
    EXPECT_GE(looked["items"][i - 1]["at"].get<std::string>(),
              looked["items"][i]["at"].get<std::string>());
  EXPECT_EQ(c.send(http::verb::get, "/api/v1/persons/" + sid + "/access-log", "", nurse).status,
            403);
  auto verified = json::parse(c.send(http::verb::get, "/api/v1/audit/verify", "", guardian).body);
  EXPECT_TRUE(verified["intact"].get<bool>());
  EXPECT_GT(verified["record_events"].get<std::int64_t>(), 0);
  EXPECT_GT(verified["access_events"].get<std::int64_t>(), 0);
  EXPECT_EQ(verified["events"].get<std::int64_t>(),
            verified["record_events"].get<std::int64_t>() +
                verified["access_events"].get<std::int64_t>());
  auto reads_only = json::parse(
      c.send(http::verb::get, "/api/v1/audit?trail=access&person_id=" + sid, "", guardian).body);
  ASSERT_FALSE(reads_only["items"].empty());
  for (const auto& e : reads_only["items"]) EXPECT_EQ(e["trail"], "access");
  EXPECT_EQ(c.send(http::verb::get, "/api/v1/audit?trail=everything", "", guardian).status, 400);
  auto found = json::parse(
      c.send(http::verb::get, "/api/v1/persons?nhs_number=" + s["nhs_number"].get<std::string>(),
             "", nurse)
          .body);
  if (!s["nhs_number"].get<std::string>().empty()) {
    ASSERT_FALSE(found["items"].empty());
    EXPECT_EQ(found["items"][0]["person_id"], *person);
  }
}

// Whether `value` has the form `schema` gives: the JSON Schema keywords the API's description
// uses (type, enum, required, properties, items, additionalProperties, minimum, maximum, $ref).
// Returns the first difference, with its JSON path, or "".
std::string schema_difference(const json& doc, const json& schema, const json& value,
                              const std::string& at) {
  if (schema.contains("$ref")) {
    std::string ref = schema["$ref"];
    const std::string prefix = "#/components/schemas/";
    if (ref.rfind(prefix, 0) != 0 ||
        !doc["components"]["schemas"].contains(ref.substr(prefix.size())))
      return at + ": unresolved " + ref;
    return schema_difference(doc, doc["components"]["schemas"][ref.substr(prefix.size())], value,
                             at);
  }
  if (schema.contains("type")) {
    auto is = [&](const std::string& t) {
      return (t == "object" && value.is_object()) || (t == "array" && value.is_array()) ||
             (t == "string" && value.is_string()) || (t == "boolean" && value.is_boolean()) ||
             (t == "integer" && value.is_number_integer()) ||
             (t == "number" && value.is_number()) || (t == "null" && value.is_null());
    };
    bool ok = false;
    if (schema["type"].is_array()) {
      for (const auto& t : schema["type"]) ok = ok || is(t.get<std::string>());
    } else {
      ok = is(schema["type"].get<std::string>());
    }
    if (!ok) return at + ": not " + schema["type"].dump() + ": " + value.dump().substr(0, 80);
  }
  if (schema.contains("enum") &&
      std::find(schema["enum"].begin(), schema["enum"].end(), value) == schema["enum"].end())
    return at + ": not one of " + schema["enum"].dump();
  if (value.is_number() && schema.contains("minimum") && value < schema["minimum"])
    return at + ": below the minimum";
  if (value.is_number() && schema.contains("maximum") && value > schema["maximum"])
    return at + ": above the maximum";
  if (value.is_object()) {
    for (const auto& r : schema.value("required", json::array()))
      if (!value.contains(r.get<std::string>())) return at + ": no " + r.get<std::string>();
    for (const auto& [k, v] : value.items()) {
      const json* sub = nullptr;
      if (schema.contains("properties") && schema["properties"].contains(k))
        sub = &schema["properties"][k];
      else if (schema.contains("additionalProperties") &&
               schema["additionalProperties"].is_object())
        sub = &schema["additionalProperties"];
      if (sub)
        if (auto d = schema_difference(doc, *sub, v, at + "." + k); !d.empty()) return d;
    }
  }
  if (value.is_array() && schema.contains("items"))
    for (std::size_t i = 0; i < value.size(); ++i)
      if (auto d =
              schema_difference(doc, schema["items"], value[i], at + "[" + std::to_string(i) + "]");
          !d.empty())
        return d;
  return "";
}

void collect_refs(const json& j, std::vector<std::string>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (k == "$ref" && v.is_string()) out.push_back(v);
      collect_refs(v, out);
    }
  } else if (j.is_array()) {
    for (const auto& v : j) collect_refs(v, out);
  }
}

// A person's notes come a page at a time, newest first, and only the notes shown are audited
// as read (a person with years of notes made every read of the list a read of all of them).
TEST_F(ServerTest, NotesComeAPageAtATimeAndOnlyThoseShownAreAudited) {
  Client c(server_->port());
  const std::string nurse = sign_in(c, "dnurse");
  std::int64_t person = 0;
  {
    auto db = pool_->acquire();
    person = db->query_integer(
                   "SELECT MIN(person_id) FROM involvements WHERE team_id = ? AND ended_at IS NULL",
                   {team_of(*db, "dnurse")})
                 .value();
  }
  const std::string notes = "/api/v1/persons/" + std::to_string(person) + "/notes";
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(
        c.send(http::verb::post, notes,
               json{{"category", "visit"}, {"body", "Visit " + std::to_string(i)}}.dump(), nurse)
            .status,
        201);
  auto read_events = [&] {
    auto db = pool_->acquire();
    return db->access_log()
        .query_integer(
            "SELECT COUNT(*) FROM access_events WHERE record_type = 'case_note' AND person_id = ?",
            {person})
        .value_or(0);
  };
  const auto before = read_events();
  auto first = json::parse(c.send(http::verb::get, notes + "?limit=2", "", nurse).body);
  ASSERT_EQ(first["items"].size(), 2u);
  EXPECT_EQ(first["limit"], 2);
  EXPECT_EQ(first["items"][0]["body"], "Visit 2");
  EXPECT_EQ(first["items"][1]["body"], "Visit 1");
  EXPECT_EQ(read_events(), before + 2);
  auto next = json::parse(c.send(http::verb::get, notes + "?offset=2&limit=1", "", nurse).body);
  ASSERT_EQ(next["items"].size(), 1u);
  EXPECT_EQ(next["offset"], 2);
  EXPECT_EQ(next["items"][0]["body"], "Visit 0");
  EXPECT_EQ(read_events(), before + 3);
  EXPECT_EQ(json::parse(c.send(http::verb::get, notes + "?limit=100000", "", nurse).body)["limit"],
            500);
}

// The OpenAPI description is the route table: every route the server answers is in it, every
// operation in it is answered (with a status it documents, and a body of the schema it gives),
// and a path it does not describe is not answered.
TEST_F(ServerTest, TheOpenApiDescriptionIsWhatTheServerAnswers) {
  Client c(server_->port());
  auto described = c.send(http::verb::get, "/api/v1/openapi.json");
  ASSERT_EQ(described.status, 200);
  const json doc = json::parse(described.body);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  std::vector<std::string> refs;
  collect_refs(doc, refs);
  EXPECT_GT(refs.size(), 100u);
  for (const auto& r : refs) {
    auto name = r.substr(r.rfind('/') + 1);
    bool schema =
        r.rfind("#/components/schemas/", 0) == 0 && doc["components"]["schemas"].contains(name);
    bool parameter = r.rfind("#/components/parameters/", 0) == 0 &&
                     doc["components"]["parameters"].contains(name);
    EXPECT_TRUE(schema || parameter) << "unresolved " << r;
  }
  std::size_t operations = 0;
  for (const auto& [path, item] : doc["paths"].items())
    for (const auto& [method, op] : item.items())
      if (method != "parameters") ++operations;
  EXPECT_EQ(operations,
            static_cast<std::size_t>(std::count_if(all_routes().begin(), all_routes().end(),
                                                   [](const Route& r) { return !is_fhir(r); })));
  EXPECT_GE(operations, 65u);  // the routes the web app, the CLI's clients and the tests use

  // Records to name in the paths: a person on the nurse's caseload and ids of each kind.
  std::map<std::string, std::int64_t> ids;
  std::map<std::string, std::string> queries;
  std::map<std::string, int> failing;
  {
    auto db = pool_->acquire();
    auto team =
        db->query_integer("SELECT team_id FROM staff_users WHERE username = 'dnurse'").value();
    ids["persons"] = db->query_integer(
                           "SELECT MIN(person_id) FROM involvements WHERE team_id = ? AND ended_at "
                           "IS NULL",
                           {team})
                         .value();
    ids["teams"] = team;
    ids["referrals"] =
        db->query_integer("SELECT MIN(id) FROM referrals WHERE to_team_id = ?", {team}).value();
    ids["chc"] =
        db->query_integer("SELECT MIN(id) FROM chc_cases WHERE person_id = ?", {ids["persons"]})
            .value_or(999'999'999);
    queries["/api/v1/persons"] =
        "nhs_number=" +
        db->query_text("SELECT nhs_number FROM persons WHERE id = ?", {ids["persons"]}).value();
    std::string pool = std::to_string(db->query_integer("SELECT MIN(id) FROM pools").value());
    queries["/api/v1/budgets/statement"] = queries["/api/v1/budgets/localities"] =
        "pool=" + pool + "&month=2025-09";
    queries["/api/v1/budgets/practices"] = "month=2025-09";
    // Reads that cannot succeed here, and why: a commissioner may not open the record behind a
    // pseudonym; the person may have no CHC case, and this area has set no notional budgets.
    failing["/api/v1/casecommittee/identify"] = 403;
    if (ids["chc"] == 999'999'999) failing["/api/v1/chc/{id}"] = 404;
    if (!db->query_integer("SELECT COUNT(*) FROM notional_budgets").value())
      failing["/api/v1/budgets/practices"] = 400;
  }
  const std::string nurse = sign_in(c, "dnurse"), commissioner = sign_in(c, "commissioner"),
                    guardian = sign_in(c, "caldicott");
  std::size_t read_ok = 0;
  for (const Route& route : all_routes()) {
    if (is_fhir(route)) continue;  // described by its CapabilityStatement (the FHIR tests)
    std::string path(route.pattern), root = path.size() > 8 ? path.substr(8) : "";
    root = root.substr(0, root.find('/'));
    const bool change = route.method != "GET";
    // A change names a record that is not there (nothing changes); a read one that is.
    std::int64_t id = change ? 999'999'999 : (ids.count(root) ? ids[root] : 1);
    if (auto at = path.find("{id}"); at != std::string::npos)
      path.replace(at, 4, std::to_string(id));
    std::string token = nurse;
    if (route.kind == RouteKind::Report || route.kind == RouteKind::EngineReport ||
        route.kind == RouteKind::Conformance || route.kind == RouteKind::Identify)
      token = commissioner;
    if (root == "audit" || root == "alerts" || path.find("access-") != std::string::npos)
      token = guardian;
    if (route.kind == RouteKind::SignOut) token = sign_in(c, "dnurse");
    std::string body = change && route.kind != RouteKind::SignIn ? "not json" : "";
    if (route.kind == RouteKind::SignIn)
      body = json{{"username", "gp"}, {"password", "jointcare-demo"}}.dump();
    http::verb verb = http::string_to_verb(std::string(route.method));
    if (queries.count(std::string(route.pattern)))
      path += "?" + queries[std::string(route.pattern)];
    Reply r = c.send(verb, path, body, route.kind == RouteKind::SignIn ? "" : token);
    if (route.pattern == "/api/v1/casecommittee" && r.status == 200)  // a pseudonym to open
      queries["/api/v1/casecommittee/identify"] =
          "person=" +
          json::parse(r.body)["localities"][0]["agenda"][0]["person"].get<std::string>();
    std::string m(route.method);
    for (auto& ch : m) ch = static_cast<char>(std::tolower(ch));
    const json& op = doc["paths"][std::string(route.pattern)][m];
    ASSERT_TRUE(op.is_object()) << route.method << " " << route.pattern << " is not described";
    EXPECT_TRUE(op["responses"].contains(std::to_string(r.status)))
        << route.method << " " << path << " answered " << r.status << ", undocumented: " << r.body;
    if (r.status == route.status && !route.response.empty() && route.media == "application/json") {
      json body_json = json::parse(r.body, nullptr, false);
      ASSERT_FALSE(body_json.is_discarded()) << path;
      EXPECT_EQ(
          schema_difference(
              doc,
              op["responses"][std::to_string(r.status)]["content"]["application/json"]["schema"],
              body_json, "$"),
          "")
          << route.method << " " << path;
      if (!change) ++read_ok;
    } else if (r.status >= 400) {
      if (!change) {
        const std::string pattern(route.pattern);
        EXPECT_EQ(r.status, failing.count(pattern) ? failing[pattern] : route.status)
            << path << ": " << r.body;
      }
      EXPECT_EQ(schema_difference(doc, json{{"$ref", "#/components/schemas/Error"}},
                                  json::parse(r.body, nullptr, false), "$"),
                "")
          << route.method << " " << path;
    }
  }
  // Every read answered its success, checked against its schema, but those that cannot here.
  std::size_t reads = 0;
  for (const Route& route : all_routes())
    if (!is_fhir(route) && route.method == "GET" && route.media == "application/json" &&
        !route.response.empty())
      ++reads;
  EXPECT_EQ(read_ok, reads - failing.size());

  // What the description does not have, the server does not answer.
  for (auto [verb, path] : {std::pair{http::verb::put, "/api/v1/persons/1"},
                            {http::verb::delete_, "/api/v1/referrals/1"},
                            {http::verb::patch, "/api/v1/notes/1/versions"},
                            {http::verb::post, "/healthz"}}) {
    auto r = c.send(verb, path, "{}", nurse);
    EXPECT_EQ(r.status, 405) << path;
    EXPECT_FALSE(r.header("Allow").empty()) << path;
  }
  for (const char* path : {"/api/v1/persons/1/shoe-size", "/api/v1/nothing", "/api/v2/persons"})
    EXPECT_EQ(c.send(http::verb::get, path, "", nurse).status, 404) << path;
}

// ---- FHIR R4 ----------------------------------------------------------------------------------

// The first issue of an OperationOutcome, checked to be one.
json fhir_issue(const Reply& r) {
  EXPECT_NE(r.header("Content-Type").find("application/fhir+json"), std::string::npos);
  auto j = json::parse(r.body);
  EXPECT_EQ(j["resourceType"], "OperationOutcome") << r.body;
  return j["issue"][0];
}

// Access events of one kind of record by one user.
std::int64_t access_events(store::Database& db, const std::string& record_type,
                           const std::string& record_id, const std::string& username) {
  auto user = db.query_integer("SELECT id FROM staff_users WHERE username = ?", {username}).value();
  std::int64_t n = 0;
  for (std::size_t i = 0; i < db.access_log_parts(); ++i)
    n += db.access_log(i)
             .query_integer(
                 "SELECT COUNT(*) FROM access_events WHERE record_type = ? AND record_id = ? AND "
                 "user_id = ? AND outcome = 'success'",
                 {record_type, record_id, user})
             .value_or(0);
  return n;
}

TEST_F(ServerTest, FhirAnswersItsCapabilitiesAndErrorsAsFhir) {
  Client c(server_->port());
  auto meta = c.send(http::verb::get, "/fhir/R4/metadata");  // no sign-in needed
  ASSERT_EQ(meta.status, 200) << meta.body;
  EXPECT_NE(meta.header("Content-Type").find("application/fhir+json"), std::string::npos);
  auto cs = json::parse(meta.body);
  EXPECT_EQ(cs["resourceType"], "CapabilityStatement");
  EXPECT_EQ(cs["fhirVersion"], "4.0.1");
  std::set<std::string> patient_params;
  for (const auto& r : cs["rest"][0]["resource"])
    if (r["type"] == "Patient")
      for (const auto& p : r["searchParam"]) patient_params.insert(p["name"].get<std::string>());
  for (const char* p : {"identifier", "birthdate", "family", "given", "gender",
                        "address-postalcode", "organization", "_id"})
    EXPECT_TRUE(patient_params.count(p)) << p;

  // Not signed in: 401 with the challenge, as an OperationOutcome.
  auto anonymous = c.send(http::verb::get, "/fhir/R4/Patient?identifier=9434765919");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.header("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(fhir_issue(anonymous)["code"], "login");

  const std::string nurse = sign_in(c);
  // What the server has not: 404; a method the path does not answer: 405 with Allow; a format
  // other than JSON: 406. Never the web page.
  for (const char* path :
       {"/fhir/R4/Unknown", "/fhir/R4/Patient/abc", "/fhir/R4/Patient/1/x", "/fhir/R4", "/fhir"}) {
    auto r = c.send(http::verb::get, path, "", nurse);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(fhir_issue(r)["code"], "not-found") << path;
  }
  auto post = c.send(http::verb::delete_, "/fhir/R4/Patient/1", "", nurse);
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.header("Allow"), "GET");
  EXPECT_EQ(fhir_issue(post)["code"], "not-supported");
  EXPECT_EQ(c.send(http::verb::get, "/fhir/R4/metadata?_format=xml").status, 406);

  // Bad search values name their parameter.
  auto bad = c.send(http::verb::get, "/fhir/R4/Patient?identifier=9434765918", "", nurse);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(fhir_issue(bad)["expression"][0], "identifier") << bad.body;
  auto bad_date = c.send(http::verb::get, "/fhir/R4/Patient?birthdate=1950-02-30", "", nurse);
  EXPECT_EQ(bad_date.status, 400);
  EXPECT_EQ(fhir_issue(bad_date)["expression"][0], "birthdate");
  auto unbounded = c.send(http::verb::get, "/fhir/R4/Patient?family=Smith", "", nurse);
  EXPECT_EQ(unbounded.status, 400);  // nothing that narrows the search enough
  // An unknown parameter: an error when the client asks for strict handling, else left out.
  http::request<http::string_body> strict{http::verb::get,
                                          "/fhir/R4/Patient?identifier=9434765919&colour=blue", 11};
  strict.set(http::field::host, "127.0.0.1");
  strict.set(http::field::authorization, "Bearer " + nurse);
  strict.set("Prefer", "handling=strict");
  auto strict_reply = exchange(server_->port(), strict);
  EXPECT_EQ(strict_reply.status, 400);
  EXPECT_EQ(fhir_issue(strict_reply)["expression"][0], "colour");
  auto lenient =
      c.send(http::verb::get, "/fhir/R4/Patient?identifier=9434765919&colour=blue", "", nurse);
  ASSERT_EQ(lenient.status, 200) << lenient.body;
  auto self = json::parse(lenient.body)["link"][0];
  EXPECT_EQ(self["relation"], "self");
  EXPECT_EQ(self["url"].get<std::string>().find("colour"), std::string::npos);
}

TEST_F(ServerTest, FhirPatientsAreEachOrganisationsRecordsUnderTheGate) {
  Client c(server_->port());
  GateWorld g;
  std::string nhs;
  std::vector<std::int64_t> records;  // the person's records with that NHS number, by id
  {
    auto db = pool_->acquire();
    g = gate_world(*db, {"dnurse", "sworker"});
    // The person's records all carry an NHS number of their own, verified, that no other
    // record has.
    for (int k = 0; nhs.empty(); ++k) {
      std::string nine = std::to_string(600'000'000 + k);
      auto d = NhsNumber::check_digit(nine);
      if (d && !db->query_integer("SELECT 1 FROM local_records WHERE nhs_number = ?",
                                  {nine + std::to_string(*d)}))
        nhs = nine + std::to_string(*d);
    }
    db->execute(
        "UPDATE local_records SET nhs_number = ?, nhs_number_status = '01' WHERE "
        "person_id = ?",
        {nhs, g.person});
    // And a record at the trust (the nurse's organisation) and at the council (social work's)
    // where it has none.
    const std::int64_t dn_org =
        db->query_integer("SELECT organisation_id FROM teams WHERE id = ?", {g.dn_team}).value();
    for (std::int64_t org : {dn_org, g.sw_org})
      if (!db->query_integer(
              "SELECT 1 FROM local_records WHERE person_id = ? AND organisation_id = ?",
              {g.person, org}))
        db->execute(
            "INSERT INTO local_records (organisation_id, source_system, local_id, nhs_number, "
            "nhs_number_status, given_name, family_name, birth_date, sex, address, postcode, "
            "person_id) SELECT ?, 'Test', 'FHIR-TEST-' || CAST(? AS TEXT), nhs_number, '01', "
            "given_name, family_name, birth_date, sex, address, postcode, person_id FROM "
            "local_records WHERE person_id = ? ORDER BY id LIMIT 1",
            {org, org, g.person});
    db->query("SELECT id FROM local_records WHERE person_id = ? ORDER BY id", {g.person},
              [&](const store::Row& r) { records.push_back(r.integer(0)); });
  }
  ASSERT_GE(records.size(), 2u);
  const std::string nurse = sign_in(c, "dnurse");
  const std::string search =
      "/fhir/R4/Patient?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C" + nhs;
  auto found = c.send(http::verb::get, search, "", nurse);
  ASSERT_EQ(found.status, 200) << found.body;
  auto bundle = json::parse(found.body);
  EXPECT_EQ(bundle["resourceType"], "Bundle");
  EXPECT_EQ(bundle["type"], "searchset");
  EXPECT_EQ(bundle["total"], records.size());
  ASSERT_EQ(bundle["entry"].size(), records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& p = bundle["entry"][i]["resource"];
    EXPECT_EQ(p["id"], std::to_string(records[i]));
    EXPECT_EQ(bundle["entry"][i]["fullUrl"],
              "http://127.0.0.1/fhir/R4/Patient/" + std::to_string(records[i]));
    // The record as the database holds it, in UK Core's terms.
    auto db = pool_->acquire();
    std::string org, sex, birth, family, postcode;
    db->query(
        "SELECT organisation_id, sex, COALESCE(birth_date, ''), family_name, postcode FROM "
        "local_records WHERE id = ?",
        {records[i]}, [&](const store::Row& r) {
          org = std::to_string(r.integer(0));
          sex = r.text(1), birth = r.text(2), family = r.text(3), postcode = r.text(4);
        });
    EXPECT_EQ(p["managingOrganization"]["reference"], "Organization/" + org);
    EXPECT_EQ(p["gender"], sex);
    if (!birth.empty()) {
      EXPECT_EQ(p["birthDate"], birth);
    }
    EXPECT_EQ(p["name"][0]["family"], family);
    EXPECT_EQ(p["address"][0]["postalCode"], postcode);
    const auto& id = p["identifier"][0];
    EXPECT_EQ(id["system"], "https://fhir.nhs.uk/Id/nhs-number");
    EXPECT_EQ(id["value"], nhs);
    EXPECT_EQ(id["extension"][0]["url"],
              "https://fhir.hl7.org.uk/StructureDefinition/"
              "Extension-UKCore-NHSNumberVerificationStatus");
    EXPECT_EQ(id["extension"][0]["valueCodeableConcept"]["coding"][0]["code"], "01");
    EXPECT_EQ(id["extension"][0]["valueCodeableConcept"]["coding"][0]["display"],
              "Number present and verified");
    // Each one read on its own is the same resource.
    auto read =
        c.send(http::verb::get, "/fhir/R4/Patient/" + std::to_string(records[i]), "", nurse);
    ASSERT_EQ(read.status, 200) << read.body;
    EXPECT_EQ(json::parse(read.body), p);
  }
  // Every record shown was audited as a read of that patient by the nurse (search and read).
  {
    auto db = pool_->acquire();
    for (auto id : records)
      EXPECT_EQ(access_events(*db, "patient", std::to_string(id), "dnurse"), 2) << id;
  }
  // Paging: a page at a time, the next link carrying on after the last shown.
  auto first = json::parse(c.send(http::verb::get, search + "&_count=1", "", nurse).body);
  ASSERT_EQ(first["entry"].size(), 1u);
  EXPECT_EQ(first["total"], records.size());
  std::string next;
  for (const auto& l : first["link"])
    if (l["relation"] == "next") next = l["url"];
  ASSERT_FALSE(next.empty()) << first.dump();
  auto second = json::parse(
      c.send(http::verb::get, next.substr(std::string("http://127.0.0.1").size()), "", nurse).body);
  ASSERT_EQ(second["entry"].size(), 1u);
  EXPECT_EQ(second["entry"][0]["resource"]["id"], std::to_string(records[1]));

  // The Person links the records the reader may see.
  auto person = c.send(http::verb::get, "/fhir/R4/Person/" + std::to_string(g.person), "", nurse);
  ASSERT_EQ(person.status, 200) << person.body;
  auto pj = json::parse(person.body);
  EXPECT_EQ(pj["resourceType"], "Person");
  EXPECT_EQ(pj["link"].size(), records.size());

  // A team with no relationship finds nothing, and reading is refused (and audited).
  const std::string stranger = sign_in(c, "hvisitor");
  auto none = json::parse(c.send(http::verb::get, search, "", stranger).body);
  EXPECT_EQ(none["total"], 0);
  auto refused =
      c.send(http::verb::get, "/fhir/R4/Patient/" + std::to_string(records[0]), "", stranger);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(fhir_issue(refused)["code"], "forbidden");

  // The nurse's trust withdraws its sharing: social work (another organisation, on the caseload
  // too) no longer finds or reads the trust's record, and still its own organisation's.
  ASSERT_EQ(
      record_consent(
          c, std::to_string(g.person),
          pool_->acquire()
              ->query_integer("SELECT organisation_id FROM staff_users WHERE username = 'dnurse'")
              .value(),
          "share_out", false, nurse)
          .status,
      201);
  const std::string sw = sign_in(c, "sworker");
  auto shared = json::parse(c.send(http::verb::get, search, "", sw).body);
  std::set<std::string> seen;
  for (const auto& e : shared.value("entry", json::array()))
    seen.insert(e["resource"]["managingOrganization"]["reference"].get<std::string>());
  const std::string trust =
      "Organization/" + std::to_string(pool_->acquire()
                                           ->query_integer("SELECT organisation_id FROM "
                                                           "staff_users WHERE username "
                                                           "= 'dnurse'")
                                           .value());
  EXPECT_EQ(seen.count(trust), 0u) << shared.dump();
  int refused_trust = 0;
  for (auto id : records) {
    auto r = c.send(http::verb::get, "/fhir/R4/Patient/" + std::to_string(id), "", sw);
    auto db = pool_->acquire();
    const bool trusts =
        "Organization/" +
            std::to_string(
                db->query_integer("SELECT organisation_id FROM local_records WHERE id = ?", {id})
                    .value()) ==
        trust;
    EXPECT_EQ(r.status, trusts ? 403 : 200) << id << " " << r.body;
    refused_trust += trusts && r.status == 403;
  }
  EXPECT_GE(refused_trust, 1);
}

TEST_F(ServerTest, FhirReferralsAreServiceRequestsAndTasksUnderTheGate) {
  Client c(server_->port());
  GateWorld g;
  std::int64_t dn_org = 0;
  {
    auto db = pool_->acquire();
    g = gate_world(*db, {"dnurse", "sworker"});
    dn_org =
        db->query_integer("SELECT organisation_id FROM teams WHERE id = ?", {g.dn_team}).value();
  }
  const std::string nurse = sign_in(c, "dnurse"), social = sign_in(c, "sworker");
  auto sent = c.send(http::verb::post, "/api/v1/referrals",
                     json{{"person_id", g.person},
                          {"to_team_id", g.sw_team},
                          {"service_requested", "Care needs assessment"},
                          {"urgency", "urgent"},
                          {"reason", "Struggling with stairs since discharge"}}
                         .dump(),
                     nurse);
  ASSERT_EQ(sent.status, 201) << sent.body;
  const std::string id = std::to_string(json::parse(sent.body)["id"].get<std::int64_t>());
  std::string record, sent_at;
  {
    auto db = pool_->acquire();
    db->query("SELECT local_record_id, sent_at FROM referrals WHERE id = ?", {std::stoll(id)},
              [&](const store::Row& r) {
                record = std::to_string(r.integer(0));
                sent_at = r.text(1);
              });
  }

  // The ServiceRequest: what is asked, of whom, for whom (the NHS Booking and Referral Standard's
  // pairing), and the Task that carries it.
  auto sr = c.send(http::verb::get, "/fhir/R4/ServiceRequest/" + id, "", nurse);
  ASSERT_EQ(sr.status, 200) << sr.body;
  auto s = json::parse(sr.body);
  EXPECT_EQ(s["resourceType"], "ServiceRequest");
  EXPECT_EQ(s["status"], "active");
  EXPECT_EQ(s["intent"], "order");
  EXPECT_EQ(s["priority"], "urgent");
  EXPECT_EQ(s["code"]["text"], "Care needs assessment");
  EXPECT_EQ(s["reasonCode"][0]["text"], "Struggling with stairs since discharge");
  EXPECT_EQ(s["subject"]["reference"], "Patient/" + record);
  EXPECT_EQ(s["authoredOn"], sent_at);
  EXPECT_EQ(s["requester"]["reference"], "Organization/" + std::to_string(dn_org));
  EXPECT_EQ(s["performer"][0]["reference"], "Organization/" + std::to_string(g.sw_org));
  auto task = json::parse(c.send(http::verb::get, "/fhir/R4/Task/" + id, "", social).body);
  EXPECT_EQ(task["resourceType"], "Task");
  EXPECT_EQ(task["status"], "requested");
  EXPECT_EQ(task["businessStatus"]["text"], "sent");
  EXPECT_EQ(task["focus"]["reference"], "ServiceRequest/" + id);
  EXPECT_EQ(task["for"]["reference"], "Patient/" + record);
  EXPECT_EQ(task["owner"]["reference"], "Organization/" + std::to_string(g.sw_org));

  // Social work redirects it to health visiting: this Task is rejected with the reason, and the
  // new referral's ServiceRequest replaces this one.
  auto redirected = c.send(
      http::verb::post, "/api/v1/referrals/" + id + "/redirect",
      json{{"redirect_to_team_id", g.hv_team}, {"reason", "A health visitor leads here"}}.dump(),
      social);
  ASSERT_EQ(redirected.status, 200) << redirected.body;
  const std::string next_id =
      std::to_string(json::parse(redirected.body)["id"].get<std::int64_t>());
  task = json::parse(c.send(http::verb::get, "/fhir/R4/Task/" + id, "", nurse).body);
  EXPECT_EQ(task["status"], "rejected");
  EXPECT_EQ(task["businessStatus"]["text"], "redirected");
  EXPECT_NE(task["statusReason"]["text"].get<std::string>().find("A health visitor leads here"),
            std::string::npos)
      << task.dump();
  EXPECT_EQ(json::parse(
                c.send(http::verb::get, "/fhir/R4/ServiceRequest/" + id, "", nurse).body)["status"],
            "revoked");
  auto next =
      json::parse(c.send(http::verb::get, "/fhir/R4/ServiceRequest/" + next_id, "", nurse).body);
  EXPECT_EQ(next["replaces"][0]["reference"], "ServiceRequest/" + id) << next.dump();
  EXPECT_EQ(next["requester"]["reference"], "Organization/" + std::to_string(g.sw_org));
  EXPECT_EQ(next["performer"][0]["reference"], "Organization/" + std::to_string(g.hv_org));

  // Searches, each narrowing as its parameter says.
  auto ids = [&](const std::string& query, const std::string& token) {
    auto r = c.send(http::verb::get, "/fhir/R4/" + query, "", token);
    EXPECT_EQ(r.status, 200) << query << " " << r.body;
    std::vector<std::string> out;
    for (const auto& e : json::parse(r.body).value("entry", json::array()))
      out.push_back(e["resource"]["id"].get<std::string>());
    return out;
  };
  using V = std::vector<std::string>;
  const std::string patient = "patient=Patient/" + record;
  EXPECT_EQ(ids("ServiceRequest?" + patient, nurse), (V{id, next_id}));
  EXPECT_EQ(ids("ServiceRequest?subject=Patient/" + record, nurse), (V{id, next_id}));
  EXPECT_EQ(ids("ServiceRequest?" + patient + "&status=revoked", nurse), (V{id}));
  EXPECT_EQ(ids("ServiceRequest?" + patient + "&status=active", nurse), (V{next_id}));
  EXPECT_EQ(ids("ServiceRequest?" + patient + "&status=active,revoked", nurse), (V{id, next_id}));
  EXPECT_EQ(ids("ServiceRequest?" + patient + "&status=draft", nurse), V{});
  EXPECT_EQ(
      ids("ServiceRequest?" + patient + "&requester=Organization/" + std::to_string(dn_org), nurse),
      (V{id}));
  EXPECT_EQ(ids("ServiceRequest?" + patient + "&performer=Organization/" + std::to_string(g.hv_org),
                nurse),
            (V{next_id}));
  EXPECT_EQ(ids("ServiceRequest?" + patient + "&authored=" + sent_at.substr(0, 10), nurse),
            (V{id, next_id}));
  EXPECT_EQ(ids("ServiceRequest?" + patient + "&authored=lt2000", nurse), V{});
  EXPECT_EQ(ids("Task?" + patient + "&status=rejected", nurse), (V{id}));
  EXPECT_EQ(ids("Task?" + patient + "&status=requested", nurse), (V{next_id}));
  EXPECT_EQ(ids("Task?focus=ServiceRequest/" + next_id, nurse), (V{next_id}));
  EXPECT_EQ(ids("Task?owner=Organization/" + std::to_string(g.hv_org) + "&" + patient, nurse),
            (V{next_id}));
  EXPECT_EQ(ids("Task?_id=" + id + "&focus=ServiceRequest/" + next_id, nurse), V{});
  // Paging by the cursor.
  auto page = json::parse(
      c.send(http::verb::get, "/fhir/R4/Task?" + patient + "&_count=1", "", nurse).body);
  ASSERT_EQ(page["entry"].size(), 1u);
  EXPECT_EQ(page["total"], 2);
  std::string next_link;
  for (const auto& l : page["link"])
    if (l["relation"] == "next") next_link = l["url"];
  ASSERT_FALSE(next_link.empty()) << page.dump();
  auto second = json::parse(
      c.send(http::verb::get, next_link.substr(std::string("http://127.0.0.1").size()), "", nurse)
          .body);
  ASSERT_EQ(second["entry"].size(), 1u);
  EXPECT_EQ(second["entry"][0]["resource"]["id"], next_id);
  // Every referral a search shows is audited as a read by the one who searched.
  {
    auto db = pool_->acquire();
    EXPECT_GE(access_events(*db, "referral", next_id, "dnurse"), 5);
  }

  // A team with no part in either referral and no relationship finds nothing and reads nothing.
  const std::string mental = sign_in(c, "mhpractitioner");
  EXPECT_EQ(ids("ServiceRequest?" + patient, mental), V{});
  auto refused = c.send(http::verb::get, "/fhir/R4/Task/" + id, "", mental);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(fhir_issue(refused)["code"], "forbidden");

  // Bad searches name their parameter; a search must be narrowed.
  for (const auto& [query, parameter] : std::vector<std::pair<std::string, std::string>>{
           {"ServiceRequest?status=active", ""},
           {"Task?focus=Patient/1", "focus"},
           {"ServiceRequest?patient=Organization/1", "patient"},
           {"ServiceRequest?" + patient + "&authored=2026-13", "authored"},
           {"Task?" + patient + "&authored-on=xx2026", "authored-on"},
           {"ServiceRequest?requester=12abc", "requester"}}) {
    auto r = c.send(http::verb::get, "/fhir/R4/" + query, "", nurse);
    EXPECT_EQ(r.status, 400) << query << " " << r.body;
    if (!parameter.empty()) {
      EXPECT_EQ(fhir_issue(r)["expression"][0], parameter) << query;
    }
  }
  EXPECT_EQ(c.send(http::verb::get, "/fhir/R4/ServiceRequest/999999999", "", nurse).status, 404);
  http::request<http::string_body> strict{http::verb::get,
                                          "/fhir/R4/Task?" + patient + "&performer=x", 11};
  strict.set(http::field::host, "127.0.0.1");
  strict.set(http::field::authorization, "Bearer " + nurse);
  strict.set("Prefer", "handling=strict");
  auto strict_reply = exchange(server_->port(), strict);
  EXPECT_EQ(strict_reply.status, 400);
  EXPECT_EQ(fhir_issue(strict_reply)["expression"][0], "performer");
}

}  // namespace
}  // namespace jc::server
