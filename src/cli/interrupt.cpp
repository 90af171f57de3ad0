// SIGINT and SIGTERM: the handler only sets a flag (all a handler may safely do); the work
// checks it between pieces (a window of a settling, a second of a run), throws Cancelled, and
// the unwinding removes the temporary output file. main() then says so and exits 128 + the
// signal's number.
#include <atomic>
#include <csignal>

#include "cli/cli.hpp"

namespace physiotwin::cli {

namespace {
std::atomic<bool> interrupted{false};
std::atomic<int> signal_number{0};

extern "C" void on_signal(int number) {
  signal_number.store(number);
  interrupted.store(true);
}
}  // namespace

void watch_interrupts() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

CancellationFlag interruption() noexcept {
  return &interrupted;
}

int interrupting_signal() noexcept {
  return signal_number.load();
}

void check_interrupted() {
  check_cancelled(&interrupted);
}

}  // namespace physiotwin::cli
