#pragma once
// O2 and CO2 content of whole blood from their partial pressures: the dissociation curves
// of Spencer, Firouztale & Mellins 1979 (Ann Biomed Eng 7:59-66) as used by Albanese et al.
// 2016 (Am J Physiol Heart Circ Physiol 310:H899) and Magosso & Ursino 2001:
//
//   fit   = C_O2,max  F_O2^(1/a1)  / (1 + F_O2^(1/a1))
//   C_CO2 = C_CO2,max F_CO2^(1/a2) / (1 + F_CO2^(1/a2))
//   F_O2  = P_O2  (1 + beta1 P_CO2) / (K1 (1 + alpha1 P_CO2))      (Bohr effect)
//   F_CO2 = P_CO2 (1 + beta2 P_O2)  / (K2 (1 + alpha2 P_O2))       (Haldane effect)
//
// Spencer fitted total contents (bound and dissolved) of whole blood with 15 g/dL of
// haemoglobin for P_O2 0-120 mmHg and P_CO2 0-80 mmHg: C_O2,max = 9 mmol/L and
// C_CO2,max = 86.11 mmol/L, converted with 22.7 mL/mmol as the Albanese transcriptions and
// BioGears do (this reproduces Severinghaus's bound + dissolved content within 0.5 %).
// Haemoglobin scales the bound part, the fit less the dissolved O2 (sigma = 0.003 mL/dL/mmHg):
//
//   C_O2 = (Hb / 15) max(fit - sigma min(P_O2, 120), 0) + sigma P_O2
//
// which is Spencer's fit itself at 15 g/dL up to 120 mmHg. Above 120 mmHg the fit is flat
// while real blood keeps dissolving O2, which the sigma P_O2 term continues: breathing oxygen
// then raises the content and arterial P_O2 stays well defined. Saturation is the bound part
// over the binding capacity (Albanese eq. A56: S = (C_O2 - sigma P_O2) / (1.34 Hb)), the same
// for any Hb. Contents in mL (STPD) per mL of blood, pressures in mmHg.
// docs/models/gas-exchange.md has the sources.
#include <algorithm>
#include <cmath>

namespace physiotwin::gas {

/// mL per mmol with which the Spencer constants are converted (see above).
inline constexpr double ml_per_mmol = 22.7;
/// Haemoglobin (g/dL) of the blood Spencer et al. fitted.
inline constexpr double spencer_hemoglobin = 15.0;

struct DissociationCoefficients {
  double o2_capacity = 0.201;  ///< mL O2 / mL blood bound at full saturation (1.34 x Hb)
  double o2_curve_max = 9.0 * ml_per_mmol / 1000.0;    ///< Spencer's C1 (Hb 15 g/dL), mL/mL
  double hemoglobin_ratio = 1.0;                       ///< Hb / 15 g/dL
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
  d.hemoglobin_ratio = hemoglobin_g_per_dl / spencer_hemoglobin;
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
/// O2 content (mL/mL) and its derivatives at (p = P_O2, q = P_CO2); see the header comment.
struct OxygenPoint {
  double content = 0.0, dcontent_dp = 0.0, dcontent_dq = 0.0;
};
[[nodiscard]] inline OxygenPoint oxygen(const DissociationCoefficients& d, double p,
                                        double q) noexcept {
  const auto c = curve(p, q, d.a1, d.alpha1, d.beta1, d.k1);
  const double dissolved_in_fit = d.o2_solubility * std::clamp(p, 0.0, d.fit_limit);
  const double bound = d.o2_curve_max * c.fraction - dissolved_in_fit;
  OxygenPoint o;
  o.content = d.o2_solubility * std::max(p, 0.0);
  o.dcontent_dp = p > 0.0 ? d.o2_solubility : 0.0;
  if (bound > 0.0) {
    o.content += d.hemoglobin_ratio * bound;
    const double dfit_dp = d.o2_curve_max * c.dfraction_dp;
    o.dcontent_dp +=
        d.hemoglobin_ratio * (dfit_dp - (p > 0.0 && p < d.fit_limit ? d.o2_solubility : 0.0));
    o.dcontent_dq = d.hemoglobin_ratio * d.o2_curve_max * c.dfraction_dq;
  }
  return o;
}
}  // namespace detail

/// Contents, saturation and partial derivatives at partial pressures (po2, pco2).
[[nodiscard]] inline BloodContent blood_content(const DissociationCoefficients& d, double po2,
                                                double pco2) noexcept {
  const auto o = detail::oxygen(d, po2, pco2);
  const auto c = detail::curve(pco2, po2, d.a2, d.alpha2, d.beta2, d.k2);
  BloodContent b;
  b.o2 = o.content;
  b.saturation =
      std::clamp((b.o2 - d.o2_solubility * std::max(po2, 0.0)) / d.o2_capacity, 0.0, 1.0);
  b.do2_dpo2 = o.dcontent_dp;
  b.do2_dpco2 = o.dcontent_dq;
  b.co2 = d.co2_capacity * c.fraction;
  b.dco2_dpco2 = d.co2_capacity * c.dfraction_dp;
  b.dco2_dpo2 = d.co2_capacity * c.dfraction_dq;
  return b;
}

struct PartialPressures {
  double po2 = 0.0, pco2 = 0.0;  ///< mmHg
  double saturation = 0.0;       ///< haemoglobin O2 saturation there, 0..1 (set by the inverse)
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
      // Content rises monotonically with P_O2 and is at least sigma P_O2: the root lies in
      // [0, o2 / sigma].
      double lo = 0.0, hi = o2 / d.o2_solubility, x = std::clamp(p.po2, lo, hi);
      for (int it = 0; it < 200 && hi - lo > 1e-12 * (1.0 + x); ++it) {
        const auto c = oxygen(d, x, p.pco2);
        const double r = c.content - o2;
        if (r == 0.0) break;
        (r > 0.0 ? hi : lo) = x;
        const double slope = c.dcontent_dp;
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
  auto robust = [&] {
    PartialPressures r = detail::alternating_inverse(d, o2, co2, p);
    r.saturation = blood_content(d, r.po2, r.pco2).saturation;
    return r;
  };
  if (!(o2 > 0.0) || !(co2 > 0.0) || co2 >= d.co2_capacity) return robust();
  for (int it = 0; it < 8; ++it) {
    const BloodContent b = blood_content(d, p.po2, p.pco2);
    const double r1 = b.o2 - o2, r2 = b.co2 - co2;
    const double det = b.do2_dpo2 * b.dco2_dpco2 - b.do2_dpco2 * b.dco2_dpo2;
    if (!(det > 0.0)) break;
    const double step_o2 = (r1 * b.dco2_dpco2 - r2 * b.do2_dpco2) / det;
    const double step_co2 = (r2 * b.do2_dpo2 - r1 * b.dco2_dpo2) / det;
    const PartialPressures next{p.po2 - step_o2, p.pco2 - step_co2, b.saturation};
    if (!(next.po2 > 0.0) || !(next.pco2 > 0.0)) break;  // overshoot: leave it to the fallback
    p = next;
    // Converged: the saturation of the last evaluation is that of p to the same 1e-10.
    if (std::abs(step_o2) <= 1e-10 * (1.0 + p.po2) &&
        std::abs(step_co2) <= 1e-10 * (1.0 + p.pco2)) {
      return p;
    }
  }
  return robust();
}

}  // namespace physiotwin::gas
