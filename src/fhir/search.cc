#include "fhir/search.h"

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
      std::string prefix = "eq", date = v;
      if (v.size() > 2 && v[0] >= 'a' && v[0] <= 'z') prefix = v.substr(0, 2), date = v.substr(2);
      auto r = date_range(date);
      if (!r) return fail("birthdate: not a date (YYYY, YYYY-MM or YYYY-MM-DD): " + date, n);
      auto raise = [](std::string& bound, const std::string& to) {
        if (bound.empty() || to > bound) bound = to;
      };
      auto lower = [](std::string& bound, const std::string& to) {
        if (bound.empty() || to < bound) bound = to;
      };
      if (prefix == "eq") {
        raise(q.birth_date_from, r->from);
        lower(q.birth_date_before, r->next);
      } else if (prefix == "ge") {
        raise(q.birth_date_from, r->from);
      } else if (prefix == "gt") {
        raise(q.birth_date_from, r->next);
      } else if (prefix == "lt") {
        lower(q.birth_date_before, r->from);
      } else if (prefix == "le") {
        lower(q.birth_date_before, r->next);
      } else {
        return fail("birthdate: the prefix " + prefix + " is not supported (eq, ge, gt, le, lt)",
                    n);
      }
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
      std::string_view id = v;
      if (id.rfind("Organization/", 0) == 0) id.remove_prefix(13);
      auto o = whole_number(id);
      if (!o || *o <= 0) return fail("organization: Organization/{id}", n);
      q.organisation = OrganisationId(*o);
    } else if (n == "_count") {
      auto c = whole_number(v);
      if (!c || *c < 0) return fail("_count: a whole number from 0", n);
      q.limit = static_cast<std::size_t>(std::min<std::int64_t>(*c, kMostCount));
      s.used.push_back({n, std::to_string(q.limit)});
      continue;
    } else if (n == "_after") {
      auto a = whole_number(v);
      if (!a || *a < 0) return fail("_after: the cursor of a next link", n);
      q.after = LocalRecordId(*a);
      continue;  // not part of the self link's search
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

}  // namespace jc::fhir
