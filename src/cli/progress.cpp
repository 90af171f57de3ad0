#include <unistd.h>

#include <cstdio>

#include "cli/cli.hpp"

namespace physiotwin::cli {

ProgressBar::ProgressBar(double total_seconds)
    : total_(total_seconds), enabled_(isatty(STDERR_FILENO) == 1) {}

void ProgressBar::update(double done_seconds) {
  if (!enabled_) return;
  const int percent = static_cast<int>(100.0 * done_seconds / total_);
  if (percent == last_percent_) return;
  last_percent_ = percent;
  constexpr int width = 40;
  const int filled = percent * width / 100;
  std::fprintf(stderr, "\r[%.*s%*s] %3d%%  %.1f / %.1f s simulated", filled,
               "########################################", width - filled, "", percent,
               done_seconds, total_);
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (enabled_ && last_percent_ >= 0) std::fprintf(stderr, "\n");
}

}  // namespace physiotwin::cli
