#pragma once
// The block types a circulation file may use, and the parameters each one takes: the one
// place where a parameter's unit, allowed range and body-size scaling are declared.
// Model files give values and sources; they cannot change units or ranges.
//
// Ranges are "what a living adult (or a plausible disease) can have", wide enough for
// pathology and narrow enough to catch typing errors (a compliance in L/mmHg, a resistance
// in dyn s cm^-5). See docs/models/cardiovascular.md for the equations that use them.
#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <stdexcept>
#include <string_view>

#include "physiotwin/control/baroreflex.hpp"
#include "physiotwin/core/parameters.hpp"
#include "physiotwin/model/connection_block_types.hpp"  // IWYU pragma: export

namespace physiotwin::blocks {

using S = BodyScaling;

/// The spec named `key` in a block's table (a compile error if constant-evaluated without one).
template <std::size_t N>
[[nodiscard]] constexpr const ParameterSpec& spec_named(const std::array<ParameterSpec, N>& table,
                                                        std::string_view key) {
  for (const ParameterSpec& spec : table) {
    if (spec.key == key) return spec;
  }
  throw std::logic_error("no such parameter spec");
}

/// Position of the parameter `key` in a block type's table. Evaluated at compile time, so a
/// key the table does not have is a compile error.
template <std::size_t N>
[[nodiscard]] consteval std::size_t offset_of(const std::array<ParameterSpec, N>& table,
                                              std::string_view key) {
  for (std::size_t i = 0; i < N; ++i) {
    if (table[i].key == key) return i;
  }
  throw std::logic_error("no parameter with this key in the block type");
}

/// A parameter key as a template argument (a string literal): Key<N>{"dead_volume"}.
template <std::size_t N>
struct Key {
  char text[N]{};
  consteval Key(const char (&key)[N]) { std::copy_n(key, N, text); }  // NOLINT: implicit
  [[nodiscard]] constexpr std::string_view view() const { return {text, N - 1}; }
};

/// One block's parameter values, read by key: `BlockValues<blocks::chamber>(p, first)
/// .get<"dead_volume">()`. The key's position in the table is found at compile time, so
/// a misspelt key does not compile and a reordered table is still read right. (The pattern
/// of svZeroDSolver's named ParamIds, with the table's own keys as the names.)
template <const auto& Table>
class BlockValues {
 public:
  /// `first`: index in `parameters` of the block's first parameter (the loader stores it).
  BlockValues(const ParameterSet& parameters, std::size_t first) noexcept
      : parameters_(parameters), first_(first) {}

  template <Key key>
  [[nodiscard]] double get() const {
    return parameters_.at(first_ + offset_of(Table, key.view())).value;
  }
  /// The parameter at an offset found at compile time (the offset tables below).
  [[nodiscard]] double at(std::size_t offset) const {
    return parameters_.at(first_ + offset).value;
  }
  /// Index in the parameter set of the parameter `key` (for a change by index).
  template <Key key>
  [[nodiscard]] std::size_t index() const noexcept {
    return first_ + offset_of(Table, key.view());
  }

 private:
  const ParameterSet& parameters_;
  std::size_t first_;
};

/// Linear compliant compartment: P = (V - V_u)/C (+ external pressure if thoracic).
inline constexpr std::array<ParameterSpec, 2> compliance{{
    {"compliance", "mL/mmHg", 1e-3, 1000.0, "volume change per unit transmural pressure",
     S::compliance},
    {"unstressed_volume", "mL", 0.0, 5000.0, "volume at zero transmural pressure", S::volume},
}};

/// Heart chamber, time-varying elastance with an exponential EDPVR (Smith et al. 2004):
/// P = e(t) E_es (V - V_d) + (1 - e(t)) P_0 (exp(lambda (V - V_0)) - 1).
inline constexpr std::array<ParameterSpec, 5> chamber{{
    {"end_systolic_elastance", "mmHg/mL", 1e-3, 20.0,
     "slope of the end-systolic pressure-volume relation (E_es)", S::elastance},
    {"dead_volume", "mL", 0.0, 300.0,
     "volume intercept of the end-systolic pressure-volume relation (V_d)", S::volume},
    {"diastolic_pressure_scale", "mmHg", 1e-3, 20.0,
     "scale of the end-diastolic pressure-volume relation (P_0)", S::none},
    {"diastolic_stiffness", "1/mL", 1e-4, 0.5,
     "exponent of the end-diastolic pressure-volume relation (lambda)", S::stiffness},
    {"diastolic_rest_volume", "mL", 0.0, 300.0, "volume at zero end-diastolic pressure (V_0)",
     S::volume},
}};

/// Normalised double-Hill activation (Stergiopulos et al. 1996; Mynard et al. 2012),
/// times as fractions of the cardiac period, measured from the activation's onset.
inline constexpr std::array<ParameterSpec, 5> activation{{
    {"onset", "s", 0.0, 0.4,
     "delay of contraction onset after the start of the beat (P wave for the atria)", S::none},
    {"contraction_time", "1", 0.01, 0.9,
     "Hill time constant of contraction (tau_1), fraction of the period", S::none},
    {"relaxation_time", "1", 0.02, 0.95,
     "Hill time constant of relaxation (tau_2), fraction of the period", S::none},
    {"contraction_steepness", "1", 0.5, 10.0, "Hill exponent of contraction (m_1)", S::none},
    {"relaxation_steepness", "1", 2.0, 60.0, "Hill exponent of relaxation (m_2)", S::none},
}};

/// Gaussian activation of Smith et al. 2004: e(t) = exp(-B (t - C)^2), t the time since
/// the start of the beat.
inline constexpr std::array<ParameterSpec, 2> gaussian_activation{{
    {"steepness", "1/s^2", 1.0, 1000.0, "width parameter B of the Gaussian", S::none},
    {"peak_time", "s", 0.0, 2.0, "time of peak activation C after the start of the beat", S::none},
}};

/// Ventricular interaction of Smith et al. 2004: a septum between two chambers (whose own
/// parameters then describe their free walls) and a pericardium around both.
///   P_spt(V_spt) = P_lvf(V_lv - V_spt) - P_rvf(V_rv + V_spt)   (solved for V_spt)
///   P_lv = P_lvf(V_lv - V_spt) + P_pcd,  P_rv = P_rvf(V_rv + V_spt) + P_pcd
///   P_pcd = P_0,pcd (exp(lambda_pcd (V_lv + V_rv - V_0,pcd)) - 1)
inline constexpr std::array<ParameterSpec, 8> ventricular_interaction{{
    {"septum_end_systolic_elastance", "mmHg/mL", 1e-3, 200.0, "septal end-systolic elastance",
     S::elastance},
    {"septum_dead_volume", "mL", -50.0, 50.0, "septal ESPVR volume intercept", S::volume},
    {"septum_pressure_scale", "mmHg", 1e-3, 20.0, "septal EDPVR scale", S::none},
    {"septum_stiffness", "1/mL", 1e-4, 2.0, "septal EDPVR exponent", S::stiffness},
    {"septum_rest_volume", "mL", -50.0, 50.0, "septal EDPVR volume at zero pressure", S::volume},
    {"pericardium_pressure_scale", "mmHg", 1e-3, 20.0, "pericardial pressure-volume scale",
     S::none},
    {"pericardium_stiffness", "1/mL", 1e-4, 0.5, "pericardial exponent", S::stiffness},
    {"pericardium_rest_volume", "mL", 0.0, 1000.0, "heart volume at zero pericardial pressure",
     S::volume},
}};

// The connections' tables (resistance, inertance, valves): model/connection_block_types.hpp.

/// Whole-body parameters every circulation has, named "<group>.<key>".
struct SystemParameter {
  std::string_view name;
  ParameterSpec spec;
};
inline constexpr std::array<SystemParameter, 4> system{{
    {"heart.rate", {"rate", "1/min", 25.0, 220.0, "heart rate", S::none}},
    {"thorax.pressure",
     {"pressure", "mmHg", -30.0, 40.0,
      "pleural (intrathoracic) pressure acting on thoracic compartments", S::none}},
    {"blood.volume",
     {"volume", "mL", 1000.0, 10000.0, "total blood volume (set from the patient's body size)",
      S::volume}},
    {"blood.density",
     {"density", "g/mL", 1.0, 1.1, "blood density, for the valves' Bernoulli and inertial terms",
      S::none}},
}};

/// Arterial baroreflex of Ursino 1998 (control/baroreflex.hpp), named "baroreflex.<key>".
inline constexpr std::array<ParameterSpec, 55> baroreflex{{
    {"enabled", "1", 0, 1, "1 switches the baroreflex on, 0 off (for experiments)", S::none},
    {"set_point", "mmHg", 40, 200,
     "carotid sinus pressure at the centre of the afferent sigmoid (P_n)", S::resting_pressure},
    {"afferent_slope", "mmHg", 1, 50, "slope of the afferent sigmoid (k_a)", S::none},
    {"afferent_lag_time", "s", 0.1, 60, "afferent filter time constant (tau_p)", S::none},
    {"afferent_lead_time", "s", 0, 60, "afferent rate sensitivity (tau_z)", S::none},
    {"afferent_min_rate", "1/s", 0, 200, "lowest afferent firing (f_min)", S::none},
    {"afferent_max_rate", "1/s", 0, 200, "highest afferent firing (f_max)", S::none},
    {"sympathetic_rate_infinity", "1/s", 0, 100,
     "sympathetic firing for infinite afferent firing (f_es,inf)", S::none},
    {"sympathetic_rate_zero", "1/s", 0, 100, "sympathetic firing with no afferent firing (f_es,0)",
     S::none},
    {"sympathetic_threshold", "1/s", 0, 100,
     "sympathetic firing below which effectors do not respond (f_es,min)", S::none},
    {"sympathetic_slope", "s", 0, 1, "decay of sympathetic firing with afferent firing (k_es)",
     S::none},
    {"vagal_rate_zero", "1/s", 0, 100, "vagal firing with no afferent firing (f_ev,0)", S::none},
    {"vagal_rate_infinity", "1/s", 0, 100, "vagal firing for infinite afferent firing (f_ev,inf)",
     S::none},
    {"vagal_center", "1/s", 0, 100, "afferent firing at the centre of the vagal sigmoid (f_cs,0)",
     S::none},
    {"vagal_slope", "1/s", 0.1, 100, "slope of the vagal sigmoid (k_ev)", S::none},
    {"basal_period", "s", 0.1, 3, "heart period with no autonomic input (T_0)", S::none},
    {"maximal_heart_rate", "1/min", 60, 250,
     "the sinus node's ceiling: the heart rate the efferents approach but do not pass", S::none},
    {"stress_level", "1", 0, 1, "acute mental stress now: 0 none, 1 a strong laboratory stressor",
     S::none},
    {"stress_sympathetic_drive", "1/s", 0, 100,
     "central excitation of the sympathetic neurons at stress level 1", S::none},
    {"stress_vagal_withdrawal", "1/s", 0, 10, "fall of the vagal firing at stress level 1",
     S::none},
    {"stress_breathing_rate", "1/min", 0, 20,
     "rise of the spontaneous breathing rate at stress level 1 (a drive to breathe faster that "
     "metabolism does not ask for)",
     S::none},
    {"stress_breathing_depth", "mmHg", 0, 20,
     "deeper inspiratory muscle pressure at stress level 1 (the same drive's inspiratory flow)",
     S::none},
    {"vagal_blockade", "1", 0, 1,
     "share of the sinus node's muscarinic receptors blocked now (1: atropine 0.04 mg/kg)",
     S::none},
    {"beta_blockade", "1", 0, 1,
     "share of the heart's beta-adrenergic receptors blocked now, by a competitive antagonist (1: "
     "complete)",
     S::none},
    {"respiratory_vagal_gating", "1/mmHg", 0, 1,
     "fraction of the vagal firing gated off per mmHg of inspiratory muscle pressure below its "
     "breath mean (respiratory sinus arrhythmia)",
     S::none},
    {"lv_elastance_gain", "mmHg/mL", -10, 10,
     "reflex gain on the left ventricular end-systolic elastance (G)", S::none},
    {"lv_elastance_time_constant", "s", 0.1, 300,
     "time constant of the left ventricular end-systolic elastance response (tau)", S::none},
    {"lv_elastance_delay", "s", 0, 60,
     "delay of the left ventricular end-systolic elastance response (D; folded into tau)", S::none},
    {"lv_elastance_basal", "mmHg/mL", 0.01, 20,
     "left ventricular end-systolic elastance with no sympathetic drive in Ursino 1998 (theta_0)",
     S::none},
    {"rv_elastance_gain", "mmHg/mL", -10, 10,
     "reflex gain on the right ventricular end-systolic elastance (G)", S::none},
    {"rv_elastance_time_constant", "s", 0.1, 300,
     "time constant of the right ventricular end-systolic elastance response (tau)", S::none},
    {"rv_elastance_delay", "s", 0, 60,
     "delay of the right ventricular end-systolic elastance response (D; folded into tau)",
     S::none},
    {"rv_elastance_basal", "mmHg/mL", 0.01, 20,
     "right ventricular end-systolic elastance with no sympathetic drive in Ursino 1998 (theta_0)",
     S::none},
    {"splanchnic_resistance_gain", "mmHg*s/mL", -10, 10,
     "reflex gain on the splanchnic peripheral resistance (G)", S::none},
    {"splanchnic_resistance_time_constant", "s", 0.1, 300,
     "time constant of the splanchnic peripheral resistance response (tau)", S::none},
    {"splanchnic_resistance_delay", "s", 0, 60,
     "delay of the splanchnic peripheral resistance response (D; folded into tau)", S::none},
    {"splanchnic_resistance_basal", "mmHg*s/mL", 0.01, 100,
     "splanchnic peripheral resistance with no sympathetic drive in Ursino 1998 (theta_0)",
     S::none},
    {"extrasplanchnic_resistance_gain", "mmHg*s/mL", -10, 10,
     "reflex gain on the extrasplanchnic peripheral resistance (G)", S::none},
    {"extrasplanchnic_resistance_time_constant", "s", 0.1, 300,
     "time constant of the extrasplanchnic peripheral resistance response (tau)", S::none},
    {"extrasplanchnic_resistance_delay", "s", 0, 60,
     "delay of the extrasplanchnic peripheral resistance response (D; folded into tau)", S::none},
    {"extrasplanchnic_resistance_basal", "mmHg*s/mL", 0.01, 100,
     "extrasplanchnic peripheral resistance with no sympathetic drive in Ursino 1998 (theta_0)",
     S::none},
    {"splanchnic_venous_volume_gain", "mL", -3000, 3000,
     "reflex gain on the splanchnic venous unstressed volume (G)", S::none},
    {"splanchnic_venous_volume_time_constant", "s", 0.1, 300,
     "time constant of the splanchnic venous unstressed volume response (tau)", S::none},
    {"splanchnic_venous_volume_delay", "s", 0, 60,
     "delay of the splanchnic venous unstressed volume response (D; folded into tau)", S::none},
    {"splanchnic_venous_volume_basal", "mL", 0, 10000,
     "splanchnic venous unstressed volume with no sympathetic drive in Ursino 1998 (theta_0)",
     S::none},
    {"extrasplanchnic_venous_volume_gain", "mL", -3000, 3000,
     "reflex gain on the extrasplanchnic venous unstressed volume (G)", S::none},
    {"extrasplanchnic_venous_volume_time_constant", "s", 0.1, 300,
     "time constant of the extrasplanchnic venous unstressed volume response (tau)", S::none},
    {"extrasplanchnic_venous_volume_delay", "s", 0, 60,
     "delay of the extrasplanchnic venous unstressed volume response (D; folded into tau)",
     S::none},
    {"extrasplanchnic_venous_volume_basal", "mL", 0, 10000,
     "extrasplanchnic venous unstressed volume with no sympathetic drive in Ursino 1998 (theta_0)",
     S::none},
    {"sympathetic_period_gain", "s", -2, 2,
     "reflex gain on the heart period (sympathetic part) (G)", S::none},
    {"sympathetic_period_time_constant", "s", 0.1, 300,
     "time constant of the heart period (sympathetic part) response (tau)", S::none},
    {"sympathetic_period_delay", "s", 0, 60,
     "delay of the heart period (sympathetic part) response (D; folded into tau)", S::none},
    {"vagal_period_gain", "s^2", -2, 2,
     "reflex gain on the heart period (vagal part, per vagal spike/s) (G)", S::none},
    {"vagal_period_time_constant", "s", 0.1, 300,
     "time constant of the heart period (vagal part, per vagal spike/s) response (tau)", S::none},
    {"vagal_period_delay", "s", 0, 60,
     "delay of the heart period (vagal part, per vagal spike/s) response (D; folded into tau)",
     S::none},
}};

/// Cardiopulmonary reflex of Heldt et al. 2002 (control/cardiopulmonary_reflex.hpp),
/// "cardiopulmonary.<key>".
inline constexpr std::array<ParameterSpec, 8> cardiopulmonary{{
    {"enabled", "1", 0, 1, "1 switches the cardiopulmonary reflex on, 0 off", S::none},
    {"set_point", "mmHg", -10, 30, "right atrial transmural pressure at rest (P_set)", S::none},
    {"saturation", "mmHg", 0.5, 50, "scale of the afferent's arctangent saturation (S)", S::none},
    {"resistance_gain", "1/mmHg", 0, 0.1,
     "fractional rise of the controlled resistances per mmHg of afferent error", S::none},
    {"splanchnic_volume_gain", "mL/mmHg", 0, 500,
     "splanchnic venous unstressed volume per mmHg of afferent error (5950 mL body)", S::none},
    {"extrasplanchnic_volume_gain", "mL/mmHg", 0, 500,
     "extrasplanchnic venous unstressed volume per mmHg of afferent error (5950 mL body)", S::none},
    {"resistance_time_constant", "s", 0.1, 300, "time constant of the resistance response",
     S::none},
    {"venous_time_constant", "s", 0.1, 300, "time constant of the venous volume response", S::none},
}};

/// Respiratory mechanics of Albanese et al. 2016 (resp/lung_mechanics.hpp), "respiration.<key>".
inline constexpr std::array<ParameterSpec, 19> respiration{{
    {"larynx_compliance", "mL/mmHg", 0.01, 100, "larynx compliance (C_l)", S::compliance},
    {"trachea_compliance", "mL/mmHg", 0.01, 100, "trachea compliance (C_tr)", S::compliance},
    {"bronchi_compliance", "mL/mmHg", 0.1, 500, "bronchial compliance (C_b)", S::compliance},
    {"alveolar_compliance", "mL/mmHg", 10, 2000, "alveolar (lung) compliance (C_A)", S::compliance},
    {"chest_wall_compliance", "mL/mmHg", 10, 2000, "chest wall compliance (C_cw)", S::compliance},
    {"larynx_unstressed_volume", "mL", 0, 500, "larynx unstressed volume (V_u,l)", S::volume},
    {"trachea_unstressed_volume", "mL", 0, 500, "trachea unstressed volume (V_u,tr)", S::volume},
    {"bronchi_unstressed_volume", "mL", 0, 1000, "bronchial unstressed volume (V_u,b)", S::volume},
    {"alveolar_unstressed_volume", "mL", 100, 6000, "alveolar unstressed volume (V_u,A)",
     S::volume},
    {"mouth_larynx_resistance", "mmHg*s/mL", 1e-05, 0.1,
     "resistance from the airway opening to the larynx (R_ml)", S::resistance},
    {"larynx_trachea_resistance", "mmHg*s/mL", 1e-05, 0.1, "larynx to trachea resistance (R_lt)",
     S::resistance},
    {"trachea_bronchi_resistance", "mmHg*s/mL", 1e-05, 0.1, "trachea to bronchi resistance (R_tb)",
     S::resistance},
    {"bronchi_alveoli_resistance", "mmHg*s/mL", 1e-05, 0.1, "bronchi to alveoli resistance (R_bA)",
     S::resistance},
    {"end_expiratory_pleural_pressure", "mmHg", -20, 5,
     "pleural pressure at end-expiration (P_pl,EE)", S::none},
    {"rate", "1/min", 4, 60, "spontaneous breathing rate", S::none},
    {"ie_ratio", "1", 0.2, 4, "inspiration to expiration time ratio", S::none},
    {"muscle_pressure_min", "mmHg", -40, 0,
     "most negative respiratory muscle pressure of a breath (P_mus,min)", S::none},
    {"paced_rate", "1/min", 0, 60,
     "breathing rate kept voluntarily (paced breathing, 4 /min or more); 0: the respiratory "
     "centres set the rate",
     S::none},
    {"paced_depth_exponent", "1", 0, 2,
     "paced breathing: the muscles pull (spontaneous rate / paced rate)^this as hard, so that "
     "slower breaths are deeper (gamma)",
     S::none},
}};

/// Gas exchange and transport (gas/gas_transport.hpp, docs/models/gas-exchange.md),
/// named "gas.<key>".
inline constexpr std::array<ParameterSpec, 8> gas_exchange{{
    {"hemoglobin", "g/dL", 3, 25, "blood haemoglobin concentration (sets the O2 capacity)",
     S::none},
    {"shunt_fraction", "1", 0, 0.8,
     "fraction of pulmonary blood flow that bypasses ventilated alveoli", S::none},
    {"inspired_o2_fraction", "1", 0, 1, "O2 fraction of the dry inspired gas (FiO2)", S::none},
    {"inspired_co2_fraction", "1", 0, 1, "CO2 fraction of the dry inspired gas (FiCO2)", S::none},
    {"atmospheric_pressure", "mmHg", 200, 2300,
     "barometric pressure (760 at sea level; above 760 in a hyperbaric chamber)", S::none},
    {"water_vapour_pressure", "mmHg", 0, 100,
     "water vapour pressure of gas saturated at body temperature", S::none},
    {"respiratory_quotient", "1", 0.6, 1.3, "CO2 produced per O2 consumed by the tissues (RQ)",
     S::none},
    {"consumption_half_content", "mL/mL", 1e-5, 0.05,
     "O2 content of tissue blood at which consumption is halved (oxygen running out)", S::none},
}};

/// One tissue's metabolism and gas store, named "<compartment>.<key>" after the blood
/// compartment it exchanges with.
inline constexpr std::array<ParameterSpec, 2> tissue{{
    {"o2_consumption", "mL/min", 0, 500, "O2 consumption of the tissue at rest (STPD)",
     S::metabolic},
    {"tissue_volume", "mL", 0, 50000,
     "tissue volume whose CO2 equilibrates with the blood leaving it (CO2 store)", S::volume},
}};

/// Fluid exchange between blood and interstitium and the blood's composition
/// (fluid/fluid_exchange.hpp, docs/models/fluid-exchange.md), named "fluid.<key>".
inline constexpr std::array<ParameterSpec, 12> fluid_exchange{{
    {"filtration_coefficient", "mL/(min*mmHg)", 0.1, 100,
     "whole-body capillary filtration coefficient (K_f)", S::volume},
    {"reflection_coefficient", "1", 0, 1, "capillary reflection coefficient for plasma proteins",
     S::none},
    {"exchange_pressure_fraction", "1", 0, 1,
     "where the mean exchange pressure lies from a bed's veins (0) to its capillary compartment "
     "(1)",
     S::none},
    {"plasma_protein", "g/dL", 3, 12, "total plasma protein concentration at the start", S::none},
    {"interstitial_volume", "mL", 2000, 40000, "interstitial fluid volume at rest (V_i,0)",
     S::volume},
    {"interstitial_pressure", "mmHg", -15, 10, "interstitial fluid pressure at rest (P_i,0)",
     S::none},
    {"interstitial_compliance", "mL/mmHg", 10, 20000, "interstitial compliance (C_i)",
     S::compliance},
    {"interstitial_oncotic_pressure", "mmHg", 0, 30,
     "interstitial colloid osmotic pressure at rest (pi_i,0)", S::none},
    {"lymph_flow", "mL/min", 0, 50, "lymph flow at rest (L_0)", S::volume},
    {"lymph_conductance", "mL/(min*mmHg)", 0, 200,
     "rise of lymph flow per mmHg of interstitial pressure (G_L)", S::volume},
    {"red_cell_hemoglobin", "g/dL", 25, 40,
     "haemoglobin per volume of red cells (MCHC): haematocrit = haemoglobin / MCHC", S::none},
    {"mixing_time", "s", 1, 120,
     "time constant with which the haemoglobin reaching the arteries follows the body-wide value",
     S::none},
}};

/// Chemoreflexes (control/chemoreflex.hpp, docs/models/control.md), named "chemoreflex.<key>".
inline constexpr std::array<ParameterSpec, 23> chemoreflex{{
    {"enabled", "1", 0, 1, "1 switches the chemoreflexes on, 0 off (for experiments)", S::none},
    {"max_rate", "1/s", 0, 100, "peripheral afferent firing in deep hypoxia (f_max)", S::none},
    {"min_rate", "1/s", 0, 100, "peripheral afferent firing in hyperoxia (f_min)", S::none},
    {"o2_center", "mmHg", 10, 200, "PaO2 at the centre of the afferent O2 sigmoid", S::none},
    {"o2_slope", "mmHg", 1, 100, "slope of the afferent O2 sigmoid (k)", S::none},
    {"co2_sensitivity", "1", 0, 20,
     "peripheral CO2 sensitivity in normoxia (K_H, per unit of ln PaCO2)", S::none},
    {"co2_rest_rate", "1", 0, 10, "CO2 factor of the afferent firing at the set point", S::none},
    {"co2_set_point", "mmHg", 20, 80, "PaCO2 at which the chemoreflexes are at rest", S::none},
    {"afferent_time", "s", 0.1, 60, "time constant of the peripheral afferent firing", S::none},
    {"rest_rate", "1/s", 0, 50, "resting peripheral afferent firing (f_apc,n)", S::none},
    {"central_amplitude_gain", "cmH2O/mmHg", 0, 10,
     "central: muscle-pressure amplitude change per mmHg of PaCO2", S::none},
    {"central_amplitude_time", "s", 1, 2000, "central: time constant of the amplitude change",
     S::none},
    {"central_rate_gain", "1/(min*mmHg)", 0, 10, "central: breathing-rate change per mmHg of PaCO2",
     S::none},
    {"central_rate_time", "s", 1, 2000, "central: time constant of the rate change", S::none},
    {"central_delay", "s", 0, 60, "central: delay (folded into the time constants)", S::none},
    {"peripheral_amplitude_gain", "cmH2O*s", 0, 10,
     "peripheral: muscle-pressure amplitude change per spike/s of afferent firing", S::none},
    {"peripheral_amplitude_time", "s", 1, 2000, "peripheral: time constant of the amplitude change",
     S::none},
    {"peripheral_rate_gain", "s/min", 0, 10,
     "peripheral: breathing-rate change per spike/s of afferent firing", S::none},
    {"peripheral_rate_time", "s", 1, 2000, "peripheral: time constant of the rate change", S::none},
    {"peripheral_delay", "s", 0, 60, "peripheral: delay (folded into the time constants)", S::none},
    {"sympathetic_weight", "1", 0, 10,
     "weight of peripheral chemoreceptor firing on sympathetic neurons, relative to the "
     "baroreceptors' (W_c / |W_b|)",
     S::none},
    {"cardiac_vagal_withdrawal", "1", 0, 5,
     "cardiac vagal firing withdrawn per spike/s of the firing's hypoxic part, while breathing "
     "spontaneously (W_h)",
     S::none},
    {"resting_po2", "mmHg", 20, 700,
     "arterial PO2 the patient rests at: the hypoxic part of the firing is measured from here "
     "(P_r; calibration settles it)",
     S::none},
}};

/// Where each airway's parameters are in the respiration table (resp::Airway order: larynx,
/// trachea, bronchi, alveoli); the resistance is the one into the airway.
struct AirwayParameterOffsets {
  std::size_t compliance, unstressed_volume, resistance;
};
inline constexpr std::array<AirwayParameterOffsets, 4> airway_parameters{{
    {offset_of(respiration, "larynx_compliance"),
     offset_of(respiration, "larynx_unstressed_volume"),
     offset_of(respiration, "mouth_larynx_resistance")},
    {offset_of(respiration, "trachea_compliance"),
     offset_of(respiration, "trachea_unstressed_volume"),
     offset_of(respiration, "larynx_trachea_resistance")},
    {offset_of(respiration, "bronchi_compliance"),
     offset_of(respiration, "bronchi_unstressed_volume"),
     offset_of(respiration, "trachea_bronchi_resistance")},
    {offset_of(respiration, "alveolar_compliance"),
     offset_of(respiration, "alveolar_unstressed_volume"),
     offset_of(respiration, "bronchi_alveoli_resistance")},
}};

/// Where each baroreflex effector's parameters ("<effector>_gain", "_time_constant", "_delay",
/// "_basal") are in the baroreflex table, in control::Effector order; effectors without a
/// basal value (the heart period's) have none.
struct EffectorParameterOffsets {
  std::size_t gain = 0, time_constant = 0, delay = 0;
  bool has_basal = false;
  std::size_t basal = 0;
};
namespace detail {
consteval std::optional<std::size_t> effector_parameter(std::string_view effector,
                                                        std::string_view suffix) {
  for (std::size_t i = 0; i < baroreflex.size(); ++i) {
    const std::string_view key = baroreflex[i].key;
    if (key.size() == effector.size() + suffix.size() && key.starts_with(effector) &&
        key.ends_with(suffix)) {
      return i;
    }
  }
  return std::nullopt;
}
consteval std::array<EffectorParameterOffsets, control::effector_count> effector_offsets() {
  std::array<EffectorParameterOffsets, control::effector_count> table{};
  for (std::size_t e = 0; e < control::effector_count; ++e) {
    const std::string_view name = control::effector_names[e];
    table[e].gain = effector_parameter(name, "_gain").value();
    table[e].time_constant = effector_parameter(name, "_time_constant").value();
    table[e].delay = effector_parameter(name, "_delay").value();
    const auto basal = effector_parameter(name, "_basal");
    table[e].has_basal = basal.has_value();
    table[e].basal = basal.value_or(0);
  }
  return table;
}
}  // namespace detail
inline constexpr std::array<EffectorParameterOffsets, control::effector_count> effector_parameters =
    detail::effector_offsets();

}  // namespace physiotwin::blocks
