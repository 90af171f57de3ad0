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

namespace physiotwin {

struct Patient {
  std::string id;  ///< e.g. "adult_male"; never a person's name
  std::string description;
  std::string sex = "male";
  double age_years = 40.0;
  double height_cm = 175.0;
  double weight_kg = 70.0;
  std::string source;
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
