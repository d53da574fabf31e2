#include "fhir/search.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "core/text.h"
#include "core/time.h"
#include "fhir/resources.h"

namespace jc::fhir {
namespace {

std::optional<std::int64_t> whole_number(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// A FHIR date ("1950", "1950-03", "1950-03-31") and the beginning of the next one at the same
// precision; nothing when it is not one.
struct DateRange {
  std::string from, next;
};
std::optional<DateRange> date_range(const std::string& v) {
  char buf[16];
  if (v.size() == 4) {
    auto y = whole_number(v);
    if (!y || *y < 1 || *y > 9998) return std::nullopt;
    std::snprintf(buf, sizeof buf, "%04d", static_cast<int>(*y + 1));
    return DateRange{v, buf};
  }
  if (v.size() == 7 && v[4] == '-') {
    auto y = whole_number(std::string_view(v).substr(0, 4));
    auto m = whole_number(std::string_view(v).substr(5, 2));
    if (!y || !m || *y < 1 || *y > 9998 || *m < 1 || *m > 12) return std::nullopt;
    int ny = static_cast<int>(*y), nm = static_cast<int>(*m) + 1;
    if (nm == 13) nm = 1, ++ny;
    std::snprintf(buf, sizeof buf, "%04d-%02d", ny, nm);
    return DateRange{v, buf};
  }
  if (v.size() == 10) {
    auto d = Date::parse_iso(v);
    if (!d || d->iso() != v) return std::nullopt;
    return DateRange{v, d->plus_days(1).iso()};
  }
  return std::nullopt;
}

// Narrows [from, before) by a date parameter's value ("ge1950", "1950-03"): "" or the fault.
std::string narrow_dates(const std::string& name, const std::string& v, std::string& from,
                         std::string& before) {
  std::string prefix = "eq", date = v;
  if (v.size() > 2 && v[0] >= 'a' && v[0] <= 'z') prefix = v.substr(0, 2), date = v.substr(2);
  auto r = date_range(date);
  if (!r) return name + ": not a date (YYYY, YYYY-MM or YYYY-MM-DD): " + date;
  auto raise = [](std::string& bound, const std::string& to) {
    if (bound.empty() || to > bound) bound = to;
  };
  auto lower = [](std::string& bound, const std::string& to) {
    if (bound.empty() || to < bound) bound = to;
  };
  if (prefix == "eq") {
    raise(from, r->from);
    lower(before, r->next);
  } else if (prefix == "ge") {
    raise(from, r->from);
  } else if (prefix == "gt") {
    raise(from, r->next);
  } else if (prefix == "lt") {
    lower(before, r->from);
  } else if (prefix == "le") {
    lower(before, r->next);
  } else {
    return name + ": the prefix " + prefix + " is not supported (eq, ge, gt, le, lt)";
  }
  return {};
}

// "Organization/12" or "12" (the type when given must be `type`): the id, or nothing.
std::optional<std::int64_t> reference_id(std::string_view v, std::string_view type) {
  const std::size_t slash = v.find('/');
  if (slash != std::string_view::npos) {
    if (v.substr(0, slash) != type) return std::nullopt;
    v.remove_prefix(slash + 1);
  }
  auto id = whole_number(v);
  if (!id || *id <= 0) return std::nullopt;
  return id;
}

// _count and _after, alike in every search: whether `p` is one of them, and if it is refused,
// why in `message`. _count shows in the self link as the count used; _after (the next link's
// cursor) does not.
template <typename Id>
bool paging_parameter(const Param& p, std::size_t& limit, Id& after, std::vector<Param>& used,
                      std::string& message) {
  if (p.name == "_count") {
    auto c = whole_number(p.value);
    if (!c || *c < 0) {
      message = "_count: a whole number from 0";
    } else {
      limit = static_cast<std::size_t>(std::min<std::int64_t>(*c, kMostCount));
      used.push_back({p.name, std::to_string(limit)});
    }
    return true;
  }
  if (p.name == "_after") {
    auto a = whole_number(p.value);
    if (!a || *a < 0)
      message = "_after: the cursor of a next link";
    else
      after = Id(*a);
    return true;
  }
  return false;
}

std::string encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~' || c == ':') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::vector<Param> parse_query(std::string_view query) {
  std::vector<Param> out;
  std::size_t p = 0;
  while (p < query.size()) {
    std::size_t amp = query.find('&', p);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(p, amp - p);
    p = amp + 1;
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    out.push_back(
        {percent_decode(pair.substr(0, eq), true),
         eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1), true)});
  }
  return out;
}

std::string query_string(const std::vector<Param>& params) {
  std::string out;
  for (const auto& p : params)
    out += (out.empty() ? "" : "&") + encode(p.name) + "=" + encode(p.value);
  return out;
}

std::optional<PatientSearch> patient_search(const std::vector<Param>& params, bool strict,
                                            SearchFault& fault) {
  PatientSearch s;
  care::PatientQuery& q = s.query;
  q.limit = kDefaultCount;
  std::vector<std::string> seen;
  auto fail = [&](std::string message, const std::string& parameter) {
    fault = {std::move(message), parameter};
    return std::nullopt;
  };
  for (const auto& p : params) {
    const std::string& v = p.value;
    const std::string& n = p.name;
    if (n != "birthdate" && n != "_format") {
      for (const auto& before : seen)
        if (before == n) return fail(n + ": give it once", n);
      seen.push_back(n);
    }
    if (n == "_format") continue;  // the server has checked it is JSON
    if (v.empty()) return fail(n + ": empty", n);
    if (v.find(',') != std::string::npos && n != "_after")
      return fail(n + ": several values (a comma) are not supported: search once for each", n);
    if (std::string refused; paging_parameter(p, q.limit, q.after, s.used, refused)) {
      if (!refused.empty()) return fail(refused, n);
      continue;
    }
    if (n == "_id") {
      auto id = whole_number(v);
      q.id = LocalRecordId(id && *id > 0 ? *id : 0);  // an id that is not ours matches nothing
    } else if (n == "identifier") {
      const std::size_t bar = v.find('|');
      const std::string system =
          bar == std::string::npos ? std::string(kNhsNumberSystem) : v.substr(0, bar);
      const std::string value = bar == std::string::npos ? v : v.substr(bar + 1);
      if (value.empty()) return fail("identifier: give system|value", n);
      if (system == kNhsNumberSystem || system.empty()) {
        q.nhs_number = value;  // validated by the search
      } else if (system.rfind(kLocalRecordSystem, 0) == 0 &&
                 system.size() > kLocalRecordSystem.size()) {
        q.local_organisation_code = system.substr(kLocalRecordSystem.size());
        q.local_id = value;
      } else {
        q.id = LocalRecordId(0);  // an identifier system JointCare does not hold matches nothing
      }
    } else if (n == "birthdate") {
      if (auto m = narrow_dates(n, v, q.birth_date_from, q.birth_date_before); !m.empty())
        return fail(m, n);
    } else if (n == "family") {
      q.family_name = v;
    } else if (n == "given") {
      q.given_name = v;
    } else if (n == "name") {
      q.name = v;
    } else if (n == "gender") {
      if (v != "male" && v != "female" && v != "other" && v != "unknown")
        return fail("gender: one of male, female, other, unknown", n);
      q.sex = v;
    } else if (n == "address-postalcode") {
      q.postcode = v;
    } else if (n == "organization") {
      auto o = reference_id(v, "Organization");
      if (!o) return fail("organization: Organization/{id}", n);
      q.organisation = OrganisationId(*o);
    } else {
      if (strict) return fail("the parameter " + n + " is not supported for Patient", n);
      continue;  // lenient: left out, and so absent from the self link
    }
    s.used.push_back(p);
  }
  if (q.birth_date_from.empty() != q.birth_date_before.empty() && !q.id && q.nhs_number.empty() &&
      q.local_id.empty())
    return fail(
        "birthdate: a range with both ends (or a day, a month, a year) unless an "
        "identifier narrows the search",
        "birthdate");
  return s;
}

std::optional<ReferralSearch> referral_search(ReferralResource resource,
                                              const std::vector<Param>& params, bool strict,
                                              SearchFault& fault) {
  const bool is_task = resource == ReferralResource::Task;
  const std::string type = is_task ? "Task" : "ServiceRequest";
  const std::string performer = is_task ? "owner" : "performer";
  const std::string authored = is_task ? "authored-on" : "authored";
  ReferralSearch s;
  care::ReferralQuery& q = s.query;
  q.limit = kDefaultCount;
  std::vector<std::string> seen;
  bool statuses_given = false;
  auto fail = [&](std::string message, const std::string& parameter) {
    fault = {std::move(message), parameter};
    return std::nullopt;
  };
  auto same_id = [&](std::optional<ReferralId>& at, std::int64_t id) {
    // Two parameters naming the referral (_id and focus) must agree; else nothing matches.
    at = ReferralId(at && at->value != id ? 0 : id);
  };
  for (const auto& p : params) {
    const std::string& v = p.value;
    const std::string& n = p.name;
    if (n != authored && n != "_format") {
      for (const auto& before : seen)
        if (before == n) return fail(n + ": give it once", n);
      seen.push_back(n);
    }
    if (n == "_format") continue;
    if (v.empty()) return fail(n + ": empty", n);
    if (v.find(',') != std::string::npos && n != "status")
      return fail(n + ": several values (a comma) are not supported: search once for each", n);
    if (std::string refused; paging_parameter(p, q.limit, q.after, s.used, refused)) {
      if (!refused.empty()) return fail(refused, n);
      continue;
    }
    if (n == "_id") {
      auto id = whole_number(v);
      same_id(q.id, id && *id > 0 ? *id : 0);
    } else if (is_task && n == "focus") {
      auto id = reference_id(v, "ServiceRequest");
      if (!id) return fail("focus: ServiceRequest/{id}", n);
      same_id(q.id, *id);
    } else if (n == "patient" || n == "subject") {
      if (q.record) return fail(n + ": give patient or subject, once", n);
      auto id = reference_id(v, "Patient");
      if (!id) return fail(n + ": Patient/{id}", n);
      q.record = LocalRecordId(*id);
    } else if (n == "status") {
      statuses_given = true;
      std::size_t at = 0;
      while (at <= v.size()) {
        std::size_t comma = v.find(',', at);
        if (comma == std::string::npos) comma = v.size();
        const std::string code = v.substr(at, comma - at);
        at = comma + 1;
        if (code.empty()) return fail("status: an empty code", n);
        // The lifecycle's statuses that show as this code (none: the code matches nothing).
        for (const auto& status : care::referral_statuses())
          if ((is_task ? task_status(status) : service_request_status(status)) == code &&
              std::find(q.statuses.begin(), q.statuses.end(), status) == q.statuses.end())
            q.statuses.push_back(status);
      }
    } else if (n == "requester") {
      auto id = reference_id(v, "Organization");
      if (!id) return fail("requester: Organization/{id}", n);
      q.from_organisation = OrganisationId(*id);
    } else if (n == performer) {
      auto id = reference_id(v, "Organization");
      if (!id) return fail(n + ": Organization/{id}", n);
      q.to_organisation = OrganisationId(*id);
    } else if (n == authored) {
      if (auto m = narrow_dates(n, v, q.sent_from, q.sent_before); !m.empty()) return fail(m, n);
    } else {
      if (strict) return fail("the parameter " + n + " is not supported for " + type, n);
      continue;
    }
    s.used.push_back(p);
  }
  // Codes none of whose statuses exist match nothing.
  if (statuses_given && q.statuses.empty()) q.id = ReferralId(0);
  return s;
}

}  // namespace jc::fhir
