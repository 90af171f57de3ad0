// The options every command that builds a twin shares, and the model they give.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "cli/encryption_options.hpp"
#include "cli/model_options.hpp"
#include "physiotwin/model/model_loader.hpp"
#include "physiotwin/patient/body.hpp"
#include "physiotwin/patient/dates.hpp"
#include "physiotwin/patient/personalise.hpp"

namespace physiotwin::cli {

std::filesystem::path beside_tool(const std::filesystem::path& relative) {
  std::error_code error;
  const auto tool = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return {};
  return (tool.parent_path() / relative).lexically_normal();
}

std::filesystem::path models_directory() {
  if (const char* env = std::getenv("PHYSIOTWIN_MODELS"); env != nullptr && *env != '\0')
    return env;
  // Installed: beside the tool (bin/../share/physiotwin/models), wherever it was installed.
  const auto installed = beside_tool(PHYSIOTWIN_MODELS_RELATIVE_TO_TOOL);
  std::error_code error;
  if (!installed.empty() &&
      std::filesystem::exists(installed / "circulation" / "adult.json", error))
    return installed;
  // In the build tree: the source tree's models.
  return PHYSIOTWIN_SOURCE_MODELS_DIR;
}

std::filesystem::path model_file_of(const ModelOptions& options) {
  return options.model_file.empty() ? models_directory() / "circulation" / "adult.json"
                                    : options.model_file;
}

std::filesystem::path patient_file_of(const ModelOptions& options) {
  return options.patient_file.empty() ? models_directory() / "patients" / "adult_male.json"
                                      : options.patient_file;
}

std::vector<io::InputFile> inputs_of(const ModelOptions& options) {
  std::vector<io::InputFile> inputs{{model_file_of(options), "the model file (--model)"},
                                    {patient_file_of(options), "the patient file (--patient)"}};
  if (!options.decryption_key.empty())
    inputs.push_back({options.decryption_key, "the decryption key (--decryption-key)"});
  return inputs;
}

double parse_number(const std::string& text, const std::string& what) {
  // std::from_chars with the general format: decimal or scientific, never hexadecimal; the
  // whole text must be the number, and a finite one.
  double value = 0.0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value, std::chars_format::general);
  if (text.empty() || error != std::errc{} || stop != end || !std::isfinite(value)) {
    throw UsageError(fmt::format("{}: \"{}\" is not a decimal number", what, text));
  }
  return value;
}

void add_model_options(CLI::App& command, ModelOptions& options, unsigned which) {
  if (which & model_option) {
    command
        .add_option("--model", options.model_file,
                    "circulation model file (default: the shipped adult model, "
                    "models/circulation/adult.json)")
        ->type_name("FILE");
  }
  if (which & patient_option) {
    command
        .add_option("--patient", options.patient_file,
                    "patient file, FHIR R4 health record, or twin parameter file (default: the "
                    "reference adult male, models/patients/adult_male.json)")
        ->type_name("FILE");
  }
  if (which & as_of_option) {
    command
        .add_option("--as-of", options.as_of,
                    "health records only: the date the twin describes the patient on (default: "
                    "the record's latest observation)")
        ->type_name("YYYY-MM-DD")
        ->each([&options](const std::string&) { options.as_of_given = true; });
  }
  if (which & calibrate_option) {
    command.add_flag("--no-calibrate", options.no_calibrate,
                     "do not fit the model to the patient's measured vitals (default: fit)");
  }
  if (which & decryption_option) add_decryption_key_option(command, options.decryption_key);
  if (which & override_option) {
    command
        .add_option("--set", options.overrides,
                    "set a parameter after personalising, in its unit (repeatable, one NAME "
                    "once; `physiotwin params` lists names, units and ranges)")
        ->type_name("NAME=VALUE")
        ->take_all();
  }
}

void check_model_options(const ModelOptions& options) {
  if (!options.as_of.empty() || options.as_of_given) {
    const auto date = dates::parse(options.as_of);
    if (options.as_of.size() != 10 || !date) {
      throw UsageError("--as-of: not a date of the form YYYY-MM-DD");
    }
    // That --patient is a health record is checked when it is read (prepare_model()).
    if (options.patient_file.empty()) {
      throw UsageError(
          "--as-of applies to a FHIR health record given with --patient; this run has none");
    }
  }
  std::set<std::string> names;
  for (const std::string& assignment : options.overrides) {
    const auto equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw UsageError(fmt::format("--set {}: expected NAME=VALUE", assignment));
    }
    const std::string name = assignment.substr(0, equals);
    if (!names.insert(name).second) {
      throw UsageError(fmt::format("--set {}: given more than once", name));
    }
    (void)parse_number(assignment.substr(equals + 1), "--set " + name);
  }
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
    fmt::print("Calibration to the measured vitals (the settled twin, closed loop):\n");
    for (const auto& l : prepared.calibration) fmt::print("  {}\n", l);
  }
  BodyModel& model = prepared.model;
  for (const std::string& assignment : options.overrides) {
    const auto equals = assignment.find('=');
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

PreparedModel prepare_model(const ModelOptions& options, const BodyModel* loaded) {
  const auto patient_file = patient_file_of(options);
  const PatientInputFile input =  // read once
      read_patient_input_file(patient_file, decryption_keys(options.decryption_key));
  check_was_encrypted(options.decryption_key, !input.sealed_to.empty(), "the patient file");
  if ((!options.as_of.empty() || options.as_of_given) &&
      input.kind != PatientInput::health_record) {
    throw UsageError(
        "--as-of applies to a FHIR health record given with --patient; this run has none");
  }
  const auto as_of = options.as_of.empty() ? std::nullopt : std::optional(options.as_of);
  PersonaliseOptions personalising{!options.no_calibrate, interruption(), {}};
  personalising.on_patient = [](const Patient& patient) {
    if (!patient.from_health_record) return;
    // Printed before calibration starts: what the record gave and what is assumed.
    fmt::print("Patient {} ({}, {} years) from a health record.\n", patient.id, patient.sex,
               patient.age_text());
    for (const auto& m : patient.measured) fmt::print("  measured: {}\n", m);
    for (const auto& m : patient.assumed) fmt::print("  assumed:  {}\n", m);
    std::fflush(stdout);
    for (const auto& w : patient.warnings) fmt::print(stderr, "warning: {}\n", w);
  };
  BodyModel base = loaded != nullptr ? *loaded : load_circulation(model_file_of(options));
  return finish(personalise(std::move(base), input, personalising, as_of), input.kind, patient_file,
                options);
}

}  // namespace physiotwin::cli
