// Pathway reports as JSON or CSV text: summary, dfg, variants, handoffs, durations.
#pragma once

#include <string>

#include "core/result.h"
#include "pathways/event_log.h"

namespace jc::pathways {

struct ReportOptions {
  std::string report = "summary";  // summary | dfg | variants | handoffs | durations
  std::string format = "json";     // json | csv
  std::size_t top = 0;             // variants: at most this many (0: all)
  bool by_resource = false;        // handoffs: by org:resource instead of org:group
};

Result<std::string> render_report(const EventLog& log, const ReportOptions& options);

}  // namespace jc::pathways
