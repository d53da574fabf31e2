// The built web application served at /: resolving a request path to a file inside the static
// folder. The folder and the file are both canonicalised (symlinks followed) and compared by path
// components, so `..`, encoded separators, a sibling folder whose name starts with the same text,
// and a symlink that points out of the folder are all refused.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace jc::server {

class StaticFiles {
 public:
  explicit StaticFiles(std::string folder);
  // Whether the folder holds a built web application (an index.html). Checked on each call, so a
  // build made while the server runs is picked up.
  bool built() const;
  // The regular file inside the folder that the URL path (starting with '/', already
  // percent-decoded) names, or nothing. "/" names index.html.
  std::optional<std::filesystem::path> resolve(std::string_view url_path) const;
  std::optional<std::filesystem::path> index() const;
  const std::string& folder() const { return folder_; }

 private:
  std::string folder_;
};

// Whether `inner` lies inside `outer` (both canonical), comparing whole path components.
bool path_within(const std::filesystem::path& outer, const std::filesystem::path& inner);

// The Content-Type for a file by its extension.
std::string content_type_for(const std::filesystem::path& file);

// The page `/` answers when no web application is built: says so plainly, and how to build it.
extern const char* const kWebNotBuiltPage;

}  // namespace jc::server
