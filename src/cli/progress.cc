#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace jc::cli {

ProgressBar::ProgressBar()
    : tty_(isatty(STDERR_FILENO) != 0),
      started_(std::chrono::steady_clock::now()),
      phase_started_(started_),
      last_draw_(started_) {}

void ProgressBar::update(const std::string& phase, long long done, long long total) {
  auto now = std::chrono::steady_clock::now();
  if (phase != phase_) {
    if (drawn_ && tty_) std::fputc('\n', stderr);
    if (!tty_ && std::chrono::duration<double>(now - started_).count() > 1.0) {
      std::fprintf(stderr, "%s...\n", phase.c_str());
    }
    phase_ = phase;
    phase_started_ = now;
    drawn_ = false;
  }
  if (!tty_) return;
  double since_start = std::chrono::duration<double>(now - started_).count();
  double since_draw = std::chrono::duration<double>(now - last_draw_).count();
  if (since_start < 1.0 || (since_draw < 0.1 && done < total)) return;
  last_draw_ = now;
  double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  double elapsed = std::chrono::duration<double>(now - phase_started_).count();
  double remaining = fraction > 0.01 ? elapsed * (1.0 - fraction) / fraction : 0.0;
  constexpr int kWidth = 30;
  int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, ' ');
  std::fprintf(stderr, "\r%-10s [%s] %3d%%  %lld/%lld  about %.0fs left   ", phase.c_str(), bar.c_str(),
               static_cast<int>(fraction * 100), done, total, remaining);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (drawn_ && tty_) std::fputc('\n', stderr);
  drawn_ = false;
}

}  // namespace jc::cli
