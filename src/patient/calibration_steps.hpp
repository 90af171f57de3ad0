#pragma once
// The pieces calibration (src/patient/calibration.cpp) is built from: factors on groups of
// parameters, the mechanics-only model and moving states between layouts, the values and
// tolerances of the targets, the baroreflex's resting set point and heart-period ratio, and
// the shunt fraction for an SpO2. Each is small and checked through calibrate()'s tests.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "physiotwin/gas/blood_gas.hpp"
#include "physiotwin/model/block_types.hpp"
#include "physiotwin/model/parameter_groups.hpp"
#include "physiotwin/patient/body.hpp"
#include "physiotwin/steady_state.hpp"

namespace physiotwin {
namespace detail {

/// A log factor on a group of parameters (their values before calibration times e^value).
struct FactorGroup {
  std::string name;
  std::vector<std::size_t> parameters;
  std::vector<double> base;
  Measure target = Measure::count;  ///< the measurement it answers (for the first step)
  double value = 0.0;
};

/// Sets every group's parameters (clamped to their ranges; a clamped value is reported).
inline void apply_factors(BodyModel& model, const std::vector<FactorGroup>& groups,
                          std::vector<std::string>* clamped = nullptr) {
  for (const FactorGroup& g : groups) {
    for (std::size_t i = 0; i < g.parameters.size(); ++i) {
      const Parameter& p = model.parameters.at(g.parameters[i]);
      const double wanted = g.base[i] * std::exp(g.value);
      const double value = std::clamp(wanted, p.min, p.max);
      if (clamped != nullptr && value != wanted) {
        clamped->push_back(fmt::format("{}: {} would need {:.4g} {}, outside its range {}", g.name,
                                       p.name, wanted, p.unit, describe_range(p)));
      }
      model.parameters.set_derived(g.parameters[i], value, "calibration");
    }
  }
  model.refresh();
}

/// Sets one parameter, clamped to its range; a clamped value is reported.
inline void set_clamped(BodyModel& model, const char* name, double wanted, const char* what,
                        std::vector<std::string>& warnings) {
  const std::size_t i = model.parameters.index_of(name);
  const Parameter& p = model.parameters.at(i);
  const double value = std::clamp(wanted, p.min, p.max);
  if (value != wanted) {
    // Not the wanted value: it is the record's measurement (or derived from it).
    warnings.push_back(
        fmt::format("{}: {} would need a value outside its range {}; set to the "
                    "nearest limit",
                    what, name, describe_range(p)));
  }
  model.parameters.set_derived(i, value, "calibration");
  model.refresh();
}

/// The model's mechanics alone: both reflexes switched off, and without the gases (which
/// act on the mechanics only through the chemoreflex). A different state layout: states
/// move between the two by name (transfer_state()).
[[nodiscard]] inline BodyModel open_loop_mechanics(const BodyModel& model) {
  BodyModel m = model;
  for (const char* reflex : {"baroreflex.enabled", "chemoreflex.enabled"}) {
    if (m.parameters.contains(reflex)) m.parameters.set(reflex, 0.0);
  }
  m.chemoreflex.reset();
  m.gas_exchange.reset();
  m.start_state.clear();
  m.finalise();
  return m;
}

/// `to`'s initial state with every state `from` also has taken from y (by name), except the
/// baroreflex's effectors, which stay at `to`'s (its rest, when it has no initial state).
[[nodiscard]] inline std::vector<double> transfer_state(const BodyModel& from,
                                                        std::span<const double> y,
                                                        const BodyModel& to) {
  std::vector<double> out(to.state_size());
  BodyModel built = to;
  built.start_state.clear();
  built.initial_state(out);
  const auto& names = from.state_names();
  const auto& target = to.state_names();
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i].starts_with("baroreflex.") && target[i] != "baroreflex.filtered_pressure")
      continue;
    const auto it = std::find(names.begin(), names.end(), target[i]);
    if (it != names.end()) out[i] = y[std::size_t(it - names.begin())];
  }
  return out;
}

/// The arterial PO2 (mmHg) at which the model's blood is `spo2` % saturated at PCO2 `pco2`.
[[nodiscard]] inline double po2_for_saturation(const BodyModel& model, double spo2, double pco2) {
  const auto& d = gas::dissociation_for(model.parameters.value("gas.hemoglobin"));
  double lo = 0.0, hi = 700.0;  // bisection: the saturation rises with the PO2
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (gas::blood_content(d, mid, pco2).saturation * 100.0 < spo2 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

/// SpO2 through the shunt fraction, from the lungs' steady O2 balance
/// C_a = C_c'(P_A) - s VO2 / (CO (1 - s)) solved for s, with a settled twin's alveolar PO2,
/// arterial PCO2, cardiac output and O2 consumption.
[[nodiscard]] inline double shunt_for_spo2(const BodyModel& model, const RestingValues& v,
                                           double spo2) {
  const auto& d = gas::dissociation_for(model.parameters.value("gas.hemoglobin"));
  const double end_capillary = gas::blood_content(d, v.alveolar_po2, v.arterial_pco2).o2;
  const double arterial =
      gas::blood_content(d, po2_for_saturation(model, spo2, v.arterial_pco2), v.arterial_pco2).o2;
  const double gap = (end_capillary - arterial) * v.cardiac_output * 1000.0;  // mL O2/min
  return gap / (v.o2_consumption + gap);
}

/// The settled value a measurement is compared with.
[[nodiscard]] inline double settled_value(Measure m, const RestingValues& v) {
  switch (m) {
    case Measure::systolic_pressure:
      return v.systolic;
    case Measure::diastolic_pressure:
      return v.diastolic;
    case Measure::lv_ejection_fraction:
      return v.ejection_fraction;
    case Measure::heart_rate:
      return v.heart_rate;
    case Measure::respiratory_rate:
      return v.respiratory_rate;
    case Measure::spo2:
      return v.spo2;
    default:
      return std::nan("");
  }
}

/// Calibration's tolerance for each target (issue 4): the report's "within".
[[nodiscard]] inline double calibration_tolerance(Measure m) {
  switch (m) {
    case Measure::heart_rate:
    case Measure::respiratory_rate:
      return 1.0;  // 1/min
    case Measure::spo2:
      return 1.0;  // %
    default:
      return 2.0;  // mmHg for pressures, percentage points for the ejection fraction
  }
}

/// The chemoreceptors' drive on the sympathetic neurons over a settled window, from its kept
/// samples of the peripheral chemoreceptors' firing (empty: not kept, or no chemoreflex).
[[nodiscard]] inline std::vector<double> chemoreceptor_drive(const BodyModel& model,
                                                             const SteadyState& settled) {
  std::vector<double> drive;
  if (settled.kept.size() < 2 || !model.chemoreflex) return drive;
  for (double firing : settled.kept[1]) {
    double x[control::chemoreflex_state_count] = {firing, 0, 0, 0, 0};
    drive.push_back(control::chemoreflex_effects(model.chemoreflex_coefficients(), x).sympathetic);
  }
  return drive;
}

/// The set point at which the baroreflex rests for the kept samples of a settled window
/// (filtered pressure, and the peripheral chemoreceptors' firing if kept).
[[nodiscard]] inline double resting_set_point(const BodyModel& model, const SteadyState& settled) {
  const Parameter& p = model.parameters.get("baroreflex.set_point");
  return control::resting_set_point(model.baroreflex_coefficients(), settled.kept[0],
                                    chemoreceptor_drive(model, settled), p.min, p.max);
}

/// Puts the baroreflex's set point at `value` (within its range), as calibration derived it.
inline void set_reflex_set_point(BodyModel& model, double value) {
  const std::size_t i = model.parameters.index_of("baroreflex.set_point");
  const Parameter& p = model.parameters.at(i);
  model.parameters.set_derived(i, std::clamp(value, p.min, p.max),
                               "calibration: the reflex rests at the calibrated pressure");
  model.refresh();
}

/// Puts the cardiopulmonary reflex's set point where it rests for a settled window whose last
/// kept signal is cardiopulmonary.sensed_pressure, if it is more than `tolerance` mmHg away.
/// Returns whether it moved (false without the reflex or samples).
inline bool rest_cardiopulmonary_reflex(BodyModel& model, const SteadyState& settled,
                                        double tolerance) {
  if (!model.cardiopulmonary || settled.kept.empty()) return false;
  const double solved = control::resting_cardiopulmonary_set_point(
      model.cardiopulmonary_coefficients(), settled.kept.back());
  const std::size_t i = model.parameters.index_of("cardiopulmonary.set_point");
  const Parameter& p = model.parameters.at(i);
  if (!std::isfinite(solved) || std::abs(solved - p.value) <= tolerance) return false;
  model.parameters.set_derived(i, std::clamp(solved, p.min, p.max),
                               "calibration: the reflex rests at the calibrated right atrium");
  model.refresh();
  return true;
}

/// The largest local O2 tone (control/local_oxygen.hpp, a relative change of conductance) any
/// bed would hold at rest at arterial PO2 `po2` with the resting PO2 where it is now (0 without
/// the block).
[[nodiscard]] inline double largest_resting_local_tone(const BodyModel& model, double po2) {
  if (!model.local_oxygen) return 0.0;
  const control::LocalOxygenCoefficients& c = model.local_oxygen_coefficients();
  const double s =
      control::local_oxygen_stimulus(c, po2, model.chemoreflex_coefficients().co2_set_point);
  double largest = 0.0;
  for (std::size_t j = 0; j < control::oxygen_bed_count; ++j)
    largest = std::max(largest, std::abs(control::local_oxygen_target(c, j, s)));
  return largest;
}

/// A local O2 tone below this (0.5 % of a bed's conductance) is rest.
inline constexpr double resting_local_tone_tolerance = 0.005;

/// Puts the resting arterial PO2 (chemoreflex.resting_po2, from which hypoxia's vagal
/// withdrawal and the beds' local O2 tone are measured) at arterial PO2 `po2`, if the
/// withdrawal there is more than `tolerance` spikes/s (about 0.2 /min of heart rate at 0.03)
/// or a bed's local tone more than resting_local_tone_tolerance (with `tolerance` 0: unless
/// both are exactly at rest).
/// Returns whether it moved (false without the chemoreflex or a finite PO2).
inline bool rest_at_arterial_po2(BodyModel& model, double po2, double tolerance) {
  if (!model.chemoreflex || !std::isfinite(po2)) return false;
  const std::size_t i = model.parameters.index_of("chemoreflex.resting_po2");
  const Parameter& p = model.parameters.at(i);
  const double at = std::clamp(po2, p.min, p.max);
  // With `tolerance` 0 only exact rest stays (the tone is exactly 0 without the block).
  const double tone_tolerance = tolerance > 0.0 ? resting_local_tone_tolerance : 0.0;
  if (std::abs(control::hypoxic_vagal_withdrawal(model.chemoreflex_coefficients(), at)) <=
          tolerance &&
      largest_resting_local_tone(model, at) <= tone_tolerance)
    return false;
  model.parameters.set_derived(i, at, "calibration: the patient's own resting arterial PO2");
  model.refresh();
  return true;
}

/// How far the baroreflex is from rest over a settled window (control::resting_excess()).
[[nodiscard]] inline double resting_excess(const BodyModel& model, const SteadyState& settled) {
  return control::resting_excess(model.baroreflex_coefficients(), settled.kept[0],
                                 chemoreceptor_drive(model, settled));
}

/// The gas values the shunt for an SpO2 is computed from (shunt_for_spo2()), before any gas
/// has been simulated: the model's resting alveolar PO2 and arterial PCO2 (its built initial
/// state), the O2 consumption its tissues' parameters ask for, and a cardiac output.
[[nodiscard]] inline RestingValues resting_gas_values(const BodyModel& model,
                                                      double cardiac_output) {
  RestingValues v;
  BodyModel built = model;
  built.start_state.clear();
  std::vector<double> y(built.state_size());
  built.initial_state(y);
  v.alveolar_po2 = built.airway_gas_pressures(y.data(), resp::alveoli).po2;
  v.arterial_pco2 = built.blood_gas_pressures(y.data(), built.gas_exchange->arterial_site).pco2;
  v.cardiac_output = cardiac_output;
  v.o2_consumption = 0.0;
  for (std::size_t first : model.gas_exchange->tissue_first_parameter) {
    v.o2_consumption +=
        blocks::BlockValues<blocks::tissue>(model.parameters, first).get<"o2_consumption">();
  }
  return v;
}

/// Heart period ratio the baroreflex leaves at the reflex's set point: 1 when its vagal
/// drive rests too (the heart rate is heart.rate divided by it). Measured against the reflex's
/// rest without stress, exercise or blockade, as the running model measures it
/// (ModelEvaluator's reflex_rest_), so that a stress level or a blockade left in a model or
/// patient file is not calibrated into heart.rate.
[[nodiscard]] inline double resting_period_ratio(const BodyModel& model,
                                                 const SteadyState& settled) {
  const auto& c = model.baroreflex_coefficients();
  const auto mean = control::mean_effector_drive(c, settled.kept[0], {});
  const auto rest = control::effector_drive(control::without_stress(c), c.set_point);
  return control::baroreflex_effects(c, mean.data(), rest).period_ratio;
}

}  // namespace detail

}  // namespace physiotwin
