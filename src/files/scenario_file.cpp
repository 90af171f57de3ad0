// Scenario files (docs/scenarios.md), declared in include/physiotwin/actions/scenario.hpp;
// compiled into physiotwin::physiotwin.
#include "physiotwin/actions/scenario.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/core/units.hpp"

namespace physiotwin {

/// Reads one action of the scenario format (docs/scenarios.md) from a JSON object; without
/// "time", at `default_time` (NaN: "time" is required). Not yet checked against a model:
/// validate_action() or Twin::schedule() does that.
Action parse_action(const JsonView& node, double default_time) {
  node.require_object();
  Action a;
  a.origin = node.where();
  a.time = node.has("time") || std::isnan(default_time) ? node["time"].number() : default_time;
  const std::string name = node["action"].string();
  auto number = [&](const char* key) { return node[key].number(); };
  if (name == "hemorrhage" || name == "infusion") {
    a.kind = name == "hemorrhage" ? ActionKind::hemorrhage : ActionKind::infusion;
    static constexpr std::array<std::string_view, 6> members{"time",   "action", "rate",
                                                             "volume", "fluid",  "compartment"};
    node.reject_unknown_members(members);
    a.rate = number("rate");
    a.volume = number("volume");
    if (a.kind == ActionKind::infusion)
      a.fluid = node["fluid"].string();
    else if (node.has("fluid"))
      node["fluid"].fail("a hemorrhage has no fluid");
    if (node.has("compartment")) a.compartment = node["compartment"].string();
  } else if (name == "set") {
    a.kind = ActionKind::set_parameter;
    static constexpr std::array<std::string_view, 4> members{"time", "action", "parameter",
                                                             "value"};
    node.reject_unknown_members(members);
    a.parameter = node["parameter"].string();
    a.value = number("value");
  } else if (name == "ventilator") {
    a.kind = ActionKind::ventilator;
    static constexpr std::array<std::string_view, 9> members{
        "time", "action", "mode",    "rate", "tidal_volume", "inspiratory_pressure",
        "peep", "fio2",   "ie_ratio"};
    node.reject_unknown_members(members);
    const std::string mode = node["mode"].string();
    auto& v = a.ventilator;
    if (mode == "off") {
      v.mode = resp::VentilatorMode::off;
    } else if (mode == "volume_control" || mode == "pressure_control") {
      v.mode = mode == "volume_control" ? resp::VentilatorMode::volume_control
                                        : resp::VentilatorMode::pressure_control;
      v.rate = number("rate");
      v.peep = number("peep") * units::mmHg_per_cmH2O;
      if (node.has("ie_ratio")) v.ie_ratio = number("ie_ratio");
      if (v.mode == resp::VentilatorMode::volume_control) {
        v.tidal_volume = number("tidal_volume");
      } else {
        v.inspiratory_pressure = number("inspiratory_pressure") * units::mmHg_per_cmH2O;
      }
    } else {
      node["mode"].fail(fmt::format(
          "unknown mode \"{}\" (expected off, volume_control or pressure_control)", mode));
    }
    if (node.has("fio2")) v.fio2 = number("fio2");
  } else if (name == "inspired_gas") {
    a.kind = ActionKind::inspired_gas;
    static constexpr std::array<std::string_view, 4> members{"time", "action", "fio2", "fico2"};
    node.reject_unknown_members(members);
    if (node.has("fio2")) a.fio2 = number("fio2");
    if (node.has("fico2")) a.fico2 = number("fico2");
  } else if (name == "stress") {
    a.kind = ActionKind::stress;
    static constexpr std::array<std::string_view, 3> members{"time", "action", "level"};
    node.reject_unknown_members(members);
    a.value = number("level");
  } else if (name == "autonomic_blockade") {
    a.kind = ActionKind::autonomic_blockade;
    static constexpr std::array<std::string_view, 4> members{"time", "action", "vagal", "beta"};
    node.reject_unknown_members(members);
    if (node.has("vagal")) a.vagal_blockade = number("vagal");
    if (node.has("beta")) a.beta_blockade = number("beta");
  } else if (name == "paced_breathing") {
    a.kind = ActionKind::paced_breathing;
    static constexpr std::array<std::string_view, 3> members{"time", "action", "rate"};
    node.reject_unknown_members(members);
    a.value = number("rate");
  } else if (name == "exercise") {
    a.kind = ActionKind::exercise;
    static constexpr std::array<std::string_view, 5> members{"time", "action", "watts", "mets",
                                                             "ramp"};
    node.reject_unknown_members(members);
    if (node.has("watts") == node.has("mets")) node.fail("give either \"watts\" or \"mets\"");
    if (node.has("watts"))
      a.value = number("watts");
    else
      a.mets = number("mets");
    if (node.has("ramp")) a.ramp = number("ramp");
  } else {
    node["action"].fail(
        fmt::format("unknown action \"{}\" (expected hemorrhage, infusion, set, ventilator, "
                    "inspired_gas, stress, paced_breathing, exercise or autonomic_blockade)",
                    name));
  }
  return a;
}

/// Checks what a scenario does in sum, in time order: the net loss of blood (each haemorrhage
/// counted in full from its start, each infusion only once given in full) against the blood
/// volume, every parameter change against the rules between parameters as they stand then,
/// and the total infused. Each refusal names the action's JSON path.
void check_scenario_totals(const Scenario& scenario, const BodyModel& model) {
  const double blood_volume = model.parameters.value("blood.volume");
  double lost = 0.0, infused = 0.0;
  std::vector<std::pair<double, double>> infusions_done;  // (end time, volume)
  ParameterSet parameters = model.parameters;
  for (const Action& a : scenario.actions) {
    for (auto it = infusions_done.begin(); it != infusions_done.end();) {
      if (it->first <= a.time) {
        lost -= it->second;
        it = infusions_done.erase(it);
      } else {
        ++it;
      }
    }
    if (a.kind == ActionKind::hemorrhage) {
      lost += a.volume;
      if (lost > max_net_blood_loss_fraction * blood_volume) {
        throw InputError(fmt::format(
            "{}: by here the scenario has taken {:g} mL of blood net of infusions, more than {:g} "
            "% of the patient's blood volume ({:.0f} mL): the patient would exsanguinate, and "
            "the model's heart would empty",
            a.origin, lost, 100.0 * max_net_blood_loss_fraction, blood_volume));
      }
    } else if (a.kind == ActionKind::infusion) {
      infused += a.volume;
      infusions_done.push_back({a.time + a.volume / a.rate * 60.0, a.volume});
      if (infused > max_total_infusion_ml) {
        throw InputError(fmt::format(
            "{}: the scenario infuses {:g} mL in all by here, more than the {:g} mL a scenario may "
            "give",
            a.origin, infused, max_total_infusion_ml));
      }
    } else if (a.kind == ActionKind::set_parameter) {
      parameters.set(a.parameter, a.value);
      if (const auto broken = model.rule_violation(parameters)) {
        throw InputError(fmt::format("{}: {} = {:g}, with the scenario's earlier changes: {}",
                                     a.origin, a.parameter, a.value, broken->message));
      }
    }
  }
}

/// Reads a scenario file and checks every action against the model (`check`: all of it, or
/// before personalising only what no patient changes); an error names the file and JSON path
/// ("scenario.json: actions[2].volume: ..."). Nothing is simulated before all of it is valid.
Scenario load_scenario(const std::filesystem::path& file, const BodyModel& model,
                       ActionCheck check) {
  const nlohmann::json document = read_json_file(file);
  const JsonView root(document, file.string(), "");
  static constexpr std::array<std::string_view, 3> top{"duration", "actions", "description"};
  root.reject_unknown_members(top);
  Scenario scenario;
  scenario.duration = root["duration"].number();
  if (!(scenario.duration > 0.0) || scenario.duration > 86400.0) {
    root["duration"].fail(fmt::format("duration {:g} s is outside the allowed range (0, 86400] s",
                                      scenario.duration));
  }
  const JsonView list = root["actions"];
  for (std::size_t i = 0; i < list.array_size(); ++i) {
    const JsonView node = list.at_index(i);
    Action a = parse_action(node);
    if (a.time > scenario.duration) {
      node["time"].fail(fmt::format("time {:g} s is after the end of the scenario ({:g} s)", a.time,
                                    scenario.duration));
    }
    validate_action(a, model, check);
    scenario.actions.push_back(std::move(a));
  }
  std::stable_sort(scenario.actions.begin(), scenario.actions.end(),
                   [](const Action& x, const Action& y) { return x.time < y.time; });
  if (check == ActionCheck::complete) check_scenario_totals(scenario, model);
  return scenario;
}

}  // namespace physiotwin
