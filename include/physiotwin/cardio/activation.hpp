#pragma once
// Normalised chamber activation e(u) in [0, 1] over one cardiac period, u in [0, 1) the
// fraction of the period since the chamber's onset. Double-Hill form of Stergiopulos,
// Meister & Westerhof 1996 (Am J Physiol 270:H2050) as used for all four chambers by
// Mynard et al. 2012 (Int J Numer Meth Biomed Eng 28:626):
//   e(u) = k * g1 / (1 + g1) * 1 / (1 + g2),  g1 = (u/tau1)^m1,  g2 = (u/tau2)^m2,
// with k chosen so that max e = 1.
#include <cmath>

namespace physiotwin::cardio {

struct DoubleHill {
  double tau1 = 0.3;
  double tau2 = 0.45;
  double m1 = 1.32;
  double m2 = 27.4;
  double normalisation = 1.0;  ///< k; set by normalise()

  [[nodiscard]] double raw(double u) const noexcept {
    if (u <= 0.0) return 0.0;
    // (u/tau)^m as exp(m log(u/tau)), sharing log u: one log and two exps instead of two
    // pows, in every right-hand side. The relative difference from pow is about
    // m |log(u/tau)| 1e-16, under 1e-13 here.
    const double log_u = std::log(u);
    const double g1 = std::exp(m1 * (log_u - log_tau1));
    const double g2 = std::exp(m2 * (log_u - log_tau2));
    return g1 / (1.0 + g1) / (1.0 + g2);
  }

  [[nodiscard]] double operator()(double u) const noexcept { return normalisation * raw(u); }

  /// Finds the peak of raw() on [0, 1] (grid search, then golden-section refinement) and
  /// sets k = 1/peak. Called whenever the shape parameters change, never in the RHS.
  void normalise() noexcept {
    log_tau1 = std::log(tau1);
    log_tau2 = std::log(tau2);
    constexpr int grid = 2000;
    int best = 1;
    for (int i = 1; i <= grid; ++i) {
      if (raw(i / double(grid)) > raw(best / double(grid))) best = i;
    }
    double a = (best - 1) / double(grid), b = std::min(1.0, (best + 1) / double(grid));
    const double ratio = 0.5 * (std::sqrt(5.0) - 1.0);
    for (int it = 0; it < 60; ++it) {
      const double c = b - ratio * (b - a), d = a + ratio * (b - a);
      if (raw(c) > raw(d))
        b = d;
      else
        a = c;
    }
    normalisation = 1.0 / raw(0.5 * (a + b));
  }

  // log tau1 and log tau2 for raw(), kept by normalise() (public so that the struct stays an
  // aggregate; not parameters).
  double log_tau1 = std::log(0.3), log_tau2 = std::log(0.45);
};

}  // namespace physiotwin::cardio
