#pragma once
// Stopping long work from outside: a flag another thread or a signal handler sets, which is
// checked between pieces of work (after every window of a settling, steady_state.hpp, and so of
// calibration; the command-line tool also between the chunks of a run) and answered by throwing
// Cancelled. Unwinding removes what was half-written (recorders and file writers delete their
// temporary files).
#include <atomic>

#include "physiotwin/core/error.hpp"

namespace physiotwin {

/// Thrown where work stopped because its cancellation flag was set.
class Cancelled : public Error {
 public:
  using Error::Error;
};

/// A flag to watch (nullptr: the work is never cancelled).
using CancellationFlag = const std::atomic<bool>*;

/// Throws Cancelled if `flag` is set.
inline void check_cancelled(CancellationFlag flag) {
  if (flag != nullptr && flag->load(std::memory_order_relaxed)) throw Cancelled("cancelled");
}

}  // namespace physiotwin
