// UK postcodes: outward code (area "SW", district "SW1A") and inward code (sector "SW1A 1",
// unit letters "AA"). parse() normalises case and spacing. Value type; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace jc {

class Postcode {
 public:
  static Result<Postcode> parse(std::string_view text);

  // The whole postcode, upper case with one space: "SW1A 1AA" (the postcode unit).
  const std::string& full() const { return full_; }
  std::string area() const { return full_.substr(0, area_len_); }
  std::string district() const { return full_.substr(0, outward_len_); }
  std::string sector() const { return full_.substr(0, outward_len_ + 2); }
  std::string unit_letters() const { return full_.substr(outward_len_ + 2); }
  std::string outward() const { return district(); }
  std::string inward() const { return full_.substr(outward_len_ + 1); }

  friend bool operator==(const Postcode& a, const Postcode& b) { return a.full_ == b.full_; }

 private:
  Postcode(std::string full, std::size_t area_len, std::size_t outward_len)
      : full_(std::move(full)), area_len_(area_len), outward_len_(outward_len) {}
  std::string full_;
  std::size_t area_len_;
  std::size_t outward_len_;
};

}  // namespace jc
