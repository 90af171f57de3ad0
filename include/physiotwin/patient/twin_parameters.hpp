#pragma once
// A twin parameter file (docs/patient-format.md, "Twin parameter files"): a personalised
// twin, stored. `physiotwin calibrate RECORD --out twin.json` writes one; `run --patient`
// reads it and gets the same twin without scaling or calibrating again. It holds the
// de-identified patient (pseudonymous id, record digest, measured values), the calibration
// report and the value of every parameter of the model, with its unit. Read and written by
// src/files/twin_parameters.cpp.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "physiotwin/model/body_model.hpp"
#include "physiotwin/patient/body.hpp"

namespace physiotwin {

inline constexpr std::string_view twin_parameters_format = "physiotwin-twin-parameters";
/// Version 2 added "start_state"; version 1 files are still read (their twins start from the
/// model's resting state).
inline constexpr int twin_parameters_version = 2;

/// What a twin parameter file holds besides the parameters.
struct TwinParameters {
  Patient patient;
  std::vector<std::string> calibration;  ///< the calibration report's lines
  bool calibrated = false;
};

/// Whether a parsed JSON document is a twin parameter file.
[[nodiscard]] bool is_twin_parameters(const nlohmann::json& document);

/// The SHA-256 of a model file, by which a twin parameter file names the model it was made
/// from: of the bytes the loader read (empty for a model not read from a file).
[[nodiscard]] inline std::string model_digest(const BodyModel& model) {
  return model.source_digest;
}

/// The text of a twin parameter file of `model` (what write_twin_parameters() writes).
[[nodiscard]] std::string twin_parameters_text(const BodyModel& model, const TwinParameters& twin);

/// Writes `model` (scaled to and calibrated for `twin.patient`) as a twin parameter file.
/// Written whole or not at all (core/atomic_file.hpp).
void write_twin_parameters(const std::filesystem::path& file, const BodyModel& model,
                           const TwinParameters& twin);

/// Reads a twin parameter file into `model` (loaded from the model file it was made from):
/// every parameter the model has must be in the file, with the same unit and inside its
/// range, and the file must name no other. The model's initial volumes follow the patient's
/// body as scale_to_patient() sets them. `warning` receives a note when the model file
/// differs from the one the parameters were made from (the names and units still match);
/// then parameters and states the model gained since take the model's values, and the note
/// names them.
[[nodiscard]] TwinParameters load_twin_parameters_text(std::string_view text,
                                                       const std::filesystem::path& file,
                                                       BodyModel& model,
                                                       std::string* warning = nullptr);

/// load_twin_parameters_text() of a file.
[[nodiscard]] TwinParameters load_twin_parameters(const std::filesystem::path& file,
                                                  BodyModel& model, std::string* warning = nullptr);

}  // namespace physiotwin
