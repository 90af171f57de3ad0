#pragma once
// The calling thread's CPU time: what a step budget counts (Twin::advance with an
// AdvanceBudget) and what the frame-loop benchmark reports beside wall time. Not the time
// other threads took the core.
#include <ctime>

namespace physiotwin {

/// Seconds of CPU time of the calling thread (POSIX's per-thread clock; where there is none,
/// the process's, which on Windows is wall time: docs/engines.md, "Not built here").
[[nodiscard]] inline double thread_cpu_seconds() noexcept {
#ifdef CLOCK_THREAD_CPUTIME_ID
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
#else
  return double(std::clock()) / CLOCKS_PER_SEC;
#endif
}

}  // namespace physiotwin
