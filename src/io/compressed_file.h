// Reads a file in chunks, transparently gunzipping ".gz" (zlib reads plain files as they are).
// One reader per thread; not thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/result.h"

namespace jc::io {

class CompressedFile {
 public:
  static Result<std::unique_ptr<CompressedFile>> open(const std::string& path);
  ~CompressedFile();
  CompressedFile(const CompressedFile&) = delete;
  CompressedFile& operator=(const CompressedFile&) = delete;

  // Reads up to n bytes; returns the count, 0 at end of file, or an error.
  Result<std::size_t> read(char* buf, std::size_t n);
  const std::string& path() const { return path_; }

 private:
  CompressedFile(void* handle, std::string path) : handle_(handle), path_(std::move(path)) {}
  void* handle_;
  std::string path_;
};

}  // namespace jc::io
