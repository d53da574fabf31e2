#include "governance/proof_json.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

namespace jc::governance {
namespace {

using nlohmann::json;

json event_object(const AuditEvent& e) {
  auto opt = [](const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); };
  return json{{"id", e.id},
              {"occurred_at", e.occurred_at.iso()},
              {"user_id", opt(e.user_id)},
              {"user_role", e.user_role},
              {"organisation_id", opt(e.organisation_id)},
              {"person_id", opt(e.person_id)},
              {"action", e.action},
              {"record_type", e.record_type},
              {"record_id", e.record_id},
              {"purpose", e.purpose},
              {"outcome", e.outcome},
              {"operation", e.operation},
              {"reason", e.reason},
              {"detail", e.detail},
              {"previous_hash", e.previous_hash}};
}

std::string hex_of(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  out.pop_back();
  return out;
}

std::string dump(const json& j, int indent) {
  // Stored text is escaped on append (audit_text), so replace never applies; it keeps the writer
  // from throwing whatever a database holds.
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string audit_event_json(const AuditEvent& e) { return dump(event_object(e), -1); }

std::string inclusion_proof_json(const InclusionProof& p, const Checkpoint& c, int indent) {
  json path = json::array();
  for (const auto& h : p.path) path.push_back(merkle::to_hex(h));
  json out{{"trail", trail_name(c.trail)},
           {"event", event_object(p.event)},
           {"entry_hex", hex_of(p.entry)},
           {"leaf_index", p.index},
           {"tree_size", p.size},
           {"hash", p.event.hash},
           {"leaf_hash", merkle::to_hex(audit_leaf(p.event.hash))},
           {"root", merkle::to_base64(c.root)},
           {"path", path},
           {"checkpoint", c.note}};
  return dump(out, indent);
}

}  // namespace jc::governance
