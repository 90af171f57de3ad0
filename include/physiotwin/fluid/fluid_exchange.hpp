#pragma once
// Fluid exchange between the blood and the interstitium, and what the blood is made of: the
// transcapillary (Starling) filtration that refills the vessels after a bleed and moves an
// infused crystalloid out of them, the lymph that returns it, and the red cells and plasma
// proteins the plasma volume carries (so that haemoglobin falls when the plasma is diluted).
// docs/models/fluid-exchange.md has the sources and the simplifications.
//
// Whole-body, one interstitium: V_i its volume (mL); the blood's red-cell volume V_rc (mL)
// and plasma protein mass M_p (g) are states; blood volume V_b is the sum of the compartments'
// and plasma volume V_p = V_b - V_rc.
//
//   C_p   = 100 M_p / V_p                                (g/dL)
//   pi_p  = 2.1 C_p + 0.16 C_p^2 + 0.009 C_p^3           (mmHg; Landis & Pappenheimer 1963)
//   P_i   = P_i,0 + (V_i - V_i,0) / C_i                  (interstitial compliance C_i)
//   pi_i  = pi_i,0 V_i,0 / V_i                           (interstitial protein diluted, not lost)
//   P_x,b = P_v,b + f (P_c,b - P_v,b)                    (exchange pressure of bed b)
//   J_b   = K_f s_b [(P_x,b - P_i) - sigma (pi_p - pi_i)] (filtration out of bed b's capillaries)
//   L     = max(0, L_0 + G_L (P_i - P_i,0))              (lymph into the central veins)
//   dV_i/dt = sum_b J_b - L
//
// P_c,b is the pressure of bed b's "arterioles and capillaries" compartment, P_v,b of its
// veins: the compartment sits upstream of the true capillaries, so the exchange pressure is a
// fraction f of the way from the veins to it (Pappenheimer & Soto-Rivera's pre/post-capillary
// resistance ratio of about 4 puts mean capillary pressure about 1/5 of the arteriovenous
// difference above venous pressure).
#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>
#include <vector>

namespace physiotwin::fluid {

/// A fluid an infusion may give: what it carries into the blood besides its volume.
struct InfusionFluid {
  std::string_view name;
  double red_cell_fraction;  ///< haematocrit of the product, 0-1
  /// Plasma-protein equivalent, g/dL: the total plasma protein concentration whose colloid
  /// osmotic pressure (Landis-Pappenheimer) equals the fluid's.
  double protein_g_per_dl;
  std::string_view what;
};

/// The fluids of docs/scenarios.md, with the compositions docs/models/fluid-exchange.md
/// sources. Red cells and proteins stay in the vessels; water and salt cross the capillaries.
inline constexpr std::array<InfusionFluid, 6> infusion_fluids{{
    {"saline", 0.0, 0.0, "0.9 % sodium chloride"},
    {"ringer_lactate", 0.0, 0.0, "Ringer's lactate (Hartmann's)"},
    {"colloid", 0.0, 7.0, "5 % human albumin, iso-oncotic with normal plasma"},
    {"plasma", 0.0, 5.5, "fresh frozen plasma (about 5.5 g/dL of protein)"},
    {"blood", 0.40, 5.6, "whole blood: 450 mL with 63 mL of CPD anticoagulant, haematocrit 40 %"},
    {"packed_red_cells", 0.60, 0.4,
     "red cells in additive solution (SAGM; haematocrit 0.55-0.75, about 15 mL of plasma)"},
}};

/// The fluid named `name`, or nullptr.
[[nodiscard]] constexpr const InfusionFluid* infusion_fluid(std::string_view name) noexcept {
  for (const InfusionFluid& f : infusion_fluids) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

/// Colloid osmotic pressure (mmHg) of plasma with `protein` g/dL of total protein: Landis &
/// Pappenheimer 1963 (Handbook of Physiology, Circulation II, p. 961).
[[nodiscard]] inline double colloid_osmotic_pressure(double protein) noexcept {
  const double c = std::max(protein, 0.0);
  return c * (2.1 + c * (0.16 + c * 0.009));
}

/// The exchange's coefficients, in the units the equations use (mL, mmHg, g, seconds).
struct FluidCoefficients {
  double filtration_coefficient = 0.0;         ///< K_f, mL/s/mmHg, whole body
  double reflection_coefficient = 0.9;         ///< sigma
  double exchange_pressure_fraction = 0.5;     ///< f
  double plasma_protein = 7.0;                 ///< C_p at rest, g/dL (initial state only)
  double interstitial_volume = 12000.0;        ///< V_i,0, mL
  double interstitial_pressure = -2.0;         ///< P_i,0, mmHg
  double interstitial_compliance = 1000.0;     ///< C_i, mL/mmHg
  double interstitial_oncotic_pressure = 8.0;  ///< pi_i,0, mmHg
  double lymph_flow = 2.0 / 60.0;              ///< L_0, mL/s
  double lymph_conductance = 0.0;              ///< G_L, mL/s/mmHg
  double red_cell_hemoglobin = 33.0;           ///< haemoglobin per red-cell volume (MCHC), g/dL
  double mixing_time = 12.0;  ///< s, arterial haemoglobin's lag behind the body-wide value
  std::vector<double> share;  ///< s_b of each bed (sum 1)
};

/// The slowly varying quantities the states give.
struct FluidState {
  double blood_volume = 0.0;                   ///< mL
  double plasma_volume = 0.0;                  ///< mL
  double hematocrit = 0.0;                     ///< 0-1
  double hemoglobin = 0.0;                     ///< g/dL
  double plasma_protein = 0.0;                 ///< g/dL
  double plasma_oncotic_pressure = 0.0;        ///< mmHg
  double interstitial_pressure = 0.0;          ///< mmHg
  double interstitial_oncotic_pressure = 0.0;  ///< mmHg
  double lymph_flow = 0.0;                     ///< mL/s
};

[[nodiscard]] inline double interstitial_pressure(const FluidCoefficients& k,
                                                  double interstitial_volume) noexcept {
  return k.interstitial_pressure +
         (interstitial_volume - k.interstitial_volume) / k.interstitial_compliance;
}

[[nodiscard]] inline double lymph_flow(const FluidCoefficients& k, double pressure) noexcept {
  return std::max(0.0, k.lymph_flow + k.lymph_conductance * (pressure - k.interstitial_pressure));
}

/// The quantities of a state: blood volume (mL), interstitial volume (mL), red-cell volume
/// (mL) and plasma protein (g).
[[nodiscard]] inline FluidState fluid_state(const FluidCoefficients& k, double blood_volume,
                                            double interstitial_volume, double red_cells,
                                            double protein) noexcept {
  FluidState s;
  s.blood_volume = blood_volume;
  s.plasma_volume = std::max(blood_volume - red_cells, 1.0);
  s.hematocrit = blood_volume > 0.0 ? std::clamp(red_cells / blood_volume, 0.0, 1.0) : 0.0;
  s.hemoglobin = s.hematocrit * k.red_cell_hemoglobin;
  s.plasma_protein = 100.0 * protein / s.plasma_volume;
  s.plasma_oncotic_pressure = colloid_osmotic_pressure(s.plasma_protein);
  s.interstitial_pressure = interstitial_pressure(k, interstitial_volume);
  s.interstitial_oncotic_pressure =
      k.interstitial_oncotic_pressure * k.interstitial_volume / std::max(interstitial_volume, 1.0);
  s.lymph_flow = lymph_flow(k, s.interstitial_pressure);
  return s;
}

/// Filtration (mL/s, > 0 out of the blood) from bed b with exchange pressure `exchange` mmHg.
[[nodiscard]] inline double filtration(const FluidCoefficients& k, const FluidState& s,
                                       std::size_t bed, double exchange) noexcept {
  const double starling =
      (exchange - s.interstitial_pressure) -
      k.reflection_coefficient * (s.plasma_oncotic_pressure - s.interstitial_oncotic_pressure);
  return k.filtration_coefficient * k.share[bed] * starling;
}

/// The interstitial volume (mL) at which filtration from beds with exchange pressures
/// `exchange` equals lymph flow, for the other states as `s` gives them: where a twin built
/// from its description starts, so that it starts in fluid balance. Filtration less lymph falls
/// as the interstitium fills (its pressure rises, its protein is diluted), so bisection finds
/// the one root; clamped to [V_i,0 / 4, 4 V_i,0].
[[nodiscard]] inline double balanced_interstitial_volume(const FluidCoefficients& k, FluidState s,
                                                         const std::vector<double>& exchange) {
  auto excess = [&](double volume) {
    s.interstitial_pressure = interstitial_pressure(k, volume);
    s.interstitial_oncotic_pressure =
        k.interstitial_oncotic_pressure * k.interstitial_volume / volume;
    double filtered = 0.0;
    for (std::size_t b = 0; b < exchange.size(); ++b) filtered += filtration(k, s, b, exchange[b]);
    return filtered - lymph_flow(k, s.interstitial_pressure);
  };
  double low = k.interstitial_volume / 4.0, high = k.interstitial_volume * 4.0;
  if (excess(low) <= 0.0) return low;
  if (excess(high) >= 0.0) return high;
  for (int i = 0; i < 100 && high - low > 1e-9 * k.interstitial_volume; ++i) {
    const double mid = 0.5 * (low + high);
    (excess(mid) > 0.0 ? low : high) = mid;
  }
  return 0.5 * (low + high);
}

}  // namespace physiotwin::fluid
