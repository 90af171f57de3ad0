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

/// Directory holding the shipped models: $PHYSIOTWIN_MODELS, else the source tree's
/// models/ (a build tree), else the installed share/physiotwin/models.
std::filesystem::path models_directory();

using PreparedModel = PersonalisedModel;

/// Loads the model and personalises it: from a twin parameter file as stored; otherwise
/// scaled to the patient (a patient file or a health record) and calibrated to the patient's
/// measured vitals (when there are some and options.calibrate). Then applies the overrides.
PreparedModel prepare_model(const ModelOptions& options);

/// Parses a number in full ("12", "1e-3"); anything else is a UsageError naming `what`.
double parse_number(const std::string& text, const std::string& what);

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
