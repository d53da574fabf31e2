#include "server/routes.h"

#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

extern "C" const char jc_openapi_schemas_json[];

namespace jc::server {
namespace {

using nlohmann::json;

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t p = 0;
  while (p < path.size()) {
    std::size_t slash = path.find('/', p);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > p) out.push_back(path.substr(p, slash - p));
    p = slash + 1;
  }
  return out;
}

std::optional<std::int64_t> parse_id(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

struct Compiled {
  const Route* route;
  std::vector<std::string_view> parts;  // "{id}" for the parameter
};

struct Table {
  std::vector<Compiled> routes;
  Table() {
    std::set<std::pair<std::string_view, std::string_view>> seen;
    std::set<std::string_view> operations;
    for (const Route& r : all_routes()) {
      if (!seen.emplace(r.method, r.pattern).second || !operations.insert(r.operation).second)
        throw std::logic_error("route declared twice: " + std::string(r.method) + " " +
                               std::string(r.pattern));
      routes.push_back({&r, segments(r.pattern)});
    }
  }
};

const Table& table() {
  static const Table t;
  return t;
}

// How many leading segments of `parts` the pattern matches, and whether it matches all of them.
std::size_t matched(const Compiled& c, const std::vector<std::string_view>& parts,
                    std::int64_t& id) {
  std::size_t n = 0;
  for (; n < c.parts.size() && n < parts.size(); ++n) {
    if (c.parts[n] == "{id}") {
      auto v = parse_id(parts[n]);
      if (!v) break;
      id = *v;
    } else if (c.parts[n] != parts[n]) {
      break;
    }
  }
  return n;
}

std::string prefix_label(const std::vector<std::string_view>& pattern, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += "/" + std::string(pattern[i]);
  return out;
}

json operation_json(const Route& r) {
  const bool is_public = r.kind == RouteKind::Health || r.kind == RouteKind::Metrics ||
                         r.kind == RouteKind::OpenApi || r.kind == RouteKind::SignIn;
  json op{{"operationId", r.operation}, {"summary", r.summary}};
  std::string_view tag = r.pattern.substr(0, r.pattern.find('/', 8));
  op["tags"] = json::array({std::string(tag.size() > 8 ? tag.substr(8) : tag.substr(1))});
  json params = json::array();
  for (const auto& q : r.query)
    params.push_back({{"name", q.name},
                      {"in", "query"},
                      {"required", false},
                      {"description", q.description},
                      {"schema", {{"type", q.type}}}});
  if (r.kind == RouteKind::CareRead || r.kind == RouteKind::CareChange ||
      r.kind == RouteKind::Identify || r.kind == RouteKind::Report ||
      r.kind == RouteKind::EngineReport || r.kind == RouteKind::Conformance)
    params.push_back({{"$ref", "#/components/parameters/PurposeOfUse"}});
  if (!params.empty()) op["parameters"] = params;
  if (r.request == "toml") {
    op["requestBody"] = {{"required", true},
                         {"content", {{"application/toml", {{"schema", {{"type", "string"}}}}}}}};
  } else if (!r.request.empty()) {
    op["requestBody"] = {
        {"required", true},
        {"content",
         {{"application/json",
           {{"schema", {{"$ref", "#/components/schemas/" + std::string(r.request)}}}}}}}};
  }
  json ok{{"description", "answered"}};
  if (!r.response.empty())
    ok["content"] = {
        {r.media, {{"schema", {{"$ref", "#/components/schemas/" + std::string(r.response)}}}}}};
  json responses{{std::to_string(r.status), ok}};
  auto error = [&](int status, const char* description) {
    responses[std::to_string(status)] = {
        {"description", description},
        {"content",
         {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
  };
  if (!is_public) {
    error(401, "not signed in");
    error(405, "the path answers other methods (the Allow header lists them)");
    error(503, "the database could not answer, or the server is busy");
  }
  if (r.kind == RouteKind::SignIn) {
    error(400, "not a JSON body with a username and a password");
    error(401, "the username or password is wrong");
    error(403, "the account is not active, or the request came from another site");
    error(423, "the account is locked after repeated failures");
    error(429, "too many sign-ins from this address");
    error(503, "the server is busy");
  }
  if (!is_public && r.kind != RouteKind::SignOut && r.kind != RouteKind::Me) {
    error(400, "a field, parameter or header is invalid (the message names it)");
    error(403, "refused by the access rule (and audited), or a change without its CSRF token");
    error(404, "no such record, or none you may know of");
  }
  if (r.kind == RouteKind::CareChange) error(409, "the record's state does not allow it");
  op["security"] =
      is_public
          ? json::array()
          : json::array({json{{"bearer", json::array()}}, json{{"session_cookie", json::array()}}});
  op["responses"] = responses;
  return op;
}

}  // namespace

const std::vector<Route>& all_routes() {
  static const std::vector<Route> all = [] {
    std::vector<Route> v = api_routes();
    const auto& care = care_routes();
    v.insert(v.end(), care.begin(), care.end());
    const auto& fhir = fhir_routes();
    v.insert(v.end(), fhir.begin(), fhir.end());
    return v;
  }();
  return all;
}

bool is_fhir(const Route& r) { return r.pattern.rfind("/fhir/", 0) == 0; }

RouteMatch match_route(std::string_view method, std::string_view path) {
  RouteMatch m;
  const auto parts = segments(path);
  std::size_t best = 0;
  const Compiled* deepest = nullptr;
  for (const Compiled& c : table().routes) {
    std::int64_t id = 0;
    std::size_t n = matched(c, parts, id);
    if (n == c.parts.size() && n == parts.size()) {
      m.path_known = true;
      m.allow += (m.allow.empty() ? "" : ", ") + std::string(c.route->method);
      if (m.label.empty()) m.label = std::string(c.route->pattern);
      if (c.route->method == method) {
        m.route = c.route;
        m.id = id;
        m.label = std::string(c.route->pattern);
      }
    } else if (n > best) {
      best = n;
      deepest = &c;
    }
  }
  if (m.path_known) return m;
  // An unknown path: labelled by the deepest known part of it below /api/v1/<resource>.
  m.label = deepest && best >= 3           ? prefix_label(deepest->parts, best) + "/{unknown}"
            : path.rfind("/fhir/", 0) == 0 ? std::string("/fhir/not_found")
                                           : std::string("/api/not_found");
  return m;
}

const std::string& openapi_document() {
  static const std::string text = [] {
    json schemas = json::parse(jc_openapi_schemas_json);
    json paths = json::object();
    for (const Route& r : all_routes()) {
      if (is_fhir(r)) continue;  // FHIR's own description is its CapabilityStatement
      json& item = paths[std::string(r.pattern)];
      if (r.pattern.find("{id}") != std::string_view::npos && !item.contains("parameters"))
        item["parameters"] = json::array({{{"name", "id"},
                                           {"in", "path"},
                                           {"required", true},
                                           {"schema", {{"type", "integer"}, {"minimum", 1}}}}});
      std::string method(r.method);
      for (auto& ch : method) ch = static_cast<char>(ch - 'A' + 'a');
      item[method] = operation_json(r);
    }
    json doc{{"openapi", "3.1.0"},
             {"info",
              {{"title", "JointCare API"},
               {"version", "1"},
               {"description",
                "The joint health and social care record, commissioning reports and their audit. "
                "Every error answers {\"error\": {\"code\", \"message\"}}."}}},
             {"paths", paths},
             {"components",
              {{"schemas", schemas},
               {"parameters",
                {{"PurposeOfUse",
                  {{"name", "X-Purpose-Of-Use"},
                   {"in", "header"},
                   {"required", false},
                   {"description",
                    "why the record is used, a purpose-of-use code (direct care when absent)"},
                   {"schema", {{"type", "string"}}}}}}},
               {"securitySchemes",
                {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
                 {"session_cookie",
                  {{"type", "apiKey"},
                   {"in", "cookie"},
                   {"name", "jc_session"},
                   {"description",
                    "the browser's session; a change also needs the X-CSRF-Token header"}}}}}}}};
    return doc.dump(1);
  }();
  return text;
}

}  // namespace jc::server
