#pragma once
// The quantities the monitor estimates (issue 16, remote monitoring; docs/monitoring.md,
// "Estimated quantities"), declared once: their names, units, priors, drifts and ranges are
// read by the monitor, its file, the Python binding and the docs' table alike.
#include <array>
#include <cstddef>
#include <string_view>

namespace physiotwin::monitor {

enum class Estimate : std::size_t {
  blood_volume,          ///< mL, the member's own blood.total_volume
  volume_rate,           ///< mL/h, blood lost (negative) or given from outside the vessels
  resistance_factor,     ///< multiplier of the sympathetically controlled resistances
  contractility_factor,  ///< multiplier of the left ventricle's end-systolic elastance
  count
};
inline constexpr std::size_t estimate_count = std::size_t(Estimate::count);

struct EstimateSpec {
  std::string_view name, unit, description;
  /// Prior SD, drift and range are fractions of the starting value (blood volume: the twin's
  /// own); otherwise in the unit.
  bool relative;
  double initial;   ///< starting value when not relative (relative: 1, times the twin's)
  double prior_sd;  ///< spread of the members at the start
  /// SD of the drift over one hour when it is short of the reversion time (it scales with
  /// sqrt(time)).
  double drift_per_hour;
  /// Hours in which a drift away from the starting value decays by 1/e (0: it never does; a
  /// random walk): an Ornstein-Uhlenbeck process, whose spread levels off at
  /// drift_per_hour * sqrt(reversion_hours / 2) instead of growing without bound.
  double reversion_hours;
  double lower, upper;  ///< the range a member's value is held within
};

// Why these values (docs/monitoring.md, "Estimated quantities"):
// - blood volume: the twin was built from the patient's record, and blood volume from height
//   and weight (Nadler 1962) has an SD of about 10 % between people of the same size; the
//   twin is calibrated to the patient, so 3 %. Its own drift is small: a change of volume
//   comes through the rate.
// - volume rate: a patient at home starts with no bleeding (prior 0 +- 60 mL/h); it drifts
//   300 mL/h in an hour and returns towards 0 over 2 hours, so its spread levels off at
//   300 mL/h: a slow bleed of 500 mL/h is within reach of the evidence, and a rate that no
//   data support fades instead of wandering for ever. Held between a loss of 2 L/h and a
//   gain of 1 L/h.
// - the factors: 5 % at the start, drifting 6 % in an hour and returning over 6 hours (spread
//   levelling off at 6 % x sqrt(6 / 2), about 10 %): vascular tone and contractility of a
//   patient at home change over hours, not minutes; held within what the model can beat with.
inline constexpr std::array<EstimateSpec, estimate_count> estimate_specs{{
    {"blood_volume", "mL", "intravascular blood volume (the signal blood.total_volume)", true, 1.0,
     0.03, 0.005, 0.0, 0.4, 1.6},
    {"volume_rate", "mL/h",
     "rate at which blood is lost (negative) or given (positive) from outside the vessels", false,
     0.0, 60.0, 300.0, 2.0, -2000.0, 1000.0},
    {"resistance_factor", "1",
     "multiplier of the resistances of the sympathetically controlled beds (the baroreflex's "
     "splanchnic and extrasplanchnic resistances)",
     false, 1.0, 0.05, 0.06, 6.0, 0.3, 3.0},
    {"contractility_factor", "1", "multiplier of the left ventricle's end-systolic elastance",
     false, 1.0, 0.05, 0.06, 6.0, 0.2, 2.0},
}};

[[nodiscard]] constexpr const EstimateSpec& estimate_spec(Estimate e) noexcept {
  return estimate_specs[std::size_t(e)];
}

/// What the monitor derives from its members rather than estimates: a beat metric's mean over
/// the last interval in each member. Cardiac output is what the vitals constrain best, where
/// blood volume and contractility cannot be told apart (docs/monitoring.md): it falls in
/// bleeding and in a failing heart alike.
struct DerivedSpec {
  std::string_view name, unit, description;
};
inline constexpr std::array<DerivedSpec, 1> derived_specs{{
    {"cardiac_output", "L/min",
     "the members' cardiac output, mean over the last analysis interval (a beat metric)"},
}};
inline constexpr std::size_t derived_count = derived_specs.size();

/// The filter's estimate of each quantity, and of each derived one: the ensemble's mean and
/// spread.
struct EstimateSummary {
  std::array<double, estimate_count> mean{}, sd{};
  std::array<double, derived_count> derived_mean{}, derived_sd{};
};

}  // namespace physiotwin::monitor
