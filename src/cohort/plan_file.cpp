// Plan files (cohort/plan.hpp, docs/planning.md): the structure is checked when read, every
// action against the personalised model before anything is simulated. The interventions a plan
// adds to the scenario vocabulary are written here as the actions the twin applies.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <system_error>

#include "physiotwin/actions/scenario.hpp"
#include "physiotwin/cohort/plan.hpp"
#include "physiotwin/cohort/summary.hpp"
#include "physiotwin/core/json_reader.hpp"

namespace physiotwin::planning {

namespace {

/// A parameter change the plan's own interventions make.
Action set_action(const JsonView& node, double time, std::string parameter, double value) {
  Action a;
  a.kind = ActionKind::set_parameter;
  a.time = time;
  a.parameter = std::move(parameter);
  a.value = value;
  a.origin = node.where();
  return a;
}

/// A fluid given over time (a bolus, a transfusion), as an infusion.
Action infusion_action(const JsonView& node, double time, std::string fluid) {
  Action a;
  a.kind = ActionKind::infusion;
  a.time = time;
  a.rate = node["rate"].number();
  a.volume = node["volume"].number();
  a.fluid = std::move(fluid);
  a.origin = node.where();
  return a;
}

/// One intervention: the plan's own (valve replacement and repair, a fluid bolus, a
/// transfusion) or any action of the scenario format (docs/scenarios.md).
std::vector<Action> read_intervention(const JsonView& node) {
  node.require_object();
  const std::string name = node["action"].string();
  const double time = node["time"].number();
  if (name == "aortic_valve_replacement") {
    // The prosthesis's effective orifice area opens fully; a paravalvular leak is the area
    // that stays open when it closes (the Mynard valve's minimum area, docs/planning.md).
    static constexpr std::array<std::string_view, 5> members{
        "time", "action", "effective_orifice_area", "paravalvular_leak_area", "approach"};
    node.reject_unknown_members(members);
    if (node.has("approach")) {
      const std::string approach = node["approach"].string();
      if (approach != "transcatheter" && approach != "surgical")
        node["approach"].fail("\"transcatheter\" or \"surgical\"");
    }
    const double leak =
        node.has("paravalvular_leak_area") ? node["paravalvular_leak_area"].number() : 0.0;
    return {
        set_action(node, time, "aortic_valve.max_area", node["effective_orifice_area"].number()),
        set_action(node, time, "aortic_valve.min_area", leak)};
  }
  if (name == "mitral_valve_repair") {
    static constexpr std::array<std::string_view, 4> members{
        "time", "action", "residual_regurgitant_area", "approach"};
    node.reject_unknown_members(members);
    if (node.has("approach")) {
      const std::string approach = node["approach"].string();
      if (approach != "transcatheter_edge_to_edge" && approach != "surgical")
        node["approach"].fail("\"transcatheter_edge_to_edge\" or \"surgical\"");
    }
    const double residual =
        node.has("residual_regurgitant_area") ? node["residual_regurgitant_area"].number() : 0.0;
    return {set_action(node, time, "mitral_valve.min_area", residual)};
  }
  if (name == "fluid_bolus" || name == "transfusion") {
    static constexpr std::array<std::string_view, 5> members{"time", "action", "volume", "rate",
                                                             "fluid"};
    node.reject_unknown_members(members);
    std::string fluid = name == "transfusion" ? "blood" : "saline";
    if (node.has("fluid")) {
      fluid = node["fluid"].string();
      if (name == "transfusion" && fluid != "blood" && fluid != "packed_red_cells" &&
          fluid != "plasma") {
        node["fluid"].fail(fmt::format(
            "a transfusion gives a blood product: blood, packed_red_cells or plasma, not \"{}\"",
            fluid));
      }
    }
    return {infusion_action(node, time, std::move(fluid))};
  }
  static constexpr std::array<std::string_view, 9> scenario_actions{
      "hemorrhage", "infusion",        "set",      "ventilator",        "inspired_gas",
      "stress",     "paced_breathing", "exercise", "autonomic_blockade"};
  if (std::find(scenario_actions.begin(), scenario_actions.end(), name) == scenario_actions.end()) {
    node["action"].fail(fmt::format(
        "unknown action \"{}\" (expected aortic_valve_replacement, mitral_valve_repair, "
        "fluid_bolus, transfusion, or one of a scenario's: hemorrhage, infusion, set, ventilator, "
        "inspired_gas, stress, paced_breathing, exercise, autonomic_blockade)",
        name));
  }
  return {parse_action(node)};
}

Threshold read_threshold(const JsonView& node) {
  static constexpr std::array<std::string_view, 5> members{"at_least", "above", "at_most", "below",
                                                           "source"};
  node.reject_unknown_members(members);
  static constexpr std::array<std::pair<const char*, Threshold::Kind>, 4> kinds{
      {{"at_least", Threshold::Kind::at_least},
       {"above", Threshold::Kind::above},
       {"at_most", Threshold::Kind::at_most},
       {"below", Threshold::Kind::below}}};
  std::optional<Threshold> found;
  for (const auto& [key, kind] : kinds) {
    if (!node.has(key)) continue;
    if (found) node.fail("give one of at_least, above, at_most and below");
    found = Threshold{kind, node[key].number(), {}};
  }
  if (!found) node.fail("give one of at_least, above, at_most and below");
  if (node.has("source")) found->source = node["source"].string();
  return *found;
}

std::vector<Action> read_actions(const JsonView& list) {
  std::vector<Action> actions;
  for (std::size_t i = 0; i < list.array_size(); ++i) {
    for (Action& a : read_intervention(list.at_index(i))) actions.push_back(std::move(a));
  }
  return actions;
}

void check_name(const JsonView& node, const std::string& name) {
  const bool ok = !name.empty() && name.size() <= 64 &&
                  std::all_of(name.begin(), name.end(), [](unsigned char c) {
                    return std::isalnum(c) != 0 || c == '_' || c == '-';
                  });
  if (!ok) node.fail("a branch's name is 1 to 64 letters, digits, '_' or '-' (it names a group)");
  // The comparison table's other columns (pt.compare()).
  for (const char* reserved : {"baseline", "unit", "threshold", "normal_low", "normal_high"}) {
    if (name == reserved) node.fail(fmt::format("\"{}\" names a column of the comparison", name));
  }
}

double read_duration(const JsonView& node) {
  const double d = node.number();
  if (!(d > 0.0 && d <= 86400.0)) node.fail(fmt::format("{:g} s: allowed range (0, 86400] s", d));
  return d;
}

}  // namespace

bool Threshold::met(double x) const noexcept {
  switch (kind) {
    case Kind::at_least:
      return x >= value;
    case Kind::above:
      return x > value;
    case Kind::at_most:
      return x <= value;
    case Kind::below:
      return x < value;
  }
  return false;
}

std::string Threshold::text() const {
  static constexpr std::array<const char*, 4> signs{">=", ">", "<=", "<"};
  return fmt::format("{} {:g}", signs[static_cast<std::size_t>(kind)], value);
}

Plan load_plan(const std::filesystem::path& file) {
  const nlohmann::json document = read_json_file(file);
  const JsonView root(document, file.string(), "");
  static constexpr std::array<std::string_view, 11> top{
      "format",      "version",  "description", "model",    "patient", "set",
      "sample_rate", "baseline", "branches",    "outcomes", "note"};
  root.reject_unknown_members(top);
  if (root["format"].string() != plan_format_name)
    root["format"].fail(fmt::format("expected \"{}\"", plan_format_name));
  if (root["version"].number() != plan_format_version)
    root["version"].fail(fmt::format("only version {} is supported", plan_format_version));
  Plan plan;
  plan.file = file;
  const std::filesystem::path folder = file.parent_path();
  if (root.has("description")) plan.description = root["description"].string();
  if (root.has("model")) plan.model = folder / root["model"].string();
  if (root.has("patient")) {
    plan.patient = folder / root["patient"].string();
    // Named by the plan's JSON path, not by its name: record files are named after patients.
    std::error_code error;
    if (!std::filesystem::is_regular_file(plan.patient, error))
      root["patient"].fail("the patient file does not exist or is not a regular file");
  }
  if (root.has("set")) {
    const JsonView set = root["set"];
    for (const std::string& name : set.member_names()) {
      plan.settings.emplace_back(name, set[name].number());
    }
  }
  if (root.has("sample_rate")) {
    plan.sample_rate = root["sample_rate"].number();
    if (!(plan.sample_rate > 0.0 && plan.sample_rate <= 1000.0))
      root["sample_rate"].fail("allowed range (0, 1000] Hz");
  }

  const JsonView baseline = root["baseline"];
  static constexpr std::array<std::string_view, 3> baseline_members{"duration", "actions",
                                                                    "description"};
  baseline.reject_unknown_members(baseline_members);
  plan.baseline_duration = read_duration(baseline["duration"]);
  if (baseline.has("actions")) plan.baseline_actions = read_actions(baseline["actions"]);
  for (const Action& a : plan.baseline_actions) {
    if (a.time > plan.baseline_duration) {
      throw InputError(fmt::format("{}: time {:g} s is after the baseline ends ({:g} s)", a.origin,
                                   a.time, plan.baseline_duration));
    }
  }

  const JsonView branches = root["branches"];
  if (branches.array_size() == 0 || branches.array_size() > max_branches)
    branches.fail(fmt::format("a plan has 1 to {} branches", max_branches));
  std::set<std::string> names;
  for (std::size_t i = 0; i < branches.array_size(); ++i) {
    const JsonView node = branches.at_index(i);
    static constexpr std::array<std::string_view, 4> members{"name", "description", "duration",
                                                             "interventions"};
    node.reject_unknown_members(members);
    Branch branch;
    branch.name = node["name"].string();
    check_name(node["name"], branch.name);
    if (!names.insert(branch.name).second)
      node["name"].fail(fmt::format("a second branch named \"{}\"", branch.name));
    if (node.has("description")) branch.description = node["description"].string();
    branch.duration = read_duration(node["duration"]);
    if (node.has("interventions")) {
      branch.actions = read_actions(node["interventions"]);
      branch.interventions_json = node["interventions"].raw().dump();
    } else {
      branch.interventions_json = "[]";
    }
    const double end = plan.baseline_duration + branch.duration;
    for (const Action& a : branch.actions) {
      if (a.time < plan.baseline_duration || a.time > end) {
        throw InputError(fmt::format(
            "{}: time {:g} s is outside the branch, which runs from the end of the baseline "
            "({:g} s) to {:g} s (times count from the twin's start)",
            a.origin, a.time, plan.baseline_duration, end));
      }
    }
    std::stable_sort(branch.actions.begin(), branch.actions.end(),
                     [](const Action& x, const Action& y) { return x.time < y.time; });
    plan.branches.push_back(std::move(branch));
  }

  const JsonView outcomes = root["outcomes"];
  if (outcomes.array_size() == 0) outcomes.fail("a plan compares at least one outcome");
  std::set<std::string> columns;
  for (std::size_t i = 0; i < outcomes.array_size(); ++i) {
    const JsonView node = outcomes.at_index(i);
    static constexpr std::array<std::string_view, 5> members{"metric", "statistic", "window",
                                                             "name", "threshold"};
    node.reject_unknown_members(members);
    Outcome outcome{cohort::read_summary_spec(node), std::nullopt, node.where()};
    if (outcome.summary.from < plan.baseline_duration) {
      node["window"].fail(fmt::format(
          "starts at {:g} s, before the branches do ({:g} s: the baseline's end); the baseline's "
          "value is measured over its own last seconds",
          outcome.summary.from, plan.baseline_duration));
    }
    if (!columns.insert(outcome.summary.column).second) {
      node.fail(fmt::format("a second outcome \"{}\": give one of them a \"name\"",
                            outcome.summary.column));
    }
    if (node.has("threshold")) outcome.threshold = read_threshold(node["threshold"]);
    plan.outcomes.push_back(std::move(outcome));
  }
  return plan;
}

std::vector<std::string> setting_texts(const Plan& plan) {
  std::vector<std::string> texts;
  for (const auto& [name, value] : plan.settings)
    texts.push_back(fmt::format("{}={}", name, value));
  return texts;
}

void apply_plan_settings(const Plan& plan, BodyModel& model) {
  for (const auto& [name, value] : plan.settings) {
    try {
      model.set_parameter(name, value);
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: set.{}: {}", plan.file.string(), name, e.what()));
    }
  }
}

double plan_memory_bytes(const Plan& plan, std::size_t signals) {
  double seconds = plan.baseline_duration;
  for (const Branch& b : plan.branches) seconds += b.duration;
  const double samples = std::floor(seconds * plan.sample_rate) + 1.0;
  return samples * double(signals + 1) * 8.0;
}

void check_plan_memory(const Plan& plan, std::size_t signals) {
  const double bytes = plan_memory_bytes(plan, signals);
  if (bytes > max_plan_memory_bytes) {
    throw InputError(fmt::format(
        "{}: {:.3g} GB of samples to hold in memory, more than {:g} GB: shorten the branches or "
        "lower sample_rate",
        plan.file.string(), bytes / 1e9, max_plan_memory_bytes / 1e9));
  }
}

void check_plan(const Plan& plan, const RunHeader& twin) {
  // Each branch is the baseline followed by its own interventions: checked as one scenario.
  for (const Branch& branch : plan.branches) {
    Scenario scenario{plan.baseline_duration + branch.duration, plan.baseline_actions};
    scenario.actions.insert(scenario.actions.end(), branch.actions.begin(), branch.actions.end());
    for (Action& a : scenario.actions) validate_action(a, twin.model);
    check_scenario_totals(scenario, twin.model);
  }
  for (const Outcome& outcome : plan.outcomes) {
    if (!cohort::find_metric(twin, outcome.summary.metric)) {
      throw InputError(fmt::format(
          "{}: metric: model {} has no beat or breath metric \"{}\" (docs/hdf5-format.md lists "
          "them)",
          outcome.path, twin.model.name, outcome.summary.metric));
    }
    for (const Branch& branch : plan.branches) {
      const double end = plan.baseline_duration + branch.duration;
      if (outcome.summary.to > end) {
        throw InputError(
            fmt::format("{}: window: ends at {:g} s, after branch \"{}\" does ({:g} s)",
                        outcome.path, outcome.summary.to, branch.name, end));
      }
    }
  }
}

}  // namespace physiotwin::planning
