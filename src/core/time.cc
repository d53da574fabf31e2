#include "core/time.h"

#include <array>
#include <chrono>
#include <cstdio>

namespace jc {
namespace {

using std::chrono::sys_days;
using std::chrono::year_month_day;

year_month_day ymd_of(std::int32_t days) {
  return year_month_day{sys_days{std::chrono::days{days}}};
}

constexpr std::array<std::string_view, 12> kMonths = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

bool read_digits(std::string_view& s, int min_n, int max_n, int& out) {
  int n = 0;
  int v = 0;
  while (n < max_n && n < static_cast<int>(s.size()) && s[static_cast<std::size_t>(n)] >= '0' &&
         s[static_cast<std::size_t>(n)] <= '9') {
    v = v * 10 + (s[static_cast<std::size_t>(n)] - '0');
    ++n;
  }
  if (n < min_n) return false;
  s.remove_prefix(static_cast<std::size_t>(n));
  out = v;
  return true;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool read_month_name(std::string_view& s, bool full, int& out) {
  for (std::size_t m = 0; m < kMonths.size(); ++m) {
    std::string_view name = full ? kMonths[m] : kMonths[m].substr(0, 3);
    if (s.size() < name.size()) continue;
    bool eq = true;
    for (std::size_t i = 0; i < name.size(); ++i) eq = eq && lower(s[i]) == name[i];
    if (eq) {
      s.remove_prefix(name.size());
      out = static_cast<int>(m) + 1;
      return true;
    }
  }
  return false;
}

}  // namespace

Result<Date> Date::from_ymd(int y, int m, int d) {
  year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                     std::chrono::day{static_cast<unsigned>(d)}};
  if (m < 1 || m > 12 || d < 1 || !ymd.ok()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "no such date: %04d-%02d-%02d", y, m, d);
    return Error{buf};
  }
  return Date(static_cast<std::int32_t>(sys_days{ymd}.time_since_epoch().count()));
}

Result<Date> Date::parse_iso(std::string_view text) { return parse(text, "%Y-%m-%d"); }

Result<Date> Date::parse(std::string_view text, std::string_view format) {
  std::string_view s = text;
  int y = -1, m = -1, d = -1;
  for (std::size_t i = 0; i < format.size(); ++i) {
    char f = format[i];
    if (f == '%' && i + 1 < format.size()) {
      char spec = format[++i];
      bool ok = true;
      switch (spec) {
        case 'Y':
          ok = read_digits(s, 4, 4, y);
          break;
        case 'y':
          ok = read_digits(s, 2, 2, y);
          if (ok) y += (y < 30 ? 2000 : 1900);
          break;
        case 'm':
          ok = read_digits(s, 1, 2, m);
          break;
        case 'd':
          ok = read_digits(s, 1, 2, d);
          break;
        case 'b':
          ok = read_month_name(s, false, m);
          break;
        case 'B':
          ok = read_month_name(s, true, m);
          break;
        default:
          return Error{std::string("unsupported date format directive %") + spec};
      }
      if (!ok)
        return Error{"\"" + std::string(text) + "\" does not match the date format " +
                     std::string(format)};
    } else {
      if (s.empty() || s.front() != f) {
        return Error{"\"" + std::string(text) + "\" does not match the date format " +
                     std::string(format)};
      }
      s.remove_prefix(1);
    }
  }
  if (!s.empty() || y < 0 || m < 0 || d < 0) {
    return Error{"\"" + std::string(text) + "\" does not match the date format " +
                 std::string(format)};
  }
  return from_ymd(y, m, d);
}

int Date::year() const { return static_cast<int>(ymd_of(days_).year()); }
int Date::month() const { return static_cast<int>(static_cast<unsigned>(ymd_of(days_).month())); }
int Date::day() const { return static_cast<int>(static_cast<unsigned>(ymd_of(days_).day())); }
int Date::weekday() const {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  int w = (days_ + 3) % 7;
  return w < 0 ? w + 7 : w;
}

std::string Date::iso() const {
  auto ymd = ymd_of(days_);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string Date::format(std::string_view fmt) const {
  auto ymd = ymd_of(days_);
  int y = static_cast<int>(ymd.year());
  unsigned m = static_cast<unsigned>(ymd.month()), d = static_cast<unsigned>(ymd.day());
  std::string out;
  char buf[16];
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%' || i + 1 == fmt.size()) {
      out += fmt[i];
      continue;
    }
    switch (fmt[++i]) {
      case 'Y':
        std::snprintf(buf, sizeof buf, "%04d", y);
        out += buf;
        break;
      case 'y':
        std::snprintf(buf, sizeof buf, "%02d", ((y % 100) + 100) % 100);
        out += buf;
        break;
      case 'm':
        std::snprintf(buf, sizeof buf, "%02u", m);
        out += buf;
        break;
      case 'd':
        std::snprintf(buf, sizeof buf, "%02u", d);
        out += buf;
        break;
      case 'b':
      case 'B': {
        std::string name(kMonths[m - 1]);
        if (fmt[i] == 'b') name.resize(3);
        name[0] = static_cast<char>(name[0] - 'a' + 'A');
        out += name;
        break;
      }
      default:
        out += '%';
        out += fmt[i];
    }
  }
  return out;
}

int Date::years_since(Date birth) const {
  auto a = ymd_of(days_);
  auto b = ymd_of(birth.days_);
  int years = static_cast<int>(a.year()) - static_cast<int>(b.year());
  if (std::chrono::month_day{a.month(), a.day()} < std::chrono::month_day{b.month(), b.day()})
    --years;
  return years;
}

Timestamp Timestamp::now() {
  return Timestamp(std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count());
}

Timestamp Timestamp::at(Date d, int hour, int minute, int second) {
  return Timestamp(static_cast<std::int64_t>(d.days()) * 86400 + hour * 3600 + minute * 60 +
                   second);
}

Result<Timestamp> Timestamp::parse_iso(std::string_view text) {
  if (text.size() < 10) return Error{"\"" + std::string(text) + "\" is not an ISO 8601 time"};
  auto date = Date::parse_iso(text.substr(0, 10));
  if (!date) return date.error();
  std::string_view s = text.substr(10);
  int h = 0, mi = 0, se = 0;
  auto bad = [&] { return Error{"\"" + std::string(text) + "\" is not an ISO 8601 time"}; };
  if (!s.empty()) {
    if (s.front() != 'T' && s.front() != ' ') return bad();
    s.remove_prefix(1);
    if (!read_digits(s, 2, 2, h) || s.empty() || s.front() != ':') return bad();
    s.remove_prefix(1);
    if (!read_digits(s, 2, 2, mi)) return bad();
    if (!s.empty() && s.front() == ':') {
      s.remove_prefix(1);
      if (!read_digits(s, 2, 2, se)) return bad();
    }
    if (!s.empty() && s.front() == '.') {  // fractional seconds: dropped
      s.remove_prefix(1);
      int frac = 0;
      if (!read_digits(s, 1, 9, frac)) return bad();
    }
  }
  std::int64_t offset = 0;
  if (!s.empty()) {
    if (s == "Z") {
      s.remove_prefix(1);
    } else if (s.front() == '+' || s.front() == '-') {
      int sign = s.front() == '-' ? -1 : 1;
      s.remove_prefix(1);
      int oh = 0, om = 0;
      if (!read_digits(s, 2, 2, oh)) return bad();
      if (!s.empty() && s.front() == ':') s.remove_prefix(1);
      if (!s.empty() && !read_digits(s, 2, 2, om)) return bad();
      offset = sign * (oh * 3600 + om * 60);
    }
  }
  if (!s.empty() || h > 23 || mi > 59 || se > 60) return bad();
  return Timestamp(at(*date, h, mi, se).s_ - offset);
}

Date Timestamp::date() const {
  std::int64_t d = s_ / 86400;
  if (s_ % 86400 < 0) --d;
  return Date::from_days(static_cast<std::int32_t>(d));
}

// Written digit by digit: the audit trail formats a time for every event it verifies.
std::string Timestamp::iso() const {
  Date d = date();
  const std::int64_t rem = s_ - static_cast<std::int64_t>(d.days()) * 86400;
  auto ymd = ymd_of(d.days());
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", d.iso().c_str(),
                  static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                  static_cast<int>(rem % 60));
    return buf;
  }
  std::string out = "0000-00-00T00:00:00Z";
  auto two = [&](std::size_t at, int v) {
    out[at] = static_cast<char>('0' + v / 10);
    out[at + 1] = static_cast<char>('0' + v % 10);
  };
  two(0, year / 100);
  two(2, year % 100);
  two(5, static_cast<int>(static_cast<unsigned>(ymd.month())));
  two(8, static_cast<int>(static_cast<unsigned>(ymd.day())));
  two(11, static_cast<int>(rem / 3600));
  two(14, static_cast<int>(rem / 60 % 60));
  two(17, static_cast<int>(rem % 60));
  return out;
}

}  // namespace jc
