#pragma once
// Distensible resistance vessels, after Linehan, Haworth, Nelin, Krenz & Dawson 1992, "A
// simple distensible vessel model for interpreting pulmonary vascular pressure-flow curves",
// J Appl Physiol 73:987: a vessel's diameter grows linearly with its distending pressure,
//   D = D0 (1 + alpha P),
// and its resistance falls with the fourth power of the diameter (Poiseuille),
//   R = R0 / (1 + alpha P)^4.
// Here R is given at a reference pressure (the resting state's, so that the lumped model's
// resting resistance keeps its published value) and P is the mean of the vessel's two end
// pressures (the lumped form of Linehan's integral along the vessel):
//   G(P) = G_ref * [(1 + alpha P) / (1 + alpha P_ref)]^4.
// alpha is about 0.02 /mmHg in the human lung (Reeves, Linehan & Stenmark 2005, Am J Physiol
// Lung Cell Mol Physiol 288:L419); docs/models/cardiovascular.md, "Pulmonary distensibility".
#include <algorithm>

namespace physiotwin::cardio {

/// Smallest relative diameter (D / D_ref) the law is used down to: at lower distending
/// pressures the vessels are taken as rigid at that size (resistance at most 256 times its
/// reference), so that a negative pressure can never close them or reverse the law's sign.
inline constexpr double distensible_diameter_floor = 0.25;

struct DistensibleVessel {
  double distensibility = 0.0;      ///< alpha, 1/mmHg; 0: a linear resistance
  double reference_diameter = 1.0;  ///< 1 + alpha P_ref

  /// G(P) / G_ref at mean distending pressure p (mmHg).
  [[nodiscard]] double conductance_factor(double p) const noexcept {
    const double d =
        std::max(distensible_diameter_floor, (1.0 + distensibility * p) / reference_diameter);
    return d * d * d * d;
  }
  /// d(G/G_ref)/dp (1/mmHg): zero where the diameter is at its floor.
  [[nodiscard]] double conductance_factor_slope(double p) const noexcept {
    const double d = (1.0 + distensibility * p) / reference_diameter;
    if (d <= distensible_diameter_floor) return 0.0;
    return 4.0 * d * d * d * distensibility / reference_diameter;
  }
};

}  // namespace physiotwin::cardio
