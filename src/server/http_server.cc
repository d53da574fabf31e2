#include "server/http_server.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include "core/thread_name.h"
#include "fhir/resources.h"
#include "server/http_request.h"
#include "server/log.h"

namespace jc::server {

// One a core: measured with the mixed benchmark (docs/benchmarks.md), two and four a core answer
// fewer requests with a longer tail on two cores.
int default_workers() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// A client's key: IPv4 as it is, an IPv4-mapped IPv6 address as its IPv4, other IPv6 addresses
// by their /64 prefix.
std::string key_of(const net::ip::address& a) {
  if (a.is_v4()) return a.to_string();
  const auto v6 = a.to_v6();
  if (v6.is_v4_mapped()) return net::ip::make_address_v4(net::ip::v4_mapped, v6).to_string();
  auto bytes = v6.to_bytes();
  for (std::size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;
  return net::ip::address_v6(bytes).to_string() + "/64";
}

std::string error_body(std::string_view code, std::string_view message) {
  // The stable error shape; escaped by hand as both strings are ours.
  return std::string("{\"error\":{\"code\":\"") + std::string(code) + "\",\"message\":\"" +
         std::string(message) + "\"}}";
}

// The transport's own answer to a failure, in the shape of the API the request was for: an
// OperationOutcome below /fhir (`where` is the request's target or its route label), else the
// stable error shape. `fhir_code` is FHIR's issue type for it.
HttpResponse transport_error(std::string_view where, int status, std::string_view code,
                             std::string_view fhir_code, std::string_view message) {
  if (where == "/fhir" || where.rfind("/fhir/", 0) == 0)
    return HttpResponse{status,
                        std::string(fhir::kMediaType),
                        fhir::operation_outcome("error", fhir_code, message),
                        {},
                        {},
                        {},
                        {}};
  return HttpResponse{status, "application/json", error_body(code, message), {}, {}, {}, {}};
}

// 500, when a handler failed.
HttpResponse internal_error(std::string_view route) {
  return transport_error(route, 500, "internal", "exception",
                         "the server could not answer this request");
}

constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

}  // namespace

std::string client_key(const std::string& address) {
  beast::error_code ec;
  const auto a = net::ip::make_address(address, ec);
  return ec ? std::string() : key_of(a);
}

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  ServerOptions options;
  Dispatcher dispatcher;
  Metrics& metrics;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::atomic<bool> stopping{false};
  std::mutex sessions_mutex;
  std::set<std::weak_ptr<struct Session>, std::owner_less<std::weak_ptr<struct Session>>> sessions;
  net::steady_timer grace{ioc};
  std::optional<net::signal_set> signals;
  std::atomic<std::size_t> connections{0};
  // Open connections by client key, under its own mutex (a Session may end while sessions_mutex
  // is held).
  std::mutex per_address_mutex;
  std::unordered_map<std::string, std::size_t> per_address;
  std::unique_ptr<net::thread_pool> work;  // CPU-heavy answers, away from the I/O threads
  std::atomic<std::size_t> queued{0};
  // After a failed accept (out of file descriptors, say) the next waits, 10 ms doubling to 1 s.
  net::steady_timer accept_pause{ioc};
  std::chrono::milliseconds accept_backoff{0};
  std::size_t accept_failures = 0;

  Impl(ServerOptions o, Dispatcher d, Metrics& m)
      : options(std::move(o)), dispatcher(std::move(d)), metrics(m) {}
  std::chrono::steady_clock::time_point deadline;
  std::size_t per_address_cap() const {
    return options.max_connections_per_address
               ? options.max_connections_per_address
               : std::max<std::size_t>(1, options.max_connections / 2);
  }
  void accept();
  void begin_stop();
  void wait_for_drain();
};

struct Session : std::enable_shared_from_this<Session> {
  // `client`: the connection's client key, counted in the server's per_address by accept().
  Session(tcp::socket socket, std::shared_ptr<HttpServer::Impl> server, std::string client)
      : stream(std::move(socket)), srv(std::move(server)), peer(std::move(client)) {
    srv->metrics.connection_opened();
    ++srv->connections;
    beast::error_code ec;
    // Each answer goes out as soon as it is written, never held back to be joined with the next.
    stream.socket().set_option(tcp::no_delay(true), ec);
  }
  ~Session() {
    {
      std::lock_guard lock(srv->per_address_mutex);
      if (auto it = srv->per_address.find(peer); it != srv->per_address.end() && --it->second == 0)
        srv->per_address.erase(it);
    }
    --srv->connections;
    srv->metrics.connection_closed();
  }

  beast::tcp_stream stream;
  std::shared_ptr<HttpServer::Impl> srv;
  std::string peer;
  beast::flat_buffer buffer;
  std::optional<http::request_parser<http::string_body>> parser;
  std::shared_ptr<http::response<http::string_body>> response;
  bool busy = false;  // between reading a request and finishing its response

  void start() {
    net::dispatch(stream.get_executor(),
                  beast::bind_front_handler(&Session::read, shared_from_this()));
  }

  void read() {
    if (srv->stopping) return close();
    parser.emplace();
    parser->body_limit(srv->options.body_limit);
    parser->header_limit(16 * 1024);
    stream.expires_after(srv->options.request_timeout);
    http::async_read(stream, buffer, *parser,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  // Called on the session's strand when the server stops: an idle connection is closed now.
  void interrupt() {
    if (!busy) close();
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted) return close();
    if (ec == http::error::body_limit)
      return fail_and_close(413, "too_large", "the request body is too large");
    if (ec == http::error::header_limit)
      return fail_and_close(431, "headers_too_large", "the request headers are too large");
    if (ec == beast::error::timeout) return close();
    if (ec) {
      if (buffer.size() > 0 ||
          ec.category() == http::make_error_code(http::error::bad_target).category()) {
        return fail_and_close(400, "bad_request", "malformed HTTP request");
      }
      return close();
    }
    busy = true;
    auto start = std::chrono::steady_clock::now();
    http::request<http::string_body> req = parser->release();
    HttpRequest in;
    in.method = std::string(req.method_string());
    in.target = std::string(req.target());
    in.body = std::move(req.body());
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      in.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    in.remote_address = peer;
    std::string route = "unmatched";
    HttpResponse out;
    if (auto problem = check_request(in)) {
      route = "bad_request";
      if (in.target == "/fhir" || in.target.rfind("/fhir/", 0) == 0) {
        out = transport_error(in.target, 400, "bad_request", "invalid", *problem);
      } else {
        auto body = nlohmann::json{{"error", {{"code", "bad_request"}, {"message", *problem}}}};
        out = HttpResponse{400,
                           "application/json",
                           body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                           {},
                           {},
                           {},
                           {}};
      }
    } else {
      try {
        out = srv->dispatcher(in, route);
      } catch (const std::exception& e) {
        log_event("error", "handler_failed",
                  {{"route", route}, {"what", std::string_view(e.what())}});
        out = internal_error(route);
      } catch (...) {
        log_event("error", "handler_failed", {{"route", route}});
        out = internal_error(route);
      }
    }
    bool keep_alive = req.keep_alive() && !srv->stopping;
    complete(std::move(out), std::move(route), std::move(in.method), start, req.version(),
             keep_alive);
  }

  // Sends the dispatcher's answer: after running it on the worker pool if it is deferred, and
  // after its hold (the audit record committed) if it has one.
  void complete(HttpResponse out, std::string route, std::string method,
                std::chrono::steady_clock::time_point start, unsigned version, bool keep_alive) {
    if (out.deferred) {
      auto work = std::move(out.deferred);
      out.deferred = nullptr;
      if (srv->queued.fetch_add(1) >= srv->options.work_queue_limit) {
        --srv->queued;
        out = transport_error(route, 503, "busy", "transient",
                              "the server is busy; try again shortly");
        out.headers.emplace_back("Retry-After", "1");
      } else {
        net::post(*srv->work, [self = shared_from_this(), work = std::move(work), route, method,
                               start, version, keep_alive]() mutable {
          HttpResponse r;
          try {
            r = work();
          } catch (...) {
            log_event("error", "handler_failed", {{"route", route}});
            r = internal_error(route);
          }
          r.deferred = nullptr;
          --self->srv->queued;
          self->resume(std::move(r), std::move(route), std::move(method), start, version,
                       keep_alive);
        });
        return;
      }
    }
    if (out.later) {
      // Answer with what the handler makes elsewhere, on this session's executor.
      auto later = std::move(out.later);
      out.later = nullptr;
      later([self = shared_from_this(), route = std::move(route), method = std::move(method), start,
             version, keep_alive](HttpResponse r) mutable {
        r.later = nullptr;
        self->resume(std::move(r), std::move(route), std::move(method), start, version, keep_alive);
      });
      return;
    }
    if (out.hold) {
      // Answer when the handler says so (its audit record committed), on this session's executor.
      auto hold = std::move(out.hold);
      out.hold = nullptr;
      auto held = std::make_shared<HttpResponse>(std::move(out));
      hold([self = shared_from_this(), held, version, keep_alive, start, route, method](bool ok) {
        net::post(self->stream.get_executor(),
                  [self, held, version, keep_alive, start, route, method, ok] {
                    if (!ok) {
                      *held = transport_error(
                          route, 503, "audit_unavailable", "transient",
                          "the access could not be recorded, so it was not given; try again");
                    }
                    self->finish(std::move(*held), route, method, start, version, keep_alive);
                  });
      });
      return;
    }
    finish(std::move(out), route, method, start, version, keep_alive);
  }

  // Goes on with an answer made on another thread, on this session's executor.
  void resume(HttpResponse r, std::string route, std::string method,
              std::chrono::steady_clock::time_point start, unsigned version, bool keep_alive) {
    net::post(stream.get_executor(), [self = shared_from_this(), r = std::move(r),
                                      route = std::move(route), method = std::move(method), start,
                                      version, keep_alive]() mutable {
      self->complete(std::move(r), std::move(route), std::move(method), start, version, keep_alive);
    });
  }

  void finish(HttpResponse out, const std::string& route, const std::string& method,
              std::chrono::steady_clock::time_point start, unsigned version, bool keep_alive) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    srv->metrics.record_request(route, method, out.status, seconds);
    log_event("info", "request",
              {{"method", std::string_view(method)},
               {"route", std::string_view(route)},
               {"status", static_cast<long long>(out.status)},
               {"ms", seconds * 1000.0}});
    send(std::move(out), version, keep_alive);
  }

  void send(HttpResponse out, unsigned version, bool keep_alive) {
    response = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(out.status), version);
    response->set(http::field::server, "JointCare");
    response->set(http::field::content_type, out.content_type);
    // On every response: nothing personal is cached, the page cannot be framed, and scripts come
    // only from the server itself (WebAssembly for the process maps; no inline or eval'd script).
    response->set(http::field::cache_control, "no-store");
    response->set("X-Content-Type-Options", "nosniff");
    response->set("X-Frame-Options", "DENY");
    response->set("Referrer-Policy", "no-referrer");
    response->set("Content-Security-Policy", kContentSecurityPolicy);
    for (const auto& [k, v] : out.headers) response->set(k, v);
    response->body() = std::move(out.body);
    response->keep_alive(keep_alive);
    response->prepare_payload();
    stream.expires_after(
        srv->options.request_timeout);  // the write's own time, not what is left of the read's
    http::async_write(
        stream, *response,
        beast::bind_front_handler(&Session::on_write, shared_from_this(), keep_alive));
  }

  void fail_and_close(int status, std::string_view code, std::string_view message) {
    busy = true;
    srv->metrics.record_request("rejected", "-", status, 0);
    log_event("warn", "request_rejected",
              {{"status", static_cast<long long>(status)}, {"code", code}});
    send(HttpResponse{status, "application/json", error_body(code, message), {}, {}, {}, {}}, 11,
         false);
  }

  void on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    busy = false;
    response.reset();
    if (ec || !keep_alive || srv->stopping) return close();
    read();
  }

  void close() {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.socket().close(ec);
  }
};

void HttpServer::Impl::accept() {
  acceptor.async_accept(
      net::make_strand(ioc), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        if (self->stopping || ec == net::error::operation_aborted) return;
        if (ec) {
          // Logged once when failures begin and then every hundredth, never in a tight loop.
          if (self->accept_failures++ % 100 == 0)
            log_event("warn", "accept_failed",
                      {{"what", std::string_view(ec.message())},
                       {"failures", static_cast<long long>(self->accept_failures)}});
          self->accept_backoff = std::min<std::chrono::milliseconds>(
              std::max<std::chrono::milliseconds>(self->accept_backoff * 2,
                                                  std::chrono::milliseconds(10)),
              std::chrono::seconds(1));
          self->accept_pause.expires_after(self->accept_backoff);
          self->accept_pause.async_wait([self](beast::error_code e) {
            if (!e && !self->stopping) self->accept();
          });
          return;
        }
        self->accept_backoff = std::chrono::milliseconds(0);
        self->accept_failures = 0;
        beast::error_code pec;  // the client, once per connection rather than per request
        const auto endpoint = socket.remote_endpoint(pec);
        std::string client = pec ? std::string() : key_of(endpoint.address());
        bool over = self->connections >= self->options.max_connections;
        if (!over) {
          std::lock_guard lock(self->per_address_mutex);
          std::size_t& held = self->per_address[client];
          over = held >= self->per_address_cap();
          if (!over) ++held;
        }
        if (over) {
          // Over a cap: a short 503 and the connection closed, without reading the request.
          self->metrics.record_request("over_capacity", "-", 503, 0);
          static const std::string busy =
              "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: "
              "1\r\nConnection: close\r\n"
              "Content-Length: 86\r\n\r\n{\"error\":{\"code\":\"over_capacity\",\"message\":\"too "
              "many connections; try again shortly\"}}";
          beast::error_code wec;
          socket.non_blocking(true, wec);
          net::write(socket, net::buffer(busy), wec);
          socket.shutdown(tcp::socket::shutdown_both, wec);
          socket.close(wec);
        } else {
          auto s = std::make_shared<Session>(std::move(socket), self, std::move(client));
          {
            std::lock_guard lock(self->sessions_mutex);
            for (auto it = self->sessions.begin(); it != self->sessions.end();)
              it = it->expired() ? self->sessions.erase(it) : std::next(it);
            self->sessions.insert(s);
          }
          s->start();
        }
        self->accept();
      });
}

void HttpServer::Impl::begin_stop() {
  if (stopping.exchange(true)) return;
  log_event("info", "shutdown_started");
  net::post(ioc, [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor.close(ec);
    self->accept_pause.cancel();
    if (self->signals) self->signals->cancel(ec);
    {
      std::lock_guard lock(self->sessions_mutex);
      for (const auto& w : self->sessions) {
        if (auto s = w.lock()) net::post(s->stream.get_executor(), [s] { s->interrupt(); });
      }
    }
    self->deadline = std::chrono::steady_clock::now() + self->options.shutdown_grace;
    self->wait_for_drain();
  });
}

// Every 50 ms until no connection is left (then the io_context runs out of work and run()
// returns) or the grace period ends (then requests still running are cut off).
void HttpServer::Impl::wait_for_drain() {
  bool drained;
  {
    std::lock_guard lock(sessions_mutex);
    drained =
        std::all_of(sessions.begin(), sessions.end(), [](const auto& w) { return w.expired(); });
  }
  if (drained) return;
  if (std::chrono::steady_clock::now() >= deadline) {
    ioc.stop();
    return;
  }
  grace.expires_after(std::chrono::milliseconds(50));
  grace.async_wait([self = shared_from_this()](beast::error_code e) {
    if (!e) self->wait_for_drain();
  });
}

HttpServer::HttpServer(ServerOptions options, Dispatcher dispatcher, Metrics& metrics)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(dispatcher), metrics)) {}

HttpServer::~HttpServer() = default;

void HttpServer::listen() {
  auto& a = impl_->acceptor;
  tcp::endpoint endpoint(net::ip::make_address(impl_->options.address), impl_->options.port);
  a.open(endpoint.protocol());
  a.set_option(net::socket_base::reuse_address(true));
  a.bind(endpoint);
  a.listen(net::socket_base::max_listen_connections);
}

unsigned short HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

namespace {

// Connections must never use up the process's file descriptors (the databases, their logs and the
// sanitizers need some too): the soft limit is raised to the hard one, and the connection cap is
// lowered to what is left after the descriptors open now and a reserve.
std::size_t connections_the_descriptors_allow(std::size_t wanted) {
  constexpr std::size_t kReserve = 32;
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return wanted;
  if (rl.rlim_cur < rl.rlim_max) {
    rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  std::size_t open = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++open;
  if (rl.rlim_cur == RLIM_INFINITY) return wanted;
  std::size_t limit = static_cast<std::size_t>(rl.rlim_cur);
  std::size_t budget = limit > open + kReserve ? limit - open - kReserve : 1;
  return std::min(wanted, budget);
}

}  // namespace

void HttpServer::run(bool handle_signals) {
  if (std::size_t allowed = connections_the_descriptors_allow(impl_->options.max_connections);
      allowed < impl_->options.max_connections) {
    log_event("warn", "max_connections_lowered",
              {{"configured", static_cast<long long>(impl_->options.max_connections)},
               {"allowed", static_cast<long long>(allowed)}});
    impl_->options.max_connections = allowed;
  }
  if (handle_signals) {
    impl_->signals.emplace(impl_->ioc, SIGTERM, SIGINT);
    impl_->signals->async_wait([impl = impl_](beast::error_code ec, int) {
      if (!ec) impl->begin_stop();
    });
  }
  impl_->accept();
  int n = impl_->options.threads > 0
              ? impl_->options.threads
              : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int workers = impl_->options.workers > 0 ? impl_->options.workers : default_workers();
  impl_->work = std::make_unique<net::thread_pool>(static_cast<std::size_t>(workers));
  log_event("info", "server_started",
            {{"port", static_cast<long long>(port())}, {"threads", static_cast<long long>(n)}});
  std::vector<std::thread> pool;
  for (int i = 1; i < n; ++i)
    pool.emplace_back([this] {
      name_this_thread("jc-http-io");
      impl_->ioc.run();
    });
  impl_->ioc.run();
  for (auto& t : pool) t.join();
  impl_->work->join();  // answers still being worked out finish (their replies go nowhere)
  log_event("info", "server_stopped");
}

void HttpServer::stop() { impl_->begin_stop(); }

}  // namespace jc::server
