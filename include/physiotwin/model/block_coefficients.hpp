#pragma once
// Each block's coefficients as its equations use them, built from the block's parameters by
// key (model/block_types.hpp's BlockValues: a misspelt key does not compile). The one place
// where a parameter becomes a coefficient; unit changes on the way (cmH2O, mL/min) are here.
#include <cstddef>
#include <vector>

#include "physiotwin/cardio/activation.hpp"
#include "physiotwin/cardio/distensible_vessel.hpp"
#include "physiotwin/cardio/elastance_wall.hpp"
#include "physiotwin/cardio/valve.hpp"
#include "physiotwin/cardio/ventricular_interaction.hpp"
#include "physiotwin/control/baroreflex.hpp"
#include "physiotwin/control/cardiopulmonary_reflex.hpp"
#include "physiotwin/control/chemoreflex.hpp"
#include "physiotwin/control/exercise.hpp"
#include "physiotwin/control/local_oxygen.hpp"
#include "physiotwin/core/units.hpp"
#include "physiotwin/fluid/fluid_exchange.hpp"
#include "physiotwin/gas/gas_transport.hpp"
#include "physiotwin/model/block_types.hpp"
#include "physiotwin/model/exercise_parameters.hpp"
#include "physiotwin/model/local_oxygen_parameters.hpp"
#include "physiotwin/resp/lung_mechanics.hpp"

namespace physiotwin::coefficients {

using blocks::BlockValues;

/// A chamber's wall, or a septum's (the interaction block's septum_* parameters).
[[nodiscard]] inline cardio::ElastanceWall chamber_wall(const ParameterSet& p, std::size_t first) {
  const BlockValues<blocks::chamber> v(p, first);
  return {.ees = v.get<"end_systolic_elastance">(),
          .vd = v.get<"dead_volume">(),
          .p0 = v.get<"diastolic_pressure_scale">(),
          .lambda = v.get<"diastolic_stiffness">(),
          .v0 = v.get<"diastolic_rest_volume">()};
}

[[nodiscard]] inline cardio::ElastanceWall septum_wall(const ParameterSet& p, std::size_t first) {
  const BlockValues<blocks::ventricular_interaction> v(p, first);
  return {.ees = v.get<"septum_end_systolic_elastance">(),
          .vd = v.get<"septum_dead_volume">(),
          .p0 = v.get<"septum_pressure_scale">(),
          .lambda = v.get<"septum_stiffness">(),
          .v0 = v.get<"septum_rest_volume">()};
}

[[nodiscard]] inline cardio::Pericardium pericardium(const ParameterSet& p, std::size_t first) {
  const BlockValues<blocks::ventricular_interaction> v(p, first);
  return {.p0 = v.get<"pericardium_pressure_scale">(),
          .lambda = v.get<"pericardium_stiffness">(),
          .v0 = v.get<"pericardium_rest_volume">()};
}

/// A double-Hill activation, normalised; its onset (s) is returned separately.
[[nodiscard]] inline cardio::DoubleHill double_hill(const ParameterSet& p, std::size_t first) {
  const BlockValues<blocks::activation> v(p, first);
  cardio::DoubleHill curve;
  curve.tau1 = v.get<"contraction_time">();
  curve.tau2 = v.get<"relaxation_time">();
  curve.m1 = v.get<"contraction_steepness">();
  curve.m2 = v.get<"relaxation_steepness">();
  curve.normalise();
  return curve;
}
[[nodiscard]] inline double activation_onset(const ParameterSet& p, std::size_t first) {
  return BlockValues<blocks::activation>(p, first).get<"onset">();
}

/// Smith 2004's Gaussian activation e = exp(-B (t - C)^2).
struct GaussianActivation {
  double steepness = 0.0, peak_time = 0.0;
};
[[nodiscard]] inline GaussianActivation gaussian(const ParameterSet& p, std::size_t first) {
  const BlockValues<blocks::gaussian_activation> v(p, first);
  return {v.get<"steepness">(), v.get<"peak_time">()};
}

[[nodiscard]] inline cardio::ValveCoefficients valve(const ParameterSet& p, std::size_t first) {
  const BlockValues<blocks::valve> v(p, first);
  return {.max_area = v.get<"max_area">(),
          .min_area = v.get<"min_area">(),
          .length = v.get<"effective_length">(),
          .opening_rate = v.get<"opening_rate">(),
          .closing_rate = v.get<"closing_rate">()};
}

/// A linear resistance's conductance, 1/R (mL/(mmHg s)).
[[nodiscard]] inline double conductance(const ParameterSet& p, std::size_t first) {
  return 1.0 / BlockValues<blocks::resistance>(p, first).get<"resistance">();
}
/// A distensible resistance's conductance at its reference pressure, and its law.
struct Distensible {
  double conductance = 0.0;
  cardio::DistensibleVessel vessel;
};
[[nodiscard]] inline Distensible distensible(const ParameterSet& p, std::size_t first) {
  const BlockValues<blocks::distensible_resistance> v(p, first);
  const double alpha = v.get<"distensibility">();
  return {
      1.0 / v.get<"resistance">(),
      {.distensibility = alpha, .reference_diameter = 1.0 + alpha * v.get<"reference_pressure">()}};
}
/// An inertance's or ideal valve's R and 1/L (both tables start resistance, inertance).
struct Inertial {
  double resistance = 0.0, inverse_inertance = 0.0;
};
[[nodiscard]] inline Inertial inertial(const ParameterSet& p, std::size_t first) {
  static_assert(blocks::offset_of(blocks::inertance, "resistance") ==
                    blocks::offset_of(blocks::ideal_valve, "resistance") &&
                blocks::offset_of(blocks::inertance, "inertance") ==
                    blocks::offset_of(blocks::ideal_valve, "inertance"));
  const BlockValues<blocks::inertance> v(p, first);
  return {v.get<"resistance">(), 1.0 / v.get<"inertance">()};
}

[[nodiscard]] inline control::CardiopulmonaryCoefficients cardiopulmonary(const ParameterSet& p,
                                                                          std::size_t first) {
  const BlockValues<blocks::cardiopulmonary> v(p, first);
  control::CardiopulmonaryCoefficients c;
  c.enabled = v.get<"enabled">() >= 0.5;
  c.set_point = v.get<"set_point">();
  c.saturation = v.get<"saturation">();
  c.resistance_gain = v.get<"resistance_gain">();
  c.splanchnic_volume_gain = v.get<"splanchnic_volume_gain">();
  c.extrasplanchnic_volume_gain = v.get<"extrasplanchnic_volume_gain">();
  c.resistance_time_constant = v.get<"resistance_time_constant">();
  c.venous_time_constant = v.get<"venous_time_constant">();
  return c;
}

[[nodiscard]] inline control::BaroreflexCoefficients baroreflex(const ParameterSet& p,
                                                                std::size_t first) {
  const BlockValues<blocks::baroreflex> v(p, first);
  control::BaroreflexCoefficients c;
  c.enabled = v.get<"enabled">() >= 0.5;
  c.set_point = v.get<"set_point">();
  c.afferent_slope = v.get<"afferent_slope">();
  c.lag_time = v.get<"afferent_lag_time">();
  c.lead_time = v.get<"afferent_lead_time">();
  c.min_rate = v.get<"afferent_min_rate">();
  c.max_rate = v.get<"afferent_max_rate">();
  c.sympathetic_infinity = v.get<"sympathetic_rate_infinity">();
  c.sympathetic_zero = v.get<"sympathetic_rate_zero">();
  c.sympathetic_threshold = v.get<"sympathetic_threshold">();
  c.sympathetic_slope = v.get<"sympathetic_slope">();
  c.vagal_zero = v.get<"vagal_rate_zero">();
  c.vagal_infinity = v.get<"vagal_rate_infinity">();
  c.vagal_center = v.get<"vagal_center">();
  c.vagal_slope = v.get<"vagal_slope">();
  c.basal_period = v.get<"basal_period">();
  c.maximal_heart_rate = v.get<"maximal_heart_rate">();
  c.stress_level = v.get<"stress_level">();
  c.stress_sympathetic_drive = v.get<"stress_sympathetic_drive">();
  c.stress_vagal_withdrawal = v.get<"stress_vagal_withdrawal">();
  c.stress_breathing_rate = v.get<"stress_breathing_rate">();
  c.stress_breathing_depth = v.get<"stress_breathing_depth">();
  c.respiratory_vagal_gating = v.get<"respiratory_vagal_gating">();
  c.vagal_blockade = v.get<"vagal_blockade">();
  c.beta_blockade = v.get<"beta_blockade">();
  for (std::size_t e = 0; e < control::effector_count; ++e) {
    const blocks::EffectorParameterOffsets& at = blocks::effector_parameters[e];
    c.gain[e] = v.at(at.gain);
    c.time_constant[e] = v.at(at.time_constant);
    c.delay[e] = v.at(at.delay);
    c.basal[e] = at.has_basal ? v.at(at.basal) : 0.0;
  }
  return c;
}

/// The lungs' mechanics and breathing pattern into `lungs` (whose `spontaneous`, set by the
/// ventilator, is kept).
inline void lungs(const ParameterSet& p, std::size_t first, resp::LungCoefficients& lungs) {
  const BlockValues<blocks::respiration> v(p, first);
  static_assert(blocks::airway_parameters.size() == resp::airway_count);
  for (std::size_t a = 0; a < resp::airway_count; ++a) {
    lungs.compliance[a] = v.at(blocks::airway_parameters[a].compliance);
    lungs.unstressed[a] = v.at(blocks::airway_parameters[a].unstressed_volume);
    lungs.resistance[a] = v.at(blocks::airway_parameters[a].resistance);
  }
  lungs.chest_wall_compliance = v.get<"chest_wall_compliance">();
  lungs.end_expiratory_pleural_pressure = v.get<"end_expiratory_pleural_pressure">();
  lungs.rate = v.get<"rate">();
  lungs.ie_ratio = v.get<"ie_ratio">();
  lungs.muscle_pressure_min = v.get<"muscle_pressure_min">();
  lungs.paced_rate = v.get<"paced_rate">();
  lungs.paced_depth_exponent = v.get<"paced_depth_exponent">();
}

/// Gas exchange's coefficients into `c` (inspired gas as the parameters give it).
inline void gas_exchange(const ParameterSet& p, std::size_t first, gas::GasCoefficients& c) {
  const BlockValues<blocks::gas_exchange> v(p, first);
  c.blood = gas::dissociation_for(v.get<"hemoglobin">());
  c.shunt_fraction = v.get<"shunt_fraction">();
  c.inspired_fraction = {v.get<"inspired_o2_fraction">(), v.get<"inspired_co2_fraction">()};
  c.atmospheric_pressure = v.get<"atmospheric_pressure">();
  c.water_vapour_pressure = v.get<"water_vapour_pressure">();
  c.respiratory_quotient = v.get<"respiratory_quotient">();
  c.consumption_half_content = v.get<"consumption_half_content">();
}

/// Fluid exchange (fluid/fluid_exchange.hpp) in mL, mmHg, g and seconds; `share`: the beds'.
[[nodiscard]] inline fluid::FluidCoefficients fluid_exchange(const ParameterSet& p,
                                                             std::size_t first,
                                                             const std::vector<double>& share) {
  const BlockValues<blocks::fluid_exchange> v(p, first);
  fluid::FluidCoefficients k;
  k.filtration_coefficient = v.get<"filtration_coefficient">() / 60.0;
  k.reflection_coefficient = v.get<"reflection_coefficient">();
  k.exchange_pressure_fraction = v.get<"exchange_pressure_fraction">();
  k.plasma_protein = v.get<"plasma_protein">();
  k.interstitial_volume = v.get<"interstitial_volume">();
  k.interstitial_pressure = v.get<"interstitial_pressure">();
  k.interstitial_compliance = v.get<"interstitial_compliance">();
  k.interstitial_oncotic_pressure = v.get<"interstitial_oncotic_pressure">();
  k.lymph_flow = v.get<"lymph_flow">() / 60.0;
  k.lymph_conductance = v.get<"lymph_conductance">() / 60.0;
  k.red_cell_hemoglobin = v.get<"red_cell_hemoglobin">();
  k.mixing_time = v.get<"mixing_time">();
  k.share = share;
  return k;
}

/// A tissue's resting O2 consumption, mL/s (the parameter is in mL/min).
[[nodiscard]] inline double tissue_o2_consumption(const ParameterSet& p, std::size_t first) {
  return BlockValues<blocks::tissue>(p, first).get<"o2_consumption">() / 60.0;
}
[[nodiscard]] inline double tissue_volume(const ParameterSet& p, std::size_t first) {
  return BlockValues<blocks::tissue>(p, first).get<"tissue_volume">();
}

/// The chemoreflexes; their delays are folded into the time constants and the amplitude gains
/// (given in cmH2O, as Albanese 2016 gives them) converted to mmHg.
[[nodiscard]] inline control::ChemoreflexCoefficients chemoreflex(const ParameterSet& p,
                                                                  std::size_t first) {
  const BlockValues<blocks::chemoreflex> v(p, first);
  control::ChemoreflexCoefficients c;
  c.enabled = v.get<"enabled">() >= 0.5;
  c.max_rate = v.get<"max_rate">();
  c.min_rate = v.get<"min_rate">();
  c.o2_center = v.get<"o2_center">();
  c.o2_slope = v.get<"o2_slope">();
  c.co2_sensitivity = v.get<"co2_sensitivity">();
  c.co2_rest_rate = v.get<"co2_rest_rate">();
  c.co2_set_point = v.get<"co2_set_point">();
  c.afferent_time = v.get<"afferent_time">();
  c.rest_rate = v.get<"rest_rate">();
  c.central_amplitude_gain = v.get<"central_amplitude_gain">() * units::mmHg_per_cmH2O;
  c.central_amplitude_time = v.get<"central_amplitude_time">() + v.get<"central_delay">();
  c.central_rate_gain = v.get<"central_rate_gain">();
  c.central_rate_time = v.get<"central_rate_time">() + v.get<"central_delay">();
  c.peripheral_amplitude_gain = v.get<"peripheral_amplitude_gain">() * units::mmHg_per_cmH2O;
  c.peripheral_amplitude_time = v.get<"peripheral_amplitude_time">() + v.get<"peripheral_delay">();
  c.peripheral_rate_gain = v.get<"peripheral_rate_gain">();
  c.peripheral_rate_time = v.get<"peripheral_rate_time">() + v.get<"peripheral_delay">();
  c.sympathetic_weight = v.get<"sympathetic_weight">();
  c.cardiac_vagal_withdrawal = v.get<"cardiac_vagal_withdrawal">();
  c.resting_po2 = v.get<"resting_po2">();
  return c;
}

/// The exercise block's coefficients; rest_o2_uptake and respiratory_quotient are the gas
/// exchange's, filled in by the evaluator.
[[nodiscard]] inline control::ExerciseCoefficients exercise(const ParameterSet& p,
                                                            std::size_t first) {
  const BlockValues<blocks::exercise> v(p, first);
  control::ExerciseCoefficients c;
  c.enabled = v.get<"enabled">() >= 0.5;
  c.work_rate = v.get<"work_rate">();
  c.ramp_rate = v.get<"ramp_rate">();
  c.peak_o2_uptake = v.get<"peak_o2_uptake">();
  c.o2_cost = v.get<"o2_cost">();
  c.o2_time_constant = v.get<"o2_time_constant">();
  c.vasodilation_gain = v.get<"vasodilation_gain">();
  c.vasodilation_time_constant = v.get<"vasodilation_time_constant">();
  c.central_sympathetic_drive = v.get<"central_sympathetic_drive">();
  c.central_vagal_withdrawal = v.get<"central_vagal_withdrawal">();
  c.vagal_withdrawal_intensity = v.get<"vagal_withdrawal_intensity">();
  c.vagal_on_time_constant = v.get<"vagal_on_time_constant">();
  c.vagal_off_time_constant = v.get<"vagal_off_time_constant">();
  c.baroreflex_resetting = v.get<"baroreflex_resetting">();
  c.commanded_resetting_fraction = v.get<"commanded_resetting_fraction">();
  c.ventilation_fast_fraction = v.get<"ventilation_fast_fraction">();
  c.ventilation_time_constant = v.get<"ventilation_time_constant">();
  c.ventilation_rate_gain = v.get<"ventilation_rate_gain">();
  c.ventilation_depth_gain = v.get<"ventilation_depth_gain">();
  c.muscle_pump_pressure = v.get<"muscle_pump_pressure">();
  c.contractile_reserve = v.get<"contractile_reserve">();
  c.post_dilation_gain = v.get<"post_dilation_gain">();
  c.post_dilation_charge_time = v.get<"post_dilation_charge_time">();
  c.post_dilation_decay_time = v.get<"post_dilation_decay_time">();
  c.post_dilation_resetting = v.get<"post_dilation_resetting">();
  c.post_dilation_compliance = v.get<"post_dilation_compliance">();
  c.catecholamine_exponent = v.get<"catecholamine_exponent">();
  c.catecholamine_release_time = v.get<"catecholamine_release_time">();
  c.catecholamine_clearance_time = v.get<"catecholamine_clearance_time">();
  c.catecholamine_drive = v.get<"catecholamine_drive">();
  return c;
}

/// The local O2 block's coefficients; the resting PO2 (the chemoreflex's) and the resting
/// blood (the gas exchange's haemoglobin) are filled in by the evaluator.
[[nodiscard]] inline control::LocalOxygenCoefficients local_oxygen(const ParameterSet& p,
                                                                   std::size_t first) {
  const BlockValues<blocks::local_oxygen> v(p, first);
  control::LocalOxygenCoefficients c;
  c.enabled = v.get<"enabled">() >= 0.5;
  c.time_constant = v.get<"time_constant">();
  c.hypoxic_gain = {v.get<"muscle_hypoxic_gain">(), v.get<"brain_hypoxic_gain">(),
                    v.get<"coronary_hypoxic_gain">()};
  c.hyperoxic_gain = {v.get<"muscle_hyperoxic_gain">(), v.get<"brain_hyperoxic_gain">(),
                      v.get<"coronary_hyperoxic_gain">()};
  return c;
}

}  // namespace physiotwin::coefficients
