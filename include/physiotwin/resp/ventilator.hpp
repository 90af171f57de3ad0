#pragma once
// A mechanical ventilator at the airway opening: pressure control (the opening pressure steps
// between PEEP and PEEP + inspiratory pressure, with a rise time) or volume control (a constant
// inspiratory flow delivers the tidal volume over the inspiratory time, then passive
// expiration against PEEP). While it runs the respiratory muscles rest (a sedated patient).
#include <cmath>

namespace physiotwin::resp {

enum class VentilatorMode { off, volume_control, pressure_control };

struct VentilatorSettings {
  VentilatorMode mode = VentilatorMode::off;
  double rate = 12.0;                 ///< breaths/min
  double ie_ratio = 0.5;              ///< inspiration : expiration
  double peep = 0.0;                  ///< mmHg
  double inspiratory_pressure = 0.0;  ///< mmHg above PEEP (pressure control)
  double tidal_volume = 0.0;          ///< mL (volume control)
  double fio2 = 0.21;                 ///< O2 fraction of the delivered (dry, CO2-free) gas
};

/// Pressure rise and fall time constant of the ventilator, s. Ventilators shape the pressure
/// step over tens of milliseconds ("rise time"); it also spares the solver a discontinuity.
inline constexpr double ventilator_rise_time = 0.05;

struct VentilatorOutput {
  double opening_pressure;  ///< mmHg, when pressure-driven
  double inspiratory_flow;  ///< mL/s into the airways when flow-driven; NaN otherwise
};

/// What the ventilator imposes at fraction u of its cycle.
[[nodiscard]] inline VentilatorOutput ventilator_output(const VentilatorSettings& v,
                                                        double u) noexcept {
  const double period = 60.0 / v.rate;
  const double ti = period * v.ie_ratio / (1.0 + v.ie_ratio);
  const double t = u * period;
  const double nan = std::nan("");
  if (v.mode == VentilatorMode::pressure_control) {
    const double rise = 1.0 - std::exp(-t / ventilator_rise_time);
    if (t <= ti) return {v.peep + v.inspiratory_pressure * rise, nan};
    const double at_end = 1.0 - std::exp(-ti / ventilator_rise_time);
    return {v.peep + v.inspiratory_pressure * at_end * std::exp(-(t - ti) / ventilator_rise_time),
            nan};
  }
  if (t <= ti) return {v.peep, v.tidal_volume / ti};  // volume control: flow-driven
  return {v.peep, nan};
}

}  // namespace physiotwin::resp
