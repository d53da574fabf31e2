// The API's route table: every route declared once, with its method, path pattern, operation,
// what it takes and what it answers. The server finds a request's route here (and its label for
// logs and metrics, which never comes from the request), and the OpenAPI description served at
// /api/v1/openapi.json is made from the same table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "care/context.h"
#include "governance/checkpoint.h"
#include "server/http_types.h"

namespace jc::server {

// How the API runs a route: who may call it, on which thread, and how its answer is audited.
enum class RouteKind {
  Health,        // public: liveness and whether the start-up reports are made
  Metrics,       // public: Prometheus text
  OpenApi,       // public: this table as OpenAPI 3.1
  SignIn,        // public: password to session (on the worker pool)
  SignOut,       // signed in
  Me,            // signed in: who the session is
  Reference,     // signed in: the area's reference data (organisations, teams, ...)
  CareRead,      // signed in: a read of the care record, audited before the answer leaves
  CareChange,    // signed in: a change, committed in a group by the change writer
  Identify,      // signed in: the person behind a Case Committee pseudonym (worker pool)
  Report,        // signed in: a commissioning report, kept for a while (worker pool)
  EngineReport,  // signed in: Case Committee and JSNA from the analytic engine (worker pool)
  Conformance,   // signed in: a target pathway (TOML) against the journeys (worker pool)
  FhirMetadata,  // public: the FHIR CapabilityStatement
  FhirRead,      // signed in: a FHIR read or search, audited before the answer leaves
};

// What a care-record route's handler is given: the request, the record as the signed-in member
// of staff sees it, the path's {id} (0 when the pattern has none) and the signed checkpoints the
// "who looked" proofs are against (may be null), and for FHIR the absolute URL of the FHIR base
// ("https://host/fhir/R4") that full URLs and links are made from.
struct CareCall {
  const HttpRequest& request;
  const care::CareContext& ctx;
  std::int64_t id;
  const governance::CheckpointLog* checkpoints;
  std::string_view base = {};
};
using CareHandler = HttpResponse (*)(const CareCall&);
using ReferenceHandler = HttpResponse (*)(store::Database&);

struct QueryParam {
  std::string_view name;
  std::string_view type;  // JSON Schema type: "string", "integer", "boolean"
  std::string_view description;
};

struct Route {
  std::string_view method;     // "GET"
  std::string_view pattern;    // "/api/v1/persons/{id}/notes": literal segments and {id}
                               // (FHIR routes: "/fhir/R4/Patient/{id}")
  std::string_view operation;  // OpenAPI operationId, unique
  std::string_view summary;
  RouteKind kind;
  CareHandler care = nullptr;                   // CareRead and CareChange
  ReferenceHandler reference = nullptr;         // Reference
  std::string_view request = {};                // the body: a schema name, "toml", or "" for none
  std::string_view response = {};               // the answer's schema name ("" for none)
  int status = 200;                             // the status of a successful answer
  std::string_view media = "application/json";  // of a successful answer
  std::vector<QueryParam> query = {};  // FHIR routes: the search parameters, type a FHIR one
};

// The care record's routes (care_api.cc), FHIR's (fhir_api.cc, described by its
// CapabilityStatement rather than the OpenAPI document) and the others (api.cc); all_routes() is
// all three.
const std::vector<Route>& care_routes();
const std::vector<Route>& fhir_routes();
const std::vector<Route>& api_routes();
const std::vector<Route>& all_routes();

struct RouteMatch {
  const Route* route = nullptr;  // the route answering this method and path, if any
  std::int64_t id = 0;           // the path's {id}
  bool path_known = false;       // some route has this path (with another method: 405)
  std::string allow;             // the methods the path answers ("GET, POST"), when known
  // The route's pattern, or for an unknown path the longest known pattern it begins with and
  // "/{unknown}" ("/api/not_found", or "/fhir/not_found" below /fhir, when none): never a segment
  // of the request's own.
  std::string label;
};

// Finds the route of a request. {id} matches a whole number from 1 to 2^63 - 1 only.
RouteMatch match_route(std::string_view method, std::string_view path);

// A route of the FHIR face (below /fhir/).
bool is_fhir(const Route& route);

// The OpenAPI 3.1 description of every route but FHIR's, with the schemas of what they take and
// give.
const std::string& openapi_document();

}  // namespace jc::server
