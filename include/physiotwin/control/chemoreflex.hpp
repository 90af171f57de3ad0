#pragma once
// Chemoreflex control of breathing and of sympathetic tone.
//
// Peripheral (carotid body) chemoreceptors, Magosso & Ursino 2001 (Am J Physiol Heart Circ
// Physiol 281:H2036; after Ursino & Magosso 2000): afferent firing
//   phi = (f_max + f_min e^{(PaO2 - P_O2,n)/k}) / (1 + e^{(PaO2 - P_O2,n)/k})
//         x (K ln(PaCO2 / PaCO2,n) + f_CO2,n)
//   tau df_apc/dt = phi - f_apc
// with the CO2 sensitivity K rising in hypoxia: K = K_H above 80 mmHg, K_H + 1.2 (80 - PaO2)/30
// between 40 and 80 mmHg and K_H + 1.6 below 40 (continuous; some transcriptions write
// K_H - 1.6 there, which jumps at 40 mmHg).
//
// Ventilatory response, Albanese et al. 2016 (Am J Physiol Heart Circ Physiol 310:H899,
// respiratory control): for the central (u_c = PaCO2 - PaCO2,n) and the peripheral
// (u_p = f_apc - f_apc,n) pathway alike, first-order changes of the muscle-pressure amplitude
// and of the breathing rate:
//   tau_A dDP/dt = G_A u - DP,   tau_f dDRR/dt = G_f u - DRR
//   P_mus,min = P_mus,min,0 - DP_c - DP_p,   RR = RR_0 + DRR_c + DRR_p
// Simplification, as for the baroreflex: Albanese's pure delays (D_c = 8 s, D_p = 7 s) are
// folded into the time constants (tau + D); the transport from lungs to the sensing artery
// is in the circulation's own gas transport.
//
// Hypoxia on sympathetic tone (Albanese 2016, efferent sympathetic equation): the peripheral
// chemoreceptors excite the sympathetic neurons with weight W_c relative to the baroreceptors'
// inhibition (see control/baroreflex.hpp, sympathetic_rate()).
//
// Hypoxia on the heart's vagal tone, while the patient breathes by itself: the hypoxic part of
// the afferent firing, measured from the patient's resting arterial PO2 P_r,
//   u_h = (phi_O2(PaO2) - phi_O2(P_r)) f_CO2,n,   phi_O2 the O2 sigmoid above,
// withdraws W_h u_h spikes/s of cardiac vagal firing (vagal_rate()). It stands for the net of
// the chemoreceptors' primary vagal (bradycardic) effect and the cardio-acceleration of the
// hyperpnoea they cause (lung-stretch afferents, central irradiation; Magosso & Ursino 2001),
// which in spontaneously breathing people is a tachycardia growing as the O2 falls (Dripps &
// Comroe 1947; Halliwill & Minson 2002) and a slight bradycardia on 100 % O2 (Dripps &
// Comroe). Only the O2 part: isocapnic and poikilocapnic hypoxia raise the heart rate alike
// (Steinback & Poulin 2008), and slow breathing, which raises PaCO2, does not (Song & Lehrer
// 2003). P_r is where calibration settles the patient (acclimatisation: a chronically
// hypoxaemic patient's resting heart rate is its own). Under a ventilator the term is off.
// Values and their fit: docs/models/control.md, "Hypoxic tachycardia".
#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

#include "physiotwin/core/units.hpp"

namespace physiotwin::control {

enum ChemoreflexState : std::size_t {
  peripheral_activity,   ///< f_apc, spikes/s
  central_amplitude,     ///< DP_c, mmHg
  central_rate,          ///< DRR_c, 1/min
  peripheral_amplitude,  ///< DP_p, mmHg
  peripheral_rate,       ///< DRR_p, 1/min
  chemoreflex_state_count
};

inline constexpr std::array<std::string_view, chemoreflex_state_count> chemoreflex_state_names{
    "peripheral_activity", "central_amplitude", "central_rate", "peripheral_amplitude",
    "peripheral_rate"};

struct ChemoreflexCoefficients {
  bool enabled = true;
  // peripheral afferent
  double max_rate = 12.3, min_rate = 0.835;   ///< spikes/s
  double o2_center = 45.0, o2_slope = 29.27;  ///< mmHg
  double co2_sensitivity = 3.0;               ///< K_H, spikes/s
  double co2_rest_rate = 1.4;                 ///< f_CO2,n, 1
  double co2_set_point = 40.0;                ///< PaCO2,n, mmHg (peripheral and central)
  double afferent_time = 2.0;                 ///< s
  double rest_rate = 3.7;                     ///< f_apc,n, spikes/s
  // ventilatory response: gains (mmHg per mmHg or per spike/s; breaths/min per ...), times (s);
  // the amplitude gains are Albanese's, given in cmH2O, converted to mmHg
  double central_amplitude_gain = 0.85 * units::mmHg_per_cmH2O,
         central_amplitude_time = 105.0 + 8.0;
  double central_rate_gain = 0.9, central_rate_time = 400.0 + 8.0;
  double peripheral_amplitude_gain = 1.31 * units::mmHg_per_cmH2O,
         peripheral_amplitude_time = 83.0 + 7.0;
  double peripheral_rate_gain = 0.8735, peripheral_rate_time = 147.78 + 7.0;
  double sympathetic_weight = 1.716 / 1.1375;  ///< W_c / |W_b|
  double cardiac_vagal_withdrawal = 0.0;       ///< W_h, 1: vagal spikes/s per hypoxic spike/s
  double resting_po2 = 95.0;                   ///< P_r, mmHg: the patient's resting PaO2
};

/// The O2 sigmoid of the afferent firing (phi_O2, spikes/s per unit of the CO2 factor).
[[nodiscard]] inline double afferent_o2_part(const ChemoreflexCoefficients& c,
                                             double pao2) noexcept {
  const double e = std::exp((pao2 - c.o2_center) / c.o2_slope);
  return (c.max_rate + c.min_rate * e) / (1.0 + e);
}

/// Steady-state peripheral chemoreceptor firing (spikes/s) at arterial PO2 and PCO2 (mmHg).
[[nodiscard]] inline double peripheral_afferent(const ChemoreflexCoefficients& c, double pao2,
                                                double paco2) noexcept {
  const double o2_part = afferent_o2_part(c, pao2);
  const double k = pao2 > 80.0   ? c.co2_sensitivity
                   : pao2 > 40.0 ? c.co2_sensitivity + 1.2 * (80.0 - pao2) / 30.0
                                 : c.co2_sensitivity + 1.6;
  const double co2_part = k * std::log(std::max(paco2, 1.0) / c.co2_set_point) + c.co2_rest_rate;
  return std::max(o2_part * co2_part, 0.0);
}

/// Cardiac vagal firing (spikes/s) withdrawn by hypoxia at arterial PO2 pao2 (mmHg): W_h u_h,
/// negative (more vagal tone) above the patient's resting PO2.
[[nodiscard]] inline double hypoxic_vagal_withdrawal(const ChemoreflexCoefficients& c,
                                                     double pao2) noexcept {
  if (!c.enabled) return 0.0;
  return c.cardiac_vagal_withdrawal * c.co2_rest_rate *
         (afferent_o2_part(c, pao2) - afferent_o2_part(c, c.resting_po2));
}

/// Derivatives of the chemoreflex states x at arterial PO2 and PCO2.
inline void chemoreflex_derivatives(const ChemoreflexCoefficients& c, const double* x, double pao2,
                                    double paco2, double* dx) noexcept {
  dx[peripheral_activity] =
      (peripheral_afferent(c, pao2, paco2) - x[peripheral_activity]) / c.afferent_time;
  const double u_c = paco2 - c.co2_set_point;
  const double u_p = x[peripheral_activity] - c.rest_rate;
  dx[central_amplitude] =
      (c.central_amplitude_gain * u_c - x[central_amplitude]) / c.central_amplitude_time;
  dx[central_rate] = (c.central_rate_gain * u_c - x[central_rate]) / c.central_rate_time;
  dx[peripheral_amplitude] =
      (c.peripheral_amplitude_gain * u_p - x[peripheral_amplitude]) / c.peripheral_amplitude_time;
  dx[peripheral_rate] =
      (c.peripheral_rate_gain * u_p - x[peripheral_rate]) / c.peripheral_rate_time;
}

/// Time constant of each state (s), for the Newton matrix.
[[nodiscard]] inline double chemoreflex_time(const ChemoreflexCoefficients& c,
                                             std::size_t state) noexcept {
  switch (state) {
    case peripheral_activity:
      return c.afferent_time;
    case central_amplitude:
      return c.central_amplitude_time;
    case central_rate:
      return c.central_rate_time;
    case peripheral_amplitude:
      return c.peripheral_amplitude_time;
    default:
      return c.peripheral_rate_time;
  }
}

/// What the chemoreflex does now.
struct ChemoreflexEffects {
  double amplitude = 0.0;    ///< mmHg added to the depth of P_mus,min (deeper breaths)
  double rate = 0.0;         ///< breaths/min added
  double sympathetic = 0.0;  ///< weighted chemoreceptor drive on sympathetic neurons, spikes/s
};

[[nodiscard]] inline ChemoreflexEffects chemoreflex_effects(const ChemoreflexCoefficients& c,
                                                            const double* x) noexcept {
  if (!c.enabled) return {};
  return {x[central_amplitude] + x[peripheral_amplitude], x[central_rate] + x[peripheral_rate],
          c.sympathetic_weight * (x[peripheral_activity] - c.rest_rate)};
}

}  // namespace physiotwin::control
