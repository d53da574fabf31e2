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
  bool per_case = true;            // durations: list each case (its id) as well as the distribution
};

Result<std::string> render_report(const EventLog& log, const ReportOptions& options);

// The process map in Graphviz DOT: nodes sized by frequency, edges labelled with counts and,
// when performance is asked for, the median wait.
std::string render_dfg_dot(const EventLog& log, bool performance);

struct TargetPathway;
// Conformance of the log to a target pathway, as JSON or CSV (per case fitness).
Result<std::string> render_conformance(const EventLog& log, const TargetPathway& pathway, const std::string& format);

// Before and after (or two areas): stages, hand-offs, durations, side by side, as JSON.
std::string render_comparison(const EventLog& before, const EventLog& after);

}  // namespace jc::pathways
