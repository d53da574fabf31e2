// Typed identifiers: an OrganisationId cannot be passed where a PersonId is wanted.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace jc {

template <class Tag>
struct Id {
  std::int64_t value = 0;
  constexpr Id() = default;
  constexpr explicit Id(std::int64_t v) : value(v) {}
  constexpr bool valid() const { return value > 0; }
  friend constexpr auto operator<=>(const Id&, const Id&) = default;
};

using PersonId = Id<struct PersonTag>;
using LocalRecordId = Id<struct LocalRecordTag>;
using OrganisationId = Id<struct OrganisationTag>;
using TeamId = Id<struct TeamTag>;
using StaffUserId = Id<struct StaffUserTag>;
using LocalityId = Id<struct LocalityTag>;
using WardId = Id<struct WardTag>;
using PoolId = Id<struct PoolTag>;
using ReferralId = Id<struct ReferralTag>;
using CarePackageId = Id<struct CarePackageTag>;

}  // namespace jc

template <class Tag>
struct std::hash<jc::Id<Tag>> {
  std::size_t operator()(const jc::Id<Tag>& id) const noexcept {
    return std::hash<std::int64_t>{}(id.value);
  }
};
