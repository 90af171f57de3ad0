#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "cli/cli.hpp"
#include "physiotwin/model/model_loader.hpp"
#include "physiotwin/patient/body.hpp"
#include "physiotwin/patient/personalise.hpp"

namespace physiotwin::cli {

std::filesystem::path models_directory() {
  if (const char* env = std::getenv("PHYSIOTWIN_MODELS"); env != nullptr && *env != '\0')
    return env;
  // Installed: beside the tool (bin/../share/physiotwin/models), wherever it was installed.
  std::error_code error;
  const auto tool = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    const auto installed =
        (tool.parent_path() / PHYSIOTWIN_MODELS_RELATIVE_TO_TOOL).lexically_normal();
    if (std::filesystem::exists(installed / "circulation" / "adult.json", error)) return installed;
  }
  // In the build tree: the source tree's models.
  return PHYSIOTWIN_SOURCE_MODELS_DIR;
}

double parse_number(const std::string& text, const std::string& what) {
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE) {
    throw UsageError(fmt::format("{}: \"{}\" is not a number", what, text));
  }
  return value;
}

const std::string& ArgumentReader::value() {
  current_option_ = current();
  if (index_ + 1 >= args_.size()) {
    throw UsageError(fmt::format("{} needs a value", current_option_));
  }
  return args_[++index_];
}

bool ArgumentReader::read_model_option(ModelOptions& options, unsigned accepted) {
  if ((accepted & model_option) && is("--model")) {
    options.model_file = value();
  } else if ((accepted & patient_option) && is("--patient")) {
    options.patient_file = value();
  } else if ((accepted & as_of_option) && is("--as-of")) {
    options.as_of = value();
  } else if ((accepted & calibrate_option) && is("--no-calibrate")) {
    options.calibrate = false;
  } else if ((accepted & override_option) && is("--set")) {
    options.overrides.push_back(value());
  } else {
    return false;
  }
  return true;
}

void ArgumentReader::unknown() const {
  throw UsageError(fmt::format("{}: unknown option \"{}\"", command_, current()));
}

namespace {
/// Reports what personalisation did and applies the --set overrides.
PreparedModel finish(PreparedModel prepared, PatientInput input,
                     const std::filesystem::path& patient_file, const ModelOptions& options) {
  for (const auto& w : prepared.warnings) fmt::print(stderr, "warning: {}\n", w);
  const Patient& patient = prepared.patient;
  if (input == PatientInput::twin_parameters) {
    fmt::print("Patient {} ({}, {} years): personalised parameters from {}{}.\n", patient.id,
               patient.sex, patient.age_text(), patient_file.string(),
               prepared.calibrated ? ", calibrated" : "");
  } else if (prepared.calibrated) {
    fmt::print("Calibration to the measured vitals:\n");
    for (const auto& l : prepared.calibration) fmt::print("  {}\n", l);
  }
  CirculationModel& model = prepared.model;
  for (const std::string& assignment : options.overrides) {
    const auto equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw UsageError(fmt::format("--set {}: expected NAME=VALUE", assignment));
    }
    const std::string name = assignment.substr(0, equals);
    const double value = parse_number(assignment.substr(equals + 1), "--set " + name);
    try {
      model.set_parameter(name, value);
    } catch (const InputError& e) {
      throw InputError(fmt::format("--set {}: {}", assignment, e.what()));
    }
  }
  return prepared;
}
}  // namespace

PreparedModel prepare_model(const ModelOptions& options) {
  const auto models = models_directory();
  const auto model_file =
      options.model_file.empty() ? models / "circulation" / "adult.json" : options.model_file;
  const auto patient_file =
      options.patient_file.empty() ? models / "patients" / "adult_male.json" : options.patient_file;
  const PatientInput input = kind_of_patient_input(patient_file);
  const auto as_of = options.as_of.empty() ? std::nullopt : std::optional(options.as_of);
  CirculationModel base = load_circulation(model_file);
  if (input == PatientInput::twin_parameters) {
    // Loaded as stored: no scaling or calibration again.
    PersonalisedModel prepared = personalise_from_twin_parameters(std::move(base), patient_file);
    return finish(std::move(prepared), input, patient_file, options);
  }
  Patient patient = read_patient_input_of_kind(patient_file, input, as_of);
  if (input == PatientInput::health_record) {
    // Printed before calibration starts: what the record gave and what is assumed.
    fmt::print("Patient {} ({}, {} years) from a health record.\n", patient.id, patient.sex,
               patient.age_text());
    for (const auto& m : patient.measured) fmt::print("  measured: {}\n", m);
    for (const auto& m : patient.assumed) fmt::print("  assumed:  {}\n", m);
    std::fflush(stdout);
    for (const auto& w : patient.warnings) fmt::print(stderr, "warning: {}\n", w);
  }
  PersonalisedModel prepared =
      personalise(std::move(base), std::move(patient), {options.calibrate});
  return finish(std::move(prepared), input, patient_file, options);
}

}  // namespace physiotwin::cli
