// Process mining against the reference statistics of the public logs (shared/docs/REFERENCE.md).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "pathways/analysis.h"
#include "pathways/log_readers.h"
#include "pathways/filter.h"
#include "pathways/report.h"
#include "pathways/target_pathway.h"
#include "support/test_paths.h"

namespace jc::pathways {
namespace {

std::string data(const std::string& name) { return testing::shared_dir() + "/data/pathways/" + name; }

CsvLogOptions sepsis_options() {
  CsvLogOptions o;
  o.separator = ';';
  o.case_column = "Case ID";
  o.activity_column = "Activity";
  o.timestamp_column = "Complete Timestamp";
  o.group_column = "org:group";
  return o;
}

const EventLog& load(const std::string& name) {
  static std::map<std::string, EventLog> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  auto log = read_log(data(name), sepsis_options());
  EXPECT_TRUE(log.ok()) << log.error().message;
  return cache.emplace(name, std::move(log).value()).first->second;
}

std::size_t used_activities(const EventLog& log) {
  std::vector<bool> seen(log.activities.size());
  std::size_t n = 0;
  for (auto a : log.activity)
    if (!seen[a]) seen[a] = true, ++n;
  return n;
}

struct Expected {
  const char* file;
  std::size_t cases, events, activities, variants, edges;
};

class ReferenceLogs : public ::testing::TestWithParam<Expected> {};

TEST_P(ReferenceLogs, MatchTheReferenceStatistics) {
  const Expected& x = GetParam();
  const EventLog& log = load(x.file);
  EXPECT_EQ(log.cases(), x.cases);
  EXPECT_EQ(log.events(), x.events);
  EXPECT_EQ(used_activities(log), x.activities);
  EXPECT_EQ(variants(log).size(), x.variants);
  Dfg dfg = directly_follows(log, false);
  EXPECT_EQ(dfg.edges.size(), x.edges);
  // Property: directly-follows counts sum to events − cases.
  std::uint64_t sum = 0;
  for (const auto& e : dfg.edges) sum += e.count;
  EXPECT_EQ(sum, x.events - x.cases);
}

INSTANTIATE_TEST_SUITE_P(Pathways, ReferenceLogs,
                         ::testing::Values(Expected{"running-example.xes", 6, 42, 8, 6, 16},
                                           Expected{"sepsis.csv", 1050, 15214, 16, 846, 115},
                                           Expected{"receipt.xes.gz", 1434, 8577, 27, 116, 99},
                                           Expected{"helpdesk.xes.gz", 4580, 21348, 14, 226, 55},
                                           Expected{"bpic2012.xes.gz", 13087, 262200, 24, 4366, 125}),
                         [](const auto& param_info) {
                           std::string n = param_info.param.file;
                           return n.substr(0, n.find_first_of(".-"));
                         });

TEST(RunningExample, EveryDirectlyFollowsEdge) {
  const EventLog& log = load("running-example.xes");
  std::map<std::pair<std::string, std::string>, std::uint64_t> got;
  for (const auto& e : directly_follows(log, false).edges) got[{log.activities.name(e.from), log.activities.name(e.to)}] = e.count;
  const std::map<std::pair<std::string, std::string>, std::uint64_t> want = {
      {{"check ticket", "decide"}, 6}, {{"check ticket", "examine casually"}, 2}, {{"check ticket", "examine thoroughly"}, 1},
      {{"decide", "pay compensation"}, 3}, {{"decide", "reinitiate request"}, 3}, {{"decide", "reject request"}, 3},
      {{"examine casually", "check ticket"}, 4}, {{"examine casually", "decide"}, 2},
      {{"examine thoroughly", "check ticket"}, 2}, {{"examine thoroughly", "decide"}, 1},
      {{"register request", "check ticket"}, 2}, {{"register request", "examine casually"}, 3},
      {{"register request", "examine thoroughly"}, 1}, {{"reinitiate request", "check ticket"}, 1},
      {{"reinitiate request", "examine casually"}, 1}, {{"reinitiate request", "examine thoroughly"}, 1}};
  EXPECT_EQ(got, want);
}

TEST(RunningExample, ReworkAndBottlenecks) {
  const EventLog& log = load("running-example.xes");
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> got;
  for (const auto& r : rework(log)) got[log.activities.name(r.activity)] = {r.cases, r.repeats};
  // Two cases were reinitiated, one of them twice: check ticket and decide repeat 1 + 2 times.
  EXPECT_EQ(got["check ticket"], (std::pair<std::uint64_t, std::uint64_t>{2, 3}));
  EXPECT_EQ(got["decide"], (std::pair<std::uint64_t, std::uint64_t>{2, 3}));
  EXPECT_EQ(got.count("register request"), 0u);
  Dfg dfg = directly_follows(log, true);
  auto slow = bottlenecks(dfg, 3);
  ASSERT_EQ(slow.size(), 3u);
  auto load_of = [](const DfgEdge& e) { return static_cast<double>(e.count) * e.wait.median_s; };
  EXPECT_GE(load_of(slow[0]), load_of(slow[1]));
  EXPECT_GE(load_of(slow[1]), load_of(slow[2]));
  for (const auto& e : dfg.edges) EXPECT_LE(load_of(e), load_of(slow[0]));
}

TEST(RunningExample, StartEndAndCaseDurations) {
  const EventLog& log = load("running-example.xes");
  Dfg dfg = directly_follows(log, false);
  ASSERT_EQ(dfg.start.size(), 1u);
  EXPECT_EQ(log.activities.name(dfg.start[0].first), "register request");
  EXPECT_EQ(dfg.start[0].second, 6u);
  std::map<std::string, std::uint64_t> ends;
  for (auto [a, n] : dfg.end) ends[log.activities.name(a)] = n;
  EXPECT_EQ(ends, (std::map<std::string, std::uint64_t>{{"pay compensation", 3}, {"reject request", 3}}));
  auto d = case_durations_s(log);
  std::sort(d.begin(), d.end());
  EXPECT_EQ(d, (std::vector<double>{520920, 703320, 779580, 852300, 1368780, 1576440}));
}

TEST(Sepsis, TopEdgesStartsAndHandoffsBetweenGroups) {
  const EventLog& log = load("sepsis.csv");
  Dfg dfg = directly_follows(log, true);
  ASSERT_GE(dfg.edges.size(), 3u);
  auto edge = [&](std::size_t i) {
    return std::make_tuple(log.activities.name(dfg.edges[i].from), log.activities.name(dfg.edges[i].to), dfg.edges[i].count);
  };
  EXPECT_EQ(edge(0), std::make_tuple(std::string("Leucocytes"), std::string("CRP"), std::uint64_t{1778}));
  EXPECT_EQ(edge(1), std::make_tuple(std::string("CRP"), std::string("Leucocytes"), std::uint64_t{1445}));
  EXPECT_EQ(edge(2), std::make_tuple(std::string("ER Registration"), std::string("ER Triage"), std::uint64_t{971}));
  EXPECT_EQ(log.activities.name(dfg.start[0].first), "ER Registration");
  EXPECT_EQ(dfg.start[0].second, 995u);
  Handoffs h = handoffs(log, HandoffBy::Group);
  EXPECT_EQ(h.cross, 7048u);
  EXPECT_EQ(h.self, 7116u);
  EXPECT_EQ(h.unknown, 0u);
  // "NA" is a real case id, not a missing value.
  EXPECT_NE(std::find(log.case_ids.begin(), log.case_ids.end(), "NA"), log.case_ids.end());
  // Waits: ER Registration → ER Triage takes minutes, never negative.
  EXPECT_GE(dfg.edges[2].wait.min_s, 0);
  EXPECT_LE(dfg.edges[2].wait.median_s, dfg.edges[2].wait.p90_s);
}

TEST(Handoffs, CountsPingPong) {
  EventLogBuilder b;
  auto g = [&](const char* s) { return static_cast<std::int32_t>(b.groups().intern(s)); };
  auto a = b.activities().intern("refer");
  std::vector<EventLogBuilder::Event> events = {
      {a, 1, kNone, g("DN")}, {a, 2, kNone, g("SW")}, {a, 3, kNone, g("DN")}, {a, 4, kNone, g("SW")}, {a, 5, kNone, g("SW")}};
  b.add_case("p1", events);
  std::vector<EventLogBuilder::Event> straight = {{a, 1, kNone, g("GP")}, {a, 2, kNone, g("CMHT")}};
  b.add_case("p2", straight);
  EventLog log = b.finish();
  Handoffs h = handoffs(log, HandoffBy::Group);
  EXPECT_EQ(h.cross, 4u);
  EXPECT_EQ(h.self, 1u);
  EXPECT_EQ(h.ping_pong, 2u);  // DN→SW→DN and SW→DN→SW
  EXPECT_EQ(h.ping_pong_cases, 1u);
}

TEST(EventOrder, TiesKeepFileOrder) {
  auto dir = testing::scratch_dir("ties");
  std::string path = (dir / "ties.csv").string();
  std::ofstream(path) << "case,act,time\nc,b,2024-01-01 10:00:00\nc,a,2024-01-01 09:00:00\nc,z,2024-01-01 10:00:00\n"
                         "c,y,2024-01-01 10:00:00\n";
  CsvLogOptions o;
  o.case_column = "case";
  o.activity_column = "act";
  o.timestamp_column = "time";
  auto log = read_csv_log(path, o);
  ASSERT_TRUE(log.ok()) << log.error().message;
  std::vector<std::string> order;
  for (auto a : log->activity) order.push_back(log->activities.name(a));
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "z", "y"}));
}

TEST(Malformed, XmlErrorsNameLineAndColumn) {
  auto dir = testing::scratch_dir("badxes");
  std::string path = (dir / "bad.xes").string();
  std::ofstream(path) << "<log>\n<trace>\n<event><string key=\"concept:name\" value=\"a\"/></event>\n<event>\n</trace>\n</log>\n";
  auto log = read_xes(path);
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.error().message.find("line 5, column 2"), std::string::npos) << log.error().message;
  EXPECT_NE(log.error().message.find("mismatched tag"), std::string::npos) << log.error().message;
}

TEST(Malformed, CsvErrorsNameLineAndField) {
  auto dir = testing::scratch_dir("badcsv");
  std::string path = (dir / "bad.csv").string();
  std::ofstream(path) << "case,act,time\nc,a,2024-01-01 09:00:00\nc,b,yesterday\n";
  CsvLogOptions o;
  o.case_column = "case";
  o.activity_column = "act";
  o.timestamp_column = "time";
  auto log = read_csv_log(path, o);
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.error().message.find("bad.csv:3: field time"), std::string::npos) << log.error().message;
  o.activity_column = "activity";
  auto missing = read_csv_log(path, o);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no activity column \"activity\""), std::string::npos);
}

TEST(Report, SummaryJsonHasTheFieldsOutsideChecksRelyOn) {
  ReportOptions o;
  o.report = "dfg";
  auto text = render_report(load("running-example.xes"), o);
  ASSERT_TRUE(text.ok());
  auto j = nlohmann::json::parse(*text);
  EXPECT_EQ(j["cases"], 6);
  EXPECT_EQ(j["events"], 42);
  EXPECT_EQ(j["activities"], 8);
  EXPECT_EQ(j["variants"], 6);
  EXPECT_EQ(j["edges"].size(), 16u);
  std::uint64_t sum = 0;
  for (const auto& e : j["edges"]) sum += e["count"].get<std::uint64_t>();
  EXPECT_EQ(sum, 36u);
  o.report = "nonsense";
  EXPECT_FALSE(render_report(load("running-example.xes"), o).ok());
}

TEST(Timestamps, ParseZonesAndFractions) {
  EXPECT_EQ(parse_time_ms("1970-01-01T00:00:01.5Z"), 1500);
  EXPECT_EQ(parse_time_ms("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(parse_time_ms("1970/01/01 00:00:02.000"), 2000);
  EXPECT_EQ(parse_time_ms("1970-01-02"), 86'400'000);
  EXPECT_EQ(parse_time_ms("2023-02-29 10:00:00"), kNoTime);
  EXPECT_EQ(parse_time_ms("soon"), kNoTime);
}

}  // namespace
}  // namespace jc::pathways

namespace jc::pathways {
namespace {

EventLog make_log(const std::vector<std::vector<std::string>>& cases) {
  EventLogBuilder b;
  std::int64_t t = 0;
  int n = 0;
  for (const auto& c : cases) {
    std::vector<EventLogBuilder::Event> evs;
    for (const auto& a : c) evs.push_back({b.activities().intern(a), t += 1000, kNone, kNone});
    b.add_case("c" + std::to_string(++n), evs);
  }
  return b.finish();
}

TEST(Conformance, AlignsJourneysToATargetPathway) {
  auto target = TargetPathway::parse(R"(
name = "discharge"
[[stage]]
activity = "A"
[[stage]]
activity = "B"
optional = true
[[stage]]
name = "care"
any_of = ["C", "D"]
repeat = true
)", "t.toml");
  ASSERT_TRUE(target.ok()) << target.error().message;
  EventLog log = make_log({{"A", "C", "C", "D"}, {"A", "B", "C"}, {"A", "B", "B", "C"}, {"C"}, {"A", "X", "D"}});
  Conformance c = check_conformance(log, *target);
  ASSERT_EQ(c.case_fitness.size(), 5u);
  EXPECT_DOUBLE_EQ(c.case_fitness[0], 1.0);
  EXPECT_DOUBLE_EQ(c.case_fitness[1], 1.0);
  EXPECT_DOUBLE_EQ(c.case_fitness[2], 1.0 - 1.0 / 6.0);  // a second B has no place: 4 events + 2 mandatory stages
  EXPECT_DOUBLE_EQ(c.case_fitness[3], 1.0 - 1.0 / 3.0);  // A skipped
  EXPECT_DOUBLE_EQ(c.case_fitness[4], 1.0 - 1.0 / 5.0);  // X unexpected
  EXPECT_EQ(c.fitting_cases, 2u);
  std::map<std::string, std::size_t> unexpected(c.unexpected_activities.begin(), c.unexpected_activities.end());
  EXPECT_EQ(unexpected, (std::map<std::string, std::size_t>{{"B", 1}, {"X", 1}}));
  ASSERT_EQ(c.skipped_stages.size(), 1u);
  EXPECT_EQ(c.skipped_stages[0], (std::pair<std::string, std::size_t>{"A", 1}));
  EXPECT_DOUBLE_EQ(c.log_fitness, 1.0 - 3.0 / (15.0 + 10.0));  // 15 events, 5 cases x 2 mandatory stages
  EXPECT_FALSE(TargetPathway::parse("name = \"empty\"\n", "e.toml").ok());
  EXPECT_FALSE(TargetPathway::parse("[[stage]]\noptional = true\n", "noact.toml").ok());
}

TEST(Filters, SelectCasesByVariantActivityStartEndAndTime) {
  EventLog log = make_log({{"A", "B"}, {"A", "B"}, {"A", "C"}, {"B", "C"}});
  CaseFilter top;
  top.top_variants = 1;
  EXPECT_EQ(filter_cases(log, top).cases(), 2u);
  CaseFilter with;
  with.with_activity = {"C"};
  EXPECT_EQ(filter_cases(log, with).cases(), 2u);
  CaseFilter starts;
  starts.starts_with = "A";
  starts.ends_with = "C";
  auto one = filter_cases(log, starts);
  ASSERT_EQ(one.cases(), 1u);
  EXPECT_EQ(one.case_ids[0], "c3");
  CaseFilter by_group;
  by_group.with_group = {"ER"};
  EXPECT_EQ(filter_cases(load("sepsis.csv"), by_group).cases(), 0u);  // groups are letters there
  by_group.with_group = {"A"};
  EXPECT_GT(filter_cases(load("sepsis.csv"), by_group).cases(), 0u);
  CaseFilter time;
  time.from_ms = 3000;  // cases 2.. start at 3000, 5000, 7000
  time.to_ms = 7000;    // and end before 7000: case 2 (3000-4000) and 3 (5000-6000)
  EXPECT_EQ(filter_cases(log, time).cases(), 2u);
}

TEST(DirectlyFollows, CountsSumToEventsMinusCasesOnRandomLogs) {
  std::uint64_t x = 42;
  auto next = [&] { return x = x * 6364136223846793005ULL + 1442695040888963407ULL, x >> 33; };
  for (int round = 0; round < 50; ++round) {
    std::vector<std::vector<std::string>> cases;
    std::size_t events = 0;
    for (std::uint64_t c = 0, n = 1 + next() % 40; c < n; ++c) {
      std::vector<std::string> seq;
      for (std::uint64_t e = 0, len = 1 + next() % 12; e < len; ++e) seq.push_back(std::string(1, static_cast<char>('a' + next() % 7)));
      events += seq.size();
      cases.push_back(seq);
    }
    EventLog log = make_log(cases);
    std::uint64_t sum = 0;
    for (const auto& e : directly_follows(log, true).edges) sum += e.count;
    EXPECT_EQ(sum, events - cases.size());
    std::uint64_t variant_cases = 0;
    for (const auto& v : variants(log)) variant_cases += v.cases;
    EXPECT_EQ(variant_cases, cases.size());
  }
}

TEST(Comparison, ShowsWhatARedesignChanged) {
  EventLog before = make_log({{"refer", "assess", "refer", "assess", "care"}, {"refer", "assess", "care"}});
  EventLog after = make_log({{"assess", "care"}, {"assess", "care"}});
  auto j = nlohmann::json::parse(render_comparison(before, after));
  EXPECT_EQ(j["stages_removed"], nlohmann::json::array({"refer"}));
  EXPECT_DOUBLE_EQ(j["change"]["events_per_case"].get<double>(), -2.0);
  EXPECT_LT(j["change"]["median_duration_s"].get<double>(), 0);
}

TEST(ProcessMap, DrawsEveryEdgeInDot) {
  std::string dot = render_dfg_dot(load("running-example.xes"), true);
  EXPECT_EQ(dot.rfind("digraph pathway {", 0), 0u);
  std::size_t arrows = 0;
  for (std::size_t p = 0; (p = dot.find(" -> a", p)) != std::string::npos; ++p) ++arrows;
  EXPECT_EQ(arrows, 16u + 1u);  // 16 edges and one start arrow
}

}  // namespace
}  // namespace jc::pathways
