#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "cli/cli.hpp"
#include "physiotwin/model/model_loader.hpp"
#include "physiotwin/patient/body.hpp"
#include "physiotwin/patient/calibration.hpp"

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
/// A FHIR resource (it has "resourceType") rather than a physiotwin patient file. Decided
/// without throwing: a broken record must be reported by the record reader, which never
/// quotes a record's text or names its file (file names of records hold names).
bool is_health_record(const std::filesystem::path& file) {
  const std::string text = read_text_file(file);
  const auto document = nlohmann::json::parse(text, nullptr, false);
  if (document.is_discarded()) return text.find("\"resourceType\"") != std::string::npos;
  return document.is_object() && document.contains("resourceType");
}
}  // namespace

CirculationModel prepare_model(const ModelOptions& options, Patient& patient,
                               std::vector<std::string>* calibration) {
  const auto models = models_directory();
  const auto model_file =
      options.model_file.empty() ? models / "circulation" / "adult.json" : options.model_file;
  const auto patient_file =
      options.patient_file.empty() ? models / "patients" / "adult_male.json" : options.patient_file;
  CirculationModel model = load_circulation(model_file);
  if (is_health_record(patient_file)) {
    patient = patient_from_record(read_health_record(
        patient_file, options.as_of.empty() ? std::nullopt : std::optional(options.as_of)));
    fmt::print("Patient {} ({}, {} years) from a health record.\n", patient.id, patient.sex,
               patient.age_years);
    for (const auto& m : patient.measured) fmt::print("  measured: {}\n", m);
    for (const auto& m : patient.assumed) fmt::print("  assumed:  {}\n", m);
  } else {
    patient = load_patient(patient_file);
  }
  scale_to_patient(model, patient);
  const bool has_vitals = std::any_of(patient.measurements.begin(), patient.measurements.end(),
                                      [](double v) { return !std::isnan(v); });
  if (options.calibrate && has_vitals) {
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
    if (calibration) *calibration = lines;
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
  return model;
}

}  // namespace physiotwin::cli
