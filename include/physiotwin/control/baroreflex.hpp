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
//
// Respiratory gating of the vagal outflow (respiratory sinus arrhythmia; Eckberg 2003, J
// Physiol 548:339, "The human respiratory gate"): inspiration closes the gate of the cardiac
// vagal motoneurones in proportion to the central inspiratory drive, here the respiratory
// muscle pressure measured from its breath mean. The gate scales the throughput: it modulates
// the vagal firing in proportion to its tonic level (small when vagal activity is low, as in
// stress or bleeding; Eckberg), without changing that level, and by an amount linear in the
// breath's depth (Hirsch & Bishop 1981, Am J Physiol 241:H620); it closes at most fully:
//              f_ev,gated = f_ev max(0, 1 - G_r (Pbar_mus - P_mus))
// The vagal heart-period effector (a first-order lag, tau + D = 1.7 s) then filters the gated
// firing: one pole at 5.6 /min, so RSA falls 20 dB/decade above it (docs/models/control.md).
//
// Autonomic blockade (the autonomic_blockade action; docs/models/control.md, "Autonomic
// blockade"): a share b_v of the sinus node's muscarinic receptors blocked (atropine) scales the
// vagal heart-period drive by 1 - b_v; a share b_b of the heart's beta-adrenergic receptors
// blocked, as by a competitive antagonist (propranolol), divides the firing the sinus node
// (nerves and circulating catecholamines) and both ventricles answer by the dose ratio
// 1 / (1 - b_b): G ln(f (1 - b_b) - f_es,min + 1), nothing below Ursino's threshold, so a share
// above about 0.43 silences the resting heart's sympathetic drive and leaves part of the
// exercising heart's. Central command's own inotropy is scaled by 1 - b_b where the exercise
// effects are applied (ModelEvaluator::apply_exercise()). The vessels' effectors
// (alpha-adrenergic) are left as they are. With both blocked the period is T_0: the intrinsic
// rate.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <span>
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
  double maximal_heart_rate = 180;  ///< 1/min, the sinus node's ceiling (held_below_maximum())
  std::array<double, effector_count> gain{}, time_constant{}, delay{}, basal{};
  /// Acute mental stress (docs/models/control.md, "Mental stress"): level 0 (none) to 1 (a
  /// strong laboratory stressor); at level 1 the sympathetic neurons receive this excitation
  /// (spikes/s, as the chemoreceptors' drive) and the vagal firing falls by this much.
  double stress_level = 0.0, stress_sympathetic_drive = 0.0, stress_vagal_withdrawal = 0.0;
  /// Breaths/min added to the spontaneous rate, and mmHg to the inspiratory muscles' pull, at
  /// level 1 (read by the breathing pattern: ModelEvaluator::apply_chemoreflex()).
  double stress_breathing_rate = 0.0, stress_breathing_depth = 0.0;
  /// Central command in exercise (control/exercise.hpp), spikes/s: set for each evaluation
  /// from the exercise states, not a parameter.
  double exercise_sympathetic_drive = 0.0, exercise_vagal_withdrawal = 0.0;
  /// Circulating catecholamines in exercise, spikes/s added to the sympathetic firing the
  /// sinus node answers (the heart period's effector only): set for each evaluation.
  double circulating_catecholamine = 0.0;
  /// Cardiac vagal firing withdrawn by hypoxia (control/chemoreflex.hpp,
  /// hypoxic_vagal_withdrawal()), spikes/s: set for each evaluation, not a parameter.
  double hypoxic_vagal_withdrawal = 0.0;
  /// Respiratory gating (G_r, 1/mmHg): the fraction of the vagal firing gated off per mmHg of
  /// inspiratory muscle pressure below its breath mean.
  double respiratory_vagal_gating = 0.0;
  /// Autonomic blockade now, 0-1: the share of the sinus node's muscarinic receptors (b_v) and
  /// of the heart's beta-adrenergic receptors (b_b) blocked.
  double vagal_blockade = 0.0, beta_blockade = 0.0;
};

/// The same reflex without stress, exercise, hypoxia or blockade: what it rests at.
[[nodiscard]] inline BaroreflexCoefficients without_stress(BaroreflexCoefficients c) noexcept {
  c.stress_level = 0.0;
  c.vagal_blockade = c.beta_blockade = 0.0;
  c.exercise_sympathetic_drive = c.exercise_vagal_withdrawal = 0.0;
  c.circulating_catecholamine = 0.0;
  c.hypoxic_vagal_withdrawal = 0.0;
  return c;
}

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
  const double central = c.stress_level * c.stress_sympathetic_drive + c.exercise_sympathetic_drive;
  return c.sympathetic_infinity +
         (c.sympathetic_zero - c.sympathetic_infinity) *
             std::exp(-c.sympathetic_slope * (f_cs - chemoreceptor_drive - central));
}
/// Vagal efferent firing (spikes/s) for baroreceptor firing f_cs, less what stress, exercise
/// and hypoxia withdraw and what inspiration gates: `inspiratory_drive` (mmHg) is the breath-mean
/// respiratory muscle pressure minus the present one (positive in inspiration, negative in
/// expiration).
[[nodiscard]] inline double vagal_rate(const BaroreflexCoefficients& c, double f_cs,
                                       double inspiratory_drive = 0.0) noexcept {
  const double e = std::exp((f_cs - c.vagal_center) / c.vagal_slope);
  const double tonic = std::max(0.0, (c.vagal_zero + c.vagal_infinity * e) / (1.0 + e) -
                                         c.stress_level * c.stress_vagal_withdrawal -
                                         c.exercise_vagal_withdrawal - c.hypoxic_vagal_withdrawal);
  return tonic * std::max(0.0, 1.0 - c.respiratory_vagal_gating * inspiratory_drive);
}

/// Ursino's ln(f - f_es,min + 1) for sympathetic firing f, 0 below the threshold.
[[nodiscard]] inline double sympathetic_log(const BaroreflexCoefficients& c, double f) noexcept {
  return f >= c.sympathetic_threshold ? std::log(f - c.sympathetic_threshold + 1.0) : 0.0;
}

/// The sympathetic effectors' common drive (Ursino's ln(f_es - f_es,min + 1), 0 below the
/// threshold) for filtered pressure p: each effector's drive is its gain times this.
[[nodiscard]] inline double sympathetic_drive(const BaroreflexCoefficients& c, double p,
                                              double chemoreceptor_drive = 0.0) noexcept {
  return sympathetic_log(c, sympathetic_rate(c, afferent_rate(c, p), chemoreceptor_drive));
}

/// Steady-state drive of each effector for filtered pressure p (and chemoreceptor drive, see
/// sympathetic_rate(); inspiratory drive, see vagal_rate()).
[[nodiscard]] inline std::array<double, effector_count> effector_drive(
    const BaroreflexCoefficients& c, double p, double chemoreceptor_drive = 0.0,
    double inspiratory_drive = 0.0) noexcept {
  const double f_cs = afferent_rate(c, p);
  const double f_es = sympathetic_rate(c, f_cs, chemoreceptor_drive);
  // The vessels answer the nerves' firing. The heart's beta-adrenergic receptors: a competitive
  // antagonist occupying a share b_b of them (with no agonist) divides the firing they answer
  // by the dose ratio 1 / (1 - b_b); the sinus node also answers the circulating catecholamines
  // (exercise.hpp).
  const double vessels = sympathetic_log(c, f_es);
  const double beta = 1.0 - c.beta_blockade;
  const double ventricles = sympathetic_log(c, f_es * beta);
  std::array<double, effector_count> drive{};
  for (std::size_t e = 0; e < effector_count; ++e) drive[e] = c.gain[e] * vessels;
  drive[lv_elastance] = c.gain[lv_elastance] * ventricles;
  drive[rv_elastance] = c.gain[rv_elastance] * ventricles;
  drive[sympathetic_period] =
      c.gain[sympathetic_period] * sympathetic_log(c, (f_es + c.circulating_catecholamine) * beta);
  drive[vagal_period] =
      c.gain[vagal_period] * (1.0 - c.vagal_blockade) * vagal_rate(c, f_cs, inspiratory_drive);
  return drive;
}

/// The sharpness n of the heart rate's ceiling (held_below_maximum()).
inline constexpr double heart_rate_ceiling_sharpness = 40.0;

/// The sinus node's ceiling (docs/models/control.md, "The maximal heart rate"): the heart rate
/// `rate` (1/min) the efferents ask for, held smoothly below `maximal`,
///   HR = r / (1 + (r / HR_max)^n)^(1/n),  n = 40:
/// within 0.01 /min of r below 85 % of HR_max, 1.7 % under HR_max at r = HR_max, and HR_max as r
/// grows without bound. Ursino's efferents act linearly on the period and central command's
/// drive is unbounded, so without it the rate passes any maximum the drive asks for.
[[nodiscard]] inline double held_below_maximum(double rate, double maximal) noexcept {
  const double n = heart_rate_ceiling_sharpness;
  return rate / std::pow(1.0 + std::pow(rate / maximal, n), 1.0 / n);
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

namespace physiotwin::control {

/// Mean drive of each effector over samples of the filtered pressure and of the
/// chemoreceptor drive (spikes/s, as sympathetic_rate() takes it; empty: none). In a settled
/// twin the effector states average to this (each is a first-order lag of its drive).
[[nodiscard]] inline std::array<double, effector_count> mean_effector_drive(
    const BaroreflexCoefficients& c, std::span<const double> filtered,
    std::span<const double> chemoreceptor_drive) noexcept {
  std::array<double, effector_count> mean{};
  const bool chemo = chemoreceptor_drive.size() == filtered.size();  // else none
  for (std::size_t i = 0; i < filtered.size(); ++i) {
    const auto drive = effector_drive(c, filtered[i], chemo ? chemoreceptor_drive[i] : 0.0);
    for (std::size_t e = 0; e < effector_count; ++e) mean[e] += drive[e];
  }
  for (double& m : mean) m /= double(std::max<std::size_t>(filtered.size(), 1));
  return mean;
}

/// How far the reflex is from its rest when fed these filtered pressures and chemoreceptor
/// drives (samples over a settled window): the relative change of the extrasplanchnic
/// resistance it causes (0 at rest; 0.01: the resistance held 1 % above its parameter).
/// NaN without samples.
[[nodiscard]] inline double resting_excess(const BaroreflexCoefficients& c,
                                           std::span<const double> filtered,
                                           std::span<const double> chemoreceptor_drive) noexcept {
  if (filtered.empty()) return std::numeric_limits<double>::quiet_NaN();  // nothing to judge
  const auto mean = mean_effector_drive(c, filtered, chemoreceptor_drive);
  return baroreflex_effects(c, mean.data(), effector_drive(without_stress(c), c.set_point))
             .extrasplanchnic_resistance -
         1.0;
}

/// The set point at which the reflex, fed these filtered pressures and chemoreceptor drives
/// (samples over a settled window), rests: its mean sympathetic drive equals its resting
/// drive, so the resistances, elastances and venous volumes it controls are at their
/// parameters' values. The filtered pressure does not depend on the set point (the
/// afferent filter is linear in the pressure), and the mean drive rises with the set point
/// while the resting drive does not change with it, so there is one answer, found by
/// bisection in [lo, hi]; lo or hi if it lies outside. NaN without samples, with a sample that
/// is not a number, or with chemoreceptor samples that do not pair with the pressures.
[[nodiscard]] inline double resting_set_point(BaroreflexCoefficients c,
                                              std::span<const double> filtered,
                                              std::span<const double> chemoreceptor_drive,
                                              double lo, double hi) noexcept {
  if (filtered.empty() ||
      (!chemoreceptor_drive.empty() && chemoreceptor_drive.size() != filtered.size())) {
    return std::nan("");
  }
  for (double p : filtered) {
    if (!std::isfinite(p)) return std::nan("");
  }
  auto excess = [&](double set_point) {
    c.set_point = set_point;
    double mean = 0.0;
    for (std::size_t i = 0; i < filtered.size(); ++i) {
      mean += sympathetic_drive(c, filtered[i],
                                chemoreceptor_drive.empty() ? 0.0 : chemoreceptor_drive[i]);
    }
    return mean / double(std::max<std::size_t>(filtered.size(), 1)) -
           sympathetic_drive(without_stress(c), set_point);
  };
  if (excess(lo) >= 0.0) return lo;
  if (excess(hi) <= 0.0) return hi;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    (excess(mid) < 0.0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace physiotwin::control
