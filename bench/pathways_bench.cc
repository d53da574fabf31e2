// Benchmark (issue 6): read bpic2012.xes.gz, then its DFG and variants, target ≤ 1 s on 2 cores;
// 10 million synthetic events to DFG, variants and hand-offs, target ≤ 3 s.
// Usage: pathways_bench [path-to-shared/data/pathways]
#include <chrono>
#include <cstdio>
#include <string>

#include "pathways/analysis.h"
#include "pathways/log_readers.h"

namespace {

double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// A referral pathway log: 1,000,000 cases of 10 events over 24 activities and 12 teams.
jc::pathways::EventLog synthetic_log(std::size_t cases, std::size_t per_case) {
  jc::pathways::EventLogBuilder b;
  std::vector<std::uint32_t> acts;
  for (int i = 0; i < 24; ++i) acts.push_back(b.activities().intern("stage " + std::to_string(i)));
  std::vector<std::int32_t> teams;
  for (int i = 0; i < 12; ++i) teams.push_back(static_cast<std::int32_t>(b.groups().intern("team " + std::to_string(i))));
  std::uint64_t x = 88172645463325252ULL;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  std::vector<jc::pathways::EventLogBuilder::Event> events;
  for (std::size_t c = 0; c < cases; ++c) {
    events.clear();
    std::int64_t t = 1'700'000'000'000 + static_cast<std::int64_t>(next() % 1'000'000'000);
    std::uint32_t a = 0;
    for (std::size_t e = 0; e < per_case; ++e) {
      a = (a + 1 + static_cast<std::uint32_t>(next() % 3)) % 24;
      t += static_cast<std::int64_t>(next() % 86'400'000);
      events.push_back({acts[a], t, jc::pathways::kNone, teams[next() % 12]});
    }
    b.add_case("case " + std::to_string(c), events);
  }
  return b.finish();
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : JC_PATHWAYS_DIR;
  auto t0 = std::chrono::steady_clock::now();
  auto log = jc::pathways::read_xes(dir + "/bpic2012.xes.gz");
  if (!log.ok()) {
    std::fprintf(stderr, "pathways_bench: %s\n", log.error().message.c_str());
    return 1;
  }
  double read_s = since(t0);
  auto t1 = std::chrono::steady_clock::now();
  auto dfg = jc::pathways::directly_follows(*log, true);
  auto vs = jc::pathways::variants(*log);
  double analyse_s = since(t1);
  double total = since(t0);
  std::printf("pathways_bench: bpic2012 cases=%zu events=%zu edges=%zu variants=%zu read_s=%.3f dfg_variants_s=%.3f "
              "total_s=%.3f target_s=1.0 %s\n",
              log->cases(), log->events(), dfg.edges.size(), vs.size(), read_s, analyse_s, total,
              total <= 1.0 ? "MET" : "MISSED");

  auto big = synthetic_log(1'000'000, 10);
  auto t2 = std::chrono::steady_clock::now();
  auto big_dfg = jc::pathways::directly_follows(big, true);
  auto big_variants = jc::pathways::variants(big);
  auto big_handoffs = jc::pathways::handoffs(big, jc::pathways::HandoffBy::Group);
  double big_s = since(t2);
  std::printf("pathways_bench: synthetic events=%zu cases=%zu edges=%zu variants=%zu cross_handoffs=%llu "
              "dfg_variants_handoffs_s=%.3f target_s=3.0 %s\n",
              big.events(), big.cases(), big_dfg.edges.size(), big_variants.size(),
              static_cast<unsigned long long>(big_handoffs.cross), big_s, big_s <= 3.0 ? "MET" : "MISSED");
  return 0;
}
