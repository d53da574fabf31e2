#include "core/money.h"

#include <cstdlib>

namespace jc {
namespace {
__extension__ using int128 = __int128;
}  // namespace

Result<Money> Money::parse(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.starts_with("\xC2\xA3")) s.remove_prefix(2);  // £ in UTF-8
  if (s.empty()) return Error{"an amount of money needs digits"};
  std::int64_t pounds = 0;
  std::int64_t pence = 0;
  int decimals = -1;
  bool any_digit = false;
  for (char c : s) {
    if (c == ',' && decimals < 0) continue;
    if (c == '.' && decimals < 0) {
      decimals = 0;
      continue;
    }
    if (c < '0' || c > '9') return Error{"an amount of money has only digits, one point and commas"};
    any_digit = true;
    if (decimals < 0) {
      if (pounds > 90'000'000'000'000'000 / 1000) return Error{"amount too large"};
      pounds = pounds * 10 + (c - '0');
    } else {
      if (++decimals > 2) return Error{"an amount of money has at most two decimal places"};
      pence = pence * 10 + (c - '0');
    }
  }
  if (!any_digit) return Error{"an amount of money needs digits"};
  if (decimals == 1) pence *= 10;
  std::int64_t total = pounds * 100 + pence;
  return Money(negative ? -total : total);
}

std::string Money::decimal() const {
  std::int64_t a = pence_ < 0 ? -pence_ : pence_;
  std::string out;
  if (pence_ < 0) out.push_back('-');
  out.append(std::to_string(a / 100));
  out.push_back('.');
  std::int64_t p = a % 100;
  out += static_cast<char>('0' + p / 10);
  out += static_cast<char>('0' + p % 10);
  return out;
}

std::string Money::formatted() const {
  std::int64_t a = pence_ < 0 ? -pence_ : pence_;
  std::string whole = std::to_string(a / 100);
  std::string grouped;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped.push_back(',');
    grouped.push_back(whole[i]);
  }
  std::int64_t p = a % 100;
  std::string out = pence_ < 0 ? "-\xC2\xA3" : "\xC2\xA3";
  out += grouped + ".";
  out += static_cast<char>('0' + p / 10);
  out += static_cast<char>('0' + p % 10);
  return out;
}

Money Money::scaled(std::int64_t numerator, std::int64_t denominator) const {
  int128 n = static_cast<int128>(pence_) * numerator;
  int128 d = denominator;
  if (d < 0) {
    n = -n;
    d = -d;
  }
  int128 q = n / d;
  int128 r = n % d;
  if (2 * (r < 0 ? -r : r) >= d) q += (n < 0 ? -1 : 1);
  return Money(static_cast<std::int64_t>(q));
}

}  // namespace jc
