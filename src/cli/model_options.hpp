#pragma once
// The options shared by the commands that build a twin (--model, --patient, --as-of,
// --no-calibrate, --set) and the one function that turns them into a model. Kept apart from
// cli.hpp because it brings in the whole engine (personalising, calibration, the solver).
#include <filesystem>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "physiotwin/io/output_file.hpp"
#include "physiotwin/model/body_model.hpp"
#include "physiotwin/patient/personalise.hpp"

namespace physiotwin::cli {

/// Options shared by the commands that build a twin.
struct ModelOptions {
  std::filesystem::path model_file;    ///< empty: the default adult circulation
  std::filesystem::path patient_file;  ///< empty: the reference adult male
  std::vector<std::string> overrides;  ///< NAME=VALUE, applied after personalising
  std::string as_of;                   ///< health records: the date (YYYY-MM-DD) of the twin
  bool as_of_given = false;
  bool no_calibrate = false;             ///< do not fit the model to the patient's measured vitals
  std::filesystem::path decryption_key;  ///< --decryption-key; empty: the key folder's
};

/// Which of the shared model options a command accepts.
enum ModelOptionSet : unsigned {
  model_option = 1,        ///< --model FILE
  patient_option = 2,      ///< --patient FILE
  as_of_option = 4,        ///< --as-of YYYY-MM-DD
  calibrate_option = 8,    ///< --no-calibrate
  override_option = 16,    ///< --set NAME=VALUE (repeatable)
  decryption_option = 32,  ///< --decryption-key FILE (an encrypted twin parameter file)
  all_model_options = 63,
};

/// Adds the shared model options in `which` to a command.
void add_model_options(CLI::App& command, ModelOptions& options, unsigned which);

/// Checks what the parser cannot: --as-of is a date and goes with a health record, each
/// --set names a parameter once. A UsageError naming the option otherwise.
void check_model_options(const ModelOptions& options);

/// Directory holding the shipped models: $PHYSIOTWIN_MODELS, else the installed
/// share/physiotwin/models beside the tool, else (a tool in the build tree) the source tree's.
std::filesystem::path models_directory();
/// The model file and patient file the options name, defaults filled in.
std::filesystem::path model_file_of(const ModelOptions& options);
std::filesystem::path patient_file_of(const ModelOptions& options);
/// The files a command built from these options reads (for the output checks).
std::vector<io::InputFile> inputs_of(const ModelOptions& options);

using PreparedModel = PersonalisedModel;

/// Loads the model (unless `loaded` is given: the model file as already read) and personalises
/// it through personalise(), reading the patient input once: from a twin parameter file as
/// stored; otherwise scaled to the patient (a patient file or a health record) and calibrated
/// to the patient's measured vitals (unless --no-calibrate). Then applies the overrides.
PreparedModel prepare_model(const ModelOptions& options, const BodyModel* loaded = nullptr);

}  // namespace physiotwin::cli
