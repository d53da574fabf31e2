// The HTTP/1.1 transport (Boost.Beast over Asio): keep-alive, a thread pool, request size and
// time limits, graceful shutdown. It knows nothing of JointCare: a Dispatcher answers requests.
// Thread-safe: stop() may be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "server/http_types.h"
#include "server/metrics.h"

namespace jc::server {

// The worker pool's size when none is given.
int default_workers();

// The client key of an address in text form (see HttpRequest::remote_address); "" if it is not
// one.
std::string client_key(const std::string& address);

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0: any free port (see HttpServer::port())
  int threads = 0;             // 0: one per core
  std::size_t body_limit = 1 << 20;
  std::chrono::seconds request_timeout{30};
  std::chrono::seconds shutdown_grace{10};
  // Connections open at once; one more is answered 503 and closed. Keep it below the process's
  // file-descriptor limit less what the databases hold (`ulimit -n`).
  std::size_t max_connections = 512;
  // Of those, how many one client (an address, an IPv6 /64: HttpRequest::remote_address) may
  // hold, so one client cannot take them all; 0: half of max_connections. Clients behind one
  // NAT address (a hospital's) share it.
  std::size_t max_connections_per_address = 0;
  // The worker pool for deferred answers (HttpResponse::deferred: CPU-heavy work and changes of
  // the record): its threads (0: default_workers()) and how many answers may wait for one before
  // more are refused with 503.
  int workers = 0;
  std::size_t work_queue_limit = 64;
};

// Answers one request; sets `route` to a label for logs and metrics (a pattern, never the raw
// path, which may carry identifiers).
using Dispatcher = std::function<HttpResponse(const HttpRequest&, std::string& route)>;

class HttpServer {
 public:
  HttpServer(ServerOptions options, Dispatcher dispatcher, Metrics& metrics);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; throws std::runtime_error when it cannot.
  void listen();
  unsigned short port() const;
  // Serves until stop() or, when handle_signals, SIGTERM or SIGINT; in-flight requests finish.
  void run(bool handle_signals);
  void stop();

  struct Impl;  // the Asio machinery, kept out of this header

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace jc::server
