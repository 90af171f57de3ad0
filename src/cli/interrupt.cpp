// SIGINT and SIGTERM: the handler only sets a flag (all a handler may safely do); the work
// checks it between pieces (a window of a settling, a second of a run), throws Cancelled, and
// the unwinding removes the temporary output file. main() then says so and dies of the same
// signal (die_of_interrupting_signal()), which a shell shows as 128 + the signal's number.
#include <atomic>
#include <csignal>
#include <cstdlib>

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
  // SA_RESTART: an output to a pipe is not cut short by the signal (EINTR). SA_RESETHAND: a
  // second signal while the first is being answered kills at once, the default way.
  action.sa_flags = SA_RESTART | SA_RESETHAND;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

[[noreturn]] void die_of_interrupting_signal() {
  const int number = signal_number.load() != 0 ? signal_number.load() : SIGINT;
  std::signal(number, SIG_DFL);
  std::raise(number);
  std::_Exit(128 + number);  // not reached: the default action ends the process
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
