#pragma once
// Groups of parameters that act together, found from a model's structure rather than from
// names: what calibration (patient/calibration.hpp) fits and ageing (patient/aging.hpp)
// changes.
#include <algorithm>
#include <optional>
#include <vector>

#include "physiotwin/model/body_model.hpp"

namespace physiotwin {

/// The systemic vascular resistance: the resistances of the organ beds (arterioles, venules,
/// venous return).
[[nodiscard]] inline std::vector<std::size_t> organ_bed_resistances(const BodyModel& model) {
  std::vector<std::size_t> out;
  for (const auto& k : model.connections) {
    if (k.organ_bed.empty() || k.kind != ConnectionKind::resistance) continue;
    out.push_back(model.parameters.index_of(k.name + ".resistance"));
  }
  return out;
}

/// The large arteries' compliances: the compartments the organ beds are fed from, and the
/// aorta.
[[nodiscard]] inline std::vector<std::size_t> large_artery_compliances(const BodyModel& model) {
  std::vector<std::size_t> out;
  for (std::size_t c : model.large_artery_compartments())
    out.push_back(model.parameters.index_of(model.compartments[c].name + ".compliance"));
  return out;
}

/// The distensible resistances' distensibilities (alpha; the lungs' capillary bed).
[[nodiscard]] inline std::vector<std::size_t> distensibilities(const BodyModel& model) {
  std::vector<std::size_t> out;
  for (const auto& k : model.connections) {
    if (k.kind == ConnectionKind::distensible_resistance)
      out.push_back(model.parameters.index_of(k.name + ".distensibility"));
  }
  return out;
}

/// The left ventricle's end-systolic elastance, if the model has a left ventricle.
[[nodiscard]] inline std::optional<std::size_t> lv_end_systolic_elastance(const BodyModel& model) {
  if (!model.roles.left_ventricle) return std::nullopt;
  return model.parameters.index_of(model.compartments[*model.roles.left_ventricle].name +
                                   ".end_systolic_elastance");
}

}  // namespace physiotwin
