// Benchmark (issue 5): the Case Committee for all localities and the full JSNA cube from the
// analytic engine over a year of activity at 375,000 people (targets ≤ 1 s and ≤ 2 s), and again
// with at least 10 million activity rows (target ≤ 5 s each), on 2 cores. Also prints what loading
// the engine from the store and an incremental refresh cost, and the engine's memory.
// Usage: insight_bench DB [--population N] [--link] [--runs N] [--rows N]
//   DB is an area database (e.g. var/demo.db from `make demo`); when it does not exist, an area of
//   --population people (default: the whole of Cheshire East, 375,457) is generated into it, and
//   linked into persons with --link.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "identity/person_index.h"
#include "insight/case_committee.h"
#include "insight/engine.h"
#include "store/database.h"
#include "synth/generator.h"

namespace {

double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

long peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

struct Timing {
  double median = 0, worst = 0;
};

Timing time_runs(int runs, const std::function<void()>& f) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    t.push_back(since(t0));
  }
  std::sort(t.begin(), t.end());
  return {t[t.size() / 2], t.back()};
}

void fail(const std::string& what) {
  std::fprintf(stderr, "insight_bench: %s\n", what.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) fail("usage: insight_bench DB [--population N] [--link] [--runs N] [--rows N]");
  std::string path = argv[1];
  long long population = 0;
  bool link = false;
  int runs = 5;
  std::size_t target_rows = 10'000'000;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--population" && i + 1 < argc) population = std::atoll(argv[++i]);
    else if (a == "--link") link = true;
    else if (a == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else if (a == "--rows" && i + 1 < argc) target_rows = static_cast<std::size_t>(std::atoll(argv[++i]));
    else fail("unknown argument " + a);
  }
  bool existed = std::filesystem::exists(path);
  auto db = jc::store::open_database(path);
  if (!existed) {
    std::printf("generating an area of %s people into %s ...\n", population ? std::to_string(population).c_str() : "375,457",
                path.c_str());
    jc::synth::GenerateOptions g;
    g.reference_dir = JC_DEFAULT_REFERENCE_DIR;
    g.population = population;
    auto s = jc::synth::generate_area(*db, g);
    if (!s) fail(s.error().message);
    if (link) {
      auto l = jc::identity::rebuild_person_index(*db, jc::identity::LinkOptions{});
      if (!l) fail(l.error().message);
    }
  }
  std::string key = jc::insight::pseudonym_key(*db);
  jc::insight::AnalyticEngine engine;
  auto t0 = std::chrono::steady_clock::now();
  auto loaded = engine.refresh(*db);
  if (!loaded) fail(loaded.error().message);
  double load_s = since(t0);
  auto size = engine.size();
  std::printf("engine loaded from the store: %.2f s; %zu persons, %zu records, %zu activity rows, %.0f MB of columns, peak RSS %ld MB\n",
              load_s, size.persons, size.records, size.activity_rows, static_cast<double>(size.bytes) / 1048576.0, peak_rss_mb());
  Timing refresh = time_runs(runs, [&] {
    auto r = engine.refresh(*db);
    if (!r || r->reloaded) fail("an incremental refresh reloaded");
  });
  std::printf("incremental refresh, nothing new:    median %.3f s, worst %.3f s\n", refresh.median, refresh.worst);

  auto report = [&](const char* label) {
    std::size_t bytes = 0;
    Timing cc = time_runs(runs, [&] {
      auto text = engine.case_committee(jc::insight::CaseCommitteeOptions{}, key);
      if (!text) fail(text.error().message);
      bytes = text->size();
    });
    Timing jsna = time_runs(runs, [&] {
      auto text = engine.jsna(jc::insight::DisclosureRule::NhsDigital);
      if (!text) fail(text.error().message);
    });
    std::printf("%s: Case Committee (all localities, top 20; %zu bytes) median %.3f s, worst %.3f s; full JSNA cube median %.3f s, worst %.3f s\n",
                label, bytes, cc.median, cc.worst, jsna.median, jsna.worst);
  };
  report(("at " + std::to_string(size.activity_rows) + " activity rows").c_str());

  // From scratch, as a one-off CLI report does it: load, then report.
  auto t1 = std::chrono::steady_clock::now();
  auto cli_text = jc::insight::case_committee_report(*db, jc::insight::CaseCommitteeOptions{});
  if (!cli_text) fail(cli_text.error().message);
  std::printf("one-off (load and report, as `jointcare casecommittee`): %.2f s\n", since(t1));

  if (size.activity_rows > 0 && size.activity_rows < target_rows) {
    int copies = static_cast<int>((target_rows + size.activity_rows - 1) / size.activity_rows) - 1;
    engine.replicate_for_benchmark(copies);
    auto big = engine.size();
    std::printf("replicated %d times: %zu persons, %zu activity rows, %.0f MB of columns, peak RSS %ld MB\n", copies, big.persons,
                big.activity_rows, static_cast<double>(big.bytes) / 1048576.0, peak_rss_mb());
    report(("at " + std::to_string(big.activity_rows) + " activity rows").c_str());
  }
  return 0;
}
