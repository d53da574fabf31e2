// The NHS number: ten digits with a Modulus 11 check digit (NHS Data Dictionary), and the
// NHS number status indicator codes 01-07. Value type; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace jc {

class NhsNumber {
 public:
  // Accepts ten digits with optional spaces and hyphens ("999 123 4567", "999-123-4567").
  // Fails, saying why, when the input is not ten digits or the check digit is wrong.
  static Result<NhsNumber> parse(std::string_view text);

  // The check digit for the first nine digits, or nullopt when it computes to 10 (no valid number).
  static std::optional<int> check_digit(std::string_view nine_digits);

  // Ten digits, no spaces: "9991234567".
  const std::string& digits() const { return digits_; }
  // For display: "999 123 4567".
  std::string formatted() const;
  // In the 999 000 0000 - 999 999 9999 range reserved for test data.
  bool is_test_range() const { return digits_.starts_with("999"); }

  friend bool operator==(const NhsNumber&, const NhsNumber&) = default;

 private:
  explicit NhsNumber(std::string digits) : digits_(std::move(digits)) {}
  std::string digits_;
};

enum class NhsNumberStatus {
  PresentVerified = 1,
  PresentNotTraced = 2,
  TraceRequired = 3,
  TraceNoOrMultipleMatch = 4,
  TraceToBeResolved = 5,
  TraceInProgress = 6,
  NotPresentTraceNotRequired = 7,
};

// "01".."07".
std::string to_code(NhsNumberStatus status);
Result<NhsNumberStatus> nhs_number_status_from_code(std::string_view code);
std::string_view describe(NhsNumberStatus status);

}  // namespace jc
