#pragma once
// O2 and CO2 content of whole blood from their partial pressures: the dissociation curves
// of Spencer, Firouztale & Mellins 1979 (Ann Biomed Eng 7:59-66) as used by Albanese et al.
// 2016 (Am J Physiol Heart Circ Physiol 310:H899) and Magosso & Ursino 2001:
//
//   C_O2  = C_O2,max  F_O2^(1/a1)  / (1 + F_O2^(1/a1))  + sigma max(P_O2 - 120 mmHg, 0)
//   C_CO2 = C_CO2,max F_CO2^(1/a2) / (1 + F_CO2^(1/a2))
//   F_O2  = P_O2  (1 + beta1 P_CO2) / (K1 (1 + alpha1 P_CO2))      (Bohr effect)
//   F_CO2 = P_CO2 (1 + beta2 P_O2)  / (K2 (1 + alpha2 P_O2))       (Haldane effect)
//
// Spencer fitted total contents (bound and dissolved) of whole blood with 15 g/dL of
// haemoglobin for P_O2 0-120 mmHg and P_CO2 0-80 mmHg: C_O2,max = 9 mmol/L and
// C_CO2,max = 86.11 mmol/L, converted with 22.7 mL/mmol as the Albanese transcriptions and
// BioGears do (this reproduces Severinghaus's bound + dissolved content within 0.5 %).
// C_O2,max scales with haemoglobin (x Hb / 15 g/dL). Above 120 mmHg the curve is flat while real
// blood keeps dissolving O2 (sigma = 0.003 mL/dL/mmHg), so that term continues it: breathing oxygen
// then raises content and arterial P_O2 is well defined. Saturation is the bound part over the
// binding capacity (Albanese eq. A56: S = (C_O2 - sigma P_O2) / (1.34 Hb)). Contents in mL (STPD)
// per mL of blood, pressures in mmHg. docs/models/gas-exchange.md has the sources.
#include <algorithm>
#include <cmath>

namespace physiotwin::gas {

/// mL per mmol with which the Spencer constants are converted (see above).
inline constexpr double ml_per_mmol = 22.7;
/// Haemoglobin (g/dL) of the blood Spencer et al. fitted.
inline constexpr double spencer_hemoglobin = 15.0;

struct DissociationCoefficients {
  double o2_capacity = 0.201;  ///< mL O2 / mL blood bound at full saturation (1.34 x Hb)
  double o2_curve_max = 9.0 * ml_per_mmol / 1000.0;    ///< C1 for this Hb, mL/mL
  double co2_capacity = 86.11 * ml_per_mmol / 1000.0;  ///< mL CO2 / mL blood (C2)
  double a1 = 0.3836, a2 = 1.819;                      ///< Hill-like exponents' inverses
  double alpha1 = 0.03198, alpha2 = 0.05591;           ///< 1/mmHg
  double beta1 = 0.008275, beta2 = 0.03255;            ///< 1/mmHg
  double k1 = 14.99, k2 = 194.4;                       ///< mmHg
  double o2_solubility = 0.003 / 100.0;                ///< mL O2 / mL blood / mmHg
  double fit_limit = 120.0;  ///< mmHg: P_O2 above which dissolved O2 is added to the fit
};

/// Coefficients for a haemoglobin concentration in g/dL.
[[nodiscard]] inline DissociationCoefficients dissociation_for(
    double hemoglobin_g_per_dl) noexcept {
  DissociationCoefficients d;
  d.o2_capacity = 1.34 * hemoglobin_g_per_dl / 100.0;
  d.o2_curve_max *= hemoglobin_g_per_dl / spencer_hemoglobin;
  return d;
}

struct BloodContent {
  double o2 = 0.0, co2 = 0.0;  ///< mL/mL
  // partial derivatives, (mL/mL)/mmHg
  double do2_dpo2 = 0.0, do2_dpco2 = 0.0, dco2_dpo2 = 0.0, dco2_dpco2 = 0.0;
  double saturation = 0.0;  ///< haemoglobin O2 saturation, 0..1
};

namespace detail {
/// One curve: returns x/(1+x) with x = F^(1/a), F = p (1 + beta q)/(k (1 + alpha q)), and
/// the derivatives of that fraction with respect to p and q.
struct CurvePoint {
  double fraction = 0.0, dfraction_dp = 0.0, dfraction_dq = 0.0;
};
[[nodiscard]] inline CurvePoint curve(double p, double q, double a, double alpha, double beta,
                                      double k) noexcept {
  CurvePoint c;
  if (!(p > 0.0)) return c;
  q = std::max(q, 0.0);
  const double g = (1.0 + beta * q) / (k * (1.0 + alpha * q));
  const double f = p * g;
  const double x = std::pow(f, 1.0 / a);
  c.fraction = x / (1.0 + x);
  // d fraction / d ln F = x / (a (1 + x)^2)
  const double dlnf = x / (a * (1.0 + x) * (1.0 + x));
  c.dfraction_dp = dlnf / p;
  c.dfraction_dq = dlnf * (beta / (1.0 + beta * q) - alpha / (1.0 + alpha * q));
  return c;
}
}  // namespace detail

/// Contents, saturation and partial derivatives at partial pressures (po2, pco2).
[[nodiscard]] inline BloodContent blood_content(const DissociationCoefficients& d, double po2,
                                                double pco2) noexcept {
  const auto o = detail::curve(po2, pco2, d.a1, d.alpha1, d.beta1, d.k1);
  const auto c = detail::curve(pco2, po2, d.a2, d.alpha2, d.beta2, d.k2);
  BloodContent b;
  const bool beyond_fit = po2 > d.fit_limit;
  b.o2 = d.o2_curve_max * o.fraction + (beyond_fit ? d.o2_solubility * (po2 - d.fit_limit) : 0.0);
  b.saturation =
      std::clamp((b.o2 - d.o2_solubility * std::max(po2, 0.0)) / d.o2_capacity, 0.0, 1.0);
  b.do2_dpo2 = d.o2_curve_max * o.dfraction_dp + (beyond_fit ? d.o2_solubility : 0.0);
  b.do2_dpco2 = d.o2_curve_max * o.dfraction_dq;
  b.co2 = d.co2_capacity * c.fraction;
  b.dco2_dpco2 = d.co2_capacity * c.dfraction_dp;
  b.dco2_dpo2 = d.co2_capacity * c.dfraction_dq;
  return b;
}

struct PartialPressures {
  double po2 = 0.0, pco2 = 0.0;  ///< mmHg
};

namespace detail {
/// Robust inversion: the CO2 curve in closed form for a given P_O2, the O2 curve by
/// bracketed Newton for a given P_CO2, alternating. The two couple weakly (Bohr and Haldane
/// shifts), so this always converges; it is the fallback of partial_pressures().
[[nodiscard]] inline PartialPressures alternating_inverse(const DissociationCoefficients& d,
                                                          double o2, double co2,
                                                          PartialPressures p) noexcept {
  const double co2_fraction = std::clamp(co2 / d.co2_capacity, 0.0, 1.0 - 1e-12);
  const double f2 = std::pow(co2_fraction / (1.0 - co2_fraction), d.a2);  // F_CO2
  for (int round = 0; round < 100; ++round) {
    const PartialPressures last = p;
    p.pco2 = f2 * d.k2 * (1.0 + d.alpha2 * p.po2) / (1.0 + d.beta2 * p.po2);
    if (!(o2 > 0.0)) {
      p.po2 = 0.0;
    } else {
      // Content rises monotonically with P_O2, and above the fit limit by sigma per mmHg at
      // least: the root lies in [0, fit limit + o2 / sigma].
      double lo = 0.0, hi = d.fit_limit + o2 / d.o2_solubility, x = std::clamp(p.po2, lo, hi);
      for (int it = 0; it < 200 && hi - lo > 1e-12 * (1.0 + x); ++it) {
        const auto c = curve(x, p.pco2, d.a1, d.alpha1, d.beta1, d.k1);
        const bool beyond_fit = x > d.fit_limit;
        const double r = d.o2_curve_max * c.fraction +
                         (beyond_fit ? d.o2_solubility * (x - d.fit_limit) : 0.0) - o2;
        if (r == 0.0) break;
        (r > 0.0 ? hi : lo) = x;
        const double slope = d.o2_curve_max * c.dfraction_dp + (beyond_fit ? d.o2_solubility : 0.0);
        double next = x - r / slope;
        if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
        const bool settled = std::abs(next - x) <= 1e-13 * (1.0 + x);
        x = next;
        if (settled) break;
      }
      p.po2 = x;
    }
    if (std::abs(p.po2 - last.po2) <= 1e-10 * (1.0 + p.po2) &&
        std::abs(p.pco2 - last.pco2) <= 1e-10 * (1.0 + p.pco2)) {
      break;
    }
  }
  return p;
}
}  // namespace detail

/// The partial pressures at which blood holds contents (o2, co2): the inverse of
/// blood_content(), to about 1e-10 relative. Newton's method on both curves at once from
/// `guess` (e.g. the last answer at the same site: then one or two iterations, which is what
/// makes it cheap enough for every right-hand-side evaluation); if that does not converge
/// quickly, the robust alternating method.
[[nodiscard]] inline PartialPressures partial_pressures(const DissociationCoefficients& d,
                                                        double o2, double co2,
                                                        PartialPressures guess = {95.0,
                                                                                  40.0}) noexcept {
  PartialPressures p = guess;
  if (!(p.po2 > 0.0)) p.po2 = 40.0;
  if (!(p.pco2 > 0.0)) p.pco2 = 40.0;
  if (!(o2 > 0.0) || !(co2 > 0.0) || co2 >= d.co2_capacity) {
    return detail::alternating_inverse(d, o2, co2, p);
  }
  for (int it = 0; it < 8; ++it) {
    const BloodContent b = blood_content(d, p.po2, p.pco2);
    const double r1 = b.o2 - o2, r2 = b.co2 - co2;
    const double det = b.do2_dpo2 * b.dco2_dpco2 - b.do2_dpco2 * b.dco2_dpo2;
    if (!(det > 0.0)) break;
    const double step_o2 = (r1 * b.dco2_dpco2 - r2 * b.do2_dpco2) / det;
    const double step_co2 = (r2 * b.do2_dpo2 - r1 * b.dco2_dpo2) / det;
    const PartialPressures next{p.po2 - step_o2, p.pco2 - step_co2};
    if (!(next.po2 > 0.0) || !(next.pco2 > 0.0)) break;  // overshoot: leave it to the fallback
    p = next;
    if (std::abs(step_o2) <= 1e-10 * (1.0 + p.po2) &&
        std::abs(step_co2) <= 1e-10 * (1.0 + p.pco2)) {
      return p;
    }
  }
  return detail::alternating_inverse(d, o2, co2, p);
}

}  // namespace physiotwin::gas
