#pragma once
// Things that happen to a patient at a time: bleeding, an infusion, a parameter change
// (e.g. a drug effect, switching a reflex off). Applied through Twin::schedule() or from a
// scenario file (actions/scenario.hpp, docs/scenarios.md).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "physiotwin/core/error.hpp"
#include "physiotwin/core/units.hpp"
#include "physiotwin/fluid/fluid_exchange.hpp"
#include "physiotwin/model/body_model.hpp"

namespace physiotwin {

enum class ActionKind {
  hemorrhage,
  infusion,
  set_parameter,
  ventilator,
  inspired_gas,
  stress,
  paced_breathing,
  exercise,
  autonomic_blockade
};

struct Action {
  double time = 0.0;  ///< s, simulated time at which it starts
  ActionKind kind = ActionKind::set_parameter;
  double rate = 0.0;        ///< mL/min (hemorrhage, infusion)
  double volume = 0.0;      ///< mL in total (hemorrhage, infusion)
  std::string fluid;        ///< infusion: what is given (recorded; see docs/scenarios.md)
  std::string compartment;  ///< optional site; default: the model's hemorrhage or infusion site
  std::string parameter;    ///< set_parameter: name
  /// set_parameter: new value, in its unit; stress: the level 0-1; paced_breathing: the rate,
  /// breaths/min (0: back to the respiratory centres' rate); exercise: the work rate, W
  double value = 0.0;
  double ramp = 0.0;  ///< exercise: s over which the work rate moves to its new value (0: a step)
  /// exercise given as METs instead of watts (NaN: watts given); validate_action() turns it
  /// into `value`, the watts that cost it for this patient
  double mets = std::nan("");
  resp::VentilatorSettings ventilator;  ///< ventilator: the settings (pressures in mmHg)
  /// inspired_gas: O2 and CO2 fractions of the dry gas breathed from the surroundings; NaN
  /// leaves a fraction as it is.
  double fio2 = std::nan(""), fico2 = std::nan("");
  /// autonomic_blockade: the shares (0-1) of the sinus node's muscarinic receptors (atropine)
  /// and of the heart's beta-adrenergic receptors (a beta-blocker) blocked from now; NaN leaves
  /// a share as it is.
  double vagal_blockade = std::nan(""), beta_blockade = std::nan("");
  std::string origin;  ///< where the action came from, for error messages
};

[[nodiscard]] inline const char* action_name(ActionKind k) noexcept {
  switch (k) {
    case ActionKind::hemorrhage:
      return "hemorrhage";
    case ActionKind::infusion:
      return "infusion";
    case ActionKind::set_parameter:
      return "set";
    case ActionKind::ventilator:
      return "ventilator";
    case ActionKind::inspired_gas:
      return "inspired_gas";
    case ActionKind::stress:
      return "stress";
    case ActionKind::paced_breathing:
      return "paced_breathing";
    case ActionKind::exercise:
      return "exercise";
    case ActionKind::autonomic_blockade:
      return "autonomic_blockade";
  }
  return "unknown";
}

/// Ventilator settings within what ICU ventilators deliver (settable ranges of current ICU
/// ventilators: rate 1-150 /min, I:E 1:9 to 4:1, PEEP 0-50 cmH2O, inspiratory pressure up to
/// 100 cmH2O above PEEP, tidal volume 20-2000 mL; FiO2 0.21-1).
template <typename Fail>
void validate_ventilator(const Action& a, const BodyModel& model, Fail&& fail) {
  if (!model.respiration) fail("this model has no respiratory system to ventilate");
  const auto& v = a.ventilator;
  if (!(v.fio2 >= 0.21 && v.fio2 <= 1.0)) {
    fail(fmt::format("fio2 {:g} is outside the allowed range [0.21, 1]", v.fio2));
  }
  if (v.mode == resp::VentilatorMode::off) return;
  auto check = [&](const char* field, double value, double lo, double hi, const char* unit) {
    if (!(value >= lo && value <= hi)) {
      fail(fmt::format("{} {:g} {} is outside what a ventilator delivers [{:g}, {:g}] {}", field,
                       value, unit, lo, hi, unit));
    }
  };
  check("rate", v.rate, 1.0, 150.0, "1/min");
  check("ie_ratio", v.ie_ratio, 1.0 / 9.0, 4.0, "");
  check("peep", v.peep / units::mmHg_per_cmH2O, 0.0, 50.0, "cmH2O");
  if (v.mode == resp::VentilatorMode::pressure_control) {
    check("inspiratory_pressure", v.inspiratory_pressure / units::mmHg_per_cmH2O, 1.0, 100.0,
          "cmH2O");
  } else {
    check("tidal_volume", v.tidal_volume, 20.0, 2000.0, "mL");
  }
}

/// The exercise's limits: a work rate the patient can sustain aerobically (what the O2 uptake
/// reserve pays for: control/exercise.hpp) and a ramp of at most an hour. METs become watts:
/// 1 MET is the patient's resting O2 uptake (the conventional 3.5 mL/kg/min is the reference
/// man's: 245 mL/min for 70 kg), so W = (METs - 1) VO2rest / c.
template <typename Fail>
void validate_exercise(Action& a, const BodyModel& model, bool complete, Fail&& fail) {
  if (!model.exercise) fail("this model has no exercise block (docs/models/exercise.md)");
  if (!(a.ramp >= 0.0 && a.ramp <= 3600.0))
    fail(fmt::format("ramp {:g} s is outside the allowed range [0, 3600] s", a.ramp));
  const bool in_mets = !std::isnan(a.mets);
  if (in_mets && !(a.mets >= 1.0 && a.mets <= 25.0))
    fail(fmt::format("mets {:g} is outside the allowed range [1, 25]", a.mets));
  const Parameter& work = model.parameters.get("exercise.work_rate");
  if (!in_mets && !(a.value >= 0.0 && a.value <= work.max)) {
    fail(fmt::format("watts {:g} is outside the allowed range [0, {:g}] W", a.value, work.max));
  }
  if (!complete) return;  // the patient's capacity is known once personalised
  const control::ExerciseCoefficients c = model.exercise_coefficients();
  if (in_mets) a.value = (a.mets - 1.0) * c.rest_o2_uptake / c.o2_cost;
  const double peak = c.peak_work_rate();
  if (in_mets && a.value > peak) {
    fail(fmt::format(
        "mets {:g} is beyond what this patient can sustain: at most {:.1f} METs (peak O2 "
        "uptake {:.0f} mL/min, exercise.peak_o2_uptake)",
        a.mets, c.peak_o2_uptake / c.rest_o2_uptake, c.peak_o2_uptake));
  }
  if (a.value > peak) {
    fail(fmt::format(
        "watts {:g} is beyond what this patient can sustain: at most {:.0f} W (peak O2 uptake "
        "{:.0f} mL/min, exercise.peak_o2_uptake)",
        a.value, peak, model.parameters.value("exercise.peak_o2_uptake")));
  }
}

/// Two fractions of an action, each 0-1 and either left out (NaN: unchanged), but not both:
/// inspired_gas's fio2 and fico2, autonomic_blockade's vagal and beta shares.
template <typename Fail>
void check_fraction_pair(std::pair<const char*, double> first,
                         std::pair<const char*, double> second, Fail&& fail) {
  if (std::isnan(first.second) && std::isnan(second.second))
    fail(fmt::format("give {}, {} or both", first.first, second.first));
  for (auto [field, value] : {first, second}) {
    if (!std::isnan(value) && !(value >= 0.0 && value <= 1.0))
      fail(fmt::format("{} {:g} is outside the allowed range [0, 1]", field, value));
  }
}

/// How far an action or scenario is checked: `complete`, against the model it will run on;
/// `before_personalising`, only what no patient changes (names, fields, the parameters' allowed
/// ranges, sites, ventilator limits), so a typo in a scenario fails before a record is read
/// and calibrated. The rules between parameters and the limits set by the patient's blood
/// volume wait for the personalised model.
enum class ActionCheck { complete, before_personalising };

/// Checks an action against a model and fills in its default site. Throws InputError
/// naming the action's origin, the field, the value and what is allowed.
inline void validate_action(Action& a, const BodyModel& model,
                            ActionCheck check = ActionCheck::complete) {
  const std::string where = a.origin.empty() ? std::string(action_name(a.kind)) : a.origin;
  auto fail = [&](const std::string& what) {
    throw InputError(fmt::format("{}: {}", where, what));
  };
  if (!std::isfinite(a.time) || a.time < 0.0)
    fail(fmt::format("time {:g} s must be 0 or later", a.time));
  if (a.kind == ActionKind::ventilator) {
    validate_ventilator(a, model, fail);
    return;
  }
  if (a.kind == ActionKind::inspired_gas) {
    if (!model.gas_exchange) fail("this model has no gas exchange to breathe a gas mixture with");
    check_fraction_pair({"fio2", a.fio2}, {"fico2", a.fico2}, fail);
    const double o2 =
        std::isnan(a.fio2) ? model.parameters.value("gas.inspired_o2_fraction") : a.fio2;
    const double co2 =
        std::isnan(a.fico2) ? model.parameters.value("gas.inspired_co2_fraction") : a.fico2;
    if (o2 + co2 > 1.0) {
      fail(fmt::format("fio2 {:g} and fico2 {:g}{} add up to more than the whole gas", o2, co2,
                       std::isnan(a.fico2)  ? " (unchanged: give fico2 too)"
                       : std::isnan(a.fio2) ? " (fio2 unchanged: give fio2 too)"
                                            : ""));
    }
    return;
  }
  if (a.kind == ActionKind::autonomic_blockade) {
    if (!model.baroreflex) fail("this model has no baroreflex whose efferents could be blocked");
    check_fraction_pair({"vagal", a.vagal_blockade}, {"beta", a.beta_blockade}, fail);
    return;
  }
  if (a.kind == ActionKind::stress) {
    if (!model.baroreflex) fail("this model has no baroreflex for stress to act through");
    if (!(a.value >= 0.0 && a.value <= 1.0))
      fail(fmt::format("level {:g} is outside the allowed range [0, 1]", a.value));
    return;
  }
  if (a.kind == ActionKind::paced_breathing) {
    if (!model.respiration) fail("this model has no respiratory system to pace");
    if (!(a.value == 0.0 || (a.value >= 4.0 && a.value <= 60.0)))
      fail(
          fmt::format("rate {:g} /min is outside the allowed range: 4-60 /min, or 0 to stop "
                      "pacing",
                      a.value));
    return;
  }
  if (a.kind == ActionKind::exercise) {
    validate_exercise(a, model, check == ActionCheck::complete, fail);
    return;
  }
  if (a.kind == ActionKind::set_parameter) {
    if (!model.parameters.contains(a.parameter))
      fail(model.parameters.unknown_message(a.parameter));
    const Parameter& p = model.parameters.get(a.parameter);
    if (!std::isfinite(a.value) || a.value < p.min || a.value > p.max) {
      fail(fmt::format("{} = {:g} {} is outside the allowed range {}", p.name, a.value, p.unit,
                       describe_range(p)));
    }
    if (check == ActionCheck::before_personalising) return;
    ParameterSet changed = model.parameters;
    changed.set(a.parameter, a.value);
    if (const auto broken = model.rule_violation(changed)) {
      fail(fmt::format("{} = {:g}: {}", p.name, a.value, broken->message));
    }
    return;
  }
  const bool bleeding = a.kind == ActionKind::hemorrhage;
  // A haemorrhage of 2 L/min empties an adult in 3 minutes; rapid infusers deliver up to
  // about 1.5 L/min. Larger numbers are typing errors, not physiology.
  const double max_rate = bleeding ? 2000.0 : 1500.0;
  if (!(a.rate > 0.0) || a.rate > max_rate) {
    fail(fmt::format("rate {:g} mL/min is outside the allowed range (0, {:g}] mL/min", a.rate,
                     max_rate));
  }
  const double blood_volume = model.parameters.value("blood.volume");
  const double max_volume = !bleeding ? 10000.0
                            : check == ActionCheck::complete
                                ? blood_volume
                                : std::numeric_limits<double>::infinity();  // not known yet
  if (!(a.volume > 0.0) || a.volume > max_volume) {
    fail(fmt::format("volume {:g} mL is outside the allowed range (0, {:g}] mL{}", a.volume,
                     max_volume, bleeding ? " (the patient's blood volume)" : ""));
  }
  if (a.kind == ActionKind::infusion) {
    // The fluids and what each carries: fluid/fluid_exchange.hpp. A model without fluid
    // exchange keeps every fluid in the vessels at the blood's composition.
    if (!fluid::infusion_fluid(a.fluid)) {
      std::vector<std::string_view> names;
      for (const auto& f : fluid::infusion_fluids) names.push_back(f.name);
      fail(fmt::format("fluid \"{}\" is not one of {}", a.fluid, fmt::join(names, ", ")));
    }
  }
  const auto& site = bleeding ? model.roles.hemorrhage_site : model.roles.infusion_site;
  if (a.compartment.empty()) {
    if (!site)
      fail(fmt::format("the model names no {} site: give \"compartment\"", action_name(a.kind)));
    a.compartment = model.compartments[*site].name;
  }
  bool found = false;
  for (const auto& c : model.compartments) found = found || c.name == a.compartment;
  if (!found) fail(fmt::format("no compartment named \"{}\"", a.compartment));
}

}  // namespace physiotwin
