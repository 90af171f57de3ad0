#pragma once
// Heart valve with opening dynamics, Mynard, Davidson, Penny & Smolich 2012,
// "A simple, versatile valve model for use in lumped parameter and one-dimensional
// cardiovascular models", Int J Numer Meth Biomed Eng 28:626-641, eqs. (1)-(7):
//   dP = B Q|Q| + L dQ/dt,   B = rho / (2 A_eff^2),   L = rho l_eff / A_eff,
//   A_eff = A_min + (A_max - A_min) zeta,
//   dzeta/dt = (1 - zeta) K_vo dP   if dP > 0,   zeta K_vc dP   if dP <= 0.
// Mynard writes A_eff = [(M_st - M_rg) zeta + M_rg] A_ann; A_max = M_st A_ann is the
// stenotic (maximal) area and A_min = M_rg A_ann the regurgitant orifice, both in cm^2 here
// because that is what an echocardiogram reports.
#include <algorithm>
#include <cmath>

namespace physiotwin::cardio {

/// dyn/cm^2 per mmHg: converts rho Q^2 / A^2 (g, cm, s) into mmHg.
inline constexpr double dyn_per_cm2_per_mmHg = 1333.22;

/// Smallest effective area used in the equations (cm^2). A competent valve (A_min = 0)
/// would make B and L infinite; with this floor a closed valve leaks about 0.05 mL/s at
/// 100 mmHg, under 0.1 % of a stroke volume per beat. See docs/models/cardiovascular.md.
inline constexpr double closed_area_floor = 1.0e-4;

struct ValveDerivatives {
  double dflow;     ///< dQ/dt, mL/s^2
  double dopening;  ///< dzeta/dt, 1/s
};

struct ValveCoefficients {
  double max_area;      ///< cm^2
  double min_area;      ///< cm^2
  double length;        ///< cm
  double opening_rate;  ///< 1/(mmHg s)
  double closing_rate;  ///< 1/(mmHg s)
};

[[nodiscard]] inline double valve_effective_area(const ValveCoefficients& v, double zeta) noexcept {
  const double z = std::clamp(zeta, 0.0, 1.0);
  return std::max(v.min_area + (v.max_area - v.min_area) * z, closed_area_floor);
}

/// d(A_eff)/d(zeta): zero where the clamp or the floor is active.
[[nodiscard]] inline double valve_area_slope(const ValveCoefficients& v, double zeta) noexcept {
  if (zeta < 0.0 || zeta > 1.0) return 0.0;
  return v.min_area + (v.max_area - v.min_area) * zeta > closed_area_floor ? v.max_area - v.min_area
                                                                           : 0.0;
}

/// Partial derivatives of (dQ/dt, dzeta/dt) for the analytic Jacobian.
struct ValvePartials {
  double dflow_ddp, dflow_dq, dflow_dzeta;
  double dopening_ddp, dopening_dzeta;
};

[[nodiscard]] inline ValvePartials valve_partials(const ValveCoefficients& v, double rho, double dp,
                                                  double q, double zeta) noexcept {
  const double area = valve_effective_area(v, zeta);
  const double slope = valve_area_slope(v, zeta);
  ValvePartials d{};
  d.dflow_ddp = area * dyn_per_cm2_per_mmHg / (rho * v.length);
  d.dflow_dq = -std::abs(q) / (area * v.length);
  d.dflow_dzeta = slope * (dp * dyn_per_cm2_per_mmHg / (rho * v.length) +
                           q * std::abs(q) / (2.0 * area * area * v.length));
  if (dp > 0.0) {
    d.dopening_ddp = (1.0 - zeta) * v.opening_rate;
    d.dopening_dzeta = -v.opening_rate * dp;
  } else {
    d.dopening_ddp = zeta * v.closing_rate;
    d.dopening_dzeta = v.closing_rate * dp;
  }
  return d;
}

/// Blood velocity through the effective orifice, m/s: what continuous-wave Doppler measures.
/// Zero for a competent valve that is shut (area at the numerical floor): the tiny flow
/// there is an artefact of the floor, not a jet.
[[nodiscard]] inline double valve_velocity(const ValveCoefficients& v, double q,
                                           double zeta) noexcept {
  const double area = valve_effective_area(v, zeta);
  if (area <= closed_area_floor) return 0.0;
  return q / area / 100.0;  // (mL/s)/cm^2 = cm/s
}

/// Convective (Bernoulli) pressure drop for a velocity, mmHg: rho v^2 / 2, which is the
/// clinical 4 v^2 with rho = 1.06 g/mL (Hatle et al. 1978). v in m/s, rho in g/mL.
[[nodiscard]] inline double bernoulli_gradient(double velocity, double rho) noexcept {
  const double cm_per_s = 100.0 * velocity;
  return rho * cm_per_s * cm_per_s / (2.0 * dyn_per_cm2_per_mmHg);
}

/// Time derivatives of flow and opening for a pressure drop dp (mmHg, upstream minus
/// downstream), flow q (mL/s) and opening zeta; rho in g/mL.
[[nodiscard]] inline ValveDerivatives valve_derivatives(const ValveCoefficients& v, double rho,
                                                        double dp, double q, double zeta) noexcept {
  const double area = valve_effective_area(v, zeta);
  // dQ/dt = (dp - B Q|Q|)/L with B = rho/(2 A^2 c), L = rho l/(A c):
  //       = dp A c/(rho l) - Q|Q|/(2 A l)
  const double dflow = dp * area * dyn_per_cm2_per_mmHg / (rho * v.length) -
                       q * std::abs(q) / (2.0 * area * v.length);
  const double dopening =
      dp > 0.0 ? (1.0 - zeta) * v.opening_rate * dp : zeta * v.closing_rate * dp;
  return {dflow, dopening};
}

}  // namespace physiotwin::cardio
