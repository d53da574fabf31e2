// Name tables for England: common given names by sex, surnames, and the usual English given-name
// variants (nicknames). Used by the synthetic area to make people and their misrecordings, and by
// record linkage to recognise "Bill" as "William". Read-only; thread-safe.
#pragma once

#include <span>
#include <string_view>

namespace jc::names {

struct WeightedName {
  std::string_view name;
  int weight;  // relative frequency
};

std::span<const WeightedName> female_given_names();
std::span<const WeightedName> male_given_names();
std::span<const WeightedName> surnames();
std::span<const std::string_view> street_names();
std::span<const std::string_view> street_kinds();  // "Road", "Lane", ...

struct NameVariant {
  std::string_view formal;
  std::string_view variant;
};
// Every (formal, variant) pair, lower case: ("william", "bill"), ("william", "will"), ...
std::span<const NameVariant> given_name_variants();

}  // namespace jc::names
