#include "server/static_files.h"

#include <algorithm>
#include <system_error>

namespace jc::server {

namespace fs = std::filesystem;

const char* const kWebNotBuiltPage = R"HTML(<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>JointCare: the web application is not built</title>
<style>body{font-family:Arial,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#212b32}
h1{color:#005eb8}code{background:#f0f4f5;padding:0 .2rem}</style></head>
<body><h1>The web application is not built</h1>
<p>This JointCare server is running, but it has no built web application to serve, so there is no
page to sign in on here.</p>
<p>Build it with <code>make demo</code> or <code>make web</code> in the JointCare checkout (it
appears in <code>web/dist</code>), then start <code>jointcare serve</code> again, or give the folder
with <code>--static-dir</code>.</p>
<p>The HTTP API answers under <code>/api/v1/</code>; health: <code>/healthz</code>.</p></body></html>
)HTML";

StaticFiles::StaticFiles(std::string folder) : folder_(std::move(folder)) {}

bool path_within(const fs::path& outer, const fs::path& inner) {
  auto o = outer.begin();
  auto i = inner.begin();
  for (; o != outer.end(); ++o, ++i) {
    if (o->empty()) continue;  // a trailing separator
    if (i == inner.end() || *o != *i) return false;
  }
  return true;
}

std::optional<fs::path> StaticFiles::resolve(std::string_view url_path) const {
  if (folder_.empty() || url_path.empty() || url_path.front() != '/') return std::nullopt;
  if (url_path.find('\0') != std::string_view::npos ||
      url_path.find('\\') != std::string_view::npos)
    return std::nullopt;
  std::error_code ec;
  fs::path root = fs::canonical(folder_, ec);
  if (ec) return std::nullopt;
  std::string_view rel = url_path.substr(1);
  fs::path wanted =
      rel.empty() ? root / "index.html" : root / fs::path(std::string(rel)).relative_path();
  fs::path file = fs::canonical(wanted, ec);  // follows every symlink; fails if the file is missing
  if (ec || !path_within(root, file)) return std::nullopt;
  if (!fs::is_regular_file(file, ec) || ec) return std::nullopt;
  return file;
}

std::optional<fs::path> StaticFiles::index() const { return resolve("/"); }

bool StaticFiles::built() const { return index().has_value(); }

std::string content_type_for(const fs::path& file) {
  auto ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js") return "text/javascript";
  if (ext == ".css") return "text/css";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".json") return "application/json";
  return "application/octet-stream";
}

}  // namespace jc::server
