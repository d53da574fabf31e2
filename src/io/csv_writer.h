// Writes RFC 4180 CSV: fields quoted only when they hold the separator, a quote or a newline.
#pragma once

#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace jc::io {

class CsvWriter {
 public:
  static Result<CsvWriter> create(const std::string& path, char separator = ',');
  // The same, for personal data: the file is readable and writable by its owner only (0600),
  // whatever the umask, and a symbolic link in its place is refused.
  static Result<CsvWriter> create_owner_only(const std::string& path, char separator = ',');
  void row(const std::vector<std::string>& fields);
  // Flushes and reports any write error.
  Status close();

 private:
  CsvWriter(std::ofstream out, std::string path, char sep)
      : out_(std::move(out)), path_(std::move(path)), sep_(sep) {}
  std::ofstream out_;
  std::string path_;
  char sep_;
};

// Creates (or empties) a file readable and writable by its owner only, refusing a symbolic link,
// so that an ofstream opened on it afterwards writes into a 0600 file.
Status create_owner_only_file(const std::string& path);

// One field as CSV would write it.
std::string csv_field(std::string_view value, char separator = ',');

}  // namespace jc::io
