#include "server/http_request.h"

#include "core/text.h"

namespace jc::server {

namespace {

std::string shown(std::string_view name) {
  // A parameter's name appears in the error only when it is short, printable ASCII.
  if (name.empty() || name.size() > 40) return "a query parameter";
  for (char c : name)
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7E || c == '\'')
      return "a query parameter";
  return "the query parameter '" + std::string(name) + "'";
}

bool clean_header_value(std::string_view v) {
  if (!valid_utf8(v)) return false;
  for (char ch : v) {
    auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7F) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> check_request(HttpRequest& r) {
  auto q = r.target.find('?');
  r.path = r.target.substr(0, q);
  r.query = q == std::string::npos ? std::string() : r.target.substr(q + 1);
  if (r.path.empty() || r.path.front() != '/')
    return std::string("the request target must be a path starting with '/'");
  if (auto p = text_problem(percent_decode(r.path, false))) return "the URL's path " + *p;
  std::size_t pos = 0;
  while (pos < r.query.size()) {
    std::size_t amp = r.query.find('&', pos);
    if (amp == std::string::npos) amp = r.query.size();
    std::string_view pair = std::string_view(r.query).substr(pos, amp - pos);
    std::size_t eq = pair.find('=');
    std::string name = percent_decode(pair.substr(0, eq), true);
    if (auto p = text_problem(name)) return "a query parameter's name " + *p;
    if (eq != std::string_view::npos) {
      if (auto p = text_problem(percent_decode(pair.substr(eq + 1), true)))
        return shown(name) + " " + *p;
    }
    pos = amp + 1;
  }
  for (const auto& [name, value] : r.headers) {
    if (!clean_header_value(value)) return "the header '" + name + "' is not valid UTF-8 text";
  }
  return std::nullopt;
}

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
  std::size_t pos = 0;
  while (pos <= header.size()) {
    std::size_t semi = header.find(';', pos);
    if (semi == std::string_view::npos) semi = header.size();
    std::string_view pair = header.substr(pos, semi - pos);
    while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t')) pair.remove_prefix(1);
    while (!pair.empty() && (pair.back() == ' ' || pair.back() == '\t')) pair.remove_suffix(1);
    std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      std::string_view value = pair.substr(eq + 1);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      if (value.empty()) return std::nullopt;
      return std::string(value);
    }
    pos = semi + 1;
  }
  return std::nullopt;
}

}  // namespace jc::server
