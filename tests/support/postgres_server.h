// A throwaway PostgreSQL cluster for tests: initdb in a temporary directory (run as the
// postgres user when the tests run as root), a free loopback port, removed on destruction.
#pragma once

#include <memory>
#include <string>

namespace jc::testing {

class PostgresServer {
 public:
  // Starts a cluster; throws std::runtime_error with the server's log when it cannot.
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // A connection string for a new, empty database on the cluster, or a copy of another.
  std::string create_database(const std::string& copy_of = "");  // a copy of a database (no
                                                                 // one connected to it)

  // The one cluster shared by every test in the process, started on first use.
  static PostgresServer& shared();

 private:
  std::string run_as_owner(const std::string& command) const;
  std::string dir_;
  std::string bin_;
  int port_ = 0;
  int next_db_ = 0;
  bool as_postgres_user_ = false;
};

}  // namespace jc::testing
