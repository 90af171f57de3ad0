#pragma once
// From a patient to that patient's model, the one path the command-line tool and the Python
// bindings share: a patient file or a FHIR health record is scaled to (body size and age) and
// calibrated to its measured vitals; a twin parameter file is loaded as stored.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "physiotwin/patient/body.hpp"
#include "physiotwin/patient/calibration.hpp"
#include "physiotwin/patient/health_record.hpp"
#include "physiotwin/patient/twin_parameters.hpp"

namespace physiotwin {

enum class PatientInput { patient_file, health_record, twin_parameters };

/// A FHIR resource (it has "resourceType"), a twin parameter file, or a physiotwin patient
/// file. Decided without quoting anything: a file that cannot be read or is not JSON is
/// named by its digest, never by its path (file names of records hold names).
[[nodiscard]] inline PatientInput kind_of_patient_input(const std::filesystem::path& file) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) {
    throw InputError("the patient file does not exist or is not a regular file");
  }
  std::string text;
  try {
    text = read_text_file(file);
  } catch (const InputError&) {
    throw InputError("the patient file cannot be opened for reading");
  }
  const auto document = nlohmann::json::parse(text, nullptr, false);
  if (document.is_discarded()) {
    // Parsed again to say where it breaks, naming the file by its digest only.
    (void)parse_json_text(text, "patient input sha256 " + crypto::hex(crypto::sha256(text), 8),
                          true);
  }
  if (document.is_object() && document.contains("resourceType")) return PatientInput::health_record;
  if (is_twin_parameters(document)) return PatientInput::twin_parameters;
  return PatientInput::patient_file;
}

/// Reads the patient of a patient file or a health record whose kind is known (`as_of`: the
/// date to take the age at, YYYY-MM-DD). A twin parameter file needs its model:
/// personalise_from_twin_parameters() reads those.
[[nodiscard]] inline Patient read_patient_input_of_kind(
    const std::filesystem::path& file, PatientInput kind,
    const std::optional<std::string>& as_of = {}) {
  switch (kind) {
    case PatientInput::health_record:
      return patient_from_record(read_health_record(file, as_of));
    case PatientInput::twin_parameters:
      throw InputError(fmt::format(
          "{}: a twin parameter file holds a whole personalised model, not only a patient; "
          "load it with its model (personalise(), `run --patient`)",
          file.string()));
    case PatientInput::patient_file:
      break;
  }
  return load_patient(file);
}

/// read_patient_input_of_kind() for a file of any kind.
[[nodiscard]] inline Patient read_patient_input(const std::filesystem::path& file,
                                                const std::optional<std::string>& as_of = {}) {
  return read_patient_input_of_kind(file, kind_of_patient_input(file), as_of);
}

/// The calibration report as lines of text: the CLI prints them, the HDF5 file and twin
/// parameter files store them.
[[nodiscard]] inline std::vector<std::string> calibration_lines(const CalibrationReport& report) {
  std::vector<std::string> lines;
  for (const auto& r : report.results) {
    lines.push_back(fmt::format("{}: measured {:.4g} {}, twin {:.4g}, residual {:+.2g} ({}; {})",
                                r.target, r.measured, r.unit, r.twin, r.twin - r.measured,
                                r.reached() ? fmt::format("within {:g}", r.tolerance)
                                            : fmt::format("NOT within {:g}", r.tolerance),
                                r.parameter));
  }
  for (const auto& w : report.warnings) lines.push_back("warning: " + w);
  lines.push_back(fmt::format("{} settled twins ({:.0f} s simulated), {:.2f} s", report.simulations,
                              report.simulated, report.seconds));
  return lines;
}

/// How outputs (the HDF5 file's `patient_file`) name a patient's source, never by a path (file
/// names of records often hold the patient's name; a path of the user's machine says who ran
/// it): a health record as such (its digest would be derived from the record, which Safe
/// Harbor does not allow; the patient's random code links it), a patient or twin parameter
/// file, which holds only de-identified values, by its file's digest.
[[nodiscard]] inline std::string patient_source_label(const Patient& patient,
                                                      const std::filesystem::path& file) {
  if (patient.from_health_record) return "FHIR health record (linked by the patient's code)";
  std::error_code error;
  if (file.empty() || !std::filesystem::is_regular_file(file, error)) return "none";
  return "patient file, sha256 " + crypto::hex(crypto::sha256(read_text_file(file)));
}

/// How outputs name a model: its name and the digest of its file (not its path).
[[nodiscard]] inline std::string model_source_label(const BodyModel& model) {
  const std::string digest = model_digest(model);
  return digest.empty() ? model.name : fmt::format("{}, model file sha256 {}", model.name, digest);
}

struct PersonaliseOptions {
  bool calibrate = true;              ///< fit to the measured vitals, if the patient has any
  CancellationFlag cancel = nullptr;  ///< set: calibration stops with Cancelled
};

/// A model made ready for one patient.
struct PersonalisedModel {
  BodyModel model;
  Patient patient;
  std::optional<CalibrationReport> report;  ///< when calibrated here (not when loaded)
  std::vector<std::string> calibration;     ///< the report's lines (stored ones when loaded)
  bool calibrated = false;
  std::vector<std::string> warnings;  ///< e.g. a twin parameter file of another model version
};

/// Scales `model` to `patient` (body size, age, haemoglobin) and calibrates it to the
/// patient's measured vitals, if there are some and options.calibrate.
[[nodiscard]] inline PersonalisedModel personalise(BodyModel model, Patient patient,
                                                   const PersonaliseOptions& options = {}) {
  PersonalisedModel out{std::move(model), std::move(patient), std::nullopt, {}, false, {}};
  scale_to_patient(out.model, out.patient);
  const bool has_vitals =
      std::any_of(out.patient.measurements.begin(), out.patient.measurements.end(),
                  [](double v) { return !std::isnan(v); });
  if (options.calibrate && has_vitals) {
    CalibrationOptions calibration;
    calibration.cancel = options.cancel;
    out.report = calibrate(out.model, out.patient, calibration);
    if (const auto broken = out.model.rule_violation()) {
      // Not broken->message: it quotes the value, which may be the record's (a heart rate).
      throw CalibrationError(fmt::format(
          "patient {}: calibration would set {} beyond what the model's other parameters allow "
          "(docs/patient-records.md, \"Calibration\"); the measured vitals lie outside what "
          "this model represents",
          out.patient.id, broken->parameter));
    }
    out.calibration = calibration_lines(*out.report);
    out.calibrated = true;
  }
  return out;
}

/// The model of a twin parameter file, loaded as it was stored (no scaling or calibration
/// again).
[[nodiscard]] inline PersonalisedModel personalise_from_twin_parameters(
    BodyModel model, const std::filesystem::path& twin_file) {
  PersonalisedModel out{std::move(model), {}, std::nullopt, {}, false, {}};
  std::string warning;
  TwinParameters twin = load_twin_parameters(twin_file, out.model, &warning);
  if (!warning.empty()) out.warnings.push_back(warning);
  out.patient = std::move(twin.patient);
  out.calibration = std::move(twin.calibration);
  out.calibrated = twin.calibrated;
  return out;
}

/// personalise() for a patient input file of any kind; a twin parameter file is loaded as it
/// was stored (no scaling or calibration again).
[[nodiscard]] inline PersonalisedModel personalise(BodyModel model,
                                                   const std::filesystem::path& patient_file,
                                                   const PersonaliseOptions& options = {},
                                                   const std::optional<std::string>& as_of = {}) {
  const PatientInput kind = kind_of_patient_input(patient_file);
  if (kind == PatientInput::twin_parameters) {
    return personalise_from_twin_parameters(std::move(model), patient_file);
  }
  return personalise(std::move(model), read_patient_input_of_kind(patient_file, kind, as_of),
                     options);
}

}  // namespace physiotwin
