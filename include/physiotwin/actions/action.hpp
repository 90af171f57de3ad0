#pragma once
// Things that happen to a patient at a time: bleeding, an infusion, a parameter change
// (e.g. a drug effect, switching a reflex off). Applied through Twin::schedule() or from a
// scenario file (actions/scenario.hpp, docs/scenarios.md).
#include <fmt/format.h>

#include <cmath>
#include <string>

#include "physiotwin/core/error.hpp"
#include "physiotwin/model/circulation_model.hpp"

namespace physiotwin {

enum class ActionKind { hemorrhage, infusion, set_parameter };

struct Action {
  double time = 0.0;  ///< s, simulated time at which it starts
  ActionKind kind = ActionKind::set_parameter;
  double rate = 0.0;        ///< mL/min (hemorrhage, infusion)
  double volume = 0.0;      ///< mL in total (hemorrhage, infusion)
  std::string fluid;        ///< infusion: what is given (recorded; see docs/scenarios.md)
  std::string compartment;  ///< optional site; default: the model's hemorrhage or infusion site
  std::string parameter;    ///< set_parameter: name
  double value = 0.0;       ///< set_parameter: new value, in the parameter's unit
  std::string origin;       ///< where the action came from, for error messages
};

/// The fluids an infusion may name. In this version every fluid stays in the vessels (no
/// redistribution to the interstitium, no change in haemoglobin); see docs/scenarios.md.
inline constexpr const char* infusion_fluids[] = {"saline", "ringer_lactate", "colloid", "blood",
                                                  "plasma"};

[[nodiscard]] inline const char* action_name(ActionKind k) noexcept {
  switch (k) {
    case ActionKind::hemorrhage:
      return "hemorrhage";
    case ActionKind::infusion:
      return "infusion";
    case ActionKind::set_parameter:
      return "set";
  }
  return "unknown";
}

/// The action's fields as a JSON object, for the /actions group of the HDF5 file.
[[nodiscard]] inline std::string action_details(const Action& a) {
  switch (a.kind) {
    case ActionKind::hemorrhage:
      return fmt::format(R"({{"rate": {:g}, "volume": {:g}, "compartment": "{}"}})", a.rate,
                         a.volume, a.compartment);
    case ActionKind::infusion:
      return fmt::format(R"({{"rate": {:g}, "volume": {:g}, "fluid": "{}", "compartment": "{}"}})",
                         a.rate, a.volume, a.fluid, a.compartment);
    case ActionKind::set_parameter:
      return fmt::format(R"({{"parameter": "{}", "value": {:g}}})", a.parameter, a.value);
  }
  return "{}";
}

/// Checks an action against a model and fills in its default site. Throws InputError
/// naming the action's origin, the field, the value and what is allowed.
inline void validate_action(Action& a, const CirculationModel& model) {
  const std::string where = a.origin.empty() ? std::string(action_name(a.kind)) : a.origin;
  auto fail = [&](const std::string& what) {
    throw InputError(fmt::format("{}: {}", where, what));
  };
  if (!std::isfinite(a.time) || a.time < 0.0)
    fail(fmt::format("time {:g} s must be 0 or later", a.time));
  if (a.kind == ActionKind::set_parameter) {
    if (!model.parameters.contains(a.parameter))
      fail(model.parameters.unknown_message(a.parameter));
    const Parameter& p = model.parameters.get(a.parameter);
    if (!std::isfinite(a.value) || a.value < p.min || a.value > p.max) {
      fail(fmt::format("{} = {:g} {} is outside the allowed range {}", p.name, a.value, p.unit,
                       describe_range(p)));
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
  const double max_volume = bleeding ? blood_volume : 10000.0;
  if (!(a.volume > 0.0) || a.volume > max_volume) {
    fail(fmt::format("volume {:g} mL is outside the allowed range (0, {:g}] mL{}", a.volume,
                     max_volume, bleeding ? " (the patient's blood volume)" : ""));
  }
  if (a.kind == ActionKind::infusion) {
    bool known = false;
    for (const char* f : infusion_fluids) known = known || a.fluid == f;
    if (!known) {
      fail(fmt::format("fluid \"{}\" is not one of saline, ringer_lactate, colloid, blood, plasma",
                       a.fluid));
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
