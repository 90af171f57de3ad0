#pragma once
// The physiotwin command-line tool: `run`, `params`, `info`, `calibrate`, `settle`, parsed by
// CLI11 (every command has --help listing each option with its default and unit). Exit status
// 0 on success, 2 for bad input (arguments, model, patient, output path), 3 when the solver
// fails, 130 / 143 when interrupted by SIGINT / SIGTERM.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "physiotwin/core/cancellation.hpp"
#include "physiotwin/io/output_file.hpp"
#include "physiotwin/model/circulation_model.hpp"
#include "physiotwin/patient/personalise.hpp"

namespace CLI {
class App;
}

namespace physiotwin::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_bad_input = 2;
inline constexpr int exit_solver_failure = 3;

/// A bad command line: printed with the usage hint, exit status 2.
struct UsageError : InputError {
  using InputError::InputError;
};

/// Options shared by the commands that build a twin.
struct ModelOptions {
  std::filesystem::path model_file;    ///< empty: the default adult circulation
  std::filesystem::path patient_file;  ///< empty: the reference adult male
  std::vector<std::string> overrides;  ///< NAME=VALUE, applied after personalising
  std::string as_of;                   ///< health records: the date (YYYY-MM-DD) of the twin
  bool as_of_given = false;
  bool no_calibrate = false;  ///< do not fit the model to the patient's measured vitals
};

/// Which of the shared model options a command accepts.
enum ModelOptionSet : unsigned {
  model_option = 1,      ///< --model FILE
  patient_option = 2,    ///< --patient FILE
  as_of_option = 4,      ///< --as-of YYYY-MM-DD
  calibrate_option = 8,  ///< --no-calibrate
  override_option = 16,  ///< --set NAME=VALUE (repeatable)
  all_model_options = 31,
};

/// Adds the shared model options in `which` to a command.
void add_model_options(CLI::App& command, ModelOptions& options, unsigned which);

/// Checks what the parser cannot: --as-of is a date and goes with a health record, each
/// --set names a parameter once. A UsageError naming the option otherwise.
void check_model_options(const ModelOptions& options);

/// Parses a decimal number in full ("12", "-0.5", "1e-3"); anything else (hexadecimal,
/// "inf", "nan", trailing text) is a UsageError naming `what`.
double parse_number(const std::string& text, const std::string& what);

/// Directory holding the shipped models: $PHYSIOTWIN_MODELS, else the installed
/// share/physiotwin/models beside the tool, else (a tool in the build tree) the source tree's.
std::filesystem::path models_directory();
/// The model file and patient file the options name, defaults filled in.
std::filesystem::path model_file_of(const ModelOptions& options);
std::filesystem::path patient_file_of(const ModelOptions& options);
/// The files a command built from these options reads (for the output checks).
std::vector<io::InputFile> inputs_of(const ModelOptions& options);

using PreparedModel = PersonalisedModel;

/// Loads the model and personalises it: from a twin parameter file as stored; otherwise
/// scaled to the patient (a patient file or a health record) and calibrated to the patient's
/// measured vitals (unless --no-calibrate). Then applies the overrides.
PreparedModel prepare_model(const ModelOptions& options);

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

// ---- interruption (SIGINT, SIGTERM) ----
/// Installs the handlers: a signal sets the flag interruption() returns; the work stops at its
/// next check, unwinding removes its temporary files, and main() exits 128 + the signal.
void watch_interrupts();
[[nodiscard]] CancellationFlag interruption() noexcept;
/// The signal that interrupted the run (0: none).
[[nodiscard]] int interrupting_signal() noexcept;
/// Throws Cancelled if a signal arrived.
void check_interrupted();

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
