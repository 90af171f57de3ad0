#pragma once
// From a patient to that patient's model, the one path the command-line tool and the Python
// bindings share: a patient file or a FHIR health record is scaled to (body size and age) and
// calibrated to its measured vitals; a twin parameter file is loaded as stored. Compiled
// (src/patient/personalise.cpp).
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "physiotwin/core/cancellation.hpp"
#include "physiotwin/model/body_model.hpp"
#include "physiotwin/patient/body.hpp"
#include "physiotwin/patient/calibration.hpp"
#include "physiotwin/trust/sealed.hpp"

namespace physiotwin {

enum class PatientInput { patient_file, health_record, twin_parameters };

/// A patient input file, read and hashed once: every later step (its kind, the patient or
/// record it holds, the label outputs name it by) works from these bytes.
struct PatientInputFile {
  std::filesystem::path path;
  std::string bytes;
  std::string sha256;  ///< of the bytes, hexadecimal
  PatientInput kind = PatientInput::patient_file;
  /// The key id an encrypted input was sealed to (docs/security.md); empty: a plain file.
  std::string sealed_to;
};

/// Reads a patient input and decides its kind: a FHIR resource (it has "resourceType"), a
/// twin parameter file, or a physiotwin patient file. Decided without quoting anything: a file
/// that cannot be read or is not JSON is named by its digest, never by its path (file names of
/// records hold names). An encrypted input (trust/sealed.hpp) is opened with the key
/// `decryption_key` gives, and `bytes` are then the opened content; without a provider an
/// encrypted input is an InputError saying so.
[[nodiscard]] PatientInputFile read_patient_input_file(
    const std::filesystem::path& file, const trust::DecryptionKeyProvider& decryption_key = {});

/// The same from a patient input's text held in memory; `label` stands where the file's
/// path would (the C interface's pt_twin_create_from_json).
[[nodiscard]] PatientInputFile patient_input_from_text(std::string bytes,
                                                       const std::filesystem::path& label);

[[nodiscard]] PatientInput kind_of_patient_input(const std::filesystem::path& file);

/// The patient of a patient file or a health record (`as_of`: the date to take the age at,
/// YYYY-MM-DD). A twin parameter file needs its model: personalise() reads those.
[[nodiscard]] Patient patient_of(const PatientInputFile& input,
                                 const std::optional<std::string>& as_of = {});

/// patient_of() a file of any kind.
[[nodiscard]] Patient read_patient_input(const std::filesystem::path& file,
                                         const std::optional<std::string>& as_of = {});

/// The calibration report as lines of text: the CLI prints them, the HDF5 file and twin
/// parameter files store them.
[[nodiscard]] std::vector<std::string> calibration_lines(const CalibrationReport& report);

/// How outputs (the HDF5 file's `patient_file`) name a patient's source, never by a path (file
/// names of records often hold the patient's name; a path of the user's machine says who ran
/// it): a health record as such (its digest would be derived from the record, which Safe
/// Harbor does not allow; the patient's random code links it), a patient or twin parameter
/// file, which holds only de-identified values, by its file's digest (`file_sha256`; empty:
/// no file).
[[nodiscard]] std::string patient_source_label(const Patient& patient,
                                               const std::string& file_sha256);

/// How outputs name a model: its name and the digest of its file (not its path).
[[nodiscard]] std::string model_source_label(const BodyModel& model);

struct PersonaliseOptions {
  bool calibrate = true;              ///< fit to the measured vitals, if the patient has any
  CancellationFlag cancel = nullptr;  ///< set: calibration stops with Cancelled
  /// Called with the patient once it is read, before calibration (which takes seconds): the
  /// command-line tool says what a health record gave.
  std::function<void(const Patient&)> on_patient;
};

/// A model made ready for one patient.
struct PersonalisedModel {
  BodyModel model;
  Patient patient;
  std::optional<CalibrationReport> report;  ///< when calibrated here (not when loaded)
  std::vector<std::string> calibration;     ///< the report's lines (stored ones when loaded)
  bool calibrated = false;
  std::vector<std::string> warnings;    ///< e.g. a twin parameter file of another model version
  std::string patient_source = "none";  ///< how outputs name the patient's source
};

/// Scales `model` to `patient` (body size, age, haemoglobin) and calibrates it to the
/// patient's measured vitals, if there are some and options.calibrate.
[[nodiscard]] PersonalisedModel personalise(BodyModel model, Patient patient,
                                            const PersonaliseOptions& options = {});

/// The model of a twin parameter file, loaded as it was stored (no scaling or calibration
/// again).
[[nodiscard]] PersonalisedModel personalise_from_twin_parameters(BodyModel model,
                                                                 const PatientInputFile& input);

/// The one personalisation path, for a patient input of any kind: a twin parameter file is
/// loaded as it was stored (no scaling or calibration again); a patient file or a health
/// record is scaled to and calibrated (personalise() above). Outputs name the source by the
/// input's digest (patient_source_label()).
[[nodiscard]] PersonalisedModel personalise(BodyModel model, const PatientInputFile& input,
                                            const PersonaliseOptions& options = {},
                                            const std::optional<std::string>& as_of = {});

/// personalise() of a patient input file of any kind, read once.
[[nodiscard]] PersonalisedModel personalise(BodyModel model,
                                            const std::filesystem::path& patient_file,
                                            const PersonaliseOptions& options = {},
                                            const std::optional<std::string>& as_of = {});

}  // namespace physiotwin
