#include "support/postgres_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace jc::testing {
namespace {

std::string find_bin_dir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("JC_PG_BIN")) return env;
  std::string best;
  if (fs::exists("/usr/lib/postgresql")) {
    for (const auto& e : fs::directory_iterator("/usr/lib/postgresql")) {
      auto bin = e.path() / "bin";
      if (fs::exists(bin / "initdb") && bin.string() > best) best = bin.string();
    }
  }
  if (best.empty())
    throw std::runtime_error("PostgreSQL server binaries not found under /usr/lib/postgresql");
  return best;
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string PostgresServer::run_as_owner(const std::string& command) const {
  std::string full = as_postgres_user_ ? "runuser -u postgres -- sh -c '" + command + "'" : command;
  full += " > " + dir_ + "/cmd.log 2>&1";
  if (std::system(full.c_str()) != 0) {
    throw std::runtime_error("PostgreSQL test cluster: command failed: " + command + "\n" +
                             read_file(dir_ + "/cmd.log") + read_file(dir_ + "/server.log"));
  }
  return read_file(dir_ + "/cmd.log");
}

PostgresServer::PostgresServer() {
  bin_ = find_bin_dir();
  char tmpl[] = "/tmp/jointcare-pg-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("cannot make a temporary directory");
  dir_ = tmpl;
  as_postgres_user_ = geteuid() == 0;
  if (as_postgres_user_) {
    std::string chown = "chown postgres " + dir_;
    if (std::system(chown.c_str()) != 0)
      throw std::runtime_error("cannot give " + dir_ + " to the postgres user");
  }
  port_ = free_port();
  run_as_owner(bin_ + "/initdb -D " + dir_ +
               "/data -U postgres -A trust --no-sync -E UTF8 --locale=C");
  run_as_owner(bin_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -w -t 60 -o \"-p " +
               std::to_string(port_) + " -k " + dir_ +
               " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c "
               "full_page_writes=off\" start");
}

PostgresServer::~PostgresServer() {
  try {
    run_as_owner(bin_ + "/pg_ctl -D " + dir_ + "/data -m fast -w stop");
  } catch (...) {  // best effort: the directory goes anyway
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string PostgresServer::create_database(const std::string& copy_of) {
  std::string name = "jc_test_" + std::to_string(++next_db_);
  std::string from;
  if (!copy_of.empty()) {
    auto at = copy_of.find("dbname=");
    if (at == std::string::npos) throw std::runtime_error("not a test database: " + copy_of);
    from = " -T " + copy_of.substr(at + 7);
  }
  run_as_owner(bin_ + "/createdb -h 127.0.0.1 -p " + std::to_string(port_) + " -U postgres" + from +
               " " + name);
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=" + name;
}

PostgresServer& PostgresServer::shared() {
  static PostgresServer server;
  return server;
}

}  // namespace jc::testing
