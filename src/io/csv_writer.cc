#include "io/csv_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace jc::io {

std::string csv_field(std::string_view v, char sep) {
  bool quote = v.find_first_of(std::string{sep, '"', '\n', '\r'}) != std::string_view::npos ||
               (!v.empty() && (v.front() == ' ' || v.back() == ' '));
  if (!quote) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

Result<CsvWriter> CsvWriter::create(const std::string& path, char separator) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Error{path + ": cannot create: " + std::strerror(errno)};
  return CsvWriter(std::move(out), path, separator);
}

Status create_owner_only_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return Error{path + ": cannot create: " + std::strerror(errno)};
  // An existing file keeps its mode on open: set it.
  int rc = ::fchmod(fd, 0600);
  int saved = errno;
  ::close(fd);
  if (rc != 0) return Error{path + ": cannot restrict to its owner: " + std::strerror(saved)};
  return {};
}

Result<CsvWriter> CsvWriter::create_owner_only(const std::string& path, char separator) {
  if (auto st = create_owner_only_file(path); !st) return st.error();
  return create(path, separator);
}

void CsvWriter::row(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) line += sep_;
    line += csv_field(fields[i], sep_);
  }
  line += '\n';
  out_.write(line.data(), static_cast<std::streamsize>(line.size()));
}

Status CsvWriter::close() {
  out_.flush();
  if (!out_) return Error{path_ + ": write failed"};
  out_.close();
  return {};
}

}  // namespace jc::io
