// The one personalisation path: patient/personalise.hpp.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/core/sha256.hpp"
#include "physiotwin/patient/health_record.hpp"
#include "physiotwin/patient/personalise.hpp"
#include "physiotwin/patient/twin_parameters.hpp"

namespace physiotwin {

PatientInputFile read_patient_input_file(const std::filesystem::path& file,
                                         const trust::DecryptionKeyProvider& decryption_key) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) {
    throw InputError("the patient file does not exist or is not a regular file");
  }
  std::string bytes;
  try {
    bytes = read_text_file(file);
  } catch (const InputError&) {
    throw InputError("the patient file cannot be opened for reading");
  }
  if (!trust::is_sealed(bytes)) return patient_input_from_text(std::move(bytes), file);
  // Named as "the patient file", never by its path (file names of records hold names).
  const std::string recipient = trust::sealed_recipient(bytes).value_or("?");
  if (!decryption_key)
    throw InputError(fmt::format(
        "the patient file is encrypted (to key {}) and no decryption key was given", recipient));
  PatientInputFile input = patient_input_from_text(
      trust::open_sealed(bytes, decryption_key(recipient), "the patient file"), file);
  input.sealed_to = recipient;
  return input;
}

PatientInputFile patient_input_from_text(std::string bytes, const std::filesystem::path& label) {
  PatientInputFile input;
  input.path = label;
  input.bytes = std::move(bytes);
  input.sha256 = crypto::hex(crypto::sha256(input.bytes));
  if (trust::is_sealed(input.bytes))
    throw InputError(fmt::format(
        "patient input sha256 {}: encrypted (to key {}): open it with its private key first",
        input.sha256.substr(0, 16), trust::sealed_recipient(input.bytes).value_or("?")));
  const auto document = nlohmann::json::parse(input.bytes, nullptr, false);
  if (document.is_discarded()) {
    // Parsed again to say where it breaks, naming the file by its digest only.
    (void)parse_json_text(input.bytes, "patient input sha256 " + input.sha256.substr(0, 16), true);
  }
  if (document.is_object() && document.contains("resourceType")) {
    input.kind = PatientInput::health_record;
  } else if (is_twin_parameters(document)) {
    input.kind = PatientInput::twin_parameters;
  }
  return input;
}

PatientInput kind_of_patient_input(const std::filesystem::path& file) {
  return read_patient_input_file(file).kind;
}

Patient patient_of(const PatientInputFile& input, const std::optional<std::string>& as_of) {
  switch (input.kind) {
    case PatientInput::health_record:
      return patient_from_record(read_health_record_text(
          input.bytes, "health record sha256 " + input.sha256.substr(0, 16), as_of, input.sha256));
    case PatientInput::twin_parameters:
      throw InputError(fmt::format(
          "{}: a twin parameter file holds a whole personalised model, not only a patient; "
          "load it with its model (personalise(), `run --patient`)",
          input.path.string()));
    case PatientInput::patient_file:
      break;
  }
  return load_patient_text(input.bytes, input.path);
}

Patient read_patient_input(const std::filesystem::path& file,
                           const std::optional<std::string>& as_of) {
  return patient_of(read_patient_input_file(file), as_of);
}

std::vector<std::string> calibration_lines(const CalibrationReport& report) {
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

std::string patient_source_label(const Patient& patient, const std::string& file_sha256) {
  if (patient.from_health_record) return "FHIR health record (linked by the patient's code)";
  if (file_sha256.empty()) return "none";
  return "patient file, sha256 " + file_sha256;
}

std::string model_source_label(const BodyModel& model) {
  const std::string digest = model_digest(model);
  return digest.empty() ? model.name : fmt::format("{}, model file sha256 {}", model.name, digest);
}

PersonalisedModel personalise(BodyModel model, Patient patient, const PersonaliseOptions& options) {
  PersonalisedModel out{std::move(model), std::move(patient), std::nullopt, {}, false, {}};
  out.patient_source = patient_source_label(out.patient, "");
  if (options.on_patient) options.on_patient(out.patient);
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

PersonalisedModel personalise_from_twin_parameters(BodyModel model, const PatientInputFile& input) {
  PersonalisedModel out{std::move(model), {}, std::nullopt, {}, false, {}};
  std::string warning;
  TwinParameters twin = load_twin_parameters_text(input.bytes, input.path, out.model, &warning);
  if (!warning.empty()) out.warnings.push_back(warning);
  out.patient = std::move(twin.patient);
  out.calibration = std::move(twin.calibration);
  out.calibrated = twin.calibrated;
  return out;
}

PersonalisedModel personalise(BodyModel model, const PatientInputFile& input,
                              const PersonaliseOptions& options,
                              const std::optional<std::string>& as_of) {
  PersonalisedModel out = input.kind == PatientInput::twin_parameters
                              ? personalise_from_twin_parameters(std::move(model), input)
                              : personalise(std::move(model), patient_of(input, as_of), options);
  out.patient_source = patient_source_label(out.patient, input.sha256);
  return out;
}

PersonalisedModel personalise(BodyModel model, const std::filesystem::path& patient_file,
                              const PersonaliseOptions& options,
                              const std::optional<std::string>& as_of) {
  return personalise(std::move(model), read_patient_input_file(patient_file), options, as_of);
}

}  // namespace physiotwin
