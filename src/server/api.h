// JointCare's HTTP API: routes to the services, sign-in, JSON in and out, the stable error
// shape {"error": {"code", "message"}}. A thin face: no business rules here. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "governance/access.h"
#include "governance/audit_writer.h"
#include "governance/authentication.h"
#include "governance/checkpoint.h"
#include "governance/purpose.h"
#include "insight/engine.h"
#include "server/http_types.h"
#include "server/metrics.h"
#include "server/rate_limit.h"
#include "server/routes.h"
#include "store/connection_pool.h"
#include "store/write_batcher.h"

namespace jc::server {

struct ApiOptions {
  std::string static_dir;                        // built web assets to serve at /, if present
  const governance::RoleTable* roles = nullptr;  // nullptr: the built-in table (config/roles.toml)
  bool warm_reports = false;  // make the commissioning reports in the background at start-up
  bool secure_cookies =
      false;  // the session cookie only over HTTPS (behind a TLS-terminating proxy)
  // Sign-ins a client address may try a minute (and at once); beyond, 429. 0: no limit.
  double sign_ins_per_minute = 30;
  // The disclosure rule the JSNA's counts are published under: the area's choice, not the
  // reader's (a request cannot ask for another).
  insight::DisclosureRule disclosure = insight::DisclosureRule::NhsDigital;
  // The signed checkpoints the "who looked" report's proofs are against (jointcare serve signs
  // them); none: the report's lines carry no proofs.
  const governance::CheckpointLog* checkpoints = nullptr;
};

class Api {
 public:
  Api(store::ConnectionPool& pool, Metrics& metrics, governance::Authenticator auth,
      ApiOptions options = {});
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;
  HttpResponse handle(const HttpRequest& request, std::string& route);

 private:
  struct Context;
  HttpResponse route(const HttpRequest& request, std::string& route);
  store::ConnectionPool& pool_;
  Metrics& metrics_;
  governance::Authenticator auth_;
  ApiOptions options_;
  RateLimiter sign_ins_;
  const governance::RoleTable& roles_;
  // Signed-in sessions checked in the last few seconds (a deactivation or sign-out elsewhere
  // takes effect within kSessionRecheck; sign-out here at once).
  std::optional<StaffUser> signed_in(store::Database& db, const std::string& token);
  static constexpr std::chrono::seconds kSessionRecheck{5};
  struct CachedSession {
    StaffUser user;
    std::chrono::steady_clock::time_point checked;
  };
  std::mutex sessions_mutex_;
  std::unordered_map<std::string, CachedSession> sessions_;
  HttpResponse cached_report(store::Database& db, const HttpRequest& request);
  std::optional<HttpResponse> kept_report(
      const HttpRequest& request);  // a report still fresh enough, if kept
  void warm_reports();
  // A care-record route answered on a worker thread's connection, its reads audited before it
  // leaves.
  HttpResponse care_answer(store::Database& db, const HttpRequest& request, const StaffUser& staff,
                           governance::Purpose purpose, const Route& route, std::int64_t id);
  // A request below /fhir: FHIR's own errors (OperationOutcome), its sign-in, its reads audited
  // before they leave.
  HttpResponse fhir(const HttpRequest& request, const RouteMatch& match);
  static constexpr std::chrono::minutes kReportLifetime{10};
  struct CachedReport {
    HttpResponse response;
    std::chrono::steady_clock::time_point made;
  };
  std::mutex reports_mutex_;
  std::unordered_map<std::string, CachedReport> reports_;
  // The Case Committee and JSNA come from one analytic engine, brought up to date (incrementally)
  // before each report: always current, without re-reading a year of activity.
  HttpResponse engine_report(store::Database& db, const HttpRequest& request);
  std::mutex engine_mutex_;
  insight::AnalyticEngine engine_;
  std::string pseudonym_key_;  // made (if new) at start-up, outside any read snapshot
  std::atomic<bool> stop_warming_{false};
  std::atomic<bool> reports_warm_{false};  // /healthz says "warming" until then
  std::thread warmer_;
  // Reads are audited through one group-committing writer on its own connection.
  std::unique_ptr<governance::AuditWriter> audit_;
  // Changes to the care record, committed in groups (stopped before the audit writer).
  std::unique_ptr<store::WriteBatcher> changes_;
  void submit_change(const HttpRequest& request, const StaffUser& staff,
                     governance::Purpose purpose, const Route& route, std::int64_t id,
                     std::function<void(HttpResponse)> send);
};

}  // namespace jc::server
