// Runs a test suite against both databases: SQLite (a temporary file) and PostgreSQL (a new
// database on the throwaway cluster). Use TEST_P with INSTANTIATE_STORE_SUITE(Name).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/database.h"
#include "support/postgres_server.h"
#include "support/test_paths.h"

namespace jc::testing {

enum class Backend { Sqlite, Postgres };

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::Sqlite ? "SQLite" : "PostgreSQL";
}

class DatabaseTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::Sqlite) {
      static int n = 0;
      auto dir = scratch_dir("db");
      target_ = (dir / ("test" + std::to_string(++n) + ".db")).string();
    } else {
      target_ = PostgresServer::shared().create_database();
    }
    db_ = store::open_database(target_);
  }
  // Another connection to the same database.
  std::unique_ptr<store::Database> reopen() { return store::open_database(target_); }

  std::string target_;
  std::unique_ptr<store::Database> db_;
};

#define INSTANTIATE_STORE_SUITE(Suite)                                                                    \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite,                                                               \
                           ::testing::Values(::jc::testing::Backend::Sqlite, ::jc::testing::Backend::Postgres), \
                           ::jc::testing::backend_name)

}  // namespace jc::testing
