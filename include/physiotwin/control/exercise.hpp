#pragma once
// Dynamic exercise on a cycle ergometer: external work W (watts) drives the active muscles' O2
// demand, their metabolic vasodilation, central command to the heart and vessels, the muscle
// pump and a ventilatory drive matched to the CO2 produced. Structure after Magosso & Ursino
// 2002 (Med Biol Eng Comput 40:660), simplified; values and their sources in
// docs/models/exercise.md. With W* the work rate asked for and W the work rate now:
//
//   ramp         dW/dt = r tanh((W* - W) / (r tau_s))       (a linear ramp at r W/s, rounded
//                                                            off over the last r tau_s watts)
//   O2 demand    tau_O2 dx_M/dt = c W - x_M                  (c: O2 cost, mL/s per W; the
//                                                            active muscle consumes its resting
//                                                            demand + x_M)
//   intensity    I = c W / (VO2peak - VO2rest)               (fraction of the O2 uptake reserve,
//                                                            commanded)
//   vasodilation tau_v dv/dt = g_v max(c W, x_M) - v,  G_muscle = G (1 + v)   (feed-forward
//                                                            as the work rises, Magosso's x_met;
//                                                            the muscles' metabolism as it falls;
//                                                            no O2 feedback here)
//   central      vagal withdrawal V = V_max u, where u follows the withdrawal the work asks
//   command      for, min(1, I / I_v) (complete at I_v: Magosso's sigmoid, linearised), with
//   and the      tau_on as the work rises (the withdrawal at onset takes seconds: heart rate's
//   muscles'     fast phase) and tau_off as it falls, du/dt = (min(1, I / I_v) - u) / tau: the
//   metabolism   vagal tone returns over tens of minutes, so the heart rate is still about 14
//                /min above rest 5 min after 6 min of submaximal cycling (Barak et al. 2011);
//                heart-rate recovery's fast phase is the baroreflex's vagal response as the
//                resetting and the sympathetic excitation fade (Imai et al. 1994: vagal);
//                sympathetic excitation S = S_max I_M, I_M = x_M / (VO2peak - VO2rest)
//                (spikes/s, as the chemoreceptors' drive), following the muscles'
//                metabolism, so that it outlasts the work by its time constant; the
//                baroreflex's set point P_n + DP (f min(I, 1) + (1 - f) min(I_M, 1))
//                (resetting: Raven, Fadel & Ogoh 2006), a commanded part f that ends with the
//                work (central command resets the reflex's heart-rate arm in cycling: Smith
//                et al. 2003) and a metabolic part (the metaboreflex) that outlasts it
//   contractile  both ventricles' end-systolic elastance x (1 + k_ino min(I_M, 1)), on top of
//   reserve      the baroreflex's inotropy: central command's own, so that the reflex's gains
//                (and haemorrhage) are untouched; k_ino falls with age (aging.hpp). Stratton
//                et al. 1994 (Circulation 89:1648): end-systolic volume -32 % in exercise in
//                the young, about 0 in the old
//   ventilation  d = f_fast RQ c W + s,  tau_E ds/dt = (1 - f_fast) RQ c W - s   (mL/s of CO2)
//                breathing rate += k_f d, muscle-pressure depth += k_A d
//   circulating  plasma noradrenaline and adrenaline rise little below about half of VO2max
//   catechol-    and steeply above it, and outlast the work by minutes (Perini et al. 1989:
//   amines       time constant 87-101 s; docs/research/exercise-catecholamines.md): a release
//                R and a circulating level C (0 at rest, 1 at the whole reserve),
//                tau_R dR/dt = (e^(b min(I_M, 1)) - 1) / (e^b - 1) - R,  tau_C dC/dt = R - C,
//                add Df_C C spikes/s to the sympathetic firing the sinus node answers (the heart
//                period's effector only: the vessels' and the ventricles' are left to the
//                nerves and to k_ino)
//   muscle pump  a pressure source P_pump = A_pump min(I, 1) in the active muscle's venous
//                return, only while its veins hold blood above their unstressed volume
//                (P_pump x P_v / (P_v + 1 mmHg) for venous transmural pressure P_v > 0)
//   post-        dh/dt = (g_h min(I_M, 1) - h) / tau, tau = tau_c while h rises, tau_d while it
//   exercise     falls: a slow memory of the work (the muscles' histamine: Lockwood, Wilkins &
//   dilation     Halliwill 2005; McCord et al. 2006), G_muscle = G (1 + max(v, h)), hidden
//                while the metabolic dilation v is larger; the dilation that outlasts it,
//                d = max(0, h - v), lowers the set point by k_s d (the reflex reset down after
//                exercise: Halliwill et al. 1996), so that mean pressure falls below rest for
//                an hour or two after the work (docs/research/post-exercise-hypotension.md),
//                and raises the large arteries' compliance by the factor 1 + k_C d (aortic
//                pulse wave velocity -4 % half an hour after cycling, the central pulse
//                pressure lower: Kingwell et al. 1997; docs/research/post-exercise-stroke-
//                volume.md)
//
// Simplifications (docs/models/exercise.md gives each one's consequence): the vasodilation is
// feed-forward only (flow does not rise further when arterial O2 falls); the respiratory
// quotient stays at its resting value (no lactate buffering, so no ventilatory threshold);
// the pump is a mean pressure, not a contraction cycle with venous valves.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string_view>

namespace physiotwin::control {

enum ExerciseState : std::size_t {
  exercise_work_rate,         ///< W, the ramped work rate now
  exercise_o2_demand,         ///< x_M, mL/s of O2 above the active muscle's resting demand
  exercise_vasodilation,      ///< v, 1: the active muscle's arteriolar conductance is x (1 + v)
  exercise_ventilation,       ///< s, mL/s: the slow part of the ventilatory drive
  exercise_vagal_withdrawal,  ///< u, 1: central command's vagal withdrawal, of V_max
  exercise_post_dilation,     ///< h, 1: the active muscle's dilation that outlasts the work
  exercise_catecholamine_release,  ///< R, 1: the catecholamines' release, of its peak
  exercise_catecholamine,          ///< C, 1: circulating catecholamines, of their peak
  exercise_state_count
};

inline constexpr std::array<std::string_view, exercise_state_count> exercise_state_names{
    "work_rate",        "o2_demand",     "vasodilation",          "ventilatory_drive",
    "vagal_withdrawal", "post_dilation", "catecholamine_release", "circulating_catecholamine"};

/// The time over which a ramp's end is rounded off (tau_s), s: short against every response.
inline constexpr double exercise_ramp_rounding_time = 1.0;

struct ExerciseCoefficients {
  bool enabled = true;             ///< false: work costs nothing and changes nothing
  double work_rate = 0.0;          ///< W*, W: what the cyclist is asked to do
  double ramp_rate = 1000.0;       ///< r, W/s
  double peak_o2_uptake = 3000.0;  ///< VO2peak, mL/min (the patient's)
  double rest_o2_uptake = 250.0;   ///< VO2rest, mL/min: the tissues' resting demand (the model's)
  double o2_cost = 10.3;           ///< c, mL/min per W
  double o2_time_constant = 30.0;  ///< tau_O2, s
  double vasodilation_gain = 0.4;  ///< g_v, s/mL
  double vasodilation_time_constant = 14.0;     ///< tau_v, s
  double central_sympathetic_drive = 0.0;       ///< S_max, spikes/s at the whole reserve
  double central_vagal_withdrawal = 0.0;        ///< V_max, spikes/s
  double vagal_withdrawal_intensity = 0.3;      ///< I_v: withdrawal complete at this intensity
  double vagal_on_time_constant = 2.0;          ///< tau_on, s: the withdrawal as work rises
  double vagal_off_time_constant = 1800.0;      ///< tau_off, s: the vagal return as work falls
  double baroreflex_resetting = 0.0;            ///< Delta P_n, mmHg at the whole reserve
  double commanded_resetting_fraction = 0.0;    ///< f: the part of Delta P_n that follows I
  double ventilation_fast_fraction = 0.45;      ///< f_fast
  double ventilation_time_constant = 60.0;      ///< tau_E, s
  double ventilation_rate_gain = 0.0;           ///< k_f, breaths/min per mL/s of CO2
  double ventilation_depth_gain = 0.0;          ///< k_A, mmHg per mL/s of CO2
  double muscle_pump_pressure = 0.0;            ///< A_pump, mmHg at the whole reserve
  double contractile_reserve = 0.0;             ///< k_ino: ventricular E_es x (1 + k_ino I_M)
  double post_dilation_gain = 0.0;              ///< g_h: h's target at the whole reserve
  double post_dilation_charge_time = 600.0;     ///< tau_c, s: h rising with the work
  double post_dilation_decay_time = 6000.0;     ///< tau_d, s: h falling after it
  double post_dilation_resetting = 0.0;         ///< k_s, mmHg off the set point per unit of d
  double post_dilation_compliance = 0.0;        ///< k_C: large arteries' C x (1 + k_C d)
  double catecholamine_exponent = 5.0;          ///< b: the release's steepness with I_M
  double catecholamine_release_time = 60.0;     ///< tau_R, s
  double catecholamine_clearance_time = 100.0;  ///< tau_C, s
  double catecholamine_drive = 0.0;    ///< Df_C, spikes/s on the sinus node's firing at C = 1
  double respiratory_quotient = 0.84;  ///< RQ (the gas exchange's)

  /// O2 cost of work rate w, mL/s.
  [[nodiscard]] double o2_cost_of(double w) const noexcept { return o2_cost * w / 60.0; }
  /// The O2 uptake reserve, mL/s (at least 1/60 mL/s, so that a share of it is defined).
  [[nodiscard]] double o2_reserve() const noexcept {
    return std::max(peak_o2_uptake - rest_o2_uptake, 1.0) / 60.0;
  }
  /// The highest work rate the patient can sustain aerobically, W: the whole O2 uptake reserve.
  [[nodiscard]] double peak_work_rate() const noexcept {
    return std::max(peak_o2_uptake - rest_o2_uptake, 0.0) / o2_cost;
  }
};

/// The time constant of a state that follows its target with tau_up while below it and
/// tau_down while above it.
[[nodiscard]] inline double asymmetric_time_constant(double target, double state, double tau_up,
                                                     double tau_down) noexcept {
  return target > state ? tau_up : tau_down;
}

/// The commanded intensity I and the metabolic intensity I_M of the states x.
[[nodiscard]] inline double commanded_intensity(const ExerciseCoefficients& c,
                                                const double* x) noexcept {
  return c.o2_cost_of(std::max(x[exercise_work_rate], 0.0)) / c.o2_reserve();
}
[[nodiscard]] inline double metabolic_intensity(const ExerciseCoefficients& c,
                                                const double* x) noexcept {
  return std::max(x[exercise_o2_demand], 0.0) / c.o2_reserve();
}

/// The vagal withdrawal (a fraction of V_max) an intensity asks for: complete at I_v.
[[nodiscard]] inline double vagal_withdrawal_asked(const ExerciseCoefficients& c,
                                                   double intensity) noexcept {
  return std::min(1.0, intensity / c.vagal_withdrawal_intensity);
}

/// What the vagal withdrawal follows now, and its time constant (s).
[[nodiscard]] inline double vagal_withdrawal_target(const ExerciseCoefficients& c,
                                                    const double* x) noexcept {
  return vagal_withdrawal_asked(c, commanded_intensity(c, x));
}
[[nodiscard]] inline double vagal_withdrawal_time_constant(const ExerciseCoefficients& c,
                                                           const double* x) noexcept {
  return asymmetric_time_constant(vagal_withdrawal_target(c, x), x[exercise_vagal_withdrawal],
                                  c.vagal_on_time_constant, c.vagal_off_time_constant);
}

/// What the post-exercise dilation follows now, and its time constant (s).
[[nodiscard]] inline double post_dilation_target(const ExerciseCoefficients& c,
                                                 const double* x) noexcept {
  return c.post_dilation_gain * std::min(metabolic_intensity(c, x), 1.0);
}
[[nodiscard]] inline double post_dilation_time_constant(const ExerciseCoefficients& c,
                                                        const double* x) noexcept {
  return asymmetric_time_constant(post_dilation_target(c, x), x[exercise_post_dilation],
                                  c.post_dilation_charge_time, c.post_dilation_decay_time);
}

/// The catecholamines' release the muscles' metabolism asks for: 0 at rest, 1 at the whole
/// reserve, rising as e^(b I_M).
[[nodiscard]] inline double catecholamine_release_target(const ExerciseCoefficients& c,
                                                         const double* x) noexcept {
  const double b = c.catecholamine_exponent;
  return std::expm1(b * std::min(metabolic_intensity(c, x), 1.0)) / std::expm1(b);
}

/// The O2 demand (mL/s) the active muscle's vasodilation follows: the work's O2 cost as it rises
/// (feed-forward: the onset hyperaemia), the muscles' O2 demand now once the work stops, so that
/// the vessels stay open while the metabolites wash out rather than closing on a heart still
/// pumping exercise flow.
[[nodiscard]] inline double vasodilating_demand(double work_cost, const double* x) noexcept {
  return std::max(work_cost, x[exercise_o2_demand]);
}

/// Derivatives of the exercise states x.
inline void exercise_derivatives(const ExerciseCoefficients& c, const double* x,
                                 double* dx) noexcept {
  const double r = c.ramp_rate;
  dx[exercise_work_rate] =
      r * std::tanh((c.work_rate - x[exercise_work_rate]) / (r * exercise_ramp_rounding_time));
  const double demand = c.o2_cost_of(x[exercise_work_rate]);
  dx[exercise_o2_demand] = (demand - x[exercise_o2_demand]) / c.o2_time_constant;
  dx[exercise_vasodilation] =
      (c.vasodilation_gain * vasodilating_demand(demand, x) - x[exercise_vasodilation]) /
      c.vasodilation_time_constant;
  dx[exercise_ventilation] =
      ((1.0 - c.ventilation_fast_fraction) * c.respiratory_quotient * demand -
       x[exercise_ventilation]) /
      c.ventilation_time_constant;
  dx[exercise_vagal_withdrawal] = (vagal_withdrawal_target(c, x) - x[exercise_vagal_withdrawal]) /
                                  vagal_withdrawal_time_constant(c, x);
  dx[exercise_post_dilation] =
      (post_dilation_target(c, x) - x[exercise_post_dilation]) / post_dilation_time_constant(c, x);
  dx[exercise_catecholamine_release] =
      (catecholamine_release_target(c, x) - x[exercise_catecholamine_release]) /
      c.catecholamine_release_time;
  dx[exercise_catecholamine] = (x[exercise_catecholamine_release] - x[exercise_catecholamine]) /
                               c.catecholamine_clearance_time;
}

/// d(dx_i/dt)/dx_i: each state's own decay, for the Newton matrix.
[[nodiscard]] inline double exercise_decay(const ExerciseCoefficients& c, const double* x,
                                           std::size_t state) noexcept {
  switch (state) {
    case exercise_work_rate: {
      const double u =
          (c.work_rate - x[exercise_work_rate]) / (c.ramp_rate * exercise_ramp_rounding_time);
      const double sech = 1.0 / std::cosh(std::clamp(u, -300.0, 300.0));
      return -sech * sech / exercise_ramp_rounding_time;
    }
    case exercise_o2_demand:
      return -1.0 / c.o2_time_constant;
    case exercise_vasodilation:
      return -1.0 / c.vasodilation_time_constant;
    case exercise_ventilation:
      return -1.0 / c.ventilation_time_constant;
    case exercise_vagal_withdrawal:
      return -1.0 / vagal_withdrawal_time_constant(c, x);
    case exercise_catecholamine_release:
      return -1.0 / c.catecholamine_release_time;
    case exercise_catecholamine:
      return -1.0 / c.catecholamine_clearance_time;
    default:
      return -1.0 / post_dilation_time_constant(c, x);
  }
}

/// For the Newton matrix, a state's derivative with respect to the two states its target can
/// follow: the work rate and the O2 demand. Both entries are always written (one may be 0), so
/// that the Jacobian's sparsity pattern, recorded once at rest, holds whichever is active later.
struct ExerciseCoupling {
  double work_rate = 0.0;  ///< d(dx_i/dt)/dW
  double o2_demand = 0.0;  ///< d(dx_i/dt)/dx_M
};

/// The vasodilation's coupling: to the work rate while its O2 cost leads, to the O2 demand
/// once the work has fallen below it (vasodilating_demand()).
[[nodiscard]] inline ExerciseCoupling vasodilation_coupling(const ExerciseCoefficients& c,
                                                            const double* x) noexcept {
  const double rate = c.vasodilation_gain / c.vasodilation_time_constant;
  if (c.o2_cost_of(x[exercise_work_rate]) >= x[exercise_o2_demand])
    return {rate * c.o2_cost_of(1.0), 0.0};
  return {0.0, rate};
}

/// The vagal withdrawal's coupling to the work rate: none once the work asks for all of it.
[[nodiscard]] inline ExerciseCoupling vagal_withdrawal_coupling(const ExerciseCoefficients& c,
                                                                const double* x) noexcept {
  if (commanded_intensity(c, x) >= c.vagal_withdrawal_intensity) return {};
  return {c.o2_cost_of(1.0) / (c.o2_reserve() * c.vagal_withdrawal_intensity) /
              vagal_withdrawal_time_constant(c, x),
          0.0};
}

/// The post-exercise dilation's coupling to the O2 demand: none once the muscles use the whole
/// reserve (or none of it).
[[nodiscard]] inline ExerciseCoupling post_dilation_coupling(const ExerciseCoefficients& c,
                                                             const double* x) noexcept {
  const double intensity = metabolic_intensity(c, x);
  if (intensity <= 0.0 || intensity >= 1.0) return {};
  return {0.0, c.post_dilation_gain / (c.o2_reserve() * post_dilation_time_constant(c, x))};
}

/// What exercise does now.
struct ExerciseEffects {
  double intensity = 0.0;              ///< I, fraction of the O2 uptake reserve, commanded
  double metabolic_intensity = 0.0;    ///< I_M: the same for the O2 the muscles use now
  double extra_o2_demand = 0.0;        ///< mL/s the active muscle consumes above its rest
  double conductance_factor = 1.0;     ///< on the active muscle's arterioles
  double sympathetic_drive = 0.0;      ///< central command on the sympathetic neurons, spikes/s
  double vagal_withdrawal = 0.0;       ///< fall of the vagal firing, spikes/s
  double set_point_shift = 0.0;        ///< mmHg added to the baroreflex's set point
  double breathing_rate = 0.0;         ///< breaths/min added
  double muscle_pressure_depth = 0.0;  ///< mmHg added to the depth of P_mus,min
  double pump_pressure = 0.0;          ///< mmHg, before the venous-filling factor
  double contractility_factor = 1.0;   ///< on both ventricles' end-systolic elastance
  double compliance_factor = 1.0;      ///< on the large arteries' compliances
  double catecholamine_drive = 0.0;    ///< spikes/s the sinus node's sympathetic firing gains
};

/// O2 (mL/s) the active muscle consumes above its rest: none while exercise is switched off.
/// The gas exchange reads it on every step, so it does not compute the other effects.
[[nodiscard]] inline double extra_o2_demand(const ExerciseCoefficients& c,
                                            const double* x) noexcept {
  return c.enabled ? std::max(x[exercise_o2_demand], 0.0) : 0.0;
}

[[nodiscard]] inline ExerciseEffects exercise_effects(const ExerciseCoefficients& c,
                                                      const double* x) noexcept {
  ExerciseEffects fx;
  if (!c.enabled) return fx;
  const double demand = c.o2_cost_of(std::max(x[exercise_work_rate], 0.0));
  fx.intensity = commanded_intensity(c, x);
  fx.extra_o2_demand = extra_o2_demand(c, x);
  fx.metabolic_intensity = metabolic_intensity(c, x);
  const double metabolic_dilation = std::max(x[exercise_vasodilation], 0.0);
  const double post_dilation = std::max(x[exercise_post_dilation], 0.0);
  fx.conductance_factor = 1.0 + std::max(metabolic_dilation, post_dilation);
  fx.sympathetic_drive = c.central_sympathetic_drive * fx.metabolic_intensity;
  fx.vagal_withdrawal =
      c.central_vagal_withdrawal * std::clamp(x[exercise_vagal_withdrawal], 0.0, 1.0);
  const double f = c.commanded_resetting_fraction;
  const double lasting_dilation = std::max(post_dilation - metabolic_dilation, 0.0);  // d
  fx.set_point_shift =
      c.baroreflex_resetting *
          (f * std::min(fx.intensity, 1.0) + (1.0 - f) * std::min(fx.metabolic_intensity, 1.0)) -
      c.post_dilation_resetting * lasting_dilation;
  fx.compliance_factor = 1.0 + c.post_dilation_compliance * lasting_dilation;
  fx.catecholamine_drive = c.catecholamine_drive * std::max(x[exercise_catecholamine], 0.0);
  fx.contractility_factor = 1.0 + c.contractile_reserve * std::min(fx.metabolic_intensity, 1.0);
  const double drive = c.ventilation_fast_fraction * c.respiratory_quotient * demand +
                       std::max(x[exercise_ventilation], 0.0);
  fx.breathing_rate = c.ventilation_rate_gain * drive;
  fx.muscle_pressure_depth = c.ventilation_depth_gain * drive;
  fx.pump_pressure = c.muscle_pump_pressure * std::min(fx.intensity, 1.0);
  return fx;
}

/// The pump's pressure for venous transmural pressure p_v (mmHg): veins at or below their
/// unstressed volume have nothing to give.
[[nodiscard]] inline double muscle_pump_pressure(double pump, double p_v) noexcept {
  return p_v > 0.0 ? pump * p_v / (p_v + 1.0) : 0.0;
}

}  // namespace physiotwin::control
