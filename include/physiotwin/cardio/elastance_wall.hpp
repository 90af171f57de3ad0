#pragma once
// A contracting wall with time-varying elastance and an exponential end-diastolic
// pressure-volume relation (Smith, Chase, Nokes, Shaw & Wake 2004, Med Eng Phys 26:131):
//   P(V, e) = e E_es (V - V_d) + (1 - e) P_0 (exp(lambda (V - V_0)) - 1)
// Used for whole chambers, for free walls and for the septum.
#include <algorithm>
#include <cmath>

namespace physiotwin::cardio {

/// Beyond exp(30) a chamber has ruptured; capping keeps the values finite so that the
/// solver, not an overflow, reports the failure with its time and state.
inline constexpr double max_edpvr_exponent = 30.0;

struct ElastanceWall {
  double ees = 0.0;     ///< end-systolic elastance, mmHg/mL
  double vd = 0.0;      ///< ESPVR volume intercept, mL
  double p0 = 0.0;      ///< EDPVR scale, mmHg
  double lambda = 0.0;  ///< EDPVR exponent, 1/mL
  double v0 = 0.0;      ///< EDPVR volume at zero pressure, mL

  [[nodiscard]] double pressure(double v, double e) const noexcept {
    const double passive = p0 * (std::exp(std::min(lambda * (v - v0), max_edpvr_exponent)) - 1.0);
    return e * ees * (v - vd) + (1.0 - e) * passive;
  }

  /// dP/dV.
  [[nodiscard]] double slope(double v, double e) const noexcept {
    const double x = lambda * (v - v0);
    const double passive = x < max_edpvr_exponent ? p0 * lambda * std::exp(x) : 0.0;
    return e * ees + (1.0 - e) * passive;
  }
};

}  // namespace physiotwin::cardio
