#pragma once
// The resistance vessels' own response to arterial O2: local hypoxic vasodilation and
// hyperoxic vasoconstriction in skeletal muscle, brain and heart, on top of what the reflexes
// set. docs/models/control.md, "Local O2 vascular tone", has the sources;
// docs/research/hypoxic-vasodilation.md the evidence and the choices.
//
//   stimulus   s = 100 [C_O2(P_aO2, P_aCO2) - C_O2(P_r, P_aCO2)]     mL/dL, at the patient's
//              resting haemoglobin: the arterial O2 content's departure from the one at the
//              patient's resting P_aO2 (P_r, chemoreflex.resting_po2), read at the same P_aCO2
//              so that it is 0 whenever P_aO2 is at rest (breathing faster does not dilate).
//              At 12 % O2 about -3 mL/dL, on 100 % O2 about +2 (three quarters of it dissolved).
//              Haemoglobin is held at its resting value: bleeding, refill and crystalloids
//              leave s at 0 (a simplification: docs/models/control.md)
//   target     u_j = g_hypo,j max(-s, 0) - g_hyper,j max(s, 0)    per bed j (separate slopes:
//              hyperoxic constriction is steeper per mL/dL than hypoxic dilation in the brain
//              and heart)
//   tone       tau dx_j/dt = u_j - x_j                           (tau 10 s: Ursino & Magosso
//                                                                 2000's local O2 time constant)
//   effect     the bed's arterioles and venules conduct G (1 + clamp(x_j, -0.5, 2)), on top of
//              the reflexes' and exercise's conductances
#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

#include "physiotwin/gas/blood_gas.hpp"

namespace physiotwin::control {

/// The beds with a local O2 response, in state order.
enum LocalOxygenBed : std::size_t {
  oxygen_muscle,
  oxygen_brain,
  oxygen_coronary,
  oxygen_bed_count
};

inline constexpr std::array<std::string_view, oxygen_bed_count> local_oxygen_bed_names{
    "muscle", "brain", "coronary"};

/// The factor's limits: a bed at most halves or triples its conductance by itself.
inline constexpr double local_oxygen_min_tone = -0.5, local_oxygen_max_tone = 2.0;

struct LocalOxygenCoefficients {
  bool enabled = true;
  double time_constant = 10.0;  ///< tau, s
  /// g_hypo and g_hyper per bed, 1 per mL/dL of arterial O2 content.
  std::array<double, oxygen_bed_count> hypoxic_gain{}, hyperoxic_gain{};
  double resting_po2 = 95.0;                      ///< P_r, mmHg (the chemoreflex's)
  gas::DissociationCoefficients resting_blood{};  ///< at the resting haemoglobin
};

/// The stimulus s (mL/dL) at arterial P_O2 and P_CO2 (mmHg).
[[nodiscard]] inline double local_oxygen_stimulus(const LocalOxygenCoefficients& c, double pao2,
                                                  double paco2) noexcept {
  const double now = gas::blood_content(c.resting_blood, pao2, paco2).o2;
  const double rest = gas::blood_content(c.resting_blood, c.resting_po2, paco2).o2;
  return 100.0 * (now - rest);
}

/// The tone bed j moves towards at stimulus s: u_j.
[[nodiscard]] inline double local_oxygen_target(const LocalOxygenCoefficients& c, std::size_t bed,
                                                double stimulus) noexcept {
  if (!c.enabled) return 0.0;
  return c.hypoxic_gain[bed] * std::max(-stimulus, 0.0) -
         c.hyperoxic_gain[bed] * std::max(stimulus, 0.0);
}

/// Derivatives of the tones x (one per bed) at stimulus s (local_oxygen_stimulus()).
inline void local_oxygen_derivatives(const LocalOxygenCoefficients& c, const double* x,
                                     double stimulus, double* dx) noexcept {
  for (std::size_t j = 0; j < oxygen_bed_count; ++j)
    dx[j] = (local_oxygen_target(c, j, stimulus) - x[j]) / c.time_constant;
}

/// The conductance factor of a bed with tone x.
[[nodiscard]] inline double local_oxygen_factor(double x) noexcept {
  return 1.0 + std::clamp(x, local_oxygen_min_tone, local_oxygen_max_tone);
}

}  // namespace physiotwin::control
