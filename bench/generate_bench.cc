// Benchmark: generate the synthetic local area (Cheshire East, 375,457 people, a year of
// activity) into a new SQLite file and report the time and rates. Target: under 60 s on 2 cores.
// Usage: generate_bench [population] [reference-dir]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "store/database.h"
#include "synth/generator.h"

int main(int argc, char** argv) {
  jc::synth::GenerateOptions o;
  o.population = argc > 1 ? std::atoll(argv[1]) : 0;
  o.reference_dir = argc > 2 ? argv[2] : JC_DEFAULT_REFERENCE_DIR;
  o.seed = 1;
  auto path = std::filesystem::temp_directory_path() / "jointcare-generate-bench.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  auto started = std::chrono::steady_clock::now();
  auto db = jc::store::open_database(path.string());
  auto s = jc::synth::generate_area(*db, o);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!s.ok()) {
    std::fprintf(stderr, "generate_bench: %s\n", s.error().message.c_str());
    return 1;
  }
  db.reset();
  auto bytes = std::filesystem::file_size(path);
  std::printf("generate_bench: cores=%u people=%lld local_records=%lld activity_rows=%lld referrals=%lld care_packages=%lld\n",
              std::thread::hardware_concurrency(), s->people, s->local_records, s->activity_rows, s->referrals,
              s->care_packages);
  std::printf("generate_bench: seconds=%.2f rows_per_second=%.0f database_mb=%.1f target_seconds=60 %s\n", seconds,
              static_cast<double>(s->local_records + s->activity_rows) / seconds, static_cast<double>(bytes) / 1e6,
              seconds < 60 ? "MET" : "MISSED");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return 0;
}
