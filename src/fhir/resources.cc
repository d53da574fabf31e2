#include "fhir/resources.h"

#include <nlohmann/json.hpp>

namespace jc::fhir {
namespace {

using nlohmann::json;

// JSON text of a resource; text that is not UTF-8 (never stored: imports check it) as U+FFFD.
std::string text_of(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json reference(std::string_view type, std::int64_t id, std::string_view ods_code,
               std::string_view display) {
  json r{{"reference", std::string(type) + "/" + std::to_string(id)}};
  if (!ods_code.empty())
    r["identifier"] = {{"system", kOdsSystem}, {"value", std::string(ods_code)}};
  if (!display.empty()) r["display"] = std::string(display);
  return r;
}

json nhs_number_identifier(const std::string& nhs_number, const std::string& status) {
  json id{{"system", kNhsNumberSystem}, {"value", nhs_number}};
  if (!verification_status_display(status).empty())
    id["extension"] = json::array(
        {{{"url", kVerificationStatusExtension},
          {"valueCodeableConcept",
           {{"coding", json::array({{{"system", kVerificationStatusSystem},
                                     {"code", status},
                                     {"display", verification_status_display(status)}}})}}}}});
  return id;
}

json human_name(const std::string& given, const std::string& family) {
  json n{{"use", "official"}};
  if (!family.empty()) n["family"] = family;
  if (!given.empty()) n["given"] = json::array({given});
  return n;
}

// "63 Station Street, Wilmslow" and "SK9 9LD": the lines as written, the postcode apart.
json address_of(const std::string& address, const std::string& postcode) {
  json a{{"use", "home"}};
  json lines = json::array();
  std::size_t p = 0;
  while (p <= address.size()) {
    std::size_t comma = address.find(',', p);
    if (comma == std::string::npos) comma = address.size();
    std::string line = address.substr(p, comma - p);
    line.erase(0, line.find_first_not_of(' '));
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (!line.empty()) lines.push_back(line);
    p = comma + 1;
  }
  if (!lines.empty()) a["line"] = lines;
  if (!postcode.empty()) a["postalCode"] = postcode;
  a["country"] = "GB";
  return a;
}

std::string_view organization_type(OrganisationKind kind) {
  switch (kind) {
    case OrganisationKind::CouncilAdultSocialCare:
    case OrganisationKind::CouncilChildrenAndFamilies:
      return "govt";
    case OrganisationKind::NhsCommissioner:
      return "pay";
    case OrganisationKind::VoluntarySectorProvider:
      return "cg";
    default:
      return "prov";
  }
}

}  // namespace

std::string_view verification_status_display(std::string_view code) {
  static constexpr std::pair<std::string_view, std::string_view> kDisplays[] = {
      {"01", "Number present and verified"},
      {"02", "Number present but not traced"},
      {"03", "Trace required"},
      {"04", "Trace attempted - No match or multiple match found"},
      {"05", "Trace needs to be resolved - (NHS Number or patient detail conflict)"},
      {"06", "Trace in progress"},
      {"07", "Number not present and trace not required"},
  };
  for (const auto& [c, d] : kDisplays)
    if (c == code) return d;
  return {};
}

std::string_view gender_of(std::string_view sex) {
  if (sex == "male" || sex == "female" || sex == "other") return sex;
  return "unknown";
}

std::string patient(const care::PatientRecord& r) {
  json p{{"resourceType", "Patient"},
         {"id", std::to_string(r.id.value)},
         {"meta", {{"profile", json::array({kUkCorePatient})}}}};
  json ids = json::array();
  if (!r.nhs_number.empty())
    ids.push_back(nhs_number_identifier(r.nhs_number, r.nhs_number_status));
  ids.push_back({{"system", std::string(kLocalRecordSystem) + r.organisation_code},
                 {"value", r.local_id},
                 {"assigner", reference("Organization", r.organisation.value, r.organisation_code,
                                        r.organisation_name)}});
  p["identifier"] = ids;
  p["name"] = json::array({human_name(r.given_name, r.family_name)});
  p["gender"] = gender_of(r.sex);
  if (!r.birth_date.empty()) p["birthDate"] = r.birth_date;
  if (!r.address.empty() || !r.postcode.empty())
    p["address"] = json::array({address_of(r.address, r.postcode)});
  if (r.gp_practice)
    p["generalPractitioner"] =
        json::array({reference("Organization", r.gp_practice->value, r.gp_practice_code, "")});
  p["managingOrganization"] =
      reference("Organization", r.organisation.value, r.organisation_code, r.organisation_name);
  return text_of(p);
}

std::string person(const care::PersonLinks& person) {
  json p{{"resourceType", "Person"}, {"id", std::to_string(person.id.value)}, {"active", true}};
  if (!person.nhs_number.empty())
    p["identifier"] = json::array({nhs_number_identifier(person.nhs_number, "01")});
  if (!person.given_name.empty() || !person.family_name.empty())
    p["name"] = json::array({human_name(person.given_name, person.family_name)});
  if (!person.sex.empty()) p["gender"] = gender_of(person.sex);
  if (!person.birth_date.empty()) p["birthDate"] = person.birth_date;
  json links = json::array();
  for (const auto& r : person.records)
    links.push_back({{"target",
                      {{"reference", "Patient/" + std::to_string(r.id.value)},
                       {"display", r.organisation_name}}}});
  if (!links.empty()) p["link"] = links;
  return text_of(p);
}

std::string organization(const Organisation& o) {
  json org{{"resourceType", "Organization"},
           {"id", std::to_string(o.id.value)},
           {"meta", {{"profile", json::array({kUkCoreOrganization})}}},
           {"identifier", json::array({{{"system", kOdsSystem}, {"value", o.ods_code}}})},
           {"active", true},
           {"type", json::array({{{"coding", json::array({{{"system",
                                                            "http://terminology.hl7.org/"
                                                            "CodeSystem/organization-type"},
                                                           {"code", organization_type(o.kind)}}})},
                                  {"text", to_code(o.kind)}}})},
           {"name", o.name}};
  return text_of(org);
}

std::string_view service_request_status(std::string_view status) {
  if (status == "sent" || status == "accepted" || status == "scheduled") return "active";
  if (status == "completed") return "completed";
  if (status == "declined" || status == "redirected" || status == "cancelled") return "revoked";
  return "unknown";
}

std::string_view task_status(std::string_view status) {
  if (status == "sent") return "requested";
  if (status == "accepted") return "accepted";
  if (status == "scheduled") return "in-progress";
  if (status == "completed") return "completed";
  if (status == "cancelled") return "cancelled";
  // A redirect is the receiving team's refusal of this request and a new one to the other team.
  if (status == "declined" || status == "redirected") return "rejected";
  return "unknown";
}

namespace {

// FHIR's request priority of a referral's urgency.
std::string_view priority_of(const std::optional<std::string>& urgency) {
  if (urgency == "urgent") return "urgent";
  if (urgency == "emergency") return "stat";
  return "routine";
}

// What the two resources of a referral share.
json referral_base(std::string_view type, const care::Referral& r) {
  json j{{"resourceType", std::string(type)},
         {"id", std::to_string(r.id.value)},
         {"identifier",
          json::array({{{"system", kReferralSystem}, {"value", std::to_string(r.id.value)}}})}};
  return j;
}

json subject_of(const care::Referral& r) {
  json s{{"reference", "Patient/" + std::to_string(r.record.value)}};
  if (!r.person_name.empty()) s["display"] = r.person_name;
  return s;
}

}  // namespace

std::string service_request(const care::Referral& r) {
  json j = referral_base("ServiceRequest", r);
  j["status"] = service_request_status(r.status);
  j["intent"] = "order";
  j["priority"] = priority_of(r.urgency);
  if (r.service_requested && !r.service_requested->empty())
    j["code"] = {{"text", *r.service_requested}};
  j["subject"] = subject_of(r);
  j["authoredOn"] = r.sent_at;
  j["requester"] = reference("Organization", r.from_organisation.value, r.from_organisation_code,
                             r.from_team_name);
  j["performer"] = json::array(
      {reference("Organization", r.to_organisation.value, r.to_organisation_code, r.to_team_name)});
  if (r.reason && !r.reason->empty()) j["reasonCode"] = json::array({{{"text", *r.reason}}});
  if (r.previous_referral_id)
    j["replaces"] =
        json::array({{{"reference", "ServiceRequest/" + std::to_string(*r.previous_referral_id)}}});
  return text_of(j);
}

std::string task(const care::Referral& r) {
  json j = referral_base("Task", r);
  j["basedOn"] = json::array({{{"reference", "ServiceRequest/" + std::to_string(r.id.value)}}});
  j["status"] = task_status(r.status);
  j["businessStatus"] = {{"text", r.status}};
  j["intent"] = "order";
  j["priority"] = priority_of(r.urgency);
  j["focus"] = {{"reference", "ServiceRequest/" + std::to_string(r.id.value)}};
  j["for"] = subject_of(r);
  j["authoredOn"] = r.sent_at;
  std::string modified = r.sent_at;
  std::optional<std::string> why;
  for (const auto& e : r.events) {
    if (e.occurred_at > modified) modified = e.occurred_at;
    if (e.to_status == r.status && e.detail && !e.detail->empty()) why = e.detail;
  }
  j["lastModified"] = modified;
  if (why && (r.status == "declined" || r.status == "redirected" || r.status == "cancelled"))
    j["statusReason"] = {{"text", *why}};
  j["requester"] = reference("Organization", r.from_organisation.value, r.from_organisation_code,
                             r.from_team_name);
  j["owner"] =
      reference("Organization", r.to_organisation.value, r.to_organisation_code, r.to_team_name);
  if (r.accepted_at || r.closed_at) {
    json period = json::object();
    if (r.accepted_at) period["start"] = *r.accepted_at;
    if (r.closed_at) period["end"] = *r.closed_at;
    j["executionPeriod"] = period;
  }
  return text_of(j);
}

std::string searchset(std::size_t total, const std::vector<Link>& links,
                      const std::vector<Entry>& entries) {
  json b{{"resourceType", "Bundle"}, {"type", "searchset"}, {"total", total}};
  json l = json::array();
  for (const auto& link : links) l.push_back({{"relation", link.relation}, {"url", link.url}});
  b["link"] = l;
  json e = json::array();
  for (const auto& entry : entries)
    e.push_back({{"fullUrl", entry.full_url},
                 {"resource", json::parse(entry.resource)},
                 {"search", {{"mode", "match"}}}});
  if (!e.empty()) b["entry"] = e;
  return text_of(b);
}

std::string operation_outcome(std::string_view severity, std::string_view code,
                              std::string_view diagnostics, std::string_view expression) {
  json issue{{"severity", std::string(severity)},
             {"code", std::string(code)},
             {"diagnostics", std::string(diagnostics)}};
  if (!expression.empty()) issue["expression"] = json::array({std::string(expression)});
  return text_of(json{{"resourceType", "OperationOutcome"}, {"issue", json::array({issue})}});
}

std::string capability_statement(const std::vector<ResourceSupport>& resources,
                                 std::string_view software_version, std::string_view date) {
  json rs = json::array();
  for (const auto& r : resources) {
    json entry{{"type", std::string(r.type)}};
    if (!r.profile.empty()) entry["profile"] = std::string(r.profile);
    json interactions = json::array();
    for (auto i : r.interactions) interactions.push_back({{"code", std::string(i)}});
    entry["interaction"] = interactions;
    json params = json::array();
    for (const auto& s : r.search)
      params.push_back({{"name", std::string(s.name)},
                        {"type", std::string(s.type)},
                        {"documentation", std::string(s.documentation)}});
    if (!params.empty()) entry["searchParam"] = params;
    rs.push_back(entry);
  }
  json c{
      {"resourceType", "CapabilityStatement"},
      {"status", "active"},
      {"date", std::string(date)},
      {"publisher", "JointCare"},
      {"kind", "instance"},
      {"software", {{"name", "JointCare"}, {"version", std::string(software_version)}}},
      {"implementation",
       {{"description", "The joint health and social care record of a local area"}}},
      {"fhirVersion", "4.0.1"},
      {"format", json::array({"application/fhir+json", "json"})},
      {"rest",
       json::array(
           {{{"mode", "server"},
             {"documentation",
              "Every interaction is decided by the care record's access rule (role, legitimate "
              "relationship, consent) and audited; a resource the rule withholds is absent from "
              "searches, and a read of it answers an OperationOutcome."},
             {"security",
              {{"cors", false},
               {"description",
                "Sign in with POST /api/v1/session and send Authorization: Bearer TOKEN. What the "
                "token may read is the signed-in member of staff's role's (config/roles.toml), "
                "within their legitimate relationships with the person."}}},
             {"resource", rs}}})}};
  return text_of(c);
}

}  // namespace jc::fhir
