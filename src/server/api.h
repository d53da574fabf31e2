// JointCare's HTTP API: routes to the services, sign-in, JSON in and out, the stable error
// shape {"error": {"code", "message"}}. A thin face: no business rules here. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "governance/authentication.h"
#include "server/http_types.h"
#include "server/metrics.h"
#include "store/connection_pool.h"

namespace jc::server {

struct ApiOptions {
  std::string static_dir;  // built web assets to serve at /, if present
};

class Api {
 public:
  Api(store::ConnectionPool& pool, Metrics& metrics, governance::Authenticator auth, ApiOptions options = {});
  HttpResponse handle(const HttpRequest& request, std::string& route);

 private:
  struct Context;
  HttpResponse route(const HttpRequest& request, std::string& route);
  store::ConnectionPool& pool_;
  Metrics& metrics_;
  governance::Authenticator auth_;
  ApiOptions options_;
};

}  // namespace jc::server
