// Benchmark: does a refused sign-in take the same time whether the username exists or not?
//
// Usage: sign_in_timing_bench [attempts=300] [db=/tmp/jointcare-sign-in-timing.db]
// A SQLite file (commits flushed to disk, as the server's are) with `attempts` accounts. Three
// kinds of refused sign-in, interleaved so that the machine's drift falls on all alike, each
// `attempts` times:
//  - a real account, wrong password (each account tried once, so none is locked);
//  - a username no account has (each tried once);
//  - a locked account (one account, locked beforehand).
// Printed: each kind's p10 / median / p90 in microseconds, and the medians' differences from the
// real account's, with a 95% interval from 2,000 bootstrap resamples (an interval that spans 0
// means no difference this many attempts can see).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "governance/authentication.h"
#include "store/staff_repository.h"

namespace {

using namespace jc;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

// The 95% interval of median(a) - median(b), by resampling each.
std::pair<double, double> interval(const std::vector<double>& a, const std::vector<double>& b,
                                   std::mt19937_64& rng) {
  std::vector<double> diffs;
  std::vector<double> ra(a.size()), rb(b.size());
  for (int i = 0; i < 2000; ++i) {
    for (auto& x : ra) x = a[rng() % a.size()];
    for (auto& x : rb) x = b[rng() % b.size()];
    diffs.push_back(median(ra) - median(rb));
  }
  return {percentile(diffs, 0.025), percentile(diffs, 0.975)};
}

}  // namespace

int main(int argc, char** argv) {
  const int attempts = argc > 1 ? std::atoi(argv[1]) : 300;
  const std::string path = argc > 2 ? argv[2] : "/tmp/jointcare-sign-in-timing.db";
  if (attempts < 10 || attempts > 100'000) {
    std::fprintf(stderr, "sign_in_timing_bench: attempts: from 10 to 100000\n");
    return 2;
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  auto db = store::open_database(path);
  db->execute(
      "INSERT INTO organisations (id, ods_code, name, kind) VALUES (1, 'X', 'X', 'gp_practice')");
  const std::string hash = governance::hash_password("the right password");
  for (int i = 0; i <= attempts; ++i) {
    StaffUser u;
    u.username = "staff" + std::to_string(i);
    u.display_name = "Staff " + std::to_string(i);
    u.role = Role::GeneralPractitioner;
    u.organisation = OrganisationId(1);
    store::insert_staff(*db, u, hash);
  }
  governance::Authenticator auth;  // the server's policy: five failures lock for 15 minutes
  const Timestamp now = Timestamp::now();
  // staff0 is the locked account.
  for (int i = 0; i < 5; ++i) (void)auth.login(*db, "staff0", "wrong", now);
  using clock_type = std::chrono::steady_clock;
  auto time = [&](const std::string& name) {
    const auto start = clock_type::now();
    auto out = auth.login(*db, name, "a wrong password", now);
    const double us =
        std::chrono::duration<double, std::micro>(clock_type::now() - start).count();
    if (out.grant) std::abort();
    return us;
  };
  std::vector<double> real, unknown, locked;
  for (int i = 1; i <= attempts; ++i) {
    real.push_back(time("staff" + std::to_string(i)));
    unknown.push_back(time("nobody" + std::to_string(i)));
    locked.push_back(time("staff0"));
  }
  std::mt19937_64 rng(7);
  auto line = [&](const char* kind, const std::vector<double>& v) {
    std::printf("%-34s p10 %7.0f us  median %7.0f us  p90 %7.0f us", kind, percentile(v, 0.1),
                median(v), percentile(v, 0.9));
    if (&v != &real) {
      auto [lo, hi] = interval(v, real, rng);
      std::printf("  median - real account's: %+.0f us (95%%: %+.0f to %+.0f)", median(v) - median(real),
                  lo, hi);
    }
    std::printf("\n");
  };
  std::printf("sign_in_timing_bench: %d attempts of each kind, SQLite file %s\n", attempts,
              path.c_str());
  line("real account, wrong password", real);
  line("unknown username", unknown);
  line("locked account", locked);
  return 0;
}
