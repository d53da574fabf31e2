#include "io/compressed_file.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>

namespace jc::io {

Result<std::unique_ptr<CompressedFile>> CompressedFile::open(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return Error{path + ": cannot open: " + std::strerror(errno)};
  gzbuffer(f, 1 << 17);
  return std::unique_ptr<CompressedFile>(new CompressedFile(f, path));
}

CompressedFile::~CompressedFile() { gzclose(static_cast<gzFile>(handle_)); }

Result<std::size_t> CompressedFile::read(char* buf, std::size_t n) {
  int got = gzread(static_cast<gzFile>(handle_), buf, static_cast<unsigned>(n));
  if (got < 0) {
    int code = 0;
    const char* msg = gzerror(static_cast<gzFile>(handle_), &code);
    return Error{path_ + ": read failed: " + (msg ? msg : "unknown error")};
  }
  return static_cast<std::size_t>(got);
}

}  // namespace jc::io
