#pragma once
// Ventricular interaction of Smith, Chase, Nokes, Shaw & Wake 2004 (Med Eng Phys 26:131,
// eqs. 4-9): the septum is a third elastance wall whose volume V_spt balances the free
// walls, and a pericardium squeezes both ventricles:
//   P_spt(V_spt) = P_lvf(V_lv - V_spt) - P_rvf(V_rv + V_spt)
//   P_lv = P_lvf(V_lv - V_spt) + P_pcd,   P_rv = P_rvf(V_rv + V_spt) + P_pcd
//   P_pcd = P_0,pcd (exp(lambda_pcd (V_lv + V_rv - V_0,pcd)) - 1)
// The septal balance is an algebraic equation; solving it inside the pressure computation
// keeps the whole model an ODE for CVODE.
#include <cmath>

#include "physiotwin/cardio/elastance_wall.hpp"

namespace physiotwin::cardio {

struct Pericardium {
  double p0 = 0.0, lambda = 0.0, v0 = 0.0;
  [[nodiscard]] double pressure(double v) const noexcept {
    return p0 * (std::exp(std::min(lambda * (v - v0), max_edpvr_exponent)) - 1.0);
  }
  [[nodiscard]] double slope(double v) const noexcept {
    const double x = lambda * (v - v0);
    return x < max_edpvr_exponent ? p0 * lambda * std::exp(x) : 0.0;
  }
};

struct InteractingVentricles {
  double septum_volume;   ///< mL
  double left_pressure;   ///< transmural (free wall + pericardium), mmHg
  double right_pressure;  ///< transmural, mmHg
  // d(pressure)/d(volume): left by left, left by right, right by left, right by right
  double dleft_dleft, dleft_dright, dright_dleft, dright_dright;
};

/// Solves the septal balance by Newton's method safeguarded by bisection (the residual is
/// strictly increasing in V_spt, so the root is unique), starting from `guess`.
[[nodiscard]] inline InteractingVentricles solve_ventricular_interaction(
    const ElastanceWall& left_free_wall, const ElastanceWall& right_free_wall,
    const ElastanceWall& septum, const Pericardium& pericardium, double e, double v_left,
    double v_right, double guess) noexcept {
  auto residual = [&](double x) {
    return septum.pressure(x, e) - left_free_wall.pressure(v_left - x, e) +
           right_free_wall.pressure(v_right + x, e);
  };
  auto derivative = [&](double x) {
    return septum.slope(x, e) + left_free_wall.slope(v_left - x, e) +
           right_free_wall.slope(v_right + x, e);
  };
  // Bracket the root, widening from the guess.
  double lo = guess - 1.0, hi = guess + 1.0;
  for (int i = 0; i < 60 && residual(lo) > 0.0; ++i) lo -= 2.0 * (hi - lo);
  for (int i = 0; i < 60 && residual(hi) < 0.0; ++i) hi += 2.0 * (hi - lo);
  double x = std::clamp(guess, lo, hi);
  for (int it = 0; it < 100; ++it) {
    const double f = residual(x);
    if (f > 0.0)
      hi = x;
    else
      lo = x;
    const double d = derivative(x);
    double next = d > 0.0 ? x - f / d : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::abs(next - x) <= 1e-12 * (1.0 + std::abs(x))) {
      x = next;
      break;
    }
    x = next;
  }
  const double a = left_free_wall.slope(v_left - x, e);
  const double b = right_free_wall.slope(v_right + x, e);
  const double s = septum.slope(x, e);
  const double p = pericardium.slope(v_left + v_right);
  const double pcd = pericardium.pressure(v_left + v_right);
  const double total = s + a + b;
  // Implicit function theorem: dV_spt/dV_lv = a/total, dV_spt/dV_rv = -b/total.
  return {x,
          left_free_wall.pressure(v_left - x, e) + pcd,
          right_free_wall.pressure(v_right + x, e) + pcd,
          a * (1.0 - a / total) + p,
          a * b / total + p,
          b * a / total + p,
          b * (1.0 - b / total) + p};
}

}  // namespace physiotwin::cardio
