// Money as integer pence. Never floating point; arithmetic is exact and overflow-checked in
// debug builds by UBSan. Value type; thread-safe.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace jc {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money pence(std::int64_t p) { return Money(p); }
  static constexpr Money pounds(std::int64_t pounds) { return Money(pounds * 100); }
  // "1234.56", "£1,234.56", "-3.5", "12": at most two decimal places.
  static Result<Money> parse(std::string_view text);

  constexpr std::int64_t in_pence() const { return pence_; }
  // "£1,234.56" (negative: "-£1,234.56").
  std::string formatted() const;
  // "1234.56": plain, for CSV and JSON.
  std::string decimal() const;

  // Multiplies by a rational factor, rounding half away from zero (for unit cost × quantity).
  Money scaled(std::int64_t numerator, std::int64_t denominator) const;

  constexpr Money operator+(Money o) const { return Money(pence_ + o.pence_); }
  constexpr Money operator-(Money o) const { return Money(pence_ - o.pence_); }
  constexpr Money operator-() const { return Money(-pence_); }
  constexpr Money operator*(std::int64_t k) const { return Money(pence_ * k); }
  constexpr Money& operator+=(Money o) {
    pence_ += o.pence_;
    return *this;
  }
  constexpr Money& operator-=(Money o) {
    pence_ -= o.pence_;
    return *this;
  }
  friend constexpr auto operator<=>(const Money&, const Money&) = default;

 private:
  constexpr explicit Money(std::int64_t p) : pence_(p) {}
  std::int64_t pence_ = 0;
};

}  // namespace jc
