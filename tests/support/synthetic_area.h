// A small synthetic local area in a private in-memory database, for tests that need one.
// Tests that include this link jc_synth.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "store/database.h"
#include "support/test_paths.h"
#include "synth/generator.h"

namespace jc::testing {

inline std::unique_ptr<store::Database> generated_area(long long population, std::uint64_t seed = 1) {
  auto db = store::open_database(":memory:");
  synth::GenerateOptions g;
  g.reference_dir = reference_dir();
  g.population = population;
  g.seed = seed;
  auto s = synth::generate_area(*db, g);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return db;
}

}  // namespace jc::testing
