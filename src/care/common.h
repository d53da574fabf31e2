// Helpers the care services share; not part of their interface.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "care/context.h"
#include "care/outcome.h"

namespace jc::care::detail {

std::string trimmed(std::string s);
bool person_exists(store::Database& db, PersonId person);
// The failure a refusal of the gate answers (the gate has audited it): not found when the entry
// must stay invisible (`what` names it), else forbidden with `message` (default: why).
Failure refused(const governance::AccessDecision& decision, const std::string& what,
                std::string message = "");
// How well a record of the person serves to show their demographics to this user: -1 when the
// user may not see it, else higher for the user's own organisation's record, then for a verified
// NHS number.
int display_rank(governance::Gate& gate, PersonId person, OrganisationId record_organisation,
                 const std::string& nhs_status);

// A search's WHERE clause: conditions joined by AND, their parameters in order.
struct Conditions {
  std::string sql;  // "" or "WHERE a AND b ..."
  store::Params params;
  void add(std::string_view clause, store::Params values) {
    sql += (sql.empty() ? "WHERE " : " AND ") + std::string(clause);
    for (auto& v : values) params.push_back(std::move(v));
  }
};

// One page of a search's results in order of id: of the candidates `show` lets through (each
// counted in `total`), those whose id (`id_of`) is after the cursor `after`, at most `limit`;
// `more` when others follow.
template <typename T>
struct Paged {
  std::vector<T> page;
  std::size_t total = 0;
  bool more = false;
};
template <typename T, typename Show, typename IdOf>
Paged<T> page_of(std::vector<T>& candidates, std::int64_t after, std::size_t limit, Show show,
                 IdOf id_of) {
  Paged<T> out;
  for (auto& c : candidates) {
    if (!show(c)) continue;
    ++out.total;
    if (id_of(c) <= after) continue;
    if (out.page.size() < limit)
      out.page.push_back(std::move(c));
    else
      out.more = true;
  }
  return out;
}

}  // namespace jc::care::detail
