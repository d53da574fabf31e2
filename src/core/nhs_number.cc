#include "core/nhs_number.h"

#include <array>

namespace jc {

std::optional<int> NhsNumber::check_digit(std::string_view nine) {
  if (nine.size() != 9) return std::nullopt;
  int sum = 0;
  for (std::size_t i = 0; i < 9; ++i) {
    if (nine[i] < '0' || nine[i] > '9') return std::nullopt;
    sum += (nine[i] - '0') * static_cast<int>(10 - i);
  }
  int c = 11 - (sum % 11);
  if (c == 11) return 0;
  if (c == 10) return std::nullopt;
  return c;
}

Result<NhsNumber> NhsNumber::parse(std::string_view text) {
  std::string digits;
  digits.reserve(10);
  for (char ch : text) {
    if (ch >= '0' && ch <= '9') {
      digits.push_back(ch);
    } else if (ch == ' ' || ch == '-') {
      continue;
    } else {
      return Error{"an NHS number has only digits, spaces and hyphens"};
    }
    if (digits.size() > 10) break;
  }
  if (digits.size() != 10) return Error{"an NHS number has ten digits"};
  auto check = check_digit(std::string_view(digits).substr(0, 9));
  if (!check) return Error{"not a valid NHS number: its check digit computes to 10"};
  if (*check != digits[9] - '0') return Error{"not a valid NHS number: wrong check digit"};
  return NhsNumber(std::move(digits));
}

std::string NhsNumber::formatted() const {
  return digits_.substr(0, 3) + " " + digits_.substr(3, 3) + " " + digits_.substr(6, 4);
}

std::string to_code(NhsNumberStatus status) {
  int n = static_cast<int>(status);
  return std::string{'0', static_cast<char>('0' + n)};
}

Result<NhsNumberStatus> nhs_number_status_from_code(std::string_view code) {
  int n = -1;
  if (code.size() == 2 && code[0] == '0' && code[1] >= '1' && code[1] <= '7') n = code[1] - '0';
  if (code.size() == 1 && code[0] >= '1' && code[0] <= '7') n = code[0] - '0';
  if (n < 0) return Error{"NHS number status must be a code from 01 to 07"};
  return static_cast<NhsNumberStatus>(n);
}

std::string_view describe(NhsNumberStatus status) {
  static constexpr std::array<std::string_view, 7> kText = {
      "present and verified",
      "present but not traced",
      "trace required",
      "trace attempted, no or multiple match",
      "trace needs to be resolved",
      "trace in progress",
      "not present and trace not required",
  };
  return kText[static_cast<std::size_t>(status) - 1];
}

}  // namespace jc
