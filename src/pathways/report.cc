#include "pathways/report.h"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

#include "io/csv_writer.h"
#include "pathways/analysis.h"
#include "pathways/target_pathway.h"

namespace jc::pathways {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + io::csv_field(fields[i]);
  return out + "\n";
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

ordered_json summary_json(const EventLog& log, const Dfg& dfg, std::size_t variant_count) {
  std::size_t used = 0;
  std::vector<bool> seen(log.activities.size(), false);
  for (auto a : log.activity)
    if (!seen[a]) seen[a] = true, ++used;
  ordered_json j;
  j["cases"] = log.cases();
  j["events"] = log.events();
  j["activities"] = used;
  j["variants"] = variant_count;
  j["dfg_edges"] = dfg.edges.size();
  auto acts = [&](const auto& v) {
    ordered_json o = ordered_json::object();
    for (const auto& [a, n] : v) o[log.activities.name(a)] = n;
    return o;
  };
  j["start_activities"] = acts(dfg.start);
  j["end_activities"] = acts(dfg.end);
  return j;
}

}  // namespace

Result<std::string> render_report(const EventLog& log, const ReportOptions& o) {
  if (o.format != "json" && o.format != "csv") return Error{"--format must be json or csv"};
  const bool csv = o.format == "csv";
  const auto& name = [&](std::uint32_t a) -> const std::string& { return log.activities.name(a); };
  if (o.report == "summary" || o.report == "dfg") {
    bool perf = o.report == "dfg";
    Dfg dfg = directly_follows(log, perf);
    std::size_t nv = variants(log).size();
    if (o.report == "summary") {
      ordered_json j = summary_json(log, dfg, nv);
      if (!csv) return j.dump(2) + "\n";
      return csv_line({"cases", "events", "activities", "variants", "dfg_edges"}) +
             csv_line({std::to_string(log.cases()), std::to_string(log.events()), j["activities"].dump(),
                       std::to_string(nv), std::to_string(dfg.edges.size())});
    }
    if (csv) {
      std::string out = csv_line({"from", "to", "count", "mean_wait_s", "median_wait_s", "min_wait_s", "max_wait_s", "p90_wait_s"});
      for (const auto& e : dfg.edges) {
        out += csv_line({name(e.from), name(e.to), std::to_string(e.count), num(e.wait.mean_s), num(e.wait.median_s),
                         num(e.wait.min_s), num(e.wait.max_s), num(e.wait.p90_s)});
      }
      return out;
    }
    ordered_json j = summary_json(log, dfg, nv);
    ordered_json edges = ordered_json::array();
    for (const auto& e : dfg.edges) {
      edges.push_back({{"from", name(e.from)},
                       {"to", name(e.to)},
                       {"count", e.count},
                       {"wait_s", {{"mean", e.wait.mean_s}, {"median", e.wait.median_s}, {"min", e.wait.min_s},
                                   {"max", e.wait.max_s}, {"p90", e.wait.p90_s}}}});
    }
    j["edges"] = edges;
    ordered_json slow = ordered_json::array();
    for (const auto& e : bottlenecks(dfg, 10)) {
      slow.push_back({{"from", name(e.from)}, {"to", name(e.to)}, {"count", e.count}, {"median_wait_s", e.wait.median_s},
                      {"total_median_wait_s", static_cast<double>(e.count) * e.wait.median_s}});
    }
    j["bottlenecks"] = slow;
    ordered_json again = ordered_json::array();
    for (const auto& r : rework(log)) again.push_back({{"activity", name(r.activity)}, {"cases", r.cases}, {"repeats", r.repeats}});
    j["rework"] = again;
    return j.dump(2) + "\n";
  }
  if (o.report == "variants") {
    auto vs = variants(log);
    std::size_t limit = o.top ? std::min(o.top, vs.size()) : vs.size();
    if (csv) {
      std::string out = csv_line({"rank", "cases", "coverage", "activities"});
      for (std::size_t i = 0; i < limit; ++i) {
        std::string seq;
        for (auto a : vs[i].activities) seq += (seq.empty() ? "" : " > ") + name(a);
        out += csv_line({std::to_string(i + 1), std::to_string(vs[i].cases), num(vs[i].coverage), seq});
      }
      return out;
    }
    ordered_json j;
    j["cases"] = log.cases();
    j["variants"] = vs.size();
    ordered_json list = ordered_json::array();
    for (std::size_t i = 0; i < limit; ++i) {
      ordered_json acts = ordered_json::array();
      for (auto a : vs[i].activities) acts.push_back(name(a));
      list.push_back({{"rank", i + 1}, {"cases", vs[i].cases}, {"coverage", vs[i].coverage}, {"activities", acts}});
    }
    j["top"] = list;
    return j.dump(2) + "\n";
  }
  if (o.report == "durations") {
    auto d = case_durations_s(log);
    std::vector<double> sorted = d;
    WaitStats s = wait_stats(sorted);
    if (csv) {
      std::string out = csv_line({"case", "duration_s"});
      for (std::size_t c = 0; c < d.size(); ++c) out += csv_line({log.case_ids[c], num(d[c])});
      return out;
    }
    ordered_json j;
    j["cases"] = log.cases();
    j["duration_s"] = {{"mean", s.mean_s}, {"median", s.median_s}, {"min", s.min_s}, {"max", s.max_s}, {"p90", s.p90_s}};
    if (o.per_case) {
      ordered_json per = ordered_json::array();
      for (std::size_t c = 0; c < d.size(); ++c) per.push_back({{"case", log.case_ids[c]}, {"duration_s", d[c]}});
      j["per_case"] = per;
    }
    return j.dump(2) + "\n";
  }
  if (o.report == "handoffs") {
    bool by_resource = o.by_resource || log.groups.size() == 0;
    Handoffs h = handoffs(log, by_resource ? HandoffBy::Resource : HandoffBy::Group);
    const Dictionary& who = by_resource ? log.resources : log.groups;
    if (csv) {
      std::string out = csv_line({"from", "to", "count"});
      for (const auto& p : h.matrix)
        out += csv_line({who.name(static_cast<std::uint32_t>(p.from)), who.name(static_cast<std::uint32_t>(p.to)), std::to_string(p.count)});
      return out;
    }
    ordered_json j;
    j["by"] = by_resource ? "org:resource" : "org:group";
    j["cross"] = h.cross;
    j["self"] = h.self;
    j["unknown"] = h.unknown;
    j["ping_pong"] = h.ping_pong;
    j["ping_pong_cases"] = h.ping_pong_cases;
    ordered_json m = ordered_json::array();
    for (const auto& p : h.matrix)
      m.push_back({{"from", who.name(static_cast<std::uint32_t>(p.from))}, {"to", who.name(static_cast<std::uint32_t>(p.to))}, {"count", p.count}});
    j["matrix"] = m;
    return j.dump(2) + "\n";
  }
  return Error{"unknown report \"" + o.report + "\": summary, dfg, variants, handoffs or durations"};
}

std::string render_dfg_dot(const EventLog& log, bool performance) {
  Dfg dfg = directly_follows(log, performance);
  std::vector<std::uint64_t> freq(log.activities.size(), 0);
  for (auto a : log.activity) ++freq[a];
  auto quote = [](const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  auto human = [](double s) {
    char buf[32];
    if (s < 120) std::snprintf(buf, sizeof buf, "%.0fs", s);
    else if (s < 7200) std::snprintf(buf, sizeof buf, "%.0fm", s / 60);
    else if (s < 172800) std::snprintf(buf, sizeof buf, "%.1fh", s / 3600);
    else std::snprintf(buf, sizeof buf, "%.1fd", s / 86400);
    return std::string(buf);
  };
  std::uint64_t top = 1;
  for (auto f : freq) top = std::max(top, f);
  std::string out = "digraph pathway {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fontname=\"Arial\"];\n";
  out += "  edge [fontname=\"Arial\", fontsize=10];\n";
  out += "  start [shape=circle, label=\"\", fillcolor=\"#007f3b\", width=0.3];\n";
  out += "  end [shape=doublecircle, label=\"\", fillcolor=\"#d5281b\", width=0.3];\n";
  for (std::uint32_t a = 0; a < freq.size(); ++a) {
    if (!freq[a]) continue;
    int shade = 255 - static_cast<int>(150.0 * static_cast<double>(freq[a]) / static_cast<double>(top));
    char color[16];
    std::snprintf(color, sizeof color, "#%02x%02xff", shade, shade);
    out += "  a" + std::to_string(a) + " [label=" + quote(log.activities.name(a) + "\n" + std::to_string(freq[a])) +
           ", fillcolor=\"" + color + "\"];\n";
  }
  for (const auto& [a, n] : dfg.start) out += "  start -> a" + std::to_string(a) + " [label=\"" + std::to_string(n) + "\"];\n";
  for (const auto& [a, n] : dfg.end) out += "  a" + std::to_string(a) + " -> end [label=\"" + std::to_string(n) + "\"];\n";
  std::uint64_t heaviest = dfg.edges.empty() ? 1 : dfg.edges.front().count;
  for (const auto& e : dfg.edges) {
    std::string label = std::to_string(e.count);
    if (performance) label += " / " + human(e.wait.median_s);
    double width = 1.0 + 4.0 * static_cast<double>(e.count) / static_cast<double>(heaviest);
    char pen[16];
    std::snprintf(pen, sizeof pen, "%.1f", width);
    out += "  a" + std::to_string(e.from) + " -> a" + std::to_string(e.to) + " [label=" + quote(label) + ", penwidth=" + pen + "];\n";
  }
  return out + "}\n";
}

Result<std::string> render_conformance(const EventLog& log, const TargetPathway& pathway, const std::string& format) {
  Conformance c = check_conformance(log, pathway);
  if (format == "csv") {
    std::string out = csv_line({"case", "fitness"});
    for (std::size_t i = 0; i < c.case_fitness.size(); ++i) out += csv_line({log.case_ids[i], num(c.case_fitness[i])});
    return out;
  }
  if (format != "json") return Error{"--format must be json or csv for conformance"};
  ordered_json j;
  j["pathway"] = pathway.name;
  j["cases"] = c.cases;
  j["fitting_cases"] = c.fitting_cases;
  j["mean_case_fitness"] = c.mean_fitness;
  j["log_fitness"] = c.log_fitness;
  ordered_json unexpected = ordered_json::array(), skipped = ordered_json::array();
  for (const auto& [a, n] : c.unexpected_activities) unexpected.push_back({{"activity", a}, {"count", n}});
  for (const auto& [st, n] : c.skipped_stages) skipped.push_back({{"stage", st}, {"count", n}});
  j["unexpected_activities"] = unexpected;
  j["skipped_stages"] = skipped;
  return j.dump(2) + "\n";
}

std::string render_comparison(const EventLog& before, const EventLog& after) {
  auto profile = [](const EventLog& log) {
    ordered_json j;
    j["cases"] = log.cases();
    j["events"] = log.events();
    j["events_per_case"] = log.cases() ? static_cast<double>(log.events()) / static_cast<double>(log.cases()) : 0.0;
    std::vector<bool> seen(log.activities.size());
    std::vector<std::string> stages;
    for (auto a : log.activity)
      if (!seen[a]) seen[a] = true, stages.push_back(log.activities.name(a));
    std::sort(stages.begin(), stages.end());
    j["stages"] = stages.size();
    j["variants"] = variants(log).size();
    auto d = case_durations_s(log);
    WaitStats w = wait_stats(d);
    j["duration_s"] = {{"mean", w.mean_s}, {"median", w.median_s}, {"p90", w.p90_s}};
    Handoffs h = handoffs(log, log.groups.size() ? HandoffBy::Group : HandoffBy::Resource);
    double n = log.cases() ? static_cast<double>(log.cases()) : 1.0;
    j["handoffs_per_case"] = static_cast<double>(h.cross) / n;
    j["ping_pong_case_share"] = static_cast<double>(h.ping_pong_cases) / n;
    return std::pair{j, stages};
  };
  auto [b, bs] = profile(before);
  auto [a, as] = profile(after);
  std::vector<std::string> removed, added;
  std::set_difference(bs.begin(), bs.end(), as.begin(), as.end(), std::back_inserter(removed));
  std::set_difference(as.begin(), as.end(), bs.begin(), bs.end(), std::back_inserter(added));
  ordered_json j;
  j["before"] = b;
  j["after"] = a;
  j["stages_removed"] = removed;
  j["stages_added"] = added;
  j["change"] = {{"events_per_case", a["events_per_case"].get<double>() - b["events_per_case"].get<double>()},
                 {"median_duration_s", a["duration_s"]["median"].get<double>() - b["duration_s"]["median"].get<double>()},
                 {"handoffs_per_case", a["handoffs_per_case"].get<double>() - b["handoffs_per_case"].get<double>()},
                 {"ping_pong_case_share", a["ping_pong_case_share"].get<double>() - b["ping_pong_case_share"].get<double>()}};
  return j.dump(2) + "\n";
}

}  // namespace jc::pathways
