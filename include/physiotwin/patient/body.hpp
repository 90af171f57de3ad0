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

#include <array>
#include <cmath>
#include <filesystem>
#include <string>

#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/model/circulation_model.hpp"
#include "physiotwin/model/model_loader.hpp"
#include "physiotwin/patient/health_record.hpp"

namespace physiotwin {

struct Patient {
  std::string id;  ///< e.g. "adult_male"; never a person's name
  std::string description;
  std::string sex = "male";
  double age_years = 40.0;
  double height_cm = 175.0;
  double weight_kg = 70.0;
  std::string source;
  /// From a health record: its SHA-256, which outputs carry instead of the record's path
  /// (file names of records often hold the patient's name).
  std::string record_digest;
  /// From a health record: the values taken from it and those assumed, de-identified
  /// (e.g. "height 179.2 cm (2019-03-11)"), for the run's report and the HDF5 file.
  std::vector<std::string> measured, assumed;
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

/// Reads a patient file. The allowed ranges are those of adults (the model's scope).
[[nodiscard]] inline Patient load_patient(const std::filesystem::path& file) {
  const nlohmann::json document = read_json_file(file);
  const JsonView root(document, file.string(), "");
  static constexpr std::array<std::string_view, 9> members{
      "format", "version", "id", "description", "sex", "age", "height", "weight", "source"};
  root.reject_unknown_members(members);
  if (root["format"].string() != "physiotwin-patient")
    root["format"].fail("expected \"physiotwin-patient\"");
  if (root["version"].number() != 1) root["version"].fail("only version 1 is supported");
  Patient p;
  p.id = root["id"].string();
  p.description = root["description"].string();
  p.sex = root["sex"].string();
  if (p.sex != "male" && p.sex != "female") root["sex"].fail("expected \"male\" or \"female\"");
  static constexpr ParameterSpec age{"age", "a", 18.0, 90.0, "age"};
  static constexpr ParameterSpec height{"height", "cm", 120.0, 230.0, "height"};
  static constexpr ParameterSpec weight{"weight", "kg", 30.0, 250.0, "weight"};
  p.age_years = detail::read_parameter(root["age"], "age", age).value;
  p.height_cm = detail::read_parameter(root["height"], "height", height).value;
  p.weight_kg = detail::read_parameter(root["weight"], "weight", weight).value;
  p.source = root["source"].string();
  return p;
}

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

/// What a twin is built from when it comes from a health record: the body, and which of its
/// numbers were measured and which assumed.
struct RecordPatient {
  Patient patient;
  double hemoglobin_g_per_dl = 15.0;
  std::vector<std::string> measured, assumed;  ///< e.g. "height 178.9 cm (2016-03-07)"
};

/// The patient of a health record: its sex and age, its latest height, weight and
/// haemoglobin, or population values for those it lacks (listed as assumed).
[[nodiscard]] inline RecordPatient patient_from_record(const HealthRecord& record) {
  RecordPatient out;
  Patient& p = out.patient;
  p.id = record.pseudonym;
  p.description = "patient of a FHIR health record (pseudonymous id; record sha256 " +
                  record.record_digest.substr(0, 16) + "...)";
  p.sex = record.sex;
  p.age_years = record.age_years;
  p.source = "FHIR record, sha256 " + record.record_digest;
  p.record_digest = record.record_digest;
  const PopulationValues population = population_values(record.sex);
  auto take = [&](Measure m, double fallback, const char* unit, double& target) {
    const RecordValue& v = record[m];
    const auto& name = measure_specs[std::size_t(m)].name;
    if (v.present()) {
      target = v.value;
      out.measured.push_back(fmt::format("{} {:.4g} {} ({})", name, v.value, unit, v.date));
    } else {
      target = fallback;
      out.assumed.push_back(fmt::format("{} {:.4g} {} (population value: the record has none)",
                                        name, fallback, unit));
    }
  };
  take(Measure::height, population.height_cm, "cm", p.height_cm);
  take(Measure::weight, population.weight_kg, "kg", p.weight_kg);
  // The adult limits of patient files (load_patient()).
  auto adult = [&](Measure m, double value, double lo, double hi, const char* unit) {
    if (value >= lo && value <= hi) return;
    throw InputError(fmt::format(
        "{}: {} {:g} {} is outside the adult range [{:g}, {:g}] {} "
        "(the latest value in the record)",
        record[m].where, measure_specs[std::size_t(m)].name, value, unit, lo, hi, unit));
  };
  adult(Measure::height, p.height_cm, 120.0, 230.0, "cm");
  adult(Measure::weight, p.weight_kg, 30.0, 250.0, "kg");
  take(Measure::hemoglobin, population.hemoglobin_g_per_dl, "g/dL", out.hemoglobin_g_per_dl);
  p.measured = out.measured;
  p.assumed = out.assumed;
  return out;
}

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
inline void scale_to_patient(CirculationModel& model, const Patient& patient) {
  const BodyScale s = body_scale(model.reference_body, patient);
  const std::string cause = fmt::format("scaling to patient {} (blood volume x{:.3f}, BSA x{:.3f})",
                                        patient.id, s.volume, s.flow);
  for (std::size_t i = 0; i < model.parameters.size(); ++i) {
    const Parameter& p = model.parameters.at(i);
    double factor = 1.0;
    switch (p.scaling) {
      case BodyScaling::none:
        break;
      case BodyScaling::volume:
      case BodyScaling::compliance:
        factor = s.volume;
        break;
      case BodyScaling::elastance:
      case BodyScaling::stiffness:
        factor = 1.0 / s.volume;
        break;
      case BodyScaling::resistance:
      case BodyScaling::inertance:
        factor = 1.0 / s.flow;
        break;
      case BodyScaling::metabolic:
        factor = s.flow;
        break;
      case BodyScaling::resting_pressure:
        factor = s.volume / s.flow;
        break;
    }
    if (factor != 1.0) model.parameters.set_derived(i, p.value * factor, cause);
  }
  model.set_initial_volume_scale(s.volume);
  model.refresh();
}

}  // namespace physiotwin
