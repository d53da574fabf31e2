#include "cli/pathways_command.h"

#include <cstdio>
#include <limits>

#include "cli/operator_audit.h"
#include "pathways/filter.h"
#include "pathways/store_log.h"
#include "pathways/target_pathway.h"
#include "store/database.h"

namespace jc::cli {

CLI::App* add_pathways_command(CLI::App& app, PathwaysArgs& a) {
  auto* p =
      app.add_subcommand("pathways", "Mine care pathways: journeys, hand-offs, waits, conformance");
  auto* log = p->add_option("--log", a.log_path, "Event log: .xes, .xes.gz or .csv")
                  ->check(CLI::ExistingFile);
  auto* db = p->add_option("--db", a.db, "Or JointCare's own data: a database ...");
  p->add_option("--pathway", a.pathway,
                "... and a named pathway: referrals, hospital-discharge, children, urgent-care")
      ->needs(db);
  log->excludes(db);
  p->add_option("--report", a.report.report,
                "summary, dfg, variants, handoffs, durations, conformance or compare")
      ->check(CLI::IsMember(
          {"summary", "dfg", "variants", "handoffs", "durations", "conformance", "compare"}));
  p->add_option("--format", a.report.format, "json or csv; dot or svg for the process map (dfg)")
      ->check(CLI::IsMember({"json", "csv", "dot", "svg"}));
  p->add_flag("--performance", a.performance, "dot/svg: label edges with the median wait");
  p->add_option("--top", a.report.top, "variants: how many to list (default all)");
  p->add_flag("--by-resource", a.report.by_resource,
              "handoffs: between resources rather than groups");
  p->add_option("--target", a.target, "conformance: the target pathway (TOML)")
      ->check(CLI::ExistingFile);
  p->add_option("--against", a.against, "compare: the other log (after, or another area)")
      ->check(CLI::ExistingFile);
  p->add_option("--split-at", a.split_at,
                "compare: cases starting before this time against those from it");
  p->add_option("--from", a.from, "filter: cases starting at or after this time");
  p->add_option("--to", a.to, "filter: cases ending before this time");
  p->add_option("--top-variants", a.top_variants, "filter: cases of the N most frequent variants");
  p->add_option("--with-activity", a.with_activity,
                "filter: cases containing this activity (repeatable)");
  p->add_option("--with-group", a.with_group,
                "filter: cases with an event of this group (organisation, team; repeatable)");
  p->add_option("--with-resource", a.with_resource,
                "filter: cases with an event by this resource (repeatable)");
  p->add_option("--starts-with", a.starts_with, "filter: cases starting with this activity");
  p->add_option("--ends-with", a.ends_with, "filter: cases ending with this activity");
  p->add_option("--case", a.csv.case_column, "CSV: the case id column");
  p->add_option("--activity", a.csv.activity_column, "CSV: the activity column");
  p->add_option("--timestamp", a.csv.timestamp_column, "CSV: the timestamp column");
  p->add_option("--resource", a.csv.resource_column, "CSV: the resource column");
  p->add_option("--group", a.csv.group_column, "CSV: the group (organisation, team) column");
  p->add_option("--separator", a.separator, "CSV: the field separator");
  return p;
}

namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "jointcare pathways: %s\n", message.c_str());
  return 2;
}

Result<std::int64_t> time_arg(const std::string& text, const char* option) {
  std::int64_t t = pathways::parse_time_ms(text);
  if (t == pathways::kNoTime)
    return Error{std::string(option) + ": \"" + text + "\" is not a date or time"};
  return t;
}

void print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

}  // namespace

int run_pathways(const PathwaysArgs& a) {
  if (a.separator.size() != 1) return fail("--separator must be one character");
  pathways::CsvLogOptions csv = a.csv;
  csv.separator = a.separator[0];
  Result<pathways::EventLog> log = Error{"give --log FILE, or --db PATH with --pathway NAME"};
  if (!a.log_path.empty()) {
    log = pathways::read_log(a.log_path, csv);
  } else if (!a.db.empty()) {
    if (a.pathway.empty()) return fail("--db needs --pathway");
    auto db = store::open_database(a.db);
    log = pathways::read_store_log(*db, a.pathway);
    if (log) audit_operator_report(*db, "pathways " + a.pathway);
  }
  if (!log) return fail(log.error().message);

  pathways::CaseFilter filter;
  if (!a.from.empty()) {
    auto t = time_arg(a.from, "--from");
    if (!t) return fail(t.error().message);
    filter.from_ms = *t;
  }
  if (!a.to.empty()) {
    auto t = time_arg(a.to, "--to");
    if (!t) return fail(t.error().message);
    filter.to_ms = *t;
  }
  filter.top_variants = a.top_variants;
  filter.with_activity = a.with_activity;
  filter.with_group = a.with_group;
  filter.with_resource = a.with_resource;
  if (!a.starts_with.empty()) filter.starts_with = a.starts_with;
  if (!a.ends_with.empty()) filter.ends_with = a.ends_with;
  bool filtering = filter.from_ms || filter.to_ms || filter.top_variants ||
                   !filter.with_activity.empty() || !filter.with_group.empty() ||
                   !filter.with_resource.empty() || filter.starts_with || filter.ends_with;
  pathways::EventLog selected =
      filtering ? pathways::filter_cases(*log, filter) : std::move(log).value();

  const std::string& report = a.report.report;
  const std::string& format = a.report.format;
  if (format == "dot" || format == "svg") {
    if (report != "dfg" && report != "summary")
      return fail("--format dot or svg draws the process map: use --report dfg");
    std::string dot = pathways::render_dfg_dot(selected, a.performance);
    if (format == "dot") {
      print(dot);
      return 0;
    }
    FILE* pipe = popen("dot -Tsvg", "w");  // Graphviz draws the SVG; its output goes to our stdout
    if (!pipe) return fail("cannot run Graphviz (dot) to draw SVG");
    std::fwrite(dot.data(), 1, dot.size(), pipe);
    return pclose(pipe) == 0 ? 0 : fail("Graphviz (dot) failed to draw the map");
  }
  if (report == "conformance") {
    if (a.target.empty()) return fail("--report conformance needs --target PATHWAY.toml");
    auto target = pathways::TargetPathway::load(a.target);
    if (!target) return fail(target.error().message);
    auto text = pathways::render_conformance(selected, *target, format);
    if (!text) return fail(text.error().message);
    print(*text);
    return 0;
  }
  if (report == "compare") {
    if (!a.against.empty()) {
      auto other = pathways::read_log(a.against, csv);
      if (!other) return fail(other.error().message);
      print(pathways::render_comparison(selected, *other));
      return 0;
    }
    if (a.split_at.empty()) return fail("--report compare needs --against FILE or --split-at TIME");
    auto t = time_arg(a.split_at, "--split-at");
    if (!t) return fail(t.error().message);
    // Cases that start before the split against those that start from it.
    pathways::CaseFilter before, after;
    before.starts_before_ms = *t;
    after.from_ms = *t;
    pathways::EventLog early = pathways::filter_cases(selected, before);
    pathways::EventLog late = pathways::filter_cases(selected, after);
    print(pathways::render_comparison(early, late));
    return 0;
  }
  auto text = pathways::render_report(selected, a.report);
  if (!text) return fail(text.error().message);
  print(*text);
  return 0;
}

}  // namespace jc::cli
