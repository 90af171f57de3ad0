#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "cli/cli.hpp"
#include "physiotwin/model/model_loader.hpp"
#include "physiotwin/patient/body.hpp"
#include "physiotwin/patient/calibration.hpp"
#include "physiotwin/patient/twin_parameters.hpp"

namespace physiotwin::cli {

std::filesystem::path models_directory() {
  if (const char* env = std::getenv("PHYSIOTWIN_MODELS"); env != nullptr && *env != '\0')
    return env;
  const std::filesystem::path source = PHYSIOTWIN_SOURCE_MODELS_DIR;
  if (std::filesystem::exists(source / "circulation" / "adult.json")) return source;
  return PHYSIOTWIN_INSTALLED_MODELS_DIR;
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

namespace {
enum class PatientInput { patient_file, health_record, twin_parameters };

/// A FHIR resource (it has "resourceType"), a twin parameter file, or a physiotwin patient
/// file. Decided without throwing: a broken record must be reported by the record reader,
/// which never quotes a record's text or names its file (file names of records hold names).
PatientInput kind_of_patient_input(const std::filesystem::path& file) {
  const std::string text = read_text_file(file);
  const auto document = nlohmann::json::parse(text, nullptr, false);
  if (document.is_discarded()) {
    return text.find("\"resourceType\"") != std::string::npos ? PatientInput::health_record
                                                              : PatientInput::patient_file;
  }
  if (document.is_object() && document.contains("resourceType")) return PatientInput::health_record;
  if (is_twin_parameters(document)) return PatientInput::twin_parameters;
  return PatientInput::patient_file;
}
}  // namespace

PreparedModel prepare_model(const ModelOptions& options) {
  const auto models = models_directory();
  const auto model_file =
      options.model_file.empty() ? models / "circulation" / "adult.json" : options.model_file;
  const auto patient_file =
      options.patient_file.empty() ? models / "patients" / "adult_male.json" : options.patient_file;
  PreparedModel prepared{load_circulation(model_file), {}, {}, false};
  CirculationModel& model = prepared.model;
  Patient& patient = prepared.patient;
  const PatientInput input = kind_of_patient_input(patient_file);
  if (input == PatientInput::twin_parameters) {
    std::string warning;
    TwinParameters twin = load_twin_parameters(patient_file, model, &warning);
    if (!warning.empty()) fmt::print(stderr, "warning: {}\n", warning);
    patient = std::move(twin.patient);
    prepared.calibration = std::move(twin.calibration);
    prepared.calibrated = twin.calibrated;
    fmt::print("Patient {} ({}, {} years): personalised parameters from {}{}.\n", patient.id,
               patient.sex, patient.age_years, patient_file.string(),
               prepared.calibrated ? ", calibrated" : "");
  } else if (input == PatientInput::health_record) {
    patient = patient_from_record(read_health_record(
        patient_file, options.as_of.empty() ? std::nullopt : std::optional(options.as_of)));
    fmt::print("Patient {} ({}, {} years) from a health record.\n", patient.id, patient.sex,
               patient.age_years);
    for (const auto& m : patient.measured) fmt::print("  measured: {}\n", m);
    for (const auto& m : patient.assumed) fmt::print("  assumed:  {}\n", m);
  } else {
    patient = load_patient(patient_file);
  }
  const bool has_vitals = std::any_of(patient.measurements.begin(), patient.measurements.end(),
                                      [](double v) { return !std::isnan(v); });
  if (input != PatientInput::twin_parameters) scale_to_patient(model, patient);
  if (input != PatientInput::twin_parameters && options.calibrate && has_vitals) {
    const CalibrationReport report = calibrate(model, patient);
    std::vector<std::string> lines;
    for (const auto& r : report.results) {
      lines.push_back(fmt::format("{}: measured {:.4g} {}, twin {:.4g}, residual {:+.2g} ({}; {})",
                                  r.target, r.measured, r.unit, r.twin, r.twin - r.measured,
                                  r.reached() ? fmt::format("within {:g}", r.tolerance)
                                              : fmt::format("NOT within {:g}", r.tolerance),
                                  r.parameter));
    }
    for (const auto& w : report.warnings) lines.push_back("warning: " + w);
    lines.push_back(fmt::format("{} simulations, {:.2f} s", report.simulations, report.seconds));
    fmt::print("Calibration to the measured vitals:\n");
    for (const auto& l : lines) fmt::print("  {}\n", l);
    prepared.calibration = std::move(lines);
    prepared.calibrated = true;
  }
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

}  // namespace physiotwin::cli
