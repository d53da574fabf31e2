// Benchmark (issue 3): linking FEBRL4 (5,000 × 5,000) and the synthetic area's records in the
// database, with the time each stage takes. Usage: linkage_bench [population]  (default 50,000)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "identity/linkage_model.h"
#include "identity/person_index.h"
#include "synth/generator.h"

namespace {
double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
}  // namespace

int main(int argc, char** argv) {
  long long population = argc > 1 ? std::atoll(argv[1]) : 50000;
  std::string shared = JC_SHARED;
  auto profile = jc::interop::ExtractProfile::parse(
      "id = \"rec_id\"\n[fields]\nnhs_number = \"soc_sec_id\"\ngiven_name = \"given_name\"\nfamily_name = \"surname\"\n"
      "birth_date = \"date_of_birth\"\nbirth_date_format = \"%Y%m%d\"\naddress = [\"street_number\", \"address_1\", "
      "\"address_2\"]\ntown = \"suburb\"\npostcode = \"postcode\"\n",
      "febrl");
  std::vector<std::string> problems;
  auto t0 = std::chrono::steady_clock::now();
  auto a = jc::identity::load_person_records(shared + "/data/linkage/febrl_dataset4a.csv", *profile, problems);
  auto b = jc::identity::load_person_records(shared + "/data/linkage/febrl_dataset4b.csv", *profile, problems);
  double load_s = since(t0);
  auto t1 = std::chrono::steady_clock::now();
  auto res = jc::identity::link_records(*a, &*b, jc::identity::LinkOptions{});
  double link_s = since(t1);
  std::printf("linkage_bench: febrl4 records=%zu+%zu candidate_pairs=%zu links=%zu load_s=%.2f link_s=%.2f pairs_per_s=%.0f\n",
              a->size(), b->size(), res->candidates.pairs.size(), res->links.size(), load_s, link_s,
              static_cast<double>(res->candidates.pairs.size()) / link_s);

  // Scoring alone, one thread: the trained model over FEBRL4's candidate pairs again and again (graded
  // comparisons of every field, term frequencies, weights and probability; no explanation kept).
  {
    const auto& pairs = res->candidates.pairs;
    std::size_t scored = 0;
    double sum = 0;
    auto ts = std::chrono::steady_clock::now();
    while (since(ts) < 2.0)
      for (const auto& [i, j] : pairs) {
        sum += res->model.score((*a)[i], (*b)[j]).probability;
        ++scored;
      }
    double secs = since(ts);
    std::printf("linkage_bench: scoring one_thread pairs=%zu seconds=%.2f pairs_per_s_per_core=%.0f (checksum %.1f)\n", scored, secs,
                static_cast<double>(scored) / secs, sum);
  }

  auto path = std::filesystem::temp_directory_path() / "jointcare-linkage-bench.db";
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + s);
  auto db = jc::store::open_database(path.string());
  jc::synth::GenerateOptions g;
  g.reference_dir = shared + "/data/reference";
  g.population = population;
  if (!jc::synth::generate_area(*db, g).ok()) return 1;
  jc::identity::LinkOptions o;
  o.chain_guard = 0.5;
  auto t2 = std::chrono::steady_clock::now();
  auto s = jc::identity::rebuild_person_index(*db, o);
  double index_s = since(t2);
  auto e = jc::identity::evaluate_person_index(*db);
  std::printf("linkage_bench: area people=%lld records=%zu persons=%zu candidate_pairs=%zu seconds=%.1f precision=%.4f "
              "recall=%.4f\n",
              population, s->records, s->persons, s->candidate_pairs, index_s, e->precision, e->recall);
  db.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return 0;
}
