// A progress bar on stderr for work longer than a second: phase, percentage and an estimate of
// the time remaining. Quiet when stderr is not a terminal, apart from a line per phase.
#pragma once

#include <chrono>
#include <string>

namespace jc::cli {

class ProgressBar {
 public:
  ProgressBar();
  void update(const std::string& phase, long long done, long long total);
  void finish();

 private:
  bool tty_;
  std::string phase_;
  std::chrono::steady_clock::time_point started_, phase_started_, last_draw_;
  bool drawn_ = false;
};

}  // namespace jc::cli
