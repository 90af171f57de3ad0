#pragma once
// Arterial (carotid sinus) baroreflex of Ursino 1998, "Interaction between carotid
// baroregulation and the pulsating heart: a mathematical model", Am J Physiol 275:H1733,
// eqs. 15-25:
//   afferent   tau_p dP~/dt = P + tau_z dP/dt - P~
//              f_cs = (f_min + f_max e^{(P~-P_n)/k_a}) / (1 + e^{(P~-P_n)/k_a})
//   efferent   f_es = f_es,inf + (f_es,0 - f_es,inf) e^{-k_es f_cs}           (sympathetic)
//              f_ev = (f_ev,0 + f_ev,inf e^{(f_cs-f_cs,0)/k_ev}) / (1 + e^{(f_cs-f_cs,0)/k_ev})
//   effectors  dDtheta/dt = (sigma - Dtheta)/tau,  sigma = G ln(f_es - f_es,min + 1) (0 below
//              threshold), or G f_ev for the vagal part of the heart period.
// Simplification: Ursino delays each effector by a pure delay D (0.2-5 s). Here the delay is
// folded into the effector's time constant (tau + D): the same gains and overall speed, but no
// dead time, so the delay-driven oscillations (Mayer waves) of Ursino's model are absent.
//
// The effects are applied relative to the reflex's own resting point (P~ = P_n): at the set
// point every multiplier is 1, so the model's validated resting state is the reflex's rest.
#include <array>
#include <cmath>
#include <string_view>

#include "physiotwin/core/parameters.hpp"

namespace physiotwin::control {

enum Effector : std::size_t {
  lv_elastance,
  rv_elastance,
  splanchnic_resistance,
  extrasplanchnic_resistance,
  splanchnic_venous_volume,
  extrasplanchnic_venous_volume,
  sympathetic_period,
  vagal_period,
  effector_count
};

inline constexpr std::array<std::string_view, effector_count> effector_names{
    "lv_elastance",
    "rv_elastance",
    "splanchnic_resistance",
    "extrasplanchnic_resistance",
    "splanchnic_venous_volume",
    "extrasplanchnic_venous_volume",
    "sympathetic_period",
    "vagal_period"};

/// Ursino 1998's total blood volume: the venous-volume gains are in mL for that body.
inline constexpr double ursino_blood_volume_ml = 5300.0;

struct BaroreflexCoefficients {
  bool enabled = true;
  double set_point = 92, afferent_slope = 11.758, lag_time = 2.076, lead_time = 6.37;
  double min_rate = 2.52, max_rate = 47.78;
  double sympathetic_infinity = 2.10, sympathetic_zero = 16.11, sympathetic_threshold = 2.66,
         sympathetic_slope = 0.0675;
  double vagal_zero = 3.2, vagal_infinity = 6.3, vagal_center = 25, vagal_slope = 7.06;
  double basal_period = 0.58;
  std::array<double, effector_count> gain{}, time_constant{}, delay{}, basal{};
};

/// Afferent firing (spikes/s) for filtered pressure p.
[[nodiscard]] inline double afferent_rate(const BaroreflexCoefficients& c, double p) noexcept {
  const double e = std::exp((p - c.set_point) / c.afferent_slope);
  return (c.min_rate + c.max_rate * e) / (1.0 + e);
}
/// Sympathetic efferent firing (spikes/s) for baroreceptor firing f_cs. `chemoreceptor_drive`
/// (spikes/s, weighted, relative to rest) is the peripheral chemoreceptors' excitation
/// (Albanese et al. 2016: f_es = f_es,inf + (f_es,0 - f_es,inf) exp(k_es (W_b f_cs + W_c f_apc
/// - theta)), here with W_b = -1 and W_c f_apc measured from its resting value).
[[nodiscard]] inline double sympathetic_rate(const BaroreflexCoefficients& c, double f_cs,
                                             double chemoreceptor_drive = 0.0) noexcept {
  return c.sympathetic_infinity + (c.sympathetic_zero - c.sympathetic_infinity) *
                                      std::exp(-c.sympathetic_slope * (f_cs - chemoreceptor_drive));
}
[[nodiscard]] inline double vagal_rate(const BaroreflexCoefficients& c, double f_cs) noexcept {
  const double e = std::exp((f_cs - c.vagal_center) / c.vagal_slope);
  return (c.vagal_zero + c.vagal_infinity * e) / (1.0 + e);
}

/// Steady-state drive of each effector for filtered pressure p (and chemoreceptor drive, see
/// sympathetic_rate()).
[[nodiscard]] inline std::array<double, effector_count> effector_drive(
    const BaroreflexCoefficients& c, double p, double chemoreceptor_drive = 0.0) noexcept {
  const double f_cs = afferent_rate(c, p);
  const double f_es = sympathetic_rate(c, f_cs, chemoreceptor_drive);
  const double sympathetic =
      f_es >= c.sympathetic_threshold ? std::log(f_es - c.sympathetic_threshold + 1.0) : 0.0;
  std::array<double, effector_count> drive{};
  for (std::size_t e = 0; e < effector_count; ++e) drive[e] = c.gain[e] * sympathetic;
  drive[vagal_period] = c.gain[vagal_period] * vagal_rate(c, f_cs);
  return drive;
}

/// What the reflex does to the circulation now.
struct BaroreflexEffects {
  double lv_elastance = 1.0, rv_elastance = 1.0;                             ///< multipliers
  double splanchnic_resistance = 1.0, extrasplanchnic_resistance = 1.0;      ///< multipliers
  double splanchnic_volume_shift = 0.0, extrasplanchnic_volume_shift = 0.0;  ///< mL, Ursino's body
  double period_ratio = 1.0;  ///< heart period / resting heart period
};

/// Effects of effector states `theta` relative to the resting drive `rest`.
[[nodiscard]] inline BaroreflexEffects baroreflex_effects(
    const BaroreflexCoefficients& c, const double* theta,
    const std::array<double, effector_count>& rest) noexcept {
  BaroreflexEffects fx;
  if (!c.enabled) return fx;
  auto ratio = [&](Effector e) { return (c.basal[e] + theta[e]) / (c.basal[e] + rest[e]); };
  fx.lv_elastance = ratio(lv_elastance);
  fx.rv_elastance = ratio(rv_elastance);
  fx.splanchnic_resistance = ratio(splanchnic_resistance);
  fx.extrasplanchnic_resistance = ratio(extrasplanchnic_resistance);
  fx.splanchnic_volume_shift = theta[splanchnic_venous_volume] - rest[splanchnic_venous_volume];
  fx.extrasplanchnic_volume_shift =
      theta[extrasplanchnic_venous_volume] - rest[extrasplanchnic_venous_volume];
  fx.period_ratio = (c.basal_period + theta[sympathetic_period] + theta[vagal_period]) /
                    (c.basal_period + rest[sympathetic_period] + rest[vagal_period]);
  return fx;
}

}  // namespace physiotwin::control
