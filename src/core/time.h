// Dates and times in UTC. Date is a calendar day (days since 1970-01-01); Timestamp is seconds
// since the epoch, UTC. Value types; thread-safe. Time zones appear only at the edges (parsing).
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace jc {

class Date {
 public:
  constexpr Date() = default;
  static constexpr Date from_days(std::int32_t days) { return Date(days); }
  // Fails for an impossible date (2023-02-29, month 13).
  static Result<Date> from_ymd(int year, int month, int day);
  // "2024-03-31".
  static Result<Date> parse_iso(std::string_view text);
  // strftime-style: %Y (4-digit year) %y (2-digit, 1930-2029) %m %d %b (Jan) %B (January), and
  // literal characters. Whole input must match.
  static Result<Date> parse(std::string_view text, std::string_view format);

  constexpr std::int32_t days() const { return days_; }
  int year() const;
  int month() const;
  int day() const;
  // 0 = Monday ... 6 = Sunday.
  int weekday() const;
  std::string iso() const;
  // The same directives as parse(): %Y %y %m %d %b %B.
  std::string format(std::string_view format) const;
  Date plus_days(std::int32_t n) const { return Date(days_ + n); }
  // Whole years between a birth date and this date.
  int years_since(Date birth) const;

  friend constexpr auto operator<=>(const Date&, const Date&) = default;

 private:
  constexpr explicit Date(std::int32_t d) : days_(d) {}
  std::int32_t days_ = 0;
};

class Timestamp {
 public:
  constexpr Timestamp() = default;
  static constexpr Timestamp from_seconds(std::int64_t s) { return Timestamp(s); }
  static Timestamp now();
  static Timestamp at(Date d, int hour = 0, int minute = 0, int second = 0);
  // "2024-03-31T09:30:00Z", also with "+01:00"-style offsets or without a zone (taken as UTC).
  static Result<Timestamp> parse_iso(std::string_view text);

  constexpr std::int64_t seconds() const { return s_; }
  Date date() const;
  // "2024-03-31T09:30:00Z".
  std::string iso() const;
  Timestamp plus_seconds(std::int64_t n) const { return Timestamp(s_ + n); }

  friend constexpr auto operator<=>(const Timestamp&, const Timestamp&) = default;

 private:
  constexpr explicit Timestamp(std::int64_t s) : s_(s) {}
  std::int64_t s_ = 0;
};

}  // namespace jc
