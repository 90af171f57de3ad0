#pragma once
// A patient's body, read from a patient file (docs/patient-format.md), and the scaling of a
// circulation from its reference body to that patient.
//
// Blood volume: Nadler, Hidalgo & Bloch 1962, Surgery 51:224 (H in m, W in kg, BV in L):
//   men   BV = 0.3669 H^3 + 0.03219 W + 0.6041
//   women BV = 0.3561 H^3 + 0.03308 W + 0.1833
// Body surface area: Du Bois & Du Bois 1916, Arch Intern Med 17:863:
//   BSA = 0.007184 H(cm)^0.725 W(kg)^0.425 m^2
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "physiotwin/model/body_model.hpp"
#include "physiotwin/patient/aging.hpp"
#include "physiotwin/patient/record_measures.hpp"

namespace physiotwin {

class JsonView;       // core/json_reader.hpp
struct HealthRecord;  // patient/health_record.hpp

struct Patient {
  std::string id;  ///< e.g. "adult_male"; never a person's name
  std::string description;
  std::string sex = "male";
  /// Years; 90 for anyone older (the model's oldest age: its age-related changes stop there).
  double age_years = 40.0;
  /// Over 89: outputs show "90 or older", never the age (HIPAA Safe Harbor).
  bool age_90_or_older = false;
  double height_cm = 175.0;
  double weight_kg = 70.0;
  std::string source;
  /// Read from a health record just now (not from a patient file): outputs name its source
  /// "FHIR health record", never by the record's path or digest (docs/patient-records.md).
  bool from_health_record = false;
  /// Measured values (vitals, laboratory values) in the units of measure_specs; NaN where
  /// there is none. Haemoglobin sets the blood's O2 capacity (scale_to_patient()); the
  /// vitals are the targets of calibration.
  std::array<double, std::size_t(Measure::count)> measurements = absent_measurements();
  /// From a health record: the values taken from it and those assumed, de-identified
  /// (e.g. "height 179.2 cm (2019)"), for the run's report and the HDF5 file.
  std::vector<std::string> measured, assumed;
  /// From a health record: what was skipped and why, one line each (not stored in files).
  std::vector<std::string> warnings;

  /// The age as outputs may show it: "73", or "90 or older".
  [[nodiscard]] std::string age_text() const {
    return age_90_or_older ? std::string("90 or older") : fmt::format("{:g}", age_years);
  }

  [[nodiscard]] double measurement(Measure m) const noexcept {
    return measurements[std::size_t(m)];
  }
  static constexpr std::array<double, std::size_t(Measure::count)> absent_measurements() {
    std::array<double, std::size_t(Measure::count)> a{};
    a.fill(std::numeric_limits<double>::quiet_NaN());
    return a;
  }
};

[[nodiscard]] inline double nadler_blood_volume_ml(const std::string& sex, double height_cm,
                                                   double weight_kg) noexcept {
  const double h = height_cm / 100.0;
  const double litres = sex == "female" ? 0.3561 * h * h * h + 0.03308 * weight_kg + 0.1833
                                        : 0.3669 * h * h * h + 0.03219 * weight_kg + 0.6041;
  return 1000.0 * litres;
}

[[nodiscard]] inline double du_bois_body_surface_area_m2(double height_cm,
                                                         double weight_kg) noexcept {
  return 0.007184 * std::pow(height_cm, 0.725) * std::pow(weight_kg, 0.425);
}

/// The adult limits of body size (the model's scope), for patient files and records.
inline constexpr ParameterSpec patient_age_spec{"age", "a", 18.0, 90.0, "age"};
inline constexpr ParameterSpec patient_height_spec{"height", "cm", 120.0, 230.0, "height"};
inline constexpr ParameterSpec patient_weight_spec{"weight", "kg", 30.0, 250.0, "weight"};

/// Reads a patient object (docs/patient-format.md) at `root` (src/files/patient_file.cpp).
[[nodiscard]] Patient read_patient(const JsonView& root);
/// Reads a patient file's text (`file` names it in messages).
[[nodiscard]] Patient load_patient_text(std::string_view text, const std::filesystem::path& file);
/// Reads a patient file.
[[nodiscard]] Patient load_patient(const std::filesystem::path& file);
/// A patient as a patient object (the inverse of read_patient()), without format and version.
/// Holds only what a patient file holds: the pseudonymous id, never a name.
[[nodiscard]] nlohmann::ordered_json patient_json(const Patient& p);

/// Population values for what a health record lacks. Height and weight: means of US adults
/// (20 years and over), NHANES 2015-2018 (Fryar et al. 2021, Vital Health Stat 3(46)).
/// Haemoglobin: Guyton & Hall, Textbook of Medical Physiology (men 15, women 14 g/dL).
struct PopulationValues {
  double height_cm, weight_kg, hemoglobin_g_per_dl;
};
[[nodiscard]] inline PopulationValues population_values(const std::string& sex) noexcept {
  return sex == "female" ? PopulationValues{161.3, 77.5, 14.0}
                         : PopulationValues{175.3, 90.6, 15.0};
}

/// The patient of a health record: its sex and age, its latest height and weight (population
/// values where it has none usable, listed as assumed), and its latest measurements within
/// their windows. Outputs carry years, never dates, and no age past 89.
[[nodiscard]] Patient patient_from_record(const HealthRecord& record);

/// Body-size ratios of a patient against a model's reference body.
struct BodyScale {
  double volume = 1.0;  ///< blood volume ratio (Nadler)
  double flow = 1.0;    ///< body surface area ratio (Du Bois): resting flows follow it
};

[[nodiscard]] inline BodyScale body_scale(const ReferenceBody& reference, const Patient& patient) {
  return {nadler_blood_volume_ml(patient.sex, patient.height_cm, patient.weight_kg) /
              nadler_blood_volume_ml(reference.sex, reference.height_cm, reference.weight_kg),
          du_bois_body_surface_area_m2(patient.height_cm, patient.weight_kg) /
              du_bois_body_surface_area_m2(reference.height_cm, reference.weight_kg)};
}

/// Scales every parameter of a model by the rule its block type declares. Pressures stay
/// the same; volumes follow blood volume; resting flows follow body surface area.
void scale_to_patient(BodyModel& model, const Patient& patient);

}  // namespace physiotwin
