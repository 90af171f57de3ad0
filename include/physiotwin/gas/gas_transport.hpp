#pragma once
// O2 and CO2 carried by blood and air: mass balances in every blood compartment and every
// airway compartment, exchange between alveolar gas and pulmonary capillary blood, and
// consumption (O2) and production (CO2) by the tissues. docs/models/gas-exchange.md gives
// the equations and their sources; in short:
//
// * States are amounts, mL (STPD), so that every transfer leaves one place and arrives at
//   another and mass balance holds by construction. Blood: n = C (V + V_T), C the content
//   (mL/mL) of the blood leaving the compartment, V its blood volume and V_T the tissue
//   volume equilibrated with it (the tissue gas store of Albanese 2016 / Magosso & Ursino
//   2001). Here V_T stores CO2 only: Albanese applies it to O2 as well, which would give the
//   body some 5 L of exchangeable O2 instead of the ~1.5 L measured (Farhi & Rahn 1955) and
//   venous O2 time constants of half an hour; tissue O2 (myoglobin, P50 ~3 mmHg) stays bound
//   at venous partial pressures, so it does not exchange. Air:
//   P = n k / V with k = 760 x 310.15/273.15 mmHg (ideal gas at 37 degC: mL STPD to BTPS).
// * Every flow carries the content (or partial pressure) of the compartment it leaves
//   (upwind), at the rate the mechanics gives it.
// * Exchange (Albanese et al. 2016): blood leaving the pulmonary capillaries through the
//   exchange connection has equilibrated with alveolar gas, except the shunt fraction,
//   which passes unchanged. What the blood gains, the alveoli lose.
// * Metabolism: each tissue consumes O2 at its rate (limited only as its content nears zero)
//   and produces CO2 at the respiratory quotient times that.
//
// Neglected, with consequences stated in the docs: diffusion limitation in the lung, the
// volume difference between O2 taken up and CO2 given off (RQ < 1 shrinks expired volume by
// ~1 %), haemodilution by infusions.
#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

#include "physiotwin/gas/blood_gas.hpp"
#include "physiotwin/resp/lung_mechanics.hpp"

namespace physiotwin::gas {

/// mmHg mL (BTPS) per mL (STPD): P = n k / V for n mL STPD of gas in V mL at 37 degC.
inline constexpr double btps_constant = 760.0 * 310.15 / 273.15;

enum Gas : std::size_t { o2, co2, gas_count };

struct GasCoefficients {
  DissociationCoefficients blood;
  double shunt_fraction = 0.02;
  std::array<double, gas_count> inspired_fraction{0.2094, 0.0004};  ///< dry gas
  double atmospheric_pressure = 760.0;                              ///< mmHg
  double water_vapour_pressure = 47.0;                              ///< mmHg at 37 degC
  double respiratory_quotient = 0.8;
  /// O2 content (mL/mL) at which consumption is halved: consumption is demand-set until
  /// the tissue runs out of oxygen, then falls to zero instead of going negative.
  double consumption_half_content = 0.002;

  /// Inspired partial pressure (mmHg) of a gas once humidified in the upper airways.
  [[nodiscard]] double inspired_pressure(Gas g) const noexcept {
    return inspired_fraction[g] * (atmospheric_pressure - water_vapour_pressure);
  }
};

/// What flows between the lungs, blood and tissues at one instant, mL (STPD)/s.
struct GasFluxes {
  std::array<double, gas_count> uptake{};             ///< from alveoli into blood (CO2: negative)
  std::array<double, gas_count> metabolism{};         ///< consumed (O2) / produced (CO2) by tissues
  std::array<double, gas_count> alveolar_pressure{};  ///< mmHg
};

/// The gas part of the state and its dynamics, for one circulation and one lung.
class GasTransport {
 public:
  // ---- set once by the model when it lays out its states ----
  std::size_t compartment_count = 0;
  std::size_t blood_state = 0;        ///< state of compartment c, gas g: blood_state + 2 c + g
  std::size_t air_state = 0;          ///< state of airway a, gas g: air_state + 2 a + g
  std::size_t air_volume_state = 0;   ///< the lung model's first airway volume
  std::vector<std::size_t> from, to;  ///< connections' ends
  std::size_t exchange = 0;           ///< connection whose blood equilibrates with alveolar gas
  // ---- re-read from the parameters on every refresh ----
  GasCoefficients coefficients;
  std::vector<double> tissue_volume;  ///< mL per compartment storing CO2 (0: blood only)
  std::vector<double> consumption;    ///< O2 demand, mL/s per compartment

  [[nodiscard]] std::size_t blood(std::size_t c, Gas g) const noexcept {
    return blood_state + 2 * c + g;
  }
  [[nodiscard]] std::size_t air(std::size_t a, Gas g) const noexcept {
    return air_state + 2 * a + g;
  }
  /// Content (mL/mL) of the blood leaving compartment c.
  [[nodiscard]] double content(const double* y, std::size_t c, Gas g) const noexcept {
    return y[blood(c, g)] / gas_volume(y, c, g);
  }
  /// Volume (mL) over which compartment c's amount of gas g is spread: blood, plus tissue
  /// for CO2.
  [[nodiscard]] double gas_volume(const double* y, std::size_t c, Gas g) const noexcept {
    return g == co2 ? y[c] + tissue_volume[c] : y[c];
  }
  /// Partial pressure (mmHg) in airway compartment a.
  [[nodiscard]] double air_pressure(const double* y, std::size_t a, Gas g) const noexcept {
    return y[air(a, g)] * btps_constant / y[air_volume_state + a];
  }

  /// O2 consumed in compartment c now, mL/s.
  [[nodiscard]] double consumed(const double* y, std::size_t c) const noexcept {
    const double o2_content = std::max(content(y, c, o2), 0.0);
    return consumption[c] * o2_content / (o2_content + coefficients.consumption_half_content);
  }

  /// Adds the gas states' derivatives to ydot. `flow` holds every connection's blood flow,
  /// `external` every compartment's inflow from outside (haemorrhage < 0, infusion > 0),
  /// `lung` the airway flows. Returns the fluxes, for observation.
  GasFluxes derivatives(const double* y, const double* flow, const double* external,
                        const resp::LungState& lung, double* ydot) const noexcept {
    GasFluxes fx;
    const auto alveolar = equilibrium(y, fx);
    for (std::size_t k = 0; k < from.size(); ++k) {
      const double q = flow[k];
      const std::size_t up = q >= 0.0 ? from[k] : to[k];
      for (Gas g : {o2, co2}) {
        const double carried = q * content(y, up, g);
        ydot[blood(from[k], g)] -= carried;
        ydot[blood(to[k], g)] += carried;
      }
      if (k == exchange && q > 0.0) {
        // The non-shunted blood leaves at alveolar equilibrium.
        const double exchanged = q * (1.0 - coefficients.shunt_fraction);
        for (Gas g : {o2, co2}) {
          const double gained =
              exchanged * ((g == o2 ? alveolar.o2 : alveolar.co2) - content(y, from[k], g));
          ydot[blood(to[k], g)] += gained;
          ydot[air(resp::alveoli, g)] -= gained;
          fx.uptake[g] += gained;
        }
      }
    }
    for (std::size_t c = 0; c < compartment_count; ++c) {
      // Infused fluid enters at the site's own content (no haemodilution: see the docs).
      for (Gas g : {o2, co2}) ydot[blood(c, g)] += external[c] * content(y, c, g);
      if (consumption[c] == 0.0) continue;
      const double used = consumed(y, c);
      ydot[blood(c, o2)] -= used;
      ydot[blood(c, co2)] += coefficients.respiratory_quotient * used;
      fx.metabolism[o2] += used;
      fx.metabolism[co2] += coefficients.respiratory_quotient * used;
    }
    for (std::size_t a = 0; a < resp::airway_count; ++a) {  // flow a enters airway a
      const double q = lung.flow[a];
      for (Gas g : {o2, co2}) {
        double carried = 0.0;
        if (q < 0.0) {
          carried = q * y[air(a, g)] / y[air_volume_state + a];
        } else if (a == 0) {
          carried = q * coefficients.inspired_pressure(g) / btps_constant;
        } else {
          carried = q * y[air(a - 1, g)] / y[air_volume_state + a - 1];
        }
        ydot[air(a, g)] += carried;
        if (a > 0) ydot[air(a - 1, g)] -= carried;
      }
    }
    return fx;
  }

  /// Partial derivatives of the gas derivatives with respect to gas amounts and to the
  /// volumes their contents depend on, flows held fixed (the mechanics does not depend on
  /// the gases, so the Newton matrix stays block triangular and exact where it matters).
  /// Touches the same entries for every state (both upwind directions), as the sparsity
  /// pattern requires.
  template <typename Entry>
  void jacobian(const double* y, const double* flow, const double* external,
                const resp::LungState& lung, Entry&& entry) const noexcept {
    GasFluxes unused;
    const auto alveolar = equilibrium(y, unused);
    // d(q C_u)/d(n_u) and d/dV_u for upwind compartment u, added to row_out (-) and row_in (+).
    auto carry = [&](std::size_t u, double q, std::size_t from_c, std::size_t to_c) {
      for (Gas g : {o2, co2}) {
        const double w = gas_volume(y, u, g);
        const double dn = q / w, dv = -q * y[blood(u, g)] / (w * w);
        entry(blood(from_c, g), blood(u, g)) -= dn;
        entry(blood(to_c, g), blood(u, g)) += dn;
        entry(blood(from_c, g), u) -= dv;
        entry(blood(to_c, g), u) += dv;
      }
    };
    for (std::size_t k = 0; k < from.size(); ++k) {
      const double q = flow[k];
      carry(from[k], q >= 0.0 ? q : 0.0, from[k], to[k]);
      carry(to[k], q < 0.0 ? q : 0.0, from[k], to[k]);
      if (k != exchange) continue;
      const double exchanged = q > 0.0 ? q * (1.0 - coefficients.shunt_fraction) : 0.0;
      const std::size_t f = from[k], t = to[k];
      const double va = y[air_volume_state + resp::alveoli];
      const std::array<double, gas_count> p{air_pressure(y, resp::alveoli, o2),
                                            air_pressure(y, resp::alveoli, co2)};
      const std::array<std::array<double, gas_count>, gas_count> dc_dp{
          {{alveolar.do2_dpo2, alveolar.do2_dpco2}, {alveolar.dco2_dpo2, alveolar.dco2_dpco2}}};
      for (Gas g : {o2, co2}) {
        // gained_g = exchanged (C_eq,g(P_A) - n_f,g / w_f)
        const double w = gas_volume(y, f, g);
        const double dn_self = -exchanged / w;
        const double dv_self = exchanged * y[blood(f, g)] / (w * w);
        entry(blood(t, g), blood(f, g)) += dn_self;
        entry(air(resp::alveoli, g), blood(f, g)) -= dn_self;
        entry(blood(t, g), f) += dv_self;
        entry(air(resp::alveoli, g), f) -= dv_self;
        double dva = 0.0;
        for (Gas h : {o2, co2}) {
          const double dn_air = exchanged * dc_dp[g][h] * btps_constant / va;
          entry(blood(t, g), air(resp::alveoli, h)) += dn_air;
          entry(air(resp::alveoli, g), air(resp::alveoli, h)) -= dn_air;
          dva -= exchanged * dc_dp[g][h] * p[h] / va;
        }
        entry(blood(t, g), air_volume_state + resp::alveoli) += dva;
        entry(air(resp::alveoli, g), air_volume_state + resp::alveoli) -= dva;
      }
    }
    for (std::size_t c = 0; c < compartment_count; ++c) {
      for (Gas g : {o2, co2}) {
        const double w = gas_volume(y, c, g);
        entry(blood(c, g), blood(c, g)) += external[c] / w;
        entry(blood(c, g), c) -= external[c] * y[blood(c, g)] / (w * w);
      }
      if (consumption[c] == 0.0) continue;
      const double w = gas_volume(y, c, o2);
      // used = M C / (C + K), C = n_o2 / w
      const double k = coefficients.consumption_half_content;
      const double cc = std::max(content(y, c, o2), 0.0);
      const double dused_dc = consumption[c] * k / ((cc + k) * (cc + k));
      const double rq = coefficients.respiratory_quotient;
      entry(blood(c, o2), blood(c, o2)) -= dused_dc / w;
      entry(blood(c, co2), blood(c, o2)) += rq * dused_dc / w;
      entry(blood(c, o2), c) += dused_dc * cc / w;
      entry(blood(c, co2), c) -= rq * dused_dc * cc / w;
    }
    for (std::size_t a = 0; a < resp::airway_count; ++a) {
      const double q = lung.flow[a];
      for (Gas g : {o2, co2}) {
        const double out = q < 0.0 ? q : 0.0, in = q >= 0.0 ? q : 0.0;
        const double v = y[air_volume_state + a];
        entry(air(a, g), air(a, g)) += out / v;  // carried = q n_a / V_a
        entry(air(a, g), air_volume_state + a) -= out * y[air(a, g)] / (v * v);
        if (a > 0) {
          entry(air(a - 1, g), air(a, g)) -= out / v;
          entry(air(a - 1, g), air_volume_state + a) += out * y[air(a, g)] / (v * v);
          const double vu = y[air_volume_state + a - 1];
          entry(air(a, g), air(a - 1, g)) += in / vu;
          entry(air(a - 1, g), air(a - 1, g)) -= in / vu;
          entry(air(a, g), air_volume_state + a - 1) -= in * y[air(a - 1, g)] / (vu * vu);
          entry(air(a - 1, g), air_volume_state + a - 1) += in * y[air(a - 1, g)] / (vu * vu);
        }
      }
    }
  }

  /// Blood contents at alveolar equilibrium (what leaves the exchange connection), with the
  /// alveolar partial pressures stored in fx.
  [[nodiscard]] BloodContent equilibrium(const double* y, GasFluxes& fx) const noexcept {
    fx.alveolar_pressure = {air_pressure(y, resp::alveoli, o2),
                            air_pressure(y, resp::alveoli, co2)};
    return blood_content(coefficients.blood, fx.alveolar_pressure[o2], fx.alveolar_pressure[co2]);
  }

  /// Initial amounts: every blood compartment at (po2, pco2) given per compartment, every
  /// airway at the given partial pressures, for volumes already in y.
  void initial_state(double* y, const std::vector<PartialPressures>& blood_pressures,
                     const std::array<PartialPressures, resp::airway_count>& air_pressures) const {
    for (std::size_t c = 0; c < compartment_count; ++c) {
      const auto content_now =
          blood_content(coefficients.blood, blood_pressures[c].po2, blood_pressures[c].pco2);
      y[blood(c, o2)] = content_now.o2 * gas_volume(y, c, o2);
      y[blood(c, co2)] = content_now.co2 * gas_volume(y, c, co2);
    }
    for (std::size_t a = 0; a < resp::airway_count; ++a) {
      const double v = y[air_volume_state + a];
      y[air(a, o2)] = air_pressures[a].po2 * v / btps_constant;
      y[air(a, co2)] = air_pressures[a].pco2 * v / btps_constant;
    }
  }
};

}  // namespace physiotwin::gas
