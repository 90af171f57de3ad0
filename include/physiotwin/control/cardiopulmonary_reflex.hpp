#pragma once
// Cardiopulmonary (low-pressure) baroreflex of Heldt, Shim, Kamm & Mark 2002, "Computational
// modeling of cardiovascular response to orthostatic stress", J Appl Physiol 92:1239-1254:
// stretch receptors in the atria and great veins sense the right atrial transmural pressure
// P_ra and, when it falls (a haemorrhage, standing up), raise the arteriolar resistances and
// lower the venous unstressed volumes. Heldt's set-point model:
//   afferent   s = S atan((P_ra - P_set) / S)                 (a saturating error, mmHg)
//   effectors  R_i = R_i,0 + G_R,i (h_R * s),  V0_i = V0_i,0 + G_V,i (h_V * s)
// with h_R, h_V triangular impulse responses of unit area. The reflex has no heart-rate or
// contractility arm (low-level lower-body negative pressure, which unloads these receptors
// alone, raises forearm and splanchnic resistance without changing heart rate: Johnson,
// Rowell et al. 1974, Circ Res 34:515).
//
// Here (docs/models/control.md):
// - each impulse response becomes a first-order lag whose time constant is the triangle's
//   mean delay (start + peak + end)/3: the same delay on average and the same gain, without
//   the dead time (as the arterial reflex folds its delays, control/baroreflex.hpp);
// - the resistance gain is relative (fraction of the resistance per mmHg), Heldt's absolute
//   gain divided by his beds' resistances, so that it carries over to another circulation;
// - the venous gains are mL per mmHg in Heldt's 5,950 mL body, scaled by blood volume.
#include <algorithm>
#include <cmath>
#include <span>

namespace physiotwin::control {

/// Heldt et al. 2002's total blood volume: the venous gains are in mL for that body.
inline constexpr double heldt_blood_volume_ml = 5950.0;

/// The cardiopulmonary reflex's states: the lagged afferent error as each effector sees it.
enum CardiopulmonaryState : std::size_t {
  cardiopulmonary_resistance_response,
  cardiopulmonary_venous_response,
  cardiopulmonary_state_count
};

struct CardiopulmonaryCoefficients {
  bool enabled = true;
  double set_point = 3.0;                ///< P_set, right atrial transmural pressure at rest, mmHg
  double saturation = 5.0;               ///< S, mmHg
  double resistance_gain = 0.0125;       ///< 1/mmHg (fraction per mmHg of s)
  double splanchnic_volume_gain = 64.0;  ///< mL/mmHg in Heldt's body
  double extrasplanchnic_volume_gain = 46.2;                            ///< mL/mmHg in Heldt's body
  double resistance_time_constant = 14.3, venous_time_constant = 18.0;  ///< s
};

/// The afferent error s (mmHg) for right atrial transmural pressure p: 0 at the set point,
/// within +-S pi/2.
[[nodiscard]] inline double cardiopulmonary_error(const CardiopulmonaryCoefficients& c,
                                                  double p) noexcept {
  return c.saturation * std::atan((p - c.set_point) / c.saturation);
}

[[nodiscard]] inline double cardiopulmonary_time_constant(const CardiopulmonaryCoefficients& c,
                                                          std::size_t state) noexcept {
  return state == cardiopulmonary_resistance_response ? c.resistance_time_constant
                                                      : c.venous_time_constant;
}

/// What the reflex does to the circulation in states `x` (both 0 at rest).
struct CardiopulmonaryEffects {
  double resistance = 1.0;  ///< multiplier of the resistances it controls
  double splanchnic_volume_shift = 0.0, extrasplanchnic_volume_shift = 0.0;  ///< mL, Heldt's body
};

[[nodiscard]] inline CardiopulmonaryEffects cardiopulmonary_effects(
    const CardiopulmonaryCoefficients& c, const double* x) noexcept {
  CardiopulmonaryEffects fx;
  if (!c.enabled) return fx;
  // A falling pressure (s < 0) constricts: the multiplier stays positive for any gain the
  // parameter's range allows (|s| < S pi/2).
  fx.resistance = std::max(0.1, 1.0 - c.resistance_gain * x[cardiopulmonary_resistance_response]);
  fx.splanchnic_volume_shift = c.splanchnic_volume_gain * x[cardiopulmonary_venous_response];
  fx.extrasplanchnic_volume_shift =
      c.extrasplanchnic_volume_gain * x[cardiopulmonary_venous_response];
  return fx;
}

/// The set point at which the reflex rests for these samples of the right atrial transmural
/// pressure (a settled window): their mean error is 0. The error falls as the set point rises,
/// so the answer is unique; found by bisection within the samples' range. NaN without samples
/// or with one that is not a number.
[[nodiscard]] inline double resting_cardiopulmonary_set_point(CardiopulmonaryCoefficients c,
                                                              std::span<const double> pressure) {
  if (pressure.empty()) return std::nan("");
  double lo = pressure.front(), hi = pressure.front();
  for (double p : pressure) {
    if (!std::isfinite(p)) return std::nan("");
    lo = std::min(lo, p);
    hi = std::max(hi, p);
  }
  auto mean_error = [&](double set_point) {
    c.set_point = set_point;
    double sum = 0.0;
    for (double p : pressure) sum += cardiopulmonary_error(c, p);
    return sum / double(pressure.size());
  };
  for (int i = 0; i < 60 && hi - lo > 1e-9; ++i) {
    const double mid = 0.5 * (lo + hi);
    (mean_error(mid) > 0.0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace physiotwin::control
