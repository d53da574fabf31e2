// The request as the server reads it: Beast's parser over the raw bytes (start line, headers,
// body), then JointCare's edge checks (URL decoding, query, header text), the cookie parser and
// the static files' path resolver, as the server applies them.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/text.h"
#include "server/http_request.h"
#include "server/static_files.h"

namespace {

const jc::server::StaticFiles& static_files() {
  static const jc::server::StaticFiles files = [] {
    auto dir = std::filesystem::temp_directory_path() / "jointcare-http-fuzz" / "dist";
    std::filesystem::create_directories(dir / "assets");
    std::ofstream(dir / "index.html") << "<div id=\"root\"></div>";
    std::ofstream(dir / "assets" / "app.js") << "js";
    return jc::server::StaticFiles(dir.string());
  }();
  return files;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace http = boost::beast::http;
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(raw.data(), raw.size()), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (!ec && parser.is_header_done()) {
    const auto& req = parser.get();
    jc::server::HttpRequest in;
    in.method = std::string(req.method_string());
    in.target = std::string(req.target());
    for (const auto& field : req)
      in.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    if (!jc::server::check_request(in)) {
      // What passed the edge is clean text, as every handler assumes.
      if (!jc::valid_utf8(jc::percent_decode(in.path, false))) __builtin_trap();
      auto cookie = jc::server::cookie_value(in.header("cookie"), "jc_session");
      if (cookie && cookie->empty()) __builtin_trap();
      if (auto file = static_files().resolve(in.path)) {
        if (!jc::server::path_within(std::filesystem::canonical(static_files().folder()), *file))
          __builtin_trap();
      }
    }
  }
  // The same bytes as a bare cookie header and URL path.
  (void)jc::server::cookie_value(raw, "jc_session");
  std::string path = "/" + std::string(raw.substr(0, 512));
  if (auto file = static_files().resolve(path)) {
    if (!jc::server::path_within(std::filesystem::canonical(static_files().folder()), *file))
      __builtin_trap();
  }
  std::string decoded = jc::percent_decode(raw, true);
  (void)jc::text_problem(decoded);
  (void)jc::utf8_prefix(raw, size / 2);
  if (!jc::valid_utf8(jc::utf8_prefix(raw, size / 2)) && jc::valid_utf8(raw)) __builtin_trap();
  return 0;
}
