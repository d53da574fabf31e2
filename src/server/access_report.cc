#include "server/access_report.h"

#include <nlohmann/json.hpp>

#include "governance/proof_json.h"
#include "governance/purpose.h"

namespace jc::server {
namespace {

using nlohmann::json;

const std::optional<governance::Checkpoint>& checkpoint_of(const care::AccessReport& r,
                                                           governance::AuditTrail t) {
  return t == governance::AuditTrail::Record ? r.record : r.access;
}

std::string who(const care::AccessLogEntry& x) {
  const auto& e = x.event;
  if (!x.user_name.empty()) return x.user_name;
  return e.user_id ? "user " + std::to_string(*e.user_id) : e.user_role;
}

// HTML text: the five characters that could open markup or end an attribute.
std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string what(const governance::AuditEvent& e) {
  std::string s = e.action + " " + e.record_type;
  for (auto& c : s)
    if (c == '_') c = ' ';
  return s;
}

}  // namespace

HttpResponse access_report_json(const care::AccessReport& r) {
  json lines = json::array();
  for (const auto& l : r.lines) {
    const auto& e = l.entry.event;
    json line{{"trail", governance::trail_name(e.trail)},
              {"event_id", e.id},
              {"at", e.occurred_at.iso()},
              {"user", who(l.entry)},
              {"role", e.user_role},
              {"organisation", l.entry.organisation_name},
              {"action", e.action},
              {"record_type", e.record_type},
              {"record_id", e.record_id},
              {"purpose", e.purpose},
              {"purpose_display", std::string(governance::display_of_code(e.purpose))},
              {"outcome", e.outcome},
              {"proof", nullptr},
              {"proof_holds", l.proof_holds}};
    if (l.proof)
      line["proof"] =
          json::parse(governance::inclusion_proof_json(*l.proof, *checkpoint_of(r, e.trail)));
    lines.push_back(std::move(line));
  }
  auto note = [](const std::optional<governance::Checkpoint>& c) {
    return c ? json(c->note) : json(nullptr);
  };
  json body{{"person_id", r.person.value},
            {"made_at", r.made_at.iso()},
            {"verifier", r.verifier ? json(governance::verifier_text(*r.verifier)) : json(nullptr)},
            {"checkpoints", {{"record", note(r.record)}, {"access", note(r.access)}}},
            {"lines", std::move(lines)},
            {"more", r.more}};
  return HttpResponse{200,
                      "application/json",
                      body.dump(-1, ' ', false, json::error_handler_t::replace),
                      {},
                      {},
                      {},
                      {}};
}

HttpResponse access_report_html(const care::AccessReport& r) {
  std::string h;
  h.reserve(4096 + r.lines.size() * 512);
  const std::string person = std::to_string(r.person.value);
  h += "<!doctype html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
       "<title>Who looked at the record of person " +
       person +
       "</title><style>"
       "body{font-family:Arial,sans-serif;color:#212b32;margin:2em}"
       "table{border-collapse:collapse;width:100%;font-size:0.9em}"
       "th,td{border-bottom:1px solid #d8dde0;text-align:left;padding:0.4em;vertical-align:top}"
       "code{font-size:0.85em;word-break:break-all}.bad{color:#d5281b;font-weight:bold}"
       "pre{white-space:pre-wrap;font-size:0.85em;background:#f0f4f5;padding:0.6em}"
       "@media print{body{margin:0}}"
       "</style></head><body>\n";
  h += "<h1>Who looked at the record of person " + person + "</h1>\n";
  h += "<p>Every access to and change of this person's record held by JointCare, newest first, "
       "made " +
       esc(r.made_at.iso()) + ". " + std::to_string(r.lines.size()) + " lines" +
       (r.more ? " (the newest; there are more)" : "") + ".</p>\n";
  h += "<table><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Who</th>"
       "<th scope=\"col\">Organisation</th><th scope=\"col\">What</th><th scope=\"col\">Why</th>"
       "<th scope=\"col\">Outcome</th><th scope=\"col\">Proof</th></tr></thead><tbody>\n";
  for (const auto& l : r.lines) {
    const auto& e = l.entry.event;
    h += "<tr><td>" + esc(e.occurred_at.iso()) + "</td><td>" + esc(who(l.entry)) + " (" +
         esc(e.user_role) + ")</td><td>" + esc(l.entry.organisation_name) + "</td><td>" +
         esc(what(e)) + "</td><td>" + esc(governance::display_of_code(e.purpose)) + " <code>" +
         esc(e.purpose) + "</code></td><td>" + esc(e.outcome) + "</td><td>";
    const std::string ref =
        std::string(governance::trail_name(e.trail)) + " event " + std::to_string(e.id);
    if (!l.proof) {
      h += esc(ref) + ": not yet in a signed checkpoint";
    } else if (!l.proof_holds) {
      h += "<span class=\"bad\">" + esc(ref) +
           ": the log does not prove this line; run jointcare audit verify</span>";
    } else {
      h += esc(ref) + ", leaf " + std::to_string(l.proof->index) + " of " +
           std::to_string(l.proof->size) + "; path";
      for (const auto& p : l.proof->path)
        h += " <code>" + governance::merkle::to_hex(p).substr(0, 16) + "</code>";
    }
    h += "</td></tr>\n";
  }
  h += "</tbody></table>\n<h2>The checkpoints the proofs are against</h2>\n";
  for (auto t : {governance::AuditTrail::Record, governance::AuditTrail::Access}) {
    const auto& c = checkpoint_of(r, t);
    h += "<h3>The " + std::string(governance::trail_name(t)) + " trail</h3>\n";
    h += c ? "<pre>" + esc(c->note) + "</pre>\n" : "<p>No checkpoint is signed yet.</p>\n";
  }
  if (r.verifier)
    h += "<p>Signed by the audit key <code>" + esc(governance::verifier_text(*r.verifier)) +
         "</code>. To check a line offline, take its proof from this report as JSON (the same "
         "address with <code>?format=json</code>) and run <code>jointcare audit prove --check "
         "PROOF.json --verifier KEY.pub</code>.</p>\n";
  h += "</body></html>\n";
  return HttpResponse{200, "text/html; charset=utf-8", std::move(h), {}, {}, {}, {}};
}

}  // namespace jc::server
