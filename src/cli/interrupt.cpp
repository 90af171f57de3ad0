// SIGINT and SIGTERM: the handler only sets a flag (all a handler may safely do); the work
// checks it between pieces (a window of a settling, a second of a run), throws Cancelled, and
// the unwinding removes the temporary output file. main() then says so and dies of the same
// signal (die_of_interrupting_signal()), which a shell shows as 128 + the signal's number.
// A second signal before that (an impatient second Ctrl-C, a stuck step) ends the process at
// once from the handler, after unlinking the temporary files it was writing.
#include <atomic>
#include <csignal>
#include <cstdlib>

#include <unistd.h>

#include "cli/cli.hpp"
#include "physiotwin/core/temporary_files.hpp"

namespace physiotwin::cli {

namespace {
std::atomic<bool> interrupted{false};
std::atomic<int> signal_number{0};

extern "C" void on_signal(int number) {
  if (interrupted.load()) {
    // The second: only async-signal-safe calls from here (unlink, write, sigaction, raise).
    remove_registered_temporaries();
    static constexpr char line[] =
        "physiotwin: interrupted again: stopped at once; temporary files removed\n";
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, line, sizeof line - 1);
    struct sigaction fallback {};
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(number, &fallback, nullptr);
    raise(number);
    return;
  }
  signal_number.store(number);  // before the flag: whoever sees the flag sees the number
  interrupted.store(true);
}
}  // namespace

void watch_interrupts() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // SA_RESTART: an output to a pipe is not cut short by the signal (EINTR). The handler stays:
  // a second signal is its to answer (above), after removing the temporary files.
  action.sa_flags = SA_RESTART;
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
