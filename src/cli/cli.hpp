#pragma once
// The physiotwin command-line tool: `run`, `params`, `info`. Exit status 0 on success,
// 2 for bad input (arguments, model, patient, output path), 3 when the solver fails.
#include <filesystem>
#include <string>
#include <vector>

#include "physiotwin/model/circulation_model.hpp"
#include "physiotwin/patient/personalise.hpp"

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
  std::vector<std::string> overrides;  ///< NAME=VALUE, applied after scaling to the patient
  std::string as_of;                   ///< health records: the date (YYYY-MM-DD) to take the age at
  bool calibrate = true;               ///< fit the model to the patient's measured vitals, if any
};

/// Parses a number in full ("12", "1e-3"); anything else is a UsageError naming `what`.
double parse_number(const std::string& text, const std::string& what);

/// Which of the shared model options (ModelOptions) a command accepts.
enum ModelOptionSet : unsigned {
  model_option = 1,      ///< --model FILE
  patient_option = 2,    ///< --patient FILE
  as_of_option = 4,      ///< --as-of DATE
  calibrate_option = 8,  ///< --no-calibrate
  override_option = 16,  ///< --set NAME=VALUE (repeatable)
  all_model_options = 31,
};

/// Walks one command's arguments in order: options with values, flags, the shared model
/// options, and bare (positional) arguments. Every malformed command line is a UsageError
/// naming the option.
class ArgumentReader {
 public:
  ArgumentReader(const std::vector<std::string>& args, std::string command)
      : args_(args), command_(std::move(command)) {}
  /// Moves to the next argument; false when there is none.
  bool next() { return ++index_ < args_.size(); }
  /// The current argument.
  [[nodiscard]] const std::string& current() const { return args_[index_]; }
  [[nodiscard]] bool is(const char* option) const { return current() == option; }
  /// The current option's value (the next argument, consumed).
  const std::string& value();
  /// The current option's value as a number.
  double number() { return parse_number(value(), current_option_); }
  /// If the current argument is one of the shared model options in `accepted`, stores it
  /// in `options` and returns true.
  bool read_model_option(ModelOptions& options, unsigned accepted = all_model_options);
  /// Rejects the current argument: "<command>: unknown option "<argument>"".
  [[noreturn]] void unknown() const;

 private:
  const std::vector<std::string>& args_;
  std::string command_;
  std::size_t index_ = std::size_t(-1);
  std::string current_option_;
};

/// Directory holding the shipped models: $PHYSIOTWIN_MODELS, else the installed
/// share/physiotwin/models beside the tool, else (a tool in the build tree) the source tree's.
std::filesystem::path models_directory();

using PreparedModel = PersonalisedModel;

/// Loads the model and personalises it: from a twin parameter file as stored; otherwise
/// scaled to the patient (a patient file or a health record) and calibrated to the patient's
/// measured vitals (when there are some and options.calibrate). Then applies the overrides.
PreparedModel prepare_model(const ModelOptions& options);

int command_run(const std::vector<std::string>& args);
int command_params(const std::vector<std::string>& args);
int command_info(const std::vector<std::string>& args);
int command_settle(const std::vector<std::string>& args);
int command_calibrate(const std::vector<std::string>& args);

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
