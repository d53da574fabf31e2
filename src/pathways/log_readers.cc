#include "pathways/log_readers.h"

#include <expat.h>

#include <cstring>
#include <unordered_map>

#include "io/compressed_file.h"
#include "io/csv_reader.h"

namespace jc::pathways {
namespace {

std::string_view local_name(const char* name) {
  // Expat runs without namespace processing; "xes:event" and "event" are the same element.
  std::string_view n(name);
  auto colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

struct XesState {
  EventLogBuilder builder;
  XML_Parser parser = nullptr;
  int depth = 0;
  int trace_depth = -1;
  int event_depth = -1;
  std::string case_id;
  std::vector<EventLogBuilder::Event> events;
  EventLogBuilder::Event current{};
  bool event_has_activity = false;
  std::size_t traces = 0;
  std::string error;
};

void on_start(void* data, const char* name, const char** attrs) {
  auto* st = static_cast<XesState*>(data);
  int depth = st->depth++;
  std::string_view tag = local_name(name);
  if (tag == "trace" && st->trace_depth < 0) {
    st->trace_depth = depth;
    st->case_id.clear();
    st->events.clear();
    return;
  }
  if (tag == "event" && st->trace_depth >= 0 && st->event_depth < 0) {
    st->event_depth = depth;
    st->current = EventLogBuilder::Event{0, kNoTime, kNone, kNone};
    st->event_has_activity = false;
    return;
  }
  // An attribute element: only those directly inside an event or a trace count.
  bool on_event = st->event_depth >= 0 && depth == st->event_depth + 1;
  bool on_trace = st->event_depth < 0 && st->trace_depth >= 0 && depth == st->trace_depth + 1;
  if (!on_event && !on_trace) return;
  const char* key = nullptr;
  const char* value = nullptr;
  for (int i = 0; attrs[i]; i += 2) {
    if (std::strcmp(attrs[i], "key") == 0) key = attrs[i + 1];
    else if (std::strcmp(attrs[i], "value") == 0) value = attrs[i + 1];
  }
  if (!key || !value) return;
  std::string_view k(key);
  if (on_trace) {
    if (k == "concept:name") st->case_id = value;
    return;
  }
  if (k == "concept:name") {
    st->current.activity = st->builder.activities().intern(value);
    st->event_has_activity = true;
  } else if (k == "time:timestamp") {
    st->current.time_ms = parse_time_ms(value);
    if (st->current.time_ms == kNoTime) {
      st->error = "line " + std::to_string(XML_GetCurrentLineNumber(st->parser)) + ", column " +
                  std::to_string(XML_GetCurrentColumnNumber(st->parser)) + ": unreadable time:timestamp \"" + value + "\"";
      XML_StopParser(st->parser, XML_FALSE);
    }
  } else if (k == "org:resource") {
    st->current.resource = static_cast<std::int32_t>(st->builder.resources().intern(value));
  } else if (k == "org:group") {
    st->current.group = static_cast<std::int32_t>(st->builder.groups().intern(value));
  }
}

void on_end(void* data, const char*) {
  auto* st = static_cast<XesState*>(data);
  int depth = --st->depth;
  if (depth == st->event_depth) {
    st->event_depth = -1;
    if (st->event_has_activity) st->events.push_back(st->current);
  } else if (depth == st->trace_depth) {
    st->trace_depth = -1;
    ++st->traces;
    std::string id = st->case_id.empty() ? "trace-" + std::to_string(st->traces) : st->case_id;
    st->builder.add_case(std::move(id), st->events);
  }
}

bool has_suffix(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Result<EventLog> read_xes(const std::string& path) {
  auto file = io::CompressedFile::open(path);
  if (!file) return file.error();
  XesState st;
  std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(XML_ParserCreate(nullptr), XML_ParserFree);
  st.parser = parser.get();
  XML_SetUserData(parser.get(), &st);
  XML_SetElementHandler(parser.get(), on_start, on_end);
  constexpr std::size_t kChunk = 1 << 18;
  while (true) {
    void* buf = XML_GetBuffer(parser.get(), kChunk);
    if (!buf) return Error{path + ": out of memory while parsing"};
    auto got = (*file)->read(static_cast<char*>(buf), kChunk);
    if (!got) return got.error();
    bool last = *got == 0;
    if (XML_ParseBuffer(parser.get(), static_cast<int>(*got), last) == XML_STATUS_ERROR) {
      if (!st.error.empty()) return Error{path + ": " + st.error};
      return Error{path + ": line " + std::to_string(XML_GetCurrentLineNumber(parser.get())) + ", column " +
                   std::to_string(XML_GetCurrentColumnNumber(parser.get())) + ": malformed XML: " +
                   XML_ErrorString(XML_GetErrorCode(parser.get()))};
    }
    if (last) break;
  }
  return st.builder.finish();
}

Result<EventLog> read_csv_log(const std::string& path, const CsvLogOptions& o) {
  auto table = io::CsvTable::open(path, o.separator, true);
  if (!table) return table.error();
  auto column = [&](const std::string& name, const char* what) -> Result<std::size_t> {
    auto c = table->column(name);
    if (!c) return Error{path + ":1: no " + what + " column \"" + name + "\" in the header"};
    return *c;
  };
  auto case_col = column(o.case_column, "case");
  if (!case_col) return case_col.error();
  auto act_col = column(o.activity_column, "activity");
  if (!act_col) return act_col.error();
  auto time_col = column(o.timestamp_column, "timestamp");
  if (!time_col) return time_col.error();
  std::optional<std::size_t> res_col, group_col;
  if (!o.resource_column.empty()) {
    auto c = column(o.resource_column, "resource");
    if (!c) return c.error();
    res_col = *c;
  }
  if (!o.group_column.empty()) {
    auto c = column(o.group_column, "group");
    if (!c) return c.error();
    group_col = *c;
  }
  EventLogBuilder builder;
  std::unordered_map<std::string, std::size_t> case_index;
  std::vector<std::string> case_order;
  std::vector<std::vector<EventLogBuilder::Event>> per_case;
  while (true) {
    auto rec = table->next();
    if (!rec) return rec.error();
    if (!rec->has_value()) break;
    const auto& f = (*rec)->fields;
    std::int64_t t = parse_time_ms(f[*time_col]);
    if (t == kNoTime) {
      return Error{path + ":" + std::to_string((*rec)->line) + ": field " + o.timestamp_column + ": unreadable time \"" +
                   f[*time_col] + "\""};
    }
    auto [it, fresh] = case_index.emplace(f[*case_col], per_case.size());
    if (fresh) {
      case_order.push_back(f[*case_col]);
      per_case.emplace_back();
    }
    EventLogBuilder::Event e{builder.activities().intern(f[*act_col]), t, kNone, kNone};
    if (res_col && !f[*res_col].empty()) e.resource = static_cast<std::int32_t>(builder.resources().intern(f[*res_col]));
    if (group_col && !f[*group_col].empty()) e.group = static_cast<std::int32_t>(builder.groups().intern(f[*group_col]));
    per_case[it->second].push_back(e);
  }
  for (std::size_t c = 0; c < per_case.size(); ++c) builder.add_case(std::move(case_order[c]), per_case[c]);
  return builder.finish();
}

Result<EventLog> read_log(const std::string& path, const CsvLogOptions& csv_options) {
  if (has_suffix(path, ".xes") || has_suffix(path, ".xes.gz")) return read_xes(path);
  return read_csv_log(path, csv_options);
}

}  // namespace jc::pathways
