// Reading event logs: XES (IEEE 1849; .xes or .xes.gz, streamed with expat) and CSV with column
// options. A malformed file gives an error naming line and column, and no log.
#pragma once

#include <string>

#include "core/result.h"
#include "pathways/event_log.h"

namespace jc::pathways {

// Activity from concept:name, time from time:timestamp, resource from org:resource, group from
// org:group. Namespaced (xes:event) and plain tags alike; nested attributes are ignored.
Result<EventLog> read_xes(const std::string& path);

struct CsvLogOptions {
  std::string case_column = "case:concept:name";
  std::string activity_column = "concept:name";
  std::string timestamp_column = "time:timestamp";
  std::string resource_column;  // optional
  std::string group_column;     // optional
  char separator = ',';
};
// Cases in order of first appearance; an unreadable timestamp is an error naming line and field.
Result<EventLog> read_csv_log(const std::string& path, const CsvLogOptions& options);

// By extension: .xes / .xes.gz → XES, otherwise CSV.
Result<EventLog> read_log(const std::string& path, const CsvLogOptions& csv_options);

}  // namespace jc::pathways
