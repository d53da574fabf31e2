#include "server/fhir_api.h"

#include <map>
#include <set>

#include "care/patients.h"
#include "care/referrals.h"
#include "core/time.h"
#include "fhir/resources.h"
#include "fhir/search.h"
#include "store/area_repository.h"

namespace jc::server {
namespace {

using care::Fault;
using care::Outcome;

HttpResponse fhir_failed(const care::Failure& f, std::string_view expression = {}) {
  switch (f.fault) {
    case Fault::Forbidden:
      return fhir_error(403, "forbidden", f.message);
    case Fault::NotFound:
      return fhir_error(404, "not-found", f.message);
    case Fault::Invalid:
      return fhir_error(400, "invalid", f.message, expression);
    case Fault::Conflict:
      return fhir_error(409, "conflict", f.message);
  }
  return fhir_error(500, "exception", f.message);
}

// Prefer: handling=strict (RFC 7240, as FHIR's search uses it); lenient otherwise.
bool strict_handling(const HttpRequest& req) {
  const std::string prefer = req.header("prefer");
  return prefer.find("handling=strict") != std::string::npos;
}

std::string resource_url(const CareCall& c, std::string_view type, std::int64_t id) {
  return std::string(c.base) + "/" + std::string(type) + "/" + std::to_string(id);
}

HttpResponse patient_read_route(const CareCall& c) {
  auto record = care::patient_record(c.ctx, LocalRecordId(c.id));
  if (!record) return fhir_failed(record.failure());
  return fhir_reply(200, fhir::patient(*record));
}

HttpResponse patient_search_route(const CareCall& c) {
  fhir::SearchFault fault;
  auto search =
      fhir::patient_search(fhir::parse_query(c.request.query), strict_handling(c.request), fault);
  if (!search) return fhir_error(400, "invalid", fault.message, fault.parameter);
  auto page = care::search_patients(c.ctx, search->query);
  if (!page) {
    // Which parameter a refusal of the search's values names.
    const std::string& m = page.failure().message;
    std::string_view at = m.rfind("identifier", 0) == 0 ? "identifier" : "";
    return fhir_failed(page.failure(), at);
  }
  const std::string self = std::string(c.base) + "/Patient?" + fhir::query_string(search->used);
  std::vector<fhir::Link> links{{"self", self}};
  if (page->more && !page->records.empty())
    links.push_back({"next", self + (search->used.empty() ? "" : "&") +
                                 "_after=" + std::to_string(page->records.back().id.value)});
  std::vector<fhir::Entry> entries;
  for (const auto& r : page->records)
    entries.push_back({resource_url(c, "Patient", r.id.value), fhir::patient(r)});
  return fhir_reply(200, fhir::searchset(page->total, links, entries));
}

HttpResponse person_read_route(const CareCall& c) {
  auto person = care::person_links(c.ctx, PersonId(c.id));
  if (!person) return fhir_failed(person.failure());
  return fhir_reply(200, fhir::person(*person));
}

// A referral's ServiceRequest or Task: the same read, passing referral.read.
std::string referral_resource(fhir::ReferralResource kind, const care::Referral& r) {
  return kind == fhir::ReferralResource::Task ? fhir::task(r) : fhir::service_request(r);
}
std::string_view referral_type(fhir::ReferralResource kind) {
  return kind == fhir::ReferralResource::Task ? "Task" : "ServiceRequest";
}

template <fhir::ReferralResource kind>
HttpResponse referral_read_route(const CareCall& c) {
  auto referral = care::get_referral(c.ctx, ReferralId(c.id));
  if (!referral) return fhir_failed(referral.failure());
  return fhir_reply(200, referral_resource(kind, *referral));
}

template <fhir::ReferralResource kind>
HttpResponse referral_search_route(const CareCall& c) {
  fhir::SearchFault fault;
  auto search = fhir::referral_search(kind, fhir::parse_query(c.request.query),
                                      strict_handling(c.request), fault);
  if (!search) return fhir_error(400, "invalid", fault.message, fault.parameter);
  auto page = care::search_referrals(c.ctx, search->query);
  if (!page) {
    const std::string& m = page.failure().message;
    std::string_view at = m.rfind("status", 0) == 0 ? "status" : "";
    return fhir_failed(page.failure(), at);
  }
  const std::string type(referral_type(kind));
  const std::string self =
      std::string(c.base) + "/" + type + "?" + fhir::query_string(search->used);
  std::vector<fhir::Link> links{{"self", self}};
  if (page->more && !page->referrals.empty())
    links.push_back({"next", self + (search->used.empty() ? "" : "&") +
                                 "_after=" + std::to_string(page->referrals.back().id.value)});
  std::vector<fhir::Entry> entries;
  for (const auto& r : page->referrals)
    entries.push_back({resource_url(c, type, r.id.value), referral_resource(kind, r)});
  return fhir_reply(200, fhir::searchset(page->total, links, entries));
}

// Organisations are the area's reference data: any member of staff signed in may read them.
HttpResponse organization_read_route(const CareCall& c) {
  for (const auto& o : store::load_organisations(c.ctx.db))
    if (o.id.value == c.id) return fhir_reply(200, fhir::organization(o));
  return fhir_error(404, "not-found", "no such organization");
}

HttpResponse organization_search_route(const CareCall& c) {
  const bool strict = strict_handling(c.request);
  std::optional<std::int64_t> id;
  std::string code, name;
  std::vector<fhir::Param> used;
  for (const auto& p : fhir::parse_query(c.request.query)) {
    if (p.name == "_format") continue;
    if (p.name == "_id") {
      id = 0;
      std::int64_t v = 0;
      if (p.value.find_first_not_of("0123456789") == std::string::npos && p.value.size() < 19 &&
          !p.value.empty())
        v = std::stoll(p.value);
      id = v;
    } else if (p.name == "identifier") {
      const std::size_t bar = p.value.find('|');
      const std::string system = bar == std::string::npos ? std::string() : p.value.substr(0, bar);
      if (!system.empty() && system != fhir::kOdsSystem) {
        id = 0;  // a system JointCare does not hold matches nothing
      } else {
        code = bar == std::string::npos ? p.value : p.value.substr(bar + 1);
      }
    } else if (p.name == "name") {
      name = p.value;
    } else {
      if (strict)
        return fhir_error(400, "not-supported",
                          "the parameter " + p.name + " is not supported for Organization", p.name);
      continue;
    }
    used.push_back(p);
  }
  auto lower = [](std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  };
  std::vector<fhir::Entry> entries;
  for (const auto& o : store::load_organisations(c.ctx.db)) {
    if (id && o.id.value != *id) continue;
    if (!code.empty() && o.ods_code != code) continue;
    if (!name.empty() && lower(o.name).rfind(lower(name), 0) != 0) continue;
    entries.push_back({resource_url(c, "Organization", o.id.value), fhir::organization(o)});
  }
  const std::string self = std::string(c.base) + "/Organization?" + fhir::query_string(used);
  return fhir_reply(200, fhir::searchset(entries.size(), {{"self", self}}, entries));
}

using K = RouteKind;

// A search parameter of a route: its FHIR type in QueryParam::type.
const std::vector<QueryParam> kPatientSearch = {
    {"_id", "token", "the record's id"},
    {"identifier", "token",
     "https://fhir.nhs.uk/Id/nhs-number|NNNNNNNNNN, or an organisation's own "
     "https://fhir.jointcare.org.uk/Id/local-record/{ODS code}|{local id}"},
    {"birthdate", "date", "YYYY, YYYY-MM or YYYY-MM-DD, with eq (default), ge, gt, le or lt"},
    {"family", "string", "begins with, ignoring case"},
    {"given", "string", "begins with, ignoring case"},
    {"name", "string", "the family or the given name begins with, ignoring case"},
    {"gender", "token", "male, female, other or unknown"},
    {"address-postalcode", "string", "the postcode, ignoring case and spaces"},
    {"organization", "reference", "Organization/{id}: whose record"},
    {"_count", "number", "entries a page (20; at most 200)"},
};
const std::vector<QueryParam> kServiceRequestSearch = {
    {"_id", "token", "the referral's id"},
    {"patient", "reference", "Patient/{id}: the record the referral was sent with"},
    {"subject", "reference", "as patient"},
    {"status", "token", "active, completed or revoked (several comma-separated)"},
    {"requester", "reference", "Organization/{id}: the sending organisation"},
    {"performer", "reference", "Organization/{id}: the receiving organisation"},
    {"authored", "date", "when it was sent: YYYY, YYYY-MM or YYYY-MM-DD, with eq, ge, gt, le, lt"},
    {"_count", "number", "entries a page (20; at most 200)"},
};
const std::vector<QueryParam> kTaskSearch = {
    {"_id", "token", "the referral's id"},
    {"focus", "reference", "ServiceRequest/{id}"},
    {"patient", "reference", "Patient/{id}: the record the referral was sent with"},
    {"subject", "reference", "as patient"},
    {"status", "token",
     "requested, accepted, rejected, in-progress, completed or cancelled (several "
     "comma-separated)"},
    {"requester", "reference", "Organization/{id}: the sending organisation"},
    {"owner", "reference", "Organization/{id}: the receiving organisation"},
    {"authored-on", "date",
     "when it was sent: YYYY, YYYY-MM or YYYY-MM-DD, with eq, ge, gt, le, lt"},
    {"_count", "number", "entries a page (20; at most 200)"},
};
const std::vector<QueryParam> kOrganizationSearch = {
    {"_id", "token", "the organisation's id"},
    {"identifier", "token", "https://fhir.nhs.uk/Id/ods-organization-code|{ODS code}"},
    {"name", "string", "begins with, ignoring case"},
};

}  // namespace

HttpResponse fhir_reply(int status, std::string body) {
  return HttpResponse{status, std::string(fhir::kMediaType), std::move(body), {}, {}, {}, {}};
}

HttpResponse fhir_error(int status, std::string_view code, std::string_view message,
                        std::string_view expression) {
  return fhir_reply(status, fhir::operation_outcome("error", code, message, expression));
}

const std::vector<Route>& fhir_routes() {
  static const std::vector<Route> routes = [] {
    std::vector<Route> v = {
        {"GET", "/fhir/R4/metadata", "fhirCapabilities", "the CapabilityStatement",
         K::FhirMetadata},
        {"GET", "/fhir/R4/Patient/{id}", "fhirReadPatient",
         "an organisation's record of a person (UK Core Patient)", K::FhirRead, patient_read_route},
        {"GET",
         "/fhir/R4/Patient",
         "fhirSearchPatient",
         "organisations' records of people",
         K::FhirRead,
         patient_search_route,
         nullptr,
         "",
         "",
         200,
         {},
         kPatientSearch},
        {"GET", "/fhir/R4/Person/{id}", "fhirReadPerson",
         "the person of the person index, linking the organisations' records", K::FhirRead,
         person_read_route},
        {"GET", "/fhir/R4/ServiceRequest/{id}", "fhirReadServiceRequest",
         "a referral: what is asked of the receiving team", K::FhirRead,
         referral_read_route<fhir::ReferralResource::ServiceRequest>},
        {"GET",
         "/fhir/R4/ServiceRequest",
         "fhirSearchServiceRequest",
         "referrals",
         K::FhirRead,
         referral_search_route<fhir::ReferralResource::ServiceRequest>,
         nullptr,
         "",
         "",
         200,
         {},
         kServiceRequestSearch},
        {"GET", "/fhir/R4/Task/{id}", "fhirReadTask",
         "a referral's progress through the receiving team's lifecycle", K::FhirRead,
         referral_read_route<fhir::ReferralResource::Task>},
        {"GET",
         "/fhir/R4/Task",
         "fhirSearchTask",
         "referrals' progress",
         K::FhirRead,
         referral_search_route<fhir::ReferralResource::Task>,
         nullptr,
         "",
         "",
         200,
         {},
         kTaskSearch},
        {"GET", "/fhir/R4/Organization/{id}", "fhirReadOrganization", "an organisation",
         K::FhirRead, organization_read_route},
        {"GET",
         "/fhir/R4/Organization",
         "fhirSearchOrganization",
         "the area's organisations",
         K::FhirRead,
         organization_search_route,
         nullptr,
         "",
         "",
         200,
         {},
         kOrganizationSearch},
    };
    for (auto& r : v) r.media = fhir::kMediaType;
    return v;
  }();
  return routes;
}

const std::string& fhir_capability_statement() {
  static const std::string text = [] {
    std::vector<fhir::ResourceSupport> resources;
    std::map<std::string_view, std::size_t> at;
    for (const Route& r : fhir_routes()) {
      std::string_view rest = r.pattern.substr(kFhirBase.size() + 1);
      std::string_view type = rest.substr(0, rest.find('/'));
      if (type == "metadata") continue;
      auto [it, fresh] = at.emplace(type, resources.size());
      if (fresh)
        resources.push_back({type,
                             type == "Patient"        ? fhir::kUkCorePatient
                             : type == "Organization" ? fhir::kUkCoreOrganization
                                                      : std::string_view(),
                             {},
                             {}});
      auto& res = resources[it->second];
      const bool instance = rest.find("{id}") != std::string_view::npos;
      res.interactions.push_back(instance ? "read" : "search-type");
      for (const auto& q : r.query) res.search.push_back({q.name, q.type, q.description});
    }
    return fhir::capability_statement(resources, "1", Timestamp::now().iso().substr(0, 10));
  }();
  return text;
}

}  // namespace jc::server
