#include "server/care_api.h"

#include <cctype>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "care/assessments.h"
#include "care/chc.h"
#include "care/notes.h"
#include "care/oversight.h"
#include "care/people.h"
#include "care/plans.h"
#include "care/referrals.h"
#include "core/text.h"
#include "governance/purpose.h"
#include "server/access_report.h"

namespace jc::server {
namespace {

using nlohmann::json;
using namespace jc::care;

HttpResponse reply(int status, const json& body) {
  return HttpResponse{status, "application/json", body.dump(), {}, {}, {}, {}};
}

HttpResponse error(int status, std::string_view code, std::string_view message) {
  return reply(status, json{{"error", {{"code", code}, {"message", message}}}});
}

HttpResponse failed(const Failure& f) {
  switch (f.fault) {
    case Fault::Forbidden:
      return error(403, "forbidden", f.message);
    case Fault::NotFound:
      return error(404, "not_found", f.message);
    case Fault::Invalid:
      return error(400, "bad_request", f.message);
    case Fault::Conflict:
      return error(409, "conflict", f.message);
  }
  return error(500, "internal", f.message);
}

template <class T, class F>
HttpResponse answer(const Outcome<T>& o, F&& to_json, int status = 200) {
  if (!o.ok()) return failed(o.failure());
  return reply(status, to_json(*o));
}

json opt(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }
json opt(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); }
json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

std::optional<std::int64_t> parse_id(const std::string& s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

std::size_t query_size(const std::string& query, std::string_view name, std::size_t fallback) {
  auto v = parse_id(query_value(query, name));
  return v ? static_cast<std::size_t>(*v) : fallback;
}

// ---- JSON forms -------------------------------------------------------------------------------

json to_json(const PersonMatch& m) {
  return {
      {"person_id", m.person.value},  {"nhs_number", m.nhs_number}, {"given_name", m.given_name},
      {"family_name", m.family_name}, {"birth_date", m.birth_date}, {"sex", m.sex},
      {"postcode", m.postcode},       {"confidence", m.confidence}, {"matched_on", m.matched_on}};
}

json to_json(const KnownTo& k) {
  json orgs = json::array();
  for (const auto& o : k.organisations) {
    json teams = json::array();
    for (const auto& t : o.teams)
      teams.push_back({{"involvement_id", t.involvement_id},
                       {"team_id", t.team.value},
                       {"team", t.team_name},
                       {"service", t.service},
                       {"started_at", t.started_at},
                       {"ended_at", opt(t.ended_at)},
                       {"open", !t.ended_at},
                       {"key_worker", opt(t.key_worker)}});
    orgs.push_back({{"organisation_id", o.organisation.value},
                    {"name", o.name},
                    {"kind", o.kind},
                    {"local_id", o.local_id},
                    {"match", o.match},
                    {"match_confidence", o.confidence},
                    {"teams", teams},
                    {"open_referrals", o.open_referrals},
                    {"current_services", o.current_services}});
  }
  return {{"organisations", orgs}, {"withheld_by_consent", k.withheld}};
}

json to_json(const PersonSummary& s) {
  json refs = json::array();
  for (const auto& r : s.referrals)
    refs.push_back({{"id", r.id.value},
                    {"from_team", r.from_team},
                    {"to_team", r.to_team},
                    {"status", r.status},
                    {"sent_at", r.sent_at},
                    {"service_requested", opt(r.service_requested)}});
  return {{"id", s.id.value},
          {"nhs_number", s.nhs_number},
          {"given_name", s.given_name},
          {"family_name", s.family_name},
          {"birth_date", s.birth_date},
          {"sex", s.sex},
          {"address", s.address},
          {"postcode", s.postcode},
          {"relationship", s.relationship},
          {"by_override", s.by_override},
          {"known_to", to_json(s.known_to)},
          {"open_referrals", refs}};
}

json to_json(const Referral& r) {
  json events = json::array();
  for (const auto& e : r.events)
    events.push_back({{"at", e.occurred_at},
                      {"event", e.event},
                      {"from_status", opt(e.from_status)},
                      {"to_status", e.to_status},
                      {"detail", opt(e.detail)},
                      {"by", opt(e.user)}});
  json appts = json::array();
  for (const auto& a : r.appointments)
    appts.push_back({{"id", a.id},
                     {"starts_at", a.starts_at},
                     {"place", a.place},
                     {"status", a.status},
                     {"practitioner_user_id", opt(a.practitioner_id)},
                     {"practitioner", opt(a.practitioner)},
                     {"team_id", a.team.value},
                     {"team", a.team_name}});
  return {{"id", r.id.value},
          {"person_id", r.person.value},
          {"person_name", r.person_name},
          {"person_nhs_number", r.person_nhs_number},
          {"from_team_id", r.from_team.value},
          {"from_team", r.from_team_name},
          {"to_team_id", r.to_team.value},
          {"to_team", r.to_team_name},
          {"status", r.status},
          {"sent_at", r.sent_at},
          {"service_requested", opt(r.service_requested)},
          {"urgency", opt(r.urgency)},
          {"reason", opt(r.reason)},
          {"accepted_at", opt(r.accepted_at)},
          {"first_contact_at", opt(r.first_contact_at)},
          {"closed_at", opt(r.closed_at)},
          {"allocated_user_id", opt(r.allocated_user_id)},
          {"allocated_to", opt(r.allocated_user)},
          {"previous_referral_id", opt(r.previous_referral_id)},
          {"hours_to_acceptance", opt(r.hours_to_acceptance)},
          {"hours_to_first_contact", opt(r.hours_to_first_contact)},
          {"hours_waiting", r.hours_waiting},
          {"withheld_by_consent", r.withheld},
          {"events", events},
          {"appointments", appts}};
}

json to_json(const CaseNote& n) {
  return {{"note_id", n.note_id},
          {"version", n.version},
          {"person_id", n.person.value},
          {"organisation_id", n.organisation.value},
          {"organisation", n.organisation_name},
          {"team_id", n.team.value},
          {"team", n.team_name},
          {"author", n.author},
          {"category", n.category},
          {"sensitivity", n.sensitivity},
          {"written_at", n.written_at},
          {"body", opt(n.body)},
          {"correction_reason", opt(n.correction_reason)},
          {"sealed_to_you", n.sealed_to_you},
          {"by_override", n.by_override}};
}

json to_json(const AssessmentView& a) {
  json qs = json::array();
  for (const auto& q : a.questions)
    qs.push_back({{"code", q.question_code},
                  {"domain", q.domain},
                  {"question", q.question},
                  {"answer", opt(q.answer)},
                  {"answered_by", opt(q.answered_by)},
                  {"organisation", opt(q.organisation)},
                  {"answered_at", opt(q.answered_at)},
                  {"prefilled", q.prefilled},
                  {"withheld", q.withheld}});
  return {{"id", a.id},
          {"person_id", a.person.value},
          {"kind", a.kind},
          {"domain", opt(a.domain)},
          {"status", a.status},
          {"started_at", a.started_at},
          {"started_by", a.started_by},
          {"organisation", a.organisation},
          {"completed_at", opt(a.completed_at)},
          {"questions_prefilled", a.prefilled},
          {"questions_asked", a.asked},
          {"questions_outstanding", a.outstanding},
          {"contributors", a.contributors},
          {"questions", qs}};
}

json to_json(const ChcCase& c) {
  return {{"id", c.id},
          {"person_id", c.person.value},
          {"fast_track", c.fast_track},
          {"status", c.status},
          {"opened_at", c.opened_at},
          {"checklist_outcome", opt(c.checklist_outcome)},
          {"dst_at", opt(c.dst_at)},
          {"recommendation", opt(c.recommendation)},
          {"decision", opt(c.decision)},
          {"decision_at", opt(c.decision_at)},
          {"levels", c.levels},
          {"mdt", c.mdt}};
}

json to_json(const CarePlan& p) {
  json lines = json::array();
  for (const auto& l : p.lines)
    lines.push_back({{"id", l.id},
                     {"provider_organisation_id", l.provider.value},
                     {"provider", l.provider_name},
                     {"service", l.service},
                     {"funder", l.funder},
                     {"pool_id", opt(l.pool_id)},
                     {"units_per_week", l.units_per_week},
                     {"unit_cost_pence", l.unit_cost_pence},
                     {"weekly_cost_pence", l.weekly_cost_pence()},
                     {"start_date", l.start_date},
                     {"end_date", opt(l.end_date)}});
  return {{"id", p.id},
          {"person_id", p.person.value},
          {"status", p.status},
          {"created_at", p.created_at},
          {"review_date", p.review_date},
          {"organisation", p.organisation},
          {"key_worker", opt(p.key_worker)},
          {"lines", lines},
          {"weekly_cost_pence", p.weekly_cost_pence}};
}

json to_json(const PersonalBudget& b) {
  json funders = json::array();
  for (const auto& [f, pence] : b.funders)
    funders.push_back({{"funder", f}, {"amount_pence", pence}});
  json ledger = json::array();
  for (const auto& e : b.ledger)
    ledger.push_back({{"id", e.id},
                      {"entry_date", e.entry_date},
                      {"kind", e.kind},
                      {"description", e.description},
                      {"amount_pence", e.amount_pence}});
  return {{"id", b.id},
          {"person_id", b.person.value},
          {"care_plan_id", opt(b.care_plan_id)},
          {"kind", b.kind},
          {"mode", b.mode},
          {"annual_amount_pence", b.annual_amount_pence},
          {"start_date", b.start_date},
          {"review_date", b.review_date},
          {"funders", funders},
          {"ledger", ledger},
          {"spent_pence", b.spent_pence},
          {"balance_pence", b.balance_pence}};
}

json to_json(const Alert& a) {
  return {{"id", a.id},
          {"raised_at", a.raised_at},
          {"kind", a.kind},
          {"user", a.user},
          {"user_role", a.user_role},
          {"person_id", opt(a.person_id)},
          {"record_type", a.record_type},
          {"record_id", a.record_id},
          {"reason", a.reason},
          {"status", a.status},
          {"reviewed_by", opt(a.reviewed_by)},
          {"reviewed_at", opt(a.reviewed_at)},
          {"review_outcome", opt(a.review_outcome)},
          {"review_note", opt(a.review_note)}};
}

json to_json(const AccessLogEntry& x) {
  const auto& e = x.event;
  return {{"trail", governance::trail_name(e.trail)},
          {"id", e.id},
          {"at", e.occurred_at.iso()},
          {"user_id", opt(e.user_id)},
          {"user", x.user_name},
          {"role", e.user_role},
          {"organisation_id", opt(e.organisation_id)},
          {"organisation", x.organisation_name},
          {"person_id", opt(e.person_id)},
          {"action", e.action},
          {"record_type", e.record_type},
          {"record_id", e.record_id},
          {"purpose", e.purpose},
          {"purpose_display", std::string(governance::display_of_code(e.purpose))},
          {"outcome", e.outcome},
          {"operation", e.operation},
          {"reason", e.reason}};
}

json to_json(const ConsentChoice& c) {
  return json{{"id", c.id},
              {"organisation_id", c.organisation.value},
              {"organisation", c.organisation_name},
              {"direction", c.direction},
              {"allowed", c.allowed},
              {"recorded_at", c.recorded_at}};
}

template <class T>
json items(const std::vector<T>& v) {
  json a = json::array();
  for (const auto& x : v) a.push_back(to_json(x));
  return a;
}

template <class T>
json page(const std::vector<T>& v, std::size_t offset, std::size_t limit) {
  return {{"items", items(v)}, {"offset", offset}, {"limit", limit}};
}

// The two answer forms most routes take: the value as JSON, and a list as {"items": [...]}.
constexpr auto as_json = [](const auto& x) { return to_json(x); };
constexpr auto as_items = [](const auto& v) { return json{{"items", items(v)}}; };

// ---- request bodies ---------------------------------------------------------------------------

struct Body {
  json j;
  std::string problem;
  explicit Body(const std::string& text) {
    j = json::parse(text.empty() ? "{}" : text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) problem = "the body must be a JSON object";
  }
  // Text fields: clean UTF-8 (the parser checks the encoding; escapes such as \u0000 can still
  // carry control characters) and at most kMaxText bytes.
  static constexpr std::size_t kMaxText = 65536;
  std::string str(const char* key, std::string fallback = "") {
    if (!j.contains(key) || j[key].is_null()) return fallback;
    if (!j[key].is_string()) {
      if (problem.empty()) problem = std::string(key) + ": must be a string";
      return fallback;
    }
    std::string v = j[key].get<std::string>();
    if (auto p = text_problem(v)) {
      if (problem.empty()) problem = std::string(key) + ": " + *p;
      return fallback;
    }
    if (v.size() > kMaxText) {
      if (problem.empty()) problem = std::string(key) + ": longer than 65,536 bytes";
      return fallback;
    }
    return v;
  }
  // Whole numbers within [lo, hi] (by default what a JSON number holds exactly); ids are >= 1.
  static constexpr std::int64_t kExact = std::int64_t{1} << 53;
  std::optional<std::int64_t> integer(const char* key, std::int64_t lo = -kExact,
                                      std::int64_t hi = kExact) {
    if (!j.contains(key) || j[key].is_null()) return std::nullopt;
    const json& v = j[key];
    if (!v.is_number_integer()) {
      if (problem.empty()) problem = std::string(key) + ": must be a whole number";
      return std::nullopt;
    }
    bool in_range;
    if (v.is_number_unsigned()) {  // the parser's form for every non-negative whole number
      auto u = v.get<std::uint64_t>();
      in_range =
          u <= static_cast<std::uint64_t>(hi) && (lo <= 0 || u >= static_cast<std::uint64_t>(lo));
    } else {
      auto x = v.get<std::int64_t>();
      in_range = x >= lo && x <= hi;
    }
    if (!in_range) {
      if (problem.empty())
        problem =
            std::string(key) + ": must be from " + std::to_string(lo) + " to " + std::to_string(hi);
      return std::nullopt;
    }
    return v.get<std::int64_t>();
  }
  std::optional<std::int64_t> id(const char* key) { return integer(key, 1, kExact); }
  bool boolean(const char* key, bool fallback) {
    if (!j.contains(key) || j[key].is_null()) return fallback;
    if (!j[key].is_boolean()) {
      if (problem.empty()) problem = std::string(key) + ": must be true or false";
      return fallback;
    }
    return j[key].get<bool>();
  }
  std::map<std::string, std::string> string_map(const char* key) {
    std::map<std::string, std::string> out;
    if (!j.contains(key) || !j[key].is_object()) {
      if (problem.empty()) problem = std::string(key) + ": must be an object of strings";
      return out;
    }
    for (const auto& [k, v] : j[key].items()) {
      if (!v.is_string()) {
        if (problem.empty()) problem = std::string(key) + "." + k + ": must be a string";
        continue;
      }
      std::string text = v.get<std::string>();
      if (auto p = text_problem(text); p || text.size() > kMaxText) {
        if (problem.empty())
          problem = std::string(key) + "." + k + ": " +
                    (p ? *p : std::string("longer than 65,536 bytes"));
        continue;
      }
      out[k] = std::move(text);
    }
    return out;
  }
};

HttpResponse bad_body(const Body& b) { return error(400, "bad_request", b.problem); }

}  // namespace

std::string query_value(const std::string& query, std::string_view name) {
  std::size_t p = 0;
  while (p <= query.size()) {
    std::size_t amp = query.find('&', p);
    std::string_view pair =
        std::string_view(query).substr(p, amp == std::string::npos ? std::string::npos : amp - p);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=')
      return percent_decode(pair.substr(name.size() + 1), true);
    if (amp == std::string::npos) break;
    p = amp + 1;
  }
  return {};
}

namespace {

// ---- the routes' handlers ---------------------------------------------------------------------

HttpResponse find_persons_route(const CareCall& c) {
  const auto& query = c.request.query;
  PersonQuery q;
  q.nhs_number = query_value(query, "nhs_number");
  q.given_name = query_value(query, "given_name");
  q.family_name = query_value(query, "family_name");
  q.birth_date = query_value(query, "birth_date");
  q.postcode = query_value(query, "postcode");
  q.limit = std::min<std::size_t>(query_size(query, "limit", 10), 50);
  return answer(find_persons(c.ctx, q), as_items);
}

HttpResponse person_summary_route(const CareCall& c) {
  return answer(person_summary(c.ctx, PersonId(c.id)), as_json);
}

HttpResponse known_to_route(const CareCall& c) {
  return answer(known_to(c.ctx, PersonId(c.id)), as_json);
}

HttpResponse timeline_route(const CareCall& c) {
  return answer(timeline(c.ctx, PersonId(c.id),
                         std::min<std::size_t>(query_size(c.request.query, "limit", 100), 500)),
                [](const auto& v) {
                  json a = json::array();
                  for (const auto& e : v)
                    a.push_back({{"at", e.at},
                                 {"kind", e.kind},
                                 {"organisation", e.organisation},
                                 {"team", opt(e.team)},
                                 {"description", e.description}});
                  return json{{"items", a}};
                });
}

HttpResponse list_notes_route(const CareCall& c) {
  const std::size_t offset = query_size(c.request.query, "offset", 0),
                    limit = std::min<std::size_t>(query_size(c.request.query, "limit", 100), 500);
  return answer(list_notes(c.ctx, PersonId(c.id), offset, limit),
                [&](const auto& v) { return page(v, offset, limit); });
}

HttpResponse add_note_route(const CareCall& c) {
  Body b(c.request.body);
  NewNote note{b.str("category"), b.str("sensitivity", "normal"), b.str("body")};
  if (!b.problem.empty()) return bad_body(b);
  return answer(add_note(c.ctx, PersonId(c.id), note), as_json, 201);
}

HttpResponse consents_route(const CareCall& c) {
  return answer(consents(c.ctx, PersonId(c.id)), as_items);
}

HttpResponse record_consent_route(const CareCall& c) {
  Body b(c.request.body);
  auto org = b.id("organisation_id");
  std::string direction = b.str("direction");
  bool allowed = b.boolean("allowed", true);
  if (!b.problem.empty()) return bad_body(b);
  if (!org) return error(400, "bad_request", "organisation_id: required");
  return answer(
      record_consent(c.ctx, PersonId(c.id), OrganisationId(*org), direction, allowed),
      [](const ConsentChoice& x) { return to_json(x); }, 201);
}

HttpResponse break_glass_route(const CareCall& c) {
  Body b(c.request.body);
  std::string reason = b.str("reason");
  auto hours = b.integer("hours", 1, 24);
  if (!b.problem.empty()) return bad_body(b);
  return answer(
      break_glass(c.ctx, PersonId(c.id), reason, static_cast<int>(hours.value_or(4))),
      [](const BreakGlassGrant& g) {
        return json{{"id", g.id}, {"expires_at", g.expires_at}, {"alert_id", g.alert_id}};
      },
      201);
}

HttpResponse access_log_route(const CareCall& c) {
  return answer(who_looked(c.ctx, PersonId(c.id),
                           std::min<std::size_t>(query_size(c.request.query, "limit", 200), 1000)),
                as_items);
}

HttpResponse access_report_route(const CareCall& c) {
  const std::string format = query_value(c.request.query, "format");
  if (!format.empty() && format != "json" && format != "html")
    return error(400, "bad_request", "format: json or html");
  auto report = access_report(
      c.ctx, PersonId(c.id), std::min<std::size_t>(query_size(c.request.query, "limit", 500), 5000),
      c.checkpoints);
  if (!report.ok()) return answer(report, [](const auto&) { return json(); });
  return format == "html" ? access_report_html(*report) : access_report_json(*report);
}

HttpResponse person_assessments_route(const CareCall& c) {
  return answer(person_assessments(c.ctx, PersonId(c.id)), as_items);
}

HttpResponse start_assessment_route(const CareCall& c) {
  Body b(c.request.body);
  std::string kind = b.str("kind"), domain = b.str("domain");
  if (!b.problem.empty()) return bad_body(b);
  return answer(start_assessment(c.ctx, PersonId(c.id), kind, domain), as_json, 201);
}

HttpResponse open_chc_route(const CareCall& c) {
  Body b(c.request.body);
  bool fast = b.boolean("fast_track", false);
  if (!b.problem.empty()) return bad_body(b);
  return answer(open_chc(c.ctx, PersonId(c.id), fast), as_json, 201);
}

HttpResponse care_plans_route(const CareCall& c) {
  return answer(care_plans(c.ctx, PersonId(c.id)), as_items);
}

HttpResponse create_care_plan_route(const CareCall& c) {
  Body b(c.request.body);
  NewPlan plan;
  plan.review_date = b.str("review_date");
  if (auto k = b.id("key_worker_user_id")) plan.key_worker = StaffUserId(*k);
  if (!b.problem.empty()) return bad_body(b);
  return answer(create_care_plan(c.ctx, PersonId(c.id), plan), as_json, 201);
}

HttpResponse personal_budgets_route(const CareCall& c) {
  return answer(personal_budgets(c.ctx, PersonId(c.id)), as_items);
}

HttpResponse create_budget_route(const CareCall& c) {
  Body b(c.request.body);
  NewBudget nb;
  nb.care_plan_id = b.id("care_plan_id");
  nb.kind = b.str("kind", "personal_budget");
  nb.mode = b.str("mode", "notional");
  nb.annual_amount_pence = b.integer("annual_amount_pence", 0, 100000000000).value_or(0);
  nb.start_date = b.str("start_date");
  nb.review_date = b.str("review_date");
  if (b.j.contains("funders") && b.j["funders"].is_object()) {
    for (const auto& [f, v] : b.j["funders"].items()) {
      // Each share within what a budget can be, so that their sum cannot overflow.
      bool in_range = v.is_number_integer() &&
                      (v.is_number_unsigned()
                           ? v.get<std::uint64_t>() <= 100000000000ULL
                           : v.get<std::int64_t>() >= 0 && v.get<std::int64_t>() <= 100000000000LL);
      if (!clean_text(f) || f.size() > 64)
        return error(400, "bad_request", "funders: a funder's name must be short text");
      if (!in_range)
        return error(400, "bad_request",
                     "funders." + f + ": pence as a whole number from 0 to 100000000000");
      nb.funders.emplace_back(f, v.get<std::int64_t>());
    }
  }
  if (!b.problem.empty()) return bad_body(b);
  return answer(create_personal_budget(c.ctx, PersonId(c.id), nb), as_json, 201);
}

HttpResponse send_referral_route(const CareCall& c) {
  Body b(c.request.body);
  NewReferral r;
  auto person = b.id("person_id");
  auto team = b.id("to_team_id");
  r.service_requested = b.str("service_requested");
  r.reason = b.str("reason");
  r.urgency = b.str("urgency", "routine");
  if (!b.problem.empty()) return bad_body(b);
  if (!person || !team) return error(400, "bad_request", "person_id and to_team_id: required");
  r.person = PersonId(*person);
  r.to_team = TeamId(*team);
  return answer(send_referral(c.ctx, r), as_json, 201);
}

HttpResponse get_referral_route(const CareCall& c) {
  return answer(get_referral(c.ctx, ReferralId(c.id)), as_json);
}

// A move of the referral lifecycle (accept, decline, allocate, schedule, redirect, complete,
// cancel): the action is the path's last segment, one route each.
template <const char* Action>
HttpResponse referral_action_route(const CareCall& c) {
  Body b(c.request.body);
  ReferralAction a;
  a.action = Action;
  a.reason = b.str("reason");
  if (auto t = b.id("redirect_to_team_id")) a.redirect_to = TeamId(*t);
  if (auto u = b.id("allocate_to_user_id")) a.allocate_to = StaffUserId(*u);
  if (auto u = b.id("practitioner_user_id")) a.practitioner = StaffUserId(*u);
  a.starts_at = b.str("starts_at");
  a.place = b.str("place");
  if (!b.problem.empty()) return bad_body(b);
  return answer(act_on_referral(c.ctx, ReferralId(c.id), a), as_json);
}
constexpr char kAccept[] = "accept", kDecline[] = "decline", kAllocate[] = "allocate",
               kSchedule[] = "schedule", kRedirect[] = "redirect", kCancel[] = "cancel",
               kComplete[] = "complete";

HttpResponse team_inbox_route(const CareCall& c) {
  const auto& query = c.request.query;
  std::vector<std::string> statuses;
  std::string s = query_value(query, "status");
  for (std::size_t p = 0; !s.empty() && p <= s.size();) {
    std::size_t comma = s.find(',', p);
    statuses.push_back(s.substr(p, comma == std::string::npos ? std::string::npos : comma - p));
    if (comma == std::string::npos) break;
    p = comma + 1;
  }
  std::size_t offset = query_size(query, "offset", 0),
              limit = std::min<std::size_t>(query_size(query, "limit", 50), 200);
  return answer(team_inbox(c.ctx, TeamId(c.id), statuses, offset, limit), [&](const Inbox& box) {
    json a = json::array();
    for (const auto& r : box.referrals) a.push_back(to_json(r));
    return json{{"team_id", box.team.value}, {"team", box.team_name}, {"items", a},
                {"total", box.total},        {"offset", offset},      {"limit", limit}};
  });
}

HttpResponse close_involvement_route(const CareCall& c) {
  Body b(c.request.body);
  std::string reason = b.str("reason");
  if (!b.problem.empty()) return bad_body(b);
  return answer(close_involvement(c.ctx, c.id, reason), [](const Done&) {
    return json{{"closed", true}};
  });
}

HttpResponse note_versions_route(const CareCall& c) {
  return answer(note_history(c.ctx, c.id), as_items);
}

HttpResponse correct_note_route(const CareCall& c) {
  Body b(c.request.body);
  std::string body = b.str("body"), reason = b.str("reason");
  if (!b.problem.empty()) return bad_body(b);
  return answer(correct_note(c.ctx, c.id, body, reason), as_json, 201);
}

HttpResponse break_seal_route(const CareCall& c) {
  Body b(c.request.body);
  std::string reason = b.str("reason");
  if (!b.problem.empty()) return bad_body(b);
  return answer(break_seal(c.ctx, c.id, reason), as_json);
}

HttpResponse assessment_questions_route(const CareCall&) {
  json a = json::array();
  for (const auto& q : assessment_questions())
    a.push_back({{"code", q.code},
                 {"domain", q.domain},
                 {"question", q.text},
                 {"overview", q.overview},
                 {"sensitive", sensitive_domain(q.domain)}});
  return reply(200, json{{"domains", assessment_domains()}, {"items", a}});
}

HttpResponse get_assessment_route(const CareCall& c) {
  return answer(get_assessment(c.ctx, c.id), as_json);
}

HttpResponse contribute_route(const CareCall& c) {
  Body b(c.request.body);
  auto answers = b.string_map("answers");
  if (!b.problem.empty()) return bad_body(b);
  return answer(contribute(c.ctx, c.id, answers), as_json);
}

HttpResponse complete_assessment_route(const CareCall& c) {
  return answer(complete_assessment(c.ctx, c.id), as_json);
}

HttpResponse get_chc_route(const CareCall& c) { return answer(get_chc(c.ctx, c.id), as_json); }

HttpResponse chc_checklist_route(const CareCall& c) {
  Body b(c.request.body);
  bool positive = b.boolean("positive", false);
  if (!b.problem.empty()) return bad_body(b);
  return answer(record_checklist(c.ctx, c.id, positive), as_json);
}

HttpResponse chc_dst_route(const CareCall& c) {
  Body b(c.request.body);
  auto levels = b.string_map("levels");
  std::vector<StaffUserId> mdt;
  if (b.j.contains("mdt") && b.j["mdt"].is_array())
    for (const auto& u : b.j["mdt"]) {
      if (!u.is_number_unsigned() || u.get<std::uint64_t>() < 1 ||
          u.get<std::uint64_t>() > (std::uint64_t{1} << 53))
        return error(400, "bad_request", "mdt: staff user ids, whole numbers from 1");
      mdt.emplace_back(u.get<std::int64_t>());
    }
  if (!b.problem.empty()) return bad_body(b);
  return answer(record_dst(c.ctx, c.id, levels, mdt), as_json);
}

HttpResponse chc_decision_route(const CareCall& c) {
  Body b(c.request.body);
  std::string decision = b.str("decision");
  if (!b.problem.empty()) return bad_body(b);
  return answer(record_chc_decision(c.ctx, c.id, decision), as_json);
}

HttpResponse add_plan_line_route(const CareCall& c) {
  Body b(c.request.body);
  NewPlanLine l;
  l.provider = OrganisationId(b.id("provider_organisation_id").value_or(0));
  l.service = b.str("service");
  l.funder = b.str("funder");
  l.pool_id = b.id("pool_id");
  l.units_per_week = b.integer("units_per_week", 0, 10000).value_or(0);
  l.unit_cost_pence = b.integer("unit_cost_pence", 0, 10000000000).value_or(0);
  l.start_date = b.str("start_date");
  l.end_date = b.str("end_date");
  if (!b.problem.empty()) return bad_body(b);
  return answer(add_plan_line(c.ctx, c.id, l), as_json, 201);
}

HttpResponse budget_entry_route(const CareCall& c) {
  Body b(c.request.body);
  std::string kind = b.str("kind"), date = b.str("entry_date"), description = b.str("description");
  auto amount = b.integer("amount_pence", -1000000000000, 1000000000000);
  if (!b.problem.empty()) return bad_body(b);
  return answer(record_budget_entry(c.ctx, c.id, kind, date, description, amount.value_or(0)),
                as_json, 201);
}

HttpResponse list_alerts_route(const CareCall& c) {
  const auto& query = c.request.query;
  std::size_t offset = query_size(query, "offset", 0),
              limit = std::min<std::size_t>(query_size(query, "limit", 50), 500);
  return answer(list_alerts(c.ctx, query_value(query, "status"), offset, limit),
                [&](const auto& v) { return page(v, offset, limit); });
}

HttpResponse review_alert_route(const CareCall& c) {
  Body b(c.request.body);
  std::string outcome = b.str("outcome"), note = b.str("note");
  if (!b.problem.empty()) return bad_body(b);
  return answer(review_alert(c.ctx, c.id, outcome, note), as_json);
}

HttpResponse verify_audit_route(const CareCall& c) {
  return answer(verify_audit_trail(c.ctx), [](const governance::AuditVerification& v) {
    return json{{"intact", v.intact},
                {"events", v.events},
                {"record_events", v.record_events},
                {"access_events", v.access_events},
                {"trail", v.bad_trail ? json(governance::trail_name(*v.bad_trail)) : json(nullptr)},
                {"first_bad_id", opt(v.first_bad_id)},
                {"problem", v.problem}};
  });
}

HttpResponse search_audit_route(const CareCall& c) {
  const auto& query = c.request.query;
  governance::AuditQuery q;
  for (const char* key : {"person_id", "user_id", "organisation_id"}) {
    std::string v = query_value(query, key);
    if (v.empty()) continue;
    auto parsed = parse_id(v);
    if (!parsed) return error(400, "bad_request", std::string(key) + ": a positive whole number");
    (std::string(key) == "person_id" ? q.person_id
     : std::string(key) == "user_id" ? q.user_id
                                     : q.organisation_id) = *parsed;
  }
  for (const char* key : {"from", "to"}) {
    std::string v = query_value(query, key);
    if (v.empty()) continue;
    auto t = Timestamp::parse_iso(v.size() == 10 ? v + "T00:00:00Z" : v);
    if (!t) return error(400, "bad_request", std::string(key) + ": an ISO date or time");
    (std::string(key) == "from" ? q.from : q.to) = *t;
  }
  if (auto a = query_value(query, "action"); !a.empty()) q.action = a;
  if (auto t = query_value(query, "trail"); !t.empty()) {
    if (t != "record" && t != "access") return error(400, "bad_request", "trail: record or access");
    q.trail = t == "access" ? governance::AuditTrail::Access : governance::AuditTrail::Record;
  }
  q.limit = std::min<std::size_t>(query_size(query, "limit", 200), 1000);
  return answer(search_audit_trail(c.ctx, q), [&](const auto& v) {
    return json{{"items", items(v)}, {"limit", q.limit}};
  });
}

const QueryParam kOffset{"offset", "integer", "how many to skip"};

}  // namespace

const std::vector<Route>& care_routes() {
  using K = RouteKind;
  static const std::vector<Route> routes = {
      {"GET",
       "/api/v1/persons",
       "findPersons",
       "find persons by NHS number or demographics (probabilistic when the number is missing)",
       K::CareRead,
       find_persons_route,
       nullptr,
       "",
       "PersonMatches",
       200,
       "application/json",
       {{"nhs_number", "string", "ten digits"},
        {"given_name", "string", ""},
        {"family_name", "string", ""},
        {"birth_date", "string", "YYYY-MM-DD"},
        {"postcode", "string", ""},
        {"limit", "integer", "at most 50"}}},
      {"GET", "/api/v1/persons/{id}", "getPersonSummary",
       "a person's summary: who they are, who else knows them, open referrals", K::CareRead,
       person_summary_route, nullptr, "", "PersonSummary"},
      {"GET", "/api/v1/persons/{id}/known-to", "getKnownTo",
       "the organisations and teams that know the person", K::CareRead, known_to_route, nullptr, "",
       "KnownTo"},
      {"GET",
       "/api/v1/persons/{id}/timeline",
       "getTimeline",
       "the person's journey across organisations",
       K::CareRead,
       timeline_route,
       nullptr,
       "",
       "Timeline",
       200,
       "application/json",
       {{"limit", "integer", "at most 500"}}},
      {"GET",
       "/api/v1/persons/{id}/notes",
       "listNotes",
       "the case notes the reader may see",
       K::CareRead,
       list_notes_route,
       nullptr,
       "",
       "CaseNotePage",
       200,
       "application/json",
       {kOffset, {"limit", "integer", "at most 500 (100 when absent)"}}},
      {"POST", "/api/v1/persons/{id}/notes", "addNote", "write a case note", K::CareChange,
       add_note_route, nullptr, "NewNote", "CaseNote", 201},
      {"GET", "/api/v1/persons/{id}/consents", "listConsents",
       "the person's consent choices, by organisation and direction", K::CareRead, consents_route,
       nullptr, "", "Consents"},
      {"POST", "/api/v1/persons/{id}/consents", "recordConsent", "record a consent choice",
       K::CareChange, record_consent_route, nullptr, "NewConsent", "Consent", 201},
      {"POST", "/api/v1/persons/{id}/break-glass", "breakGlass",
       "emergency access to the person's record for a few hours, reviewed afterwards",
       K::CareChange, break_glass_route, nullptr, "BreakGlassRequest", "BreakGlassGrant", 201},
      {"GET",
       "/api/v1/persons/{id}/access-log",
       "getAccessLog",
       "every access to the person's record",
       K::CareRead,
       access_log_route,
       nullptr,
       "",
       "AuditEvents",
       200,
       "application/json",
       {{"limit", "integer", "at most 1000"}}},
      {"GET",
       "/api/v1/persons/{id}/access-report",
       "getAccessReport",
       "who looked at the person's record, each line with an inclusion proof (JSON, or HTML "
       "for print)",
       K::CareRead,
       access_report_route,
       nullptr,
       "",
       "AccessReport",
       200,
       "application/json",
       {{"format", "string", "json (the default) or html"}, {"limit", "integer", "at most 5000"}}},
      {"GET", "/api/v1/persons/{id}/assessments", "listAssessments", "the person's assessments",
       K::CareRead, person_assessments_route, nullptr, "", "Assessments"},
      {"POST", "/api/v1/persons/{id}/assessments", "startAssessment",
       "start an assessment (answers other agencies gave are prefilled)", K::CareChange,
       start_assessment_route, nullptr, "NewAssessment", "Assessment", 201},
      {"POST", "/api/v1/persons/{id}/chc", "openChc", "open a Continuing Health Care case",
       K::CareChange, open_chc_route, nullptr, "NewChc", "ChcCase", 201},
      {"GET", "/api/v1/persons/{id}/care-plans", "listCarePlans", "the person's care plans",
       K::CareRead, care_plans_route, nullptr, "", "CarePlans"},
      {"POST", "/api/v1/persons/{id}/care-plans", "createCarePlan", "make a care plan",
       K::CareChange, create_care_plan_route, nullptr, "NewCarePlan", "CarePlan", 201},
      {"GET", "/api/v1/persons/{id}/budgets", "listPersonalBudgets",
       "the person's personal budgets", K::CareRead, personal_budgets_route, nullptr, "",
       "PersonalBudgets"},
      {"POST", "/api/v1/persons/{id}/budgets", "createPersonalBudget", "set up a personal budget",
       K::CareChange, create_budget_route, nullptr, "NewPersonalBudget", "PersonalBudget", 201},
      {"POST", "/api/v1/referrals", "sendReferral", "refer a person to another team", K::CareChange,
       send_referral_route, nullptr, "NewReferral", "Referral", 201},
      {"GET", "/api/v1/referrals/{id}", "getReferral", "a referral with its events", K::CareRead,
       get_referral_route, nullptr, "", "Referral"},
      {"POST", "/api/v1/referrals/{id}/accept", "acceptReferral", "accept a referral",
       K::CareChange, referral_action_route<kAccept>, nullptr, "ReferralAction", "Referral"},
      {"POST", "/api/v1/referrals/{id}/decline", "declineReferral", "decline a referral",
       K::CareChange, referral_action_route<kDecline>, nullptr, "ReferralAction", "Referral"},
      {"POST", "/api/v1/referrals/{id}/allocate", "allocateReferral",
       "allocate a referral to a member of the team", K::CareChange,
       referral_action_route<kAllocate>, nullptr, "ReferralAction", "Referral"},
      {"POST", "/api/v1/referrals/{id}/schedule", "scheduleReferral", "book the first appointment",
       K::CareChange, referral_action_route<kSchedule>, nullptr, "ReferralAction", "Referral"},
      {"POST", "/api/v1/referrals/{id}/redirect", "redirectReferral",
       "send the referral on to another team", K::CareChange, referral_action_route<kRedirect>,
       nullptr, "ReferralAction", "Referral"},
      {"POST", "/api/v1/referrals/{id}/cancel", "cancelReferral", "cancel a referral",
       K::CareChange, referral_action_route<kCancel>, nullptr, "ReferralAction", "Referral"},
      {"POST", "/api/v1/referrals/{id}/complete", "completeReferral",
       "complete the episode the referral began", K::CareChange, referral_action_route<kComplete>,
       nullptr, "ReferralAction", "Referral"},
      {"GET",
       "/api/v1/teams/{id}/inbox",
       "getTeamInbox",
       "the referrals sent to a team",
       K::CareRead,
       team_inbox_route,
       nullptr,
       "",
       "Inbox",
       200,
       "application/json",
       {{"status", "string", "statuses, comma-separated"},
        kOffset,
        {"limit", "integer", "at most 200"}}},
      {"POST", "/api/v1/involvements/{id}/close", "closeInvolvement",
       "end a team's involvement with a person", K::CareChange, close_involvement_route, nullptr,
       "Reason", "Closed"},
      {"GET", "/api/v1/notes/{id}/versions", "getNoteVersions", "a case note's versions",
       K::CareRead, note_versions_route, nullptr, "", "CaseNotes"},
      {"POST", "/api/v1/notes/{id}/corrections", "correctNote",
       "correct a case note (a new version; the old is kept)", K::CareChange, correct_note_route,
       nullptr, "NoteCorrection", "CaseNote", 201},
      {"POST", "/api/v1/notes/{id}/seal-break", "breakSeal",
       "open a sealed note, with a reason (raises an alert)", K::CareChange, break_seal_route,
       nullptr, "Reason", "CaseNote"},
      {"GET", "/api/v1/assessment-questions", "listAssessmentQuestions",
       "the questions of the shared assessment, by domain", K::CareRead, assessment_questions_route,
       nullptr, "", "AssessmentQuestions"},
      {"GET", "/api/v1/assessments/{id}", "getAssessment", "an assessment and its answers",
       K::CareRead, get_assessment_route, nullptr, "", "Assessment"},
      {"POST", "/api/v1/assessments/{id}/answers", "contributeAnswers",
       "answer questions of an assessment", K::CareChange, contribute_route, nullptr, "Answers",
       "Assessment"},
      {"POST", "/api/v1/assessments/{id}/complete", "completeAssessment", "complete an assessment",
       K::CareChange, complete_assessment_route, nullptr, "", "Assessment"},
      {"GET", "/api/v1/chc/{id}", "getChc", "a Continuing Health Care case", K::CareRead,
       get_chc_route, nullptr, "", "ChcCase"},
      {"POST", "/api/v1/chc/{id}/checklist", "recordChcChecklist",
       "record the CHC checklist's outcome", K::CareChange, chc_checklist_route, nullptr,
       "ChcChecklist", "ChcCase"},
      {"POST", "/api/v1/chc/{id}/dst", "recordChcDst", "record the Decision Support Tool",
       K::CareChange, chc_dst_route, nullptr, "ChcDst", "ChcCase"},
      {"POST", "/api/v1/chc/{id}/decision", "recordChcDecision", "record the CHC decision",
       K::CareChange, chc_decision_route, nullptr, "ChcDecision", "ChcCase"},
      {"POST", "/api/v1/care-plans/{id}/lines", "addCarePlanLine", "add a service to a care plan",
       K::CareChange, add_plan_line_route, nullptr, "NewCarePlanLine", "CarePlan", 201},
      {"POST", "/api/v1/budgets/{id}/ledger", "recordBudgetEntry",
       "post an entry to a personal budget's ledger", K::CareChange, budget_entry_route, nullptr,
       "NewBudgetEntry", "PersonalBudget", 201},
      {"GET",
       "/api/v1/alerts",
       "listAlerts",
       "alerts for review: break-glass, seal breaks, unusual access",
       K::CareRead,
       list_alerts_route,
       nullptr,
       "",
       "Alerts",
       200,
       "application/json",
       {{"status", "string", "open or reviewed"}, kOffset, {"limit", "integer", "at most 500"}}},
      {"POST", "/api/v1/alerts/{id}/review", "reviewAlert", "record an alert's review",
       K::CareChange, review_alert_route, nullptr, "AlertReview", "Alert"},
      {"GET", "/api/v1/audit/verify", "verifyAudit",
       "verify both audit trails' hash chains and the access index", K::CareRead,
       verify_audit_route, nullptr, "", "AuditVerification"},
      {"GET",
       "/api/v1/audit",
       "searchAudit",
       "search the audit trails",
       K::CareRead,
       search_audit_route,
       nullptr,
       "",
       "AuditSearch",
       200,
       "application/json",
       {{"person_id", "integer", ""},
        {"user_id", "integer", ""},
        {"organisation_id", "integer", ""},
        {"from", "string", "ISO date or time"},
        {"to", "string", "ISO date or time"},
        {"action", "string", ""},
        {"trail", "string", "record or access"},
        {"limit", "integer", "at most 1000"}}},
  };
  return routes;
}

}  // namespace jc::server
