#pragma once
// Respiratory mechanics of Albanese, Cheng, Ursino & Chbat 2016 (Am J Physiol Heart Circ
// Physiol 310:H899, "An integrated mathematical model of the human cardiopulmonary system:
// model development", respiratory mechanics section): larynx (l), trachea (tr), bronchi (b)
// and alveoli (A) in series from the airway opening, chest wall around the thoracic ones,
// driven by the respiratory muscle pressure P_mus(t).
//
// Written here with air volumes as states (as the circulation is), which makes conservation
// of air structural and pleural pressure algebraic:
//   P_l  = (V_l - V_u,l)/C_l                      (extrathoracic: against the atmosphere)
//   P_x  = (V_x - V_u,x)/C_x + P_pl               (x = tr, b, A)
//   P_pl = (V_tr + V_b + V_A - V_cw)/C_cw + P_mus
// with V_cw fixed so that at end-expiration (P_mus = 0, all airways at atmospheric pressure)
// P_pl equals Albanese's P_pl,EE = -5 cmH2O. Flows: Q_ml = (P_ao - P_l)/R_ml,
// Q_lt = (P_l - P_tr)/R_lt, Q_tb = (P_tr - P_b)/R_tb, Q_bA = (P_b - P_A)/R_bA.
// Muscle pressure (Albanese eq. for P_mus; T = 60/RR, T_E = T/(1 + I:E), T_I = T - T_E,
// tau = T_E/5):
//   P_mus = -P_min t^2/(T_I T_E) + P_min T t/(T_I T_E)                         0 <= t <= T_I
//   P_mus = P_min (e^{-(t - T_I)/tau} - e^{-T_E/tau}) / (1 - e^{-T_E/tau})     T_I < t < T
// Units inside: mmHg, mL, s (parameters are given in the files in cmH2O and L and converted).
#include <array>
#include <cmath>
#include <string_view>

namespace physiotwin::resp {

enum Airway : std::size_t { larynx, trachea, bronchi, alveoli, airway_count };
/// The airways' names in state, signal and model-file names (Airway order).
inline constexpr std::array<std::string_view, airway_count> airway_names{"larynx", "trachea",
                                                                         "bronchi", "alveoli"};

struct LungCoefficients {
  std::array<double, airway_count> compliance{};  ///< mL/mmHg
  std::array<double, airway_count> unstressed{};  ///< mL
  /// R_ml (opening to larynx), R_lt, R_tb, R_bA, mmHg s/mL
  std::array<double, airway_count> resistance{};
  double chest_wall_compliance = 0.0;          ///< mL/mmHg
  double end_expiratory_pleural_pressure = 0;  ///< mmHg
  double rate = 12.0;                          ///< breaths/min
  double ie_ratio = 0.6;                       ///< inspiration : expiration
  double muscle_pressure_min = 0.0;            ///< mmHg (negative)
  /// breaths/min kept voluntarily (paced breathing; overrides the centres' rate); 0: none
  double paced_rate = 0.0;
  /// gamma: paced breaths are (spontaneous rate / paced rate)^gamma as deep in muscle pressure
  double paced_depth_exponent = 0.0;
  bool spontaneous = true;  ///< the muscles drive breathing

  /// Chest-wall reference volume: P_pl = P_pl,EE at end-expiration with the airways at
  /// atmospheric pressure.
  [[nodiscard]] double chest_wall_reference_volume() const noexcept {
    double thoracic = 0.0;
    for (std::size_t a = trachea; a < airway_count; ++a) {
      thoracic += unstressed[a] - compliance[a] * end_expiratory_pleural_pressure;
    }
    return thoracic - chest_wall_compliance * end_expiratory_pleural_pressure;
  }

  /// End-expiratory air volumes (the initial state).
  void end_expiratory_volumes(double* v) const noexcept {
    v[larynx] = unstressed[larynx];
    for (std::size_t a = trachea; a < airway_count; ++a) {
      v[a] = unstressed[a] - compliance[a] * end_expiratory_pleural_pressure;
    }
  }
};

/// Respiratory muscle pressure (mmHg) at fraction u in [0, 1) of the breath.
[[nodiscard]] inline double muscle_pressure(const LungCoefficients& c, double u) noexcept {
  if (!c.spontaneous) return 0.0;
  const double period = 60.0 / c.rate;
  const double te = period / (1.0 + c.ie_ratio), ti = period - te, tau = te / 5.0;
  const double t = u * period, p = c.muscle_pressure_min;
  if (t <= ti) return -p / (ti * te) * t * t + p * period / (ti * te) * t;
  // tau = te / 5, so exp(-te / tau) is the constant e^-5 (one exp per call instead of three).
  constexpr double at_end = 6.737946999085467e-3;  // e^-5
  return p * (std::exp(-(t - ti) / tau) - at_end) / (1.0 - at_end);
}

/// Mean respiratory muscle pressure (mmHg) over a whole breath: the integral of
/// muscle_pressure() over one breath divided by its period. The breath's shape scales with its
/// period, so this depends on the I:E ratio and P_mus,min only:
///   inspiration  P_min T_I (T/2 - T_I/3) / T_E
///   expiration   P_min (tau - e^-5 T_E / (1 - e^-5))
[[nodiscard]] inline double mean_muscle_pressure(const LungCoefficients& c) noexcept {
  if (!c.spontaneous) return 0.0;
  const double period = 60.0 / c.rate;
  const double te = period / (1.0 + c.ie_ratio), ti = period - te, tau = te / 5.0;
  constexpr double at_end = 6.737946999085467e-3;  // e^-5
  const double p = c.muscle_pressure_min;
  const double inspiration = p * ti * (period / 2.0 - ti / 3.0) / te;
  const double expiration = p * (tau - at_end * te / (1.0 - at_end));
  return (inspiration + expiration) / period;
}

struct LungState {
  std::array<double, airway_count> pressure{};  ///< mmHg, absolute
  std::array<double, airway_count> flow{};      ///< mL/s: into larynx, l->tr, tr->b, b->A
  double pleural = 0.0, muscle = 0.0;           ///< mmHg
};

/// Pressures and flows for air volumes v, breath fraction u and airway-opening pressure p_ao;
/// if `inflow` is a number, the flow at the opening is that (a flow-driven ventilator).
[[nodiscard]] inline LungState lung_state(const LungCoefficients& c, const double* v, double u,
                                          double p_ao, double reference_volume,
                                          double inflow = std::nan("")) noexcept {
  LungState s;
  s.muscle = muscle_pressure(c, u);
  s.pleural = (v[trachea] + v[bronchi] + v[alveoli] - reference_volume) / c.chest_wall_compliance +
              s.muscle;
  s.pressure[larynx] = (v[larynx] - c.unstressed[larynx]) / c.compliance[larynx];
  for (std::size_t a = trachea; a < airway_count; ++a) {
    s.pressure[a] = (v[a] - c.unstressed[a]) / c.compliance[a] + s.pleural;
  }
  s.flow[larynx] = std::isnan(inflow) ? (p_ao - s.pressure[larynx]) / c.resistance[larynx] : inflow;
  for (std::size_t a = trachea; a < airway_count; ++a) {
    s.flow[a] = (s.pressure[a - 1] - s.pressure[a]) / c.resistance[a];
  }
  return s;
}

}  // namespace physiotwin::resp
