#include "server/api.h"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/organisation.h"
#include "core/text.h"
#include "insight/plans.h"
#include "insight/scenario.h"
#include "insight/spend.h"
#include "money/budget_json.h"
#include "money/devolved.h"
#include "money/ledger.h"
#include "pathways/report.h"
#include "pathways/store_log.h"
#include "pathways/target_pathway.h"
#include "server/care_api.h"
#include "server/fhir_api.h"
#include "server/http_request.h"
#include "server/log.h"
#include "server/static_files.h"
#include "store/area_repository.h"

namespace jc::server {
namespace {

using nlohmann::json;

HttpResponse json_response(int status, const json& body) {
  return HttpResponse{status, "application/json", body.dump(), {}, {}, {}, {}};
}

HttpResponse error_response(int status, std::string_view code, std::string_view message) {
  return json_response(status, json{{"error", {{"code", code}, {"message", message}}}});
}

// A path the route table has, asked with a method it does not answer.
HttpResponse method_not_allowed(const RouteMatch& match) {
  HttpResponse r =
      error_response(405, "method_not_allowed", "this resource answers " + match.allow);
  r.headers.emplace_back("Allow", match.allow);
  return r;
}

// The purpose of use a request asserts (X-Purpose-Of-Use), left empty when it asserts none; what
// is wrong with it when it is not a code from the list.
std::optional<std::string> asserted_purpose(const HttpRequest& req,
                                            std::optional<governance::Purpose>& purpose) {
  const std::string asserted = req.header("x-purpose-of-use");
  if (asserted.empty()) return std::nullopt;
  purpose = governance::purpose_from_code(asserted);
  if (purpose) return std::nullopt;
  std::string codes;
  for (const auto& c : governance::purposes())
    codes += (codes.empty() ? "" : ", ") + std::string(c.code);
  return "x-purpose-of-use: not a purpose-of-use code (one of " + codes + ")";
}

// Whether a FHIR client will take JSON: _format (json, application/json, application/fhir+json)
// when given, else the Accept header (absent, or naming JSON or any type).
bool takes_fhir_json(const HttpRequest& req) {
  const std::string format = query_value(req.query, "_format");
  if (!format.empty())
    return format == "json" || format == "application/json" || format == "application/fhir+json";
  const std::string accept = req.header("accept");
  return accept.empty() || accept.find("json") != std::string::npos ||
         accept.find("*/*") != std::string::npos;
}

// The answer leaves once the audit writer has committed the reads it shows.
void answer_after_audit(HttpResponse& r, governance::AuditWriter* writer,
                        governance::CollectingAudit& reads) {
  if (reads.empty()) return;
  r.hold = [writer, events = std::make_shared<std::vector<governance::AuditEvent>>(reads.take())](
               std::function<void(bool)> release) {
    writer->submit(std::move(*events), std::move(release));
  };
}

std::string bearer_token(const HttpRequest& req) {
  std::string auth = req.header("authorization");
  if (auth.rfind("Bearer ", 0) == 0) return auth.substr(7);
  return cookie_value(req.header("cookie"), "jc_session").value_or("");
}

// A count in the query: `fallback` when absent, nothing when it is not a whole number from 1 to
// `most`.
std::optional<std::size_t> query_count(const HttpRequest& req, std::string_view name,
                                       std::size_t fallback, std::size_t most) {
  std::string text = query_value(req.query, name);
  if (text.empty()) return fallback;
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 1 || n > most)
    return std::nullopt;
  return n;
}

bool by_bearer(const HttpRequest& req) {
  return req.header("authorization").rfind("Bearer ", 0) == 0;
}

// A request that says it comes from another site (Sec-Fetch-Site, or an Origin other than the
// Host it was sent to) may not change anything: the browser's cookie must not be used by another
// site's page. Returns the refusal's message, or nothing.
std::optional<std::string> cross_site(const HttpRequest& req) {
  std::string site = req.header("sec-fetch-site");
  if (!site.empty() && site != "same-origin" && site != "none")
    return "a request from another site may not change anything here";
  std::string origin = req.header("origin");
  if (!origin.empty()) {
    auto scheme = origin.find("://");
    std::string host = scheme == std::string::npos ? std::string() : origin.substr(scheme + 3);
    if (host.empty() || host != req.header("host"))
      return "a request from another origin may not change anything here";
  }
  return std::nullopt;
}

json user_json(const StaffUser& u) {
  json j{{"id", u.id.value},
         {"username", u.username},
         {"display_name", u.display_name},
         {"role", to_code(u.role)},
         {"role_name", display_name(u.role)},
         {"organisation_id", u.organisation.value}};
  j["team_id"] = u.team ? json(u.team->value) : json(nullptr);
  return j;
}

// The commissioning reports behind /api/v1/casecommittee, jsna, spend, budgets, scenario and plan.
HttpResponse commissioning(store::Database& db, const HttpRequest& req) {
  const std::string& p = req.path;
  auto text_or_400 = [](const Result<std::string>& t) {
    return t ? HttpResponse{200, "application/json", *t, {}, {}, {}, {}}
             : error_response(400, "bad_request", t.error().message);
  };
  if (p == "/api/v1/pathways") {
    pathways::ReportOptions ro;
    ro.report = query_value(req.query, "report");
    if (ro.report.empty()) ro.report = "summary";
    if (ro.report != "summary" && ro.report != "dfg" && ro.report != "variants" &&
        ro.report != "handoffs" && ro.report != "durations")
      return error_response(400, "bad_request",
                            "report must be summary, dfg, variants, handoffs or durations");
    auto top = query_count(req, "top", 20, 1000);
    if (!top) return error_response(400, "bad_request", "top: a whole number from 1 to 1000");
    ro.top = *top;
    std::string name = query_value(req.query, "pathway");
    auto log = pathways::read_store_log(db, name.empty() ? "referrals" : name);
    if (!log) return error_response(400, "bad_request", log.error().message);
    ro.per_case =
        false;  // case ids are NHS numbers or record ids: the API gives distributions only
    return text_or_400(pathways::render_report(*log, ro));
  }
  if (p == "/api/v1/spend") return text_or_400(insight::spend_report(db, insight::SpendOptions{}));
  if (p == "/api/v1/scenario" || p == "/api/v1/plan") {
    // The route has answered any method but POST with 405.
    return text_or_400(p == "/api/v1/scenario"
                           ? insight::run_scenario(db, req.body, "request body")
                           : insight::evaluate_plan(db, req.body, "request body", "json",
                                                    query_value(req.query, "as_of")));
  }
  if (p == "/api/v1/budgets") {
    json out = json::array();
    for (const auto& pool : money::list_pools(db)) {
      json partners = json::array();
      db.query(
          "SELECT o.name, pp.share_basis_points FROM pool_partners pp JOIN organisations o ON o.id "
          "= pp.organisation_id "
          "WHERE pp.pool_id = ? ORDER BY o.name",
          {pool.id.value}, [&](const store::Row& r) {
            partners.push_back({{"name", r.text(0)}, {"share_basis_points", r.integer(1)}});
          });
      out.push_back({{"id", pool.id.value},
                     {"name", pool.name},
                     {"kind", pool.kind},
                     {"fund_pence", money::balance(db, pool.id, "fund")},
                     {"reserve_pence", money::balance(db, pool.id, "reserve")},
                     {"partners", partners}});
    }
    return json_response(200, out);
  }
  if (p == "/api/v1/budgets/practices") {
    auto ps = money::practice_statement(db, query_value(req.query, "month"));
    if (!ps) return error_response(400, "bad_request", ps.error().message);
    return HttpResponse{200, "application/json", money::practices_json(*ps), {}, {}, {}, {}};
  }
  // /api/v1/budgets/statement?pool=&month= and /api/v1/budgets/localities?pool=&month=
  auto pool = money::find_pool(db, query_value(req.query, "pool"));
  if (!pool) return error_response(400, "bad_request", "pool: " + pool.error().message);
  if (p == "/api/v1/budgets/localities") {
    auto d = money::devolved_statement(db, pool->id, query_value(req.query, "month"));
    if (!d) return error_response(400, "bad_request", d.error().message);
    return HttpResponse{200, "application/json", money::devolved_json(*d), {}, {}, {}, {}};
  }
  auto s = money::statement(db, pool->id, query_value(req.query, "month"));
  if (!s) return error_response(400, "bad_request", s.error().message);
  return HttpResponse{200, "application/json", money::statement_json(*s), {}, {}, {}, {}};
}

}  // namespace

Api::Api(store::ConnectionPool& pool, Metrics& metrics, governance::Authenticator auth,
         ApiOptions options)
    : pool_(pool),
      metrics_(metrics),
      auth_(auth),
      options_(std::move(options)),
      sign_ins_(options_.sign_ins_per_minute, std::max(1.0, options_.sign_ins_per_minute)),
      roles_(options_.roles ? *options_.roles : governance::RoleTable::built_in()),
      audit_(std::make_unique<governance::AuditWriter>(store::open_database(pool.target()),
                                                       store::open_database(pool.target()))),
      changes_(std::make_unique<store::WriteBatcher>(pool.target())) {
  pseudonym_key_ = insight::pseudonym_key(*store::open_database(pool.target()));
  if (options_.warm_reports) {
    warmer_ = std::thread([this] { warm_reports(); });
  } else {
    reports_warm_ = true;
  }
}

// Commissioning reports read a year or more of activity: they are kept for kReportLifetime and
// made once at start-up in the background, so a commissioner's page does not wait for them.
// `?fresh=1` makes one anew. Scenarios and plans (POSTed) are always run.
std::optional<HttpResponse> Api::kept_report(const HttpRequest& req) {
  if (req.method != "GET" || query_value(req.query, "fresh") == "1") return std::nullopt;
  std::lock_guard lock(reports_mutex_);
  auto it = reports_.find(req.path + "?" + req.query);
  if (it == reports_.end() || std::chrono::steady_clock::now() - it->second.made >= kReportLifetime)
    return std::nullopt;
  return it->second.response;
}

HttpResponse Api::cached_report(store::Database& db, const HttpRequest& req) {
  bool cacheable = req.method == "GET" && query_value(req.query, "fresh") != "1";
  std::string key = req.path + "?" + req.query;
  auto now = std::chrono::steady_clock::now();
  if (cacheable) {
    std::lock_guard lock(reports_mutex_);
    auto it = reports_.find(key);
    if (it != reports_.end() && now - it->second.made < kReportLifetime) return it->second.response;
  }
  HttpResponse r = commissioning(db, req);
  if (req.method == "GET" && r.status == 200) {
    std::lock_guard lock(reports_mutex_);
    reports_[key] = CachedReport{r, now};
  }
  return r;
}

HttpResponse Api::engine_report(store::Database& db, const HttpRequest& req) {
  std::lock_guard lock(engine_mutex_);
  if (auto r = engine_.refresh(db); !r)
    return error_response(400, "bad_request", r.error().message);
  Result<std::string> text = Error{""};
  if (req.path == "/api/v1/casecommittee") {
    insight::CaseCommitteeOptions cc;
    auto top = query_count(req, "top", cc.top, 200);
    if (!top) return error_response(400, "bad_request", "top: a whole number from 1 to 200");
    cc.top = *top;
    if (query_value(req.query, "format") == "csv") cc.format = "csv";  // the agenda to download
    for (auto [name, field] : {std::pair{"from", &cc.from}, std::pair{"to", &cc.to}}) {
      std::string v = query_value(req.query, name);
      if (v.empty()) continue;
      auto d = Date::parse_iso(v);
      if (!d)
        return error_response(400, "bad_request", std::string(name) + ": " + d.error().message);
      *field = *d;
    }
    text = engine_.case_committee(cc, pseudonym_key_);
    if (text && cc.format == "csv")
      return HttpResponse{200, "text/csv; charset=utf-8", std::move(*text), {}, {}, {}, {}};
  } else {
    if (!query_value(req.query, "disclosure").empty())
      return error_response(
          400, "bad_request",
          "disclosure: the disclosure rule is the area's, set when the server starts "
          "(jointcare serve --disclosure), not chosen per request");
    text = engine_.jsna(options_.disclosure);
  }
  if (!text) return error_response(400, "bad_request", text.error().message);
  return HttpResponse{200, "application/json", std::move(*text), {}, {}, {}, {}};
}

HttpResponse Api::care_answer(store::Database& db, const HttpRequest& req, const StaffUser& staff,
                              governance::Purpose purpose, const Route& route, std::int64_t id) {
  governance::CollectingAudit looked;
  care::CareContext c{db, roles_, governance::Actor{staff, purpose}, looked, Timestamp::now()};
  HttpResponse out = route.care(CareCall{req, c, id, options_.checkpoints});
  answer_after_audit(out, audit_.get(), looked);
  return out;
}

HttpResponse Api::fhir(const HttpRequest& req, const RouteMatch& match) {
  const Route* route = match.route;
  if (!route) {
    if (!match.path_known) return fhir_error(404, "not-found", "no such resource or interaction");
    HttpResponse r = fhir_error(405, "not-supported", "this resource answers " + match.allow);
    r.headers.emplace_back("Allow", match.allow);
    return r;
  }
  if (!takes_fhir_json(req))
    return fhir_error(406, "not-supported", "this server answers FHIR JSON only", "_format");
  if (route->kind == RouteKind::FhirMetadata) {
    return fhir_reply(200, fhir_capability_statement());
  }
  auto db = pool_.acquire();
  store::ReadTransaction snapshot(*db);  // every FHIR route only reads
  auto user = signed_in(*db, bearer_token(req));
  if (!user) {
    HttpResponse r = fhir_error(401, "login", "sign in first: POST /api/v1/session");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  std::optional<governance::Purpose> purpose;
  if (auto wrong = asserted_purpose(req, purpose))
    return fhir_error(400, "invalid", *wrong, "X-Purpose-Of-Use");
  // The base of full URLs and links: the host the client asked for, when it is a host name or
  // address with an optional port, over HTTPS when the server sits behind a TLS proxy.
  std::string host = req.header("host");
  if (host.empty() || host.size() > 255 ||
      host.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
          std::string::npos)
    host = "localhost";
  const std::string base =
      std::string(options_.secure_cookies ? "https://" : "http://") + host + std::string(kFhirBase);
  governance::CollectingAudit reads;
  care::CareContext ctx{*db, roles_,
                        governance::Actor{*user, purpose.value_or(governance::Purpose::Treatment)},
                        reads, Timestamp::now()};
  HttpResponse r = route->care(CareCall{req, ctx, match.id, options_.checkpoints, base});
  answer_after_audit(r, audit_.get(), reads);
  return r;
}

void Api::submit_change(const HttpRequest& req, const StaffUser& staff, governance::Purpose purpose,
                        const Route& route, std::int64_t id,
                        std::function<void(HttpResponse)> send) {
  auto answer = std::make_shared<HttpResponse>();
  auto sent = std::make_shared<std::function<void(HttpResponse)>>(std::move(send));
  bool queued = changes_->submit(
      [this, req, staff, purpose, answer, &route, id](store::Database& db) {
        *answer = care_answer(db, req, staff, purpose, route, id);
      },
      [answer, sent, label = route.pattern](std::exception_ptr failed) {
        if (!failed) {
          (*sent)(std::move(*answer));
          return;
        }
        try {
          std::rethrow_exception(failed);
        } catch (const store::StoreError& e) {
          log_event("error", "store_error",
                    {{"route", std::string_view(label)}, {"what", std::string_view(e.what())}});
          (*sent)(
              error_response(503, "store_unavailable", "the database could not answer; try again"));
        } catch (...) {
          log_event("error", "handler_failed", {{"route", std::string_view(label)}});
          (*sent)(error_response(500, "internal", "the server could not answer this request"));
        }
      });
  if (!queued) {
    auto busy = error_response(503, "busy", "the server is busy; try again shortly");
    busy.headers.emplace_back("Retry-After", "1");
    (*sent)(std::move(busy));
  }
}

void Api::warm_reports() {
  try {
    auto db = store::open_database(pool_.target());
    {
      std::lock_guard lock(engine_mutex_);
      auto loaded = engine_.refresh(*db);
      if (loaded) {
        auto size = engine_.size();
        log_event("info", "analytic_engine_loaded",
                  {{"persons", static_cast<long long>(size.persons)},
                   {"activity_rows", static_cast<long long>(size.activity_rows)},
                   {"megabytes", static_cast<long long>(size.bytes >> 20)},
                   {"seconds", loaded->seconds}});
      }
    }
    // What the commissioners' pages ask for first.
    const std::pair<const char*, const char*> reports[] = {
        {"/api/v1/spend", ""},
        {"/api/v1/budgets", ""},
        {"/api/v1/pathways", "pathway=referrals&report=dfg"},
        {"/api/v1/pathways", "pathway=referrals&report=handoffs"},
        {"/api/v1/pathways", "pathway=referrals&report=variants&top=10"},
    };
    for (const auto& [path, query] : reports) {
      if (stop_warming_) return;
      HttpRequest req;
      req.method = "GET";
      req.path = path;
      req.query = query;
      (void)cached_report(*db, req);
    }
  } catch (const std::exception& e) {
    log_event("warn", "report_warming_failed", {{"what", std::string_view(e.what())}});
  }
  reports_warm_ = true;
}

Api::~Api() {
  stop_warming_ = true;
  if (warmer_.joinable()) warmer_.join();
}

std::optional<StaffUser> Api::signed_in(store::Database& db, const std::string& token) {
  if (token.empty()) return std::nullopt;
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(sessions_mutex_);
    auto it = sessions_.find(token);
    if (it != sessions_.end() && now - it->second.checked < kSessionRecheck) return it->second.user;
  }
  auto user = auth_.authenticate(db, token, Timestamp::now());
  std::lock_guard lock(sessions_mutex_);
  if (!user) {
    sessions_.erase(token);
    return user;
  }
  if (sessions_.size() > 100'000) sessions_.clear();
  sessions_[token] = CachedSession{*user, now};
  return user;
}

HttpResponse Api::handle(const HttpRequest& req, std::string& route_label) {
  try {
    HttpResponse r = route(req, route_label);
    if (r.deferred) {  // work done later, on the transport's worker pool: the same mapping of store
                       // failures
      r.deferred = [work = std::move(r.deferred), label = route_label] {
        try {
          return work();
        } catch (const store::StoreError& e) {
          log_event("error", "store_error",
                    {{"route", std::string_view(label)}, {"what", std::string_view(e.what())}});
          return error_response(503, "store_unavailable",
                                "the database could not answer; try again");
        }
      };
    }
    return r;
  } catch (const store::StoreError& e) {
    log_event("error", "store_error",
              {{"route", std::string_view(route_label)}, {"what", std::string_view(e.what())}});
    return error_response(503, "store_unavailable", "the database could not answer; try again");
  }
}

namespace {

HttpResponse area_route(store::Database& db) {
  auto s = store::summarise_area(db);
  return json_response(200, json{{"lsoas", s.lsoas},
                                 {"population", s.population},
                                 {"localities", s.localities},
                                 {"organisations", s.organisations},
                                 {"gp_practices", s.gp_practices},
                                 {"teams", s.teams},
                                 {"staff_users", s.staff_users},
                                 {"local_records", s.local_records},
                                 {"activity_rows", s.activity_rows},
                                 {"activity_cost_pence", s.activity_cost_pence},
                                 {"referrals", s.referrals},
                                 {"care_packages", s.care_packages}});
}

HttpResponse localities_route(store::Database& db) {
  json out = json::array();
  for (const auto& l : store::load_localities(db))
    out.push_back(
        {{"id", l.id.value}, {"name", l.name}, {"local_authority_code", l.local_authority_code}});
  return json_response(200, out);
}

HttpResponse organisations_route(store::Database& db) {
  json out = json::array();
  for (const auto& o : store::load_organisations(db)) {
    json j{
        {"id", o.id.value}, {"ods_code", o.ods_code}, {"name", o.name}, {"kind", to_code(o.kind)}};
    j["locality_id"] = o.locality ? json(o.locality->value) : json(nullptr);
    out.push_back(j);
  }
  return json_response(200, out);
}

HttpResponse teams_route(store::Database& db) {
  json out = json::array();
  for (const auto& t : store::load_teams(db)) {
    json j{{"id", t.id.value},
           {"organisation_id", t.organisation.value},
           {"name", t.name},
           {"service", t.service}};
    j["locality_id"] = t.locality ? json(t.locality->value) : json(nullptr);
    out.push_back(j);
  }
  return json_response(200, out);
}

const QueryParam kMonth{"month", "string", "YYYY-MM (the latest when absent)"};
const QueryParam kFresh{"fresh", "string", "1: make the report anew rather than the kept one"};

}  // namespace

const std::vector<Route>& api_routes() {
  using K = RouteKind;
  static const std::vector<Route> routes = {
      {"GET", "/healthz", "health", "whether the server answers and its start-up reports are made",
       K::Health, nullptr, nullptr, "", "Health"},
      {"GET", "/metrics", "metrics", "request counts and latencies by route (Prometheus text)",
       K::Metrics, nullptr, nullptr, "", "", 200, "text/plain"},
      {"GET", "/api/v1/openapi.json", "openapi", "this description of the API", K::OpenApi, nullptr,
       nullptr, "", "OpenApiDocument"},
      {"POST", "/api/v1/session", "signIn",
       "sign in with a username and password: a session token (and cookie) and a CSRF token",
       K::SignIn, nullptr, nullptr, "SignIn", "Session"},
      {"DELETE", "/api/v1/session", "signOut", "end the session", K::SignOut, nullptr, nullptr, "",
       "SignedOut"},
      {"GET", "/api/v1/me", "getMe", "the signed-in member of staff", K::Me, nullptr, nullptr, "",
       "StaffUser"},
      {"GET", "/api/v1/area", "getArea", "the local area's size", K::Reference, nullptr, area_route,
       "", "Area"},
      {"GET", "/api/v1/localities", "listLocalities", "the area's localities", K::Reference,
       nullptr, localities_route, "", "Localities"},
      {"GET", "/api/v1/organisations", "listOrganisations", "the partner organisations",
       K::Reference, nullptr, organisations_route, "", "Organisations"},
      {"GET", "/api/v1/teams", "listTeams", "the organisations' teams", K::Reference, nullptr,
       teams_route, "", "Teams"},
      {"GET",
       "/api/v1/casecommittee",
       "getCaseCommittee",
       "the Case Committee's agenda: the people whose care costs most across partners, "
       "pseudonymised (CSV with format=csv)",
       K::EngineReport,
       nullptr,
       nullptr,
       "",
       "CaseCommittee",
       200,
       "application/json",
       {{"top", "integer", "how many people, 1 to 200"},
        {"from", "string", "YYYY-MM-DD"},
        {"to", "string", "YYYY-MM-DD"},
        {"format", "string", "csv for the agenda to download"}}},
      {"GET",
       "/api/v1/casecommittee/identify",
       "identifyCaseCommitteePerson",
       "the summary of the person behind a Case Committee pseudonym (audited like any read)",
       K::Identify,
       nullptr,
       nullptr,
       "",
       "PersonSummary",
       200,
       "application/json",
       {{"person", "string", "the pseudonym"}}},
      {"GET", "/api/v1/jsna", "getJsna",
       "the Joint Strategic Needs Assessment's counts, under the area's disclosure rule",
       K::EngineReport, nullptr, nullptr, "", "Jsna"},
      {"GET",
       "/api/v1/spend",
       "getSpend",
       "spend and trend by organisation, service and month",
       K::Report,
       nullptr,
       nullptr,
       "",
       "Spend",
       200,
       "application/json",
       {kFresh}},
      {"GET",
       "/api/v1/budgets",
       "listPools",
       "the Section 75 pooled and aligned budgets",
       K::Report,
       nullptr,
       nullptr,
       "",
       "Pools",
       200,
       "application/json",
       {kFresh}},
      {"GET",
       "/api/v1/budgets/statement",
       "getPoolStatement",
       "a pool's monthly statement",
       K::Report,
       nullptr,
       nullptr,
       "",
       "PoolStatement",
       200,
       "application/json",
       {{"pool", "string", "the pool's id or name"}, kMonth, kFresh}},
      {"GET",
       "/api/v1/budgets/localities",
       "getDevolvedStatement",
       "a pool's statement by locality (devolved budgets)",
       K::Report,
       nullptr,
       nullptr,
       "",
       "DevolvedStatement",
       200,
       "application/json",
       {{"pool", "string", "the pool's id or name"}, kMonth, kFresh}},
      {"GET",
       "/api/v1/budgets/practices",
       "getPracticeStatement",
       "spend by GP practice against its indicative budget",
       K::Report,
       nullptr,
       nullptr,
       "",
       "PracticeStatement",
       200,
       "application/json",
       {kMonth, kFresh}},
      {"GET",
       "/api/v1/pathways",
       "getPathways",
       "care pathways mined from the journeys: summary, directly-follows graph, variants, "
       "hand-offs or durations",
       K::Report,
       nullptr,
       nullptr,
       "",
       "PathwayReport",
       200,
       "application/json",
       {{"pathway", "string", "referrals (the default), or a named pathway"},
        {"report", "string", "summary, dfg, variants, handoffs or durations"},
        {"top", "integer", "1 to 1000"},
        kFresh}},
      {"POST",
       "/api/v1/pathways/conformance",
       "checkConformance",
       "the journeys against a target pathway (TOML in the body)",
       K::Conformance,
       nullptr,
       nullptr,
       "toml",
       "Conformance",
       200,
       "application/json",
       {{"pathway", "string", "referrals (the default), or a named pathway"}}},
      {"POST", "/api/v1/scenario", "runScenario", "a costed scenario (TOML in the body)", K::Report,
       nullptr, nullptr, "toml", "Scenario"},
      {"POST",
       "/api/v1/plan",
       "evaluatePlan",
       "a commissioning plan against its targets (TOML)",
       K::Report,
       nullptr,
       nullptr,
       "toml",
       "PlanEvaluation",
       200,
       "application/json",
       {{"as_of", "string", "YYYY-MM-DD"}}},
  };
  return routes;
}

HttpResponse Api::route(const HttpRequest& req, std::string& label) {
  const std::string& p = req.path;
  const std::string& m = req.method;
  const RouteMatch match = match_route(m, p);
  const Route* route = match.route;
  const RouteKind kind = route ? route->kind : RouteKind::Reference;
  label = match.label;
  if (route && kind == RouteKind::Health) {
    auto db = pool_.acquire();
    db->query_integer("SELECT 1");
    // The commissioners' reports are made at start-up, in the background: "warming" until then.
    return json_response(200,
                         json{{"status", "ok"}, {"reports", reports_warm_ ? "ready" : "warming"}});
  }
  if (route && kind == RouteKind::Metrics)
    return HttpResponse{200,
                        "text/plain; version=0.0.4",
                        metrics_.render(store::embedded_cache_bytes()),
                        {},
                        {},
                        {},
                        {}};
  if (route && kind == RouteKind::OpenApi)
    return HttpResponse{200, "application/json", openapi_document(), {}, {}, {}, {}};
  if (p == "/fhir" || p.rfind("/fhir/", 0) == 0) return fhir(req, match);
  if (!route && match.path_known && p.rfind("/api/", 0) != 0) return method_not_allowed(match);
  if (route && kind == RouteKind::SignIn) {
    if (auto refused = cross_site(req)) return error_response(403, "cross_site_refused", *refused);
    if (!sign_ins_.allow(req.remote_address)) {
      HttpResponse r =
          error_response(429, "too_many_sign_ins",
                         "too many sign-ins from this address: wait a moment and try again");
      r.headers.emplace_back("Retry-After",
                             std::to_string(sign_ins_.retry_after(req.remote_address)));
      return r;
    }
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("username") ||
        !body.contains("password") || !body["username"].is_string() ||
        !body["password"].is_string()) {
      return error_response(400, "bad_request",
                            "send JSON with \"username\" and \"password\" strings");
    }
    if (body["username"].get_ref<const std::string&>().size() > 256 ||
        body["password"].get_ref<const std::string&>().size() > 1024)
      return error_response(400, "bad_request",
                            "username: at most 256 bytes; password: at most 1024");
    // Argon2id takes tens of milliseconds of a core: on the worker pool, not an I/O thread.
    HttpResponse deferred;
    deferred.deferred = [this, username = body["username"].get<std::string>(),
                         password = body["password"].get<std::string>()] {
      auto db = pool_.acquire();
      auto outcome = auth_.login(*db, username, password, Timestamp::now());
      if (!outcome.grant) {
        switch (*outcome.failure) {
          case governance::LoginFailure::Locked:
            return error_response(423, "account_locked",
                                  "too many failed sign-ins: the account is locked for a while");
          case governance::LoginFailure::Inactive:
            return error_response(403, "account_inactive", "this account is not active");
          case governance::LoginFailure::BadCredentials:
            break;
        }
        return error_response(401, "bad_credentials", "the username or password is wrong");
      }
      const auto& g = *outcome.grant;
      HttpResponse r = json_response(200, json{{"token", g.token},
                                               {"expires_at", g.expires.iso()},
                                               {"user", user_json(g.user)},
                                               {"csrf_token", governance::csrf_token(g.token)}});
      r.headers.emplace_back("Set-Cookie", "jc_session=" + g.token +
                                               "; HttpOnly; SameSite=Strict; Path=/" +
                                               (options_.secure_cookies ? "; Secure" : ""));
      return r;
    };
    return deferred;
  }
  if (p.rfind("/api/", 0) == 0) {
    auto db = pool_.acquire();
    // A GET only reads (its audit goes through the writer's own connection): sign-in check and
    // answer from one snapshot, one lock cycle.
    std::optional<store::ReadTransaction> snapshot;
    if (m == "GET") snapshot.emplace(*db);
    std::string token = bearer_token(req);
    auto user = signed_in(*db, token);
    if (!user) {
      label = "/api/unauthenticated";
      return error_response(401, "unauthenticated", "sign in first: POST /api/v1/session");
    }
    // A change made with the browser's cookie needs the session's CSRF token (given at sign-in
    // and by /api/v1/me) and must not come from another site; a bearer token is never sent by a
    // browser on its own.
    if (m != "GET" && m != "HEAD" && !by_bearer(req)) {
      if (auto refused = cross_site(req)) {
        label = "/api/csrf_refused";
        return error_response(403, "cross_site_refused", *refused);
      }
      if (!governance::same_token(req.header("x-csrf-token"), governance::csrf_token(token))) {
        label = "/api/csrf_refused";
        return error_response(403, "csrf_token_missing",
                              "send the X-CSRF-Token header given at sign-in with every change");
      }
    }
    if (!route)
      return match.path_known ? method_not_allowed(match)
                              : error_response(404, "not_found", "no such resource");
    if (kind == RouteKind::SignOut) {
      auth_.logout(*db, token);
      {
        std::lock_guard lock(sessions_mutex_);
        sessions_.erase(token);
      }
      return json_response(200, json{{"signed_out", true}});
    }
    if (kind == RouteKind::Me) {
      json me = user_json(*user);
      if (!by_bearer(req)) me["csrf_token"] = governance::csrf_token(token);
      return json_response(200, me);
    }
    if (kind == RouteKind::Reference) return route->reference(*db);
    // The purpose of use travels with every audit record: a code from the list
    // (governance/purpose.h), direct care unless the client says.
    std::optional<governance::Purpose> purpose;
    if (auto wrong = asserted_purpose(req, purpose)) {
      label = "/api/invalid_purpose";
      return error_response(400, "invalid_purpose_of_use", *wrong);
    }
    if (kind == RouteKind::CareRead) {
      // Reads are collected here and committed by the audit writer before the answer is sent
      // (the transport holds the response; no thread waits).
      governance::CollectingAudit reads;
      care::CareContext ctx{
          *db, roles_, governance::Actor{*user, purpose.value_or(governance::Purpose::Treatment)},
          reads, Timestamp::now()};
      HttpResponse r = route->care(CareCall{req, ctx, match.id, options_.checkpoints});
      answer_after_audit(r, audit_.get(), reads);
      return r;
    }
    if (kind == RouteKind::CareChange) {
      // A change is written by the change writer, in one transaction with the others queued
      // beside it (store::WriteBatcher): the commit's flush to disk waits there, and the I/O
      // threads go on answering reads meanwhile.
      HttpResponse change;
      change.later = [this, req, staff = *user,
                      purpose = purpose.value_or(governance::Purpose::Treatment), route,
                      id = match.id](std::function<void(HttpResponse)> send) {
        submit_change(req, staff, purpose, *route, id, std::move(send));
      };
      return change;
    }
    if (kind == RouteKind::Identify) {
      // A Case Committee member opening the record behind a pseudonym: the person's summary,
      // under the care record's access rule and audited like any read, for the purpose of the
      // case committee. Only linked persons can be opened. Bringing the analytic engine up to
      // date may take a while after the person index changed: on the worker pool.
      HttpResponse identify;
      identify.deferred = [this, req, staff = *user,
                           purpose = purpose.value_or(governance::Purpose::CoordinationOfCare)] {
        auto conn = pool_.acquire();
        store::ReadTransaction view(*conn);
        std::optional<std::string> key;
        {
          std::lock_guard lock(engine_mutex_);
          if (engine_.refresh(*conn))
            key = engine_.person_key_of(query_value(req.query, "person"), pseudonym_key_);
        }
        std::int64_t person_id = 0;
        if (key && !key->empty() && key->size() < 19 &&
            key->find_first_not_of("0123456789") == std::string::npos)
          person_id = std::stoll(*key);
        const RouteMatch summary =
            match_route("GET", "/api/v1/persons/" + std::to_string(person_id));
        if (!person_id || !summary.route)
          return error_response(404, "not_found", "no linked person behind that pseudonym");
        HttpRequest read = req;
        read.path = "/api/v1/persons/" + std::to_string(person_id);
        read.query.clear();
        return care_answer(*conn, read, staff, purpose, *summary.route, summary.id);
      };
      return identify;
    }
    // Commissioning analyses (pseudonymised or aggregate); every look is audited like any other.
    governance::CollectingAudit look;
    const governance::Actor analyst{*user, governance::Purpose::Operations};
    governance::Gate gate(*db, roles_, analyst, look, Timestamp::now());
    const bool allowed = static_cast<bool>(gate.pass_role(
        governance::Op::CommissioningRead, std::nullopt, std::string(route->pattern.substr(8))));
    auto audited = [writer = audit_.get(),
                    events = std::make_shared<std::vector<governance::AuditEvent>>(look.take())](
                       HttpResponse r) {
      r.hold = [writer, events](std::function<void(bool)> release) {
        writer->submit(*events, std::move(release));
      };
      return r;
    };
    if (kind == RouteKind::Conformance) {
      // The target pathway (TOML) in the body; the journeys from the named pathway.
      if (!allowed)
        return audited(error_response(403, "forbidden", "your role may not see pathway analyses"));
      auto target = pathways::TargetPathway::parse(req.body, "request body");
      if (!target) return error_response(400, "bad_request", target.error().message);
      // Reading every journey and aligning it: on the worker pool.
      HttpResponse deferred;
      deferred.deferred = [this, target = *target, name = query_value(req.query, "pathway"),
                           audited] {
        auto conn = pool_.acquire();
        auto log = pathways::read_store_log(*conn, name.empty() ? "referrals" : name);
        if (!log) return audited(error_response(400, "bad_request", log.error().message));
        auto text = pathways::render_conformance(*log, target, "json");
        if (!text) return audited(error_response(400, "bad_request", text.error().message));
        return audited(HttpResponse{200, "application/json", *text, {}, {}, {}, {}});
      };
      return deferred;
    }
    if (!allowed)
      return audited(
          error_response(403, "forbidden", "your role may not see commissioning analyses"));
    const bool engine = kind == RouteKind::EngineReport;
    if (!engine) {
      if (auto hit = kept_report(req)) return audited(std::move(*hit));
    }
    // A report to make: on the worker pool, with a connection of its own.
    HttpResponse deferred;
    deferred.deferred = [this, req, engine, audited] {
      auto conn = pool_.acquire();
      return audited(engine ? engine_report(*conn, req) : cached_report(*conn, req));
    };
    return deferred;
  }
  if (m == "GET") {
    label = "/static";
    StaticFiles files(options_.static_dir);
    auto serve_file = [](const std::filesystem::path& file) {
      std::ifstream in(file, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      return HttpResponse{200, content_type_for(file), ss.str(), {}, {}, {}, {}};
    };
    if (auto file = files.resolve(p)) return serve_file(*file);
    if (auto index = files.index()) return serve_file(*index);  // client-side routes
    if (p == "/" || p == "/index.html")
      return HttpResponse{503, "text/html; charset=utf-8", kWebNotBuiltPage, {}, {}, {}, {}};
  }
  label = "not_found";
  return error_response(404, "not_found", "no such resource");
}

}  // namespace jc::server
