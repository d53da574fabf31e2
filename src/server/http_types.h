// Plain request and response values passed between the HTTP transport and the API handlers,
// so handlers need no networking headers.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace jc::server {

struct HttpRequest {
  std::string method;  // "GET"
  std::string target;  // "/api/v1/area?x=1"
  std::string path;    // "/api/v1/area"
  std::string query;   // "x=1"
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower case
  // The client as rate limits and connection caps see it: an IPv4 address (an IPv4-mapped IPv6
  // one as IPv4), or an IPv6 address's /64 prefix ("2001:db8:1:2::/64"), since one host or
  // network commonly holds a whole /64.
  std::string remote_address;

  // The first header with that (lower-case) name, or "".
  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return {};
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the transport sends the response only once `hold` calls the continuation it is
  // given (from any thread): with true to send it, false to send a 503 instead. The API uses it
  // to answer a read only after its audit record is committed, without blocking a thread.
  std::function<void(std::function<void(bool)>)> hold;
  // When set, the answer is CPU-heavy work (a password hash, a commissioning report): the
  // transport runs this on its worker pool, away from the threads that read and write
  // connections, and sends what it returns (which may itself carry `hold`). When the pool's queue
  // is full the client gets 503 at once.
  std::function<HttpResponse()> deferred;
  // When set, the answer is made elsewhere and sent when it is ready (a change, written with the
  // others queued beside it in one transaction): the transport calls this once with a
  // continuation that takes the response (which may itself carry `hold`), from any thread.
  std::function<void(std::function<void(HttpResponse)>)> later;
};

}  // namespace jc::server
