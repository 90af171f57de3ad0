#pragma once
// The physiotwin command-line tool: `run`, `params`, `info`, `calibrate`, `settle`, parsed by
// CLI11 (every command has --help listing each option with its default and unit). Exit status
// 0 on success, 2 for bad input (arguments, model, patient, output path), 3 when the solver
// fails or calibration cannot fit the vitals, 4 when a cohort's file was written but members
// failed; interrupted by SIGINT / SIGTERM, the tool dies of
// the signal (a shell's $? is 130 / 143).
// This header is light on purpose (no model, no solver): the files that only parse, print or
// watch signals compile in seconds. What builds a twin is in model_options.hpp.
#include <filesystem>
#include <functional>
#include <span>
#include <string>

#include "physiotwin/core/cancellation.hpp"
#include "physiotwin/core/error.hpp"
#include "physiotwin/io/output_file.hpp"

namespace CLI {
class App;
}

namespace physiotwin::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_bad_input = 2;
inline constexpr int exit_solver_failure = 3;
/// `cohort`: the file was written, but at least one member failed (its error is in the file).
inline constexpr int exit_members_failed = 4;

/// A bad command line: printed with the usage hint, exit status 2.
struct UsageError : InputError {
  using InputError::InputError;
};

/// Parses a decimal number in full ("12", "-0.5", "1e-3"); anything else (hexadecimal,
/// "inf", "nan", trailing text) is a UsageError naming `what`.
double parse_number(const std::string& text, const std::string& what);

/// `relative` from the folder the running tool is in (an installed tool finds its models and
/// its viewer there: bin/../share/physiotwin/...); empty if the tool's path cannot be read.
std::filesystem::path beside_tool(const std::filesystem::path& relative);

/// Checks `--out` before anything is computed (io::check_output_file()) and removes the
/// temporary files an earlier run killed while writing it left behind, saying so on stderr.
void check_output(const std::filesystem::path& out, std::span<const io::InputFile> inputs);

/// Tells the writers how the tool was asked (io::set_invocation()): the command and its
/// options, numbers written out and other values recorded as given (never a path or a date).
void record_invocation(const CLI::App& command);

// ---- the commands: each adds its subcommand to the tool; `run` runs it once parsed ----
struct Command {
  CLI::App* app;
  std::function<int()> run;
};
Command add_run_command(CLI::App& tool);
Command add_params_command(CLI::App& tool);
Command add_info_command(CLI::App& tool);
Command add_calibrate_command(CLI::App& tool);
Command add_settle_command(CLI::App& tool);
Command add_cohort_command(CLI::App& tool);
Command add_sensitivity_command(CLI::App& tool);
Command add_plan_command(CLI::App& tool);
Command add_view_command(CLI::App& tool);
Command add_monitor_command(CLI::App& tool);
Command add_keys_command(CLI::App& tool);
Command add_verify_command(CLI::App& tool);
Command add_encrypt_command(CLI::App& tool);
Command add_decrypt_command(CLI::App& tool);

// ---- interruption (SIGINT, SIGTERM) ----
/// Installs the handlers: a signal sets the flag interruption() returns; the work stops at its
/// next check, unwinding removes its temporary files, and main() exits 128 + the signal.
void watch_interrupts();
[[nodiscard]] CancellationFlag interruption() noexcept;
/// The signal that interrupted the run (0: none).
[[nodiscard]] int interrupting_signal() noexcept;
/// Throws Cancelled if a signal arrived.
void check_interrupted();
/// After the interrupted work has unwound: dies of the signal, as a shell expects of a program
/// it interrupted (a loop over records then stops; $? is 130 / 143 all the same).
[[noreturn]] void die_of_interrupting_signal();

/// A progress bar on a terminal; silent when stderr is not one.
class ProgressBar {
 public:
  explicit ProgressBar(double total_seconds);
  void update(double done_seconds);
  void finish();

 private:
  double total_;
  int last_percent_ = -1;
  bool enabled_;
};

}  // namespace physiotwin::cli
