#include "io/csv_reader.h"

#include <csv.h>

#include <algorithm>

#include "core/text.h"

namespace jc::io {
namespace {
csv_parser* P(void* p) { return static_cast<csv_parser*>(p); }
}  // namespace

CsvReader::CsvReader(std::unique_ptr<CompressedFile> file, char separator, bool trim)
    : file_(std::move(file)), parser_(new csv_parser), buffer_(1 << 16) {
  unsigned char options = CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL | CSV_EMPTY_IS_NULL;
  csv_init(P(parser_), options);
  csv_set_delim(P(parser_), static_cast<unsigned char>(separator));
  if (!trim) csv_set_space_func(P(parser_), [](unsigned char) { return 0; });
}

CsvReader::~CsvReader() {
  csv_free(P(parser_));
  delete P(parser_);
}

Result<std::unique_ptr<CsvReader>> CsvReader::open(const std::string& path, char separator,
                                                   bool trim) {
  auto file = CompressedFile::open(path);
  if (!file) return file.error();
  return std::unique_ptr<CsvReader>(new CsvReader(std::move(file).value(), separator, trim));
}

void CsvReader::on_field(void* data, std::size_t len, void* self_ptr) {
  auto* self = static_cast<CsvReader*>(self_ptr);
  std::string value = data ? std::string(static_cast<const char*>(data), len) : std::string();
  if (self->first_field_ && self->line_ == 1 && value.starts_with("\xEF\xBB\xBF")) {
    value.erase(0, 3);  // UTF-8 byte order mark
  }
  self->first_field_ = false;
  self->building_.fields.push_back(std::move(value));
}

void CsvReader::on_row(int c, void* self_ptr) {
  auto* self = static_cast<CsvReader*>(self_ptr);
  CsvRecord rec = std::move(self->building_);
  self->building_ = CsvRecord{};
  bool crlf_tail = c == '\n' && self->previous_terminator_ == '\r' && rec.fields.empty();
  self->previous_terminator_ = c;
  if (crlf_tail) return;
  rec.line = self->line_;
  long embedded = 0;
  for (const auto& f : rec.fields) embedded += std::count(f.begin(), f.end(), '\n');
  self->line_ += embedded + (c == -1 ? 0 : 1);
  if (rec.fields.empty()) return;  // a blank line
  if (rec.fields.size() == 1 && rec.fields[0].empty()) return;
  self->ready_.push_back(std::move(rec));
}

Result<std::optional<CsvRecord>> CsvReader::next() {
  while (ready_.empty() && !at_end_) {
    auto got = file_->read(buffer_.data(), buffer_.size());
    if (!got) return got.error();
    if (*got == 0) {
      at_end_ = true;
      if (csv_fini(P(parser_), on_field, on_row, this) != 0) {
        return Error{path() + ":" + std::to_string(line_) + ": " +
                     csv_strerror(csv_error(P(parser_))) + " (an unterminated quoted field?)"};
      }
      break;
    }
    std::size_t done = csv_parse(P(parser_), buffer_.data(), *got, on_field, on_row, this);
    if (done != *got) {
      // Count the lines completed before the failure so the message points at the right one.
      return Error{path() + ":" + std::to_string(line_) + ": malformed CSV: " +
                   csv_strerror(csv_error(P(parser_))) + " (a quote inside an unquoted field?)"};
    }
  }
  if (ready_.empty()) return std::optional<CsvRecord>{};
  CsvRecord r = std::move(ready_.front());
  ready_.pop_front();
  return std::optional<CsvRecord>{std::move(r)};
}

Result<CsvTable> CsvTable::open(const std::string& path, char separator, bool trim) {
  auto reader = CsvReader::open(path, separator, trim);
  if (!reader) return reader.error();
  CsvTable t;
  t.reader_ = std::move(reader).value();
  auto head = t.reader_->next();
  if (!head) return head.error();
  if (!head->has_value()) return Error{path + ": empty file: a header row was expected"};
  t.header_ = std::move((*head)->fields);
  for (std::size_t i = 0; i < t.header_.size(); ++i) {
    if (auto problem = text_problem(t.header_[i]))
      return Error{path + ":" + std::to_string((*head)->line) + ": column " +
                   std::to_string(i + 1) + " of the header " + *problem};
  }
  for (std::size_t i = 0; i < t.header_.size(); ++i) t.index_.emplace(t.header_[i], i);
  return t;
}

std::optional<std::size_t> CsvTable::column(std::string_view name) const {
  auto it = index_.find(std::string(name));
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

Result<std::optional<CsvRecord>> CsvTable::next() {
  auto r = reader_->next();
  if (!r) return r.error();
  if (r->has_value() && (*r)->fields.size() != header_.size()) {
    return Error{path() + ":" + std::to_string((*r)->line) + ": expected " +
                 std::to_string(header_.size()) + " fields as in the header, found " +
                 std::to_string((*r)->fields.size())};
  }
  if (r->has_value()) {
    const CsvRecord& rec = **r;
    for (std::size_t i = 0; i < rec.fields.size(); ++i) {
      if (auto problem = text_problem(rec.fields[i])) {
        return Error{path() + ":" + std::to_string(rec.line) + ": field " + header_[i] + ": " +
                     *problem +
                     (valid_utf8(rec.fields[i]) ? ""
                                                : " (JointCare reads extracts as UTF-8: convert "
                                                  "the file, e.g. with iconv -f latin1 -t utf-8)")};
      }
    }
  }
  return r;
}

Result<long long> parse_grouped_integer(std::string_view text) {
  long long v = 0;
  bool any = false;
  for (char c : text) {
    if (c == ',') continue;
    if (c < '0' || c > '9') return Error{"\"" + std::string(text) + "\" is not a whole number"};
    v = v * 10 + (c - '0');
    any = true;
  }
  if (!any) return Error{"\"" + std::string(text) + "\" is not a whole number"};
  return v;
}

}  // namespace jc::io
