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
  // Defaults: the adult model's values (docs/models/gas-exchange.md).
  double shunt_fraction = 0.017;
  std::array<double, gas_count> inspired_fraction{0.2094, 0.00042};  ///< dry gas
  double atmospheric_pressure = 760.0;                               ///< mmHg
  double water_vapour_pressure = 47.0;                               ///< mmHg at 37 degC
  double respiratory_quotient = 0.84;
  /// O2 content (mL/mL) at which consumption is halved: consumption is demand-set until
  /// the tissue runs out of oxygen, then falls to zero instead of going negative.
  double consumption_half_content = 0.0005;

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

  /// Sizes the scratch space once the layout is set, so that evaluations never allocate.
  void prepare() { contents_.assign(2 * compartment_count, 0.0); }

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

  /// Adds the gas states' derivatives to ydot. `flow` holds every connection's blood flow,
  /// `external_o2` and `external_co2` the volume flows into each compartment from outside
  /// the circulation (haemorrhage < 0, infusion > 0, and the plasma filtered and returned by
  /// lymph) that carry that gas at the compartment's own content; `lung` the airway flows.
  void derivatives(const double* y, const double* flow, const double* external_o2,
                   const double* external_co2, const resp::LungState& lung,
                   double* ydot) const noexcept {
    update_contents(y);
    const double* c = contents_.data();  // c[2 k + g]: content of compartment k
    for (std::size_t k = 0; k < from.size(); ++k) {
      const double q = flow[k];
      const std::size_t up = q >= 0.0 ? from[k] : to[k];
      for (Gas g : {o2, co2}) {
        const double carried = q * c[2 * up + g];
        ydot[blood(from[k], g)] -= carried;
        ydot[blood(to[k], g)] += carried;
      }
    }
    GasFluxes fx;
    exchange_and_metabolism(y, flow, fx);
    const std::size_t t = to[exchange];
    for (Gas g : {o2, co2}) {
      ydot[blood(t, g)] += fx.uptake[g];
      ydot[air(resp::alveoli, g)] -= fx.uptake[g];
    }
    for (std::size_t k = 0; k < compartment_count; ++k) {
      ydot[blood(k, o2)] += external_o2[k] * c[2 * k + o2];
      ydot[blood(k, co2)] += external_co2[k] * c[2 * k + co2];
      if (consumption[k] == 0.0) continue;
      const double used = consumption[k] * used_fraction(c[2 * k + o2]);
      ydot[blood(k, o2)] -= used;
      ydot[blood(k, co2)] += coefficients.respiratory_quotient * used;
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
  }

  /// What the lungs take up and the tissues use now (for observation).
  [[nodiscard]] GasFluxes fluxes(const double* y, const double* flow) const noexcept {
    update_contents(y);
    GasFluxes fx;
    exchange_and_metabolism(y, flow, fx);
    return fx;
  }

  /// The Newton matrix's gas entries: each amount's dependence on itself (outflows, the
  /// alveoli's loss to the blood, consumption). The couplings between gas states are left
  /// out: with time constants of 0.04 s (airways) to seconds (blood) against steps of about
  /// 2 ms the gases are not stiff, Newton converges on them as on a fixed point, and their
  /// off-diagonal entries only caused fill-in in the sparse factorisation (11 % of the run
  /// time; docs/performance.md).
  template <typename Entry>
  void jacobian_diagonal(const double* y, const double* flow, const double* external_o2,
                         const double* external_co2, const resp::LungState& lung,
                         Entry&& entry) const noexcept {
    for (std::size_t k = 0; k < from.size(); ++k) {
      const double q = flow[k];
      const std::size_t up = q >= 0.0 ? from[k] : to[k];
      for (Gas g : {o2, co2})
        entry(blood(up, g), blood(up, g)) -= std::abs(q) / gas_volume(y, up, g);
    }
    for (std::size_t k = 0; k < compartment_count; ++k) {
      entry(blood(k, o2), blood(k, o2)) += external_o2[k] / gas_volume(y, k, o2);
      entry(blood(k, co2), blood(k, co2)) += external_co2[k] / gas_volume(y, k, co2);
      if (consumption[k] == 0.0) continue;
      const double h = coefficients.consumption_half_content;
      const double c = std::max(content(y, k, o2), 0.0);
      entry(blood(k, o2), blood(k, o2)) -= consumption[k] * h / ((c + h) * (c + h)) / y[k];
    }
    const double q_exchange = flow[exchange];
    if (q_exchange > 0.0) {
      GasFluxes unused;
      const auto eq = equilibrium(y, unused);
      const double exchanged = q_exchange * (1.0 - coefficients.shunt_fraction);
      const double per_amount = btps_constant / y[air_volume_state + resp::alveoli];
      entry(air(resp::alveoli, o2), air(resp::alveoli, o2)) -= exchanged * eq.do2_dpo2 * per_amount;
      entry(air(resp::alveoli, co2), air(resp::alveoli, co2)) -=
          exchanged * eq.dco2_dpco2 * per_amount;
    } else {  // keep the entries in the pattern
      entry(air(resp::alveoli, o2), air(resp::alveoli, o2)) -= 0.0;
      entry(air(resp::alveoli, co2), air(resp::alveoli, co2)) -= 0.0;
    }
    for (std::size_t a = 0; a < resp::airway_count; ++a) {
      const double q_in = lung.flow[a];  // < 0: leaves airway a towards the opening
      const double q_out = a + 1 < resp::airway_count ? lung.flow[a + 1] : 0.0;  // > 0: leaves
      const double leaving = std::max(-q_in, 0.0) + std::max(q_out, 0.0);
      for (Gas g : {o2, co2}) entry(air(a, g), air(a, g)) -= leaving / y[air_volume_state + a];
    }
  }

  /// Blood contents at alveolar equilibrium (what leaves the exchange connection), with the
  /// alveolar partial pressures stored in fx.
  [[nodiscard]] BloodContent equilibrium(const double* y, GasFluxes& fx) const noexcept {
    fx.alveolar_pressure = {air_pressure(y, resp::alveoli, o2),
                            air_pressure(y, resp::alveoli, co2)};
    return blood_content(coefficients.blood, fx.alveolar_pressure[o2], fx.alveolar_pressure[co2]);
  }

  /// Fraction of its demand a tissue consumes at O2 content c: C / (C + K).
  [[nodiscard]] double used_fraction(double c) const noexcept {
    c = std::max(c, 0.0);
    return c / (c + coefficients.consumption_half_content);
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

 private:
  /// Fills contents_ (sized by prepare()) with every compartment's O2 and CO2 content, once
  /// per evaluation.
  void update_contents(const double* y) const noexcept {
    for (std::size_t k = 0; k < compartment_count; ++k) {
      contents_[2 * k + o2] = y[blood(k, o2)] / y[k];
      contents_[2 * k + co2] = y[blood(k, co2)] / (y[k] + tissue_volume[k]);
    }
  }

  /// Exchange in the lungs (what the non-shunted blood gains by leaving at alveolar
  /// equilibrium) and consumption by the tissues, from contents_.
  void exchange_and_metabolism(const double* y, const double* flow, GasFluxes& fx) const noexcept {
    const auto alveolar = equilibrium(y, fx);
    const double q = flow[exchange];
    if (q > 0.0) {
      const double exchanged = q * (1.0 - coefficients.shunt_fraction);
      const std::size_t f = from[exchange];
      fx.uptake[o2] = exchanged * (alveolar.o2 - contents_[2 * f + o2]);
      fx.uptake[co2] = exchanged * (alveolar.co2 - contents_[2 * f + co2]);
    }
    for (std::size_t k = 0; k < compartment_count; ++k) {
      if (consumption[k] == 0.0) continue;
      const double used = consumption[k] * used_fraction(contents_[2 * k + o2]);
      fx.metabolism[o2] += used;
      fx.metabolism[co2] += coefficients.respiratory_quotient * used;
    }
  }

  mutable std::vector<double> contents_;  ///< scratch of update_contents()
};

}  // namespace physiotwin::gas
