// Streaming CSV reader (RFC 4180 quoting, strict) over libcsv, for plain or gzipped files.
// Knows the physical line each record starts on, so errors can name file, line and field.
// Not thread-safe; one reader per file.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "io/compressed_file.h"

namespace jc::io {

struct CsvRecord {
  std::vector<std::string> fields;
  long line = 0;  // 1-based physical line where the record starts
};

class CsvReader {
 public:
  // trim: strip spaces around unquoted fields (FEBRL files put a space after each comma).
  static Result<std::unique_ptr<CsvReader>> open(const std::string& path, char separator = ',',
                                                 bool trim = true);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // The next non-empty record, nullopt at the end, or an error naming file and line.
  Result<std::optional<CsvRecord>> next();
  const std::string& path() const { return file_->path(); }

 private:
  CsvReader(std::unique_ptr<CompressedFile> file, char separator, bool trim);
  static void on_field(void* data, std::size_t len, void* self);
  static void on_row(int c, void* self);

  std::unique_ptr<CompressedFile> file_;
  void* parser_;  // struct csv_parser*, kept out of this header
  std::deque<CsvRecord> ready_;
  CsvRecord building_;
  long line_ = 1;
  int previous_terminator_ = 0;
  bool at_end_ = false;
  bool first_field_ = true;
  std::vector<char> buffer_;
};

// A CSV file with a header row: fields by column name.
class CsvTable {
 public:
  static Result<CsvTable> open(const std::string& path, char separator = ',', bool trim = true);

  const std::vector<std::string>& header() const { return header_; }
  // Column index of a header name, or nullopt.
  std::optional<std::size_t> column(std::string_view name) const;
  // Next data row; rows shorter or longer than the header are an error naming the line.
  Result<std::optional<CsvRecord>> next();
  const std::string& path() const { return reader_->path(); }

 private:
  std::unique_ptr<CsvReader> reader_;
  std::vector<std::string> header_;
  std::unordered_map<std::string, std::size_t> index_;
};

// "1,296" → 1296; fails on anything but digits and thousands separators.
Result<long long> parse_grouped_integer(std::string_view text);

}  // namespace jc::io
