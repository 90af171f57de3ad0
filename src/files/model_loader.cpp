// Reads a model file (docs/model-format.md) into a BodyModel: every member checked, every
// parameter's unit converted to the internal unit and its value checked against the range its
// block type declares. Errors name the file and the JSON path. Compiled into
// physiotwin::physiotwin (include/physiotwin/model/model_loader.hpp declares it).
#include "physiotwin/model/model_loader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <string>
#include <unordered_map>

#include "files/anatomy_reader.hpp"
#include "files/cardiopulmonary_reflex_reader.hpp"
#include "files/exercise_reader.hpp"
#include "files/fluid_exchange_reader.hpp"
#include "files/local_oxygen_reader.hpp"
#include "files/parameter_reader.hpp"
#include "files/resistance_lookup.hpp"
#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/core/sha256.hpp"
#include "physiotwin/core/units.hpp"
#include "physiotwin/model/block_types.hpp"

namespace physiotwin {

namespace detail {
/// Reads the "gas_exchange" section (docs/model-format.md).
inline void read_gas_exchange(const JsonView& node,
                              const std::unordered_map<std::string, std::size_t>& compartments,
                              BodyModel& model) {
  static constexpr std::array<std::string_view, 9> members{
      "description",       "exchange",      "arterial_site",
      "mixed_venous_site", "oximetry_site", "tissues",
      "parameters",        "initial_state", "note"};
  node.reject_unknown_members(members);
  GasExchangeBlock block;
  auto compartment = [&](const JsonView& name_node) {
    const std::string target = name_node.string();
    auto it = compartments.find(target);
    if (it == compartments.end())
      name_node.fail(fmt::format("no compartment named \"{}\"", target));
    return it->second;
  };
  {
    const std::string target = node["exchange"].string();
    auto it = std::find_if(model.connections.begin(), model.connections.end(),
                           [&](const Connection& c) { return c.name == target; });
    if (it == model.connections.end()) {
      node["exchange"].fail(fmt::format("no connection named \"{}\"", target));
    }
    block.exchange = static_cast<std::size_t>(it - model.connections.begin());
  }
  block.arterial_site = compartment(node["arterial_site"]);
  block.mixed_venous_site = compartment(node["mixed_venous_site"]);
  block.oximetry_site = compartment(node["oximetry_site"]);
  const JsonView tissues = node["tissues"];
  for (const std::string& name : tissues.member_names()) {
    const JsonView tissue = tissues[name];
    auto it = compartments.find(name);
    if (it == compartments.end()) tissue.fail(fmt::format("no compartment named \"{}\"", name));
    const std::size_t c = it->second;
    if (std::find(block.tissues.begin(), block.tissues.end(), c) != block.tissues.end()) {
      tissue.fail("a compartment can hold only one tissue");
    }
    block.tissues.push_back(c);
    block.tissue_first_parameter.push_back(
        read_block_parameters(tissue, name, blocks::tissue, model.parameters));
  }
  block.first_parameter =
      read_block_parameters(node, "gas", blocks::gas_exchange, model.parameters);
  const std::size_t nc = model.compartments.size();
  block.initial_blood.assign(nc, gas::PartialPressures{95.0, 40.0});
  block.initial_air.fill(gas::PartialPressures{100.0, 40.0});
  if (node.has("initial_state")) {
    // {"<compartment or airway>": {"po2": mmHg, "pco2": mmHg}} for every one of them.
    const JsonView init = node["initial_state"];
    auto read = [&](const std::string& key) {
      const JsonView site = init[key];
      static constexpr std::array<std::string_view, 2> gases{"po2", "pco2"};
      site.reject_unknown_members(gases);
      gas::PartialPressures p{site["po2"].number(), site["pco2"].number()};
      for (const char* g : {"po2", "pco2"}) {
        const double v = site[g].number();
        if (!std::isfinite(v) || v < 0.0 || v > 5000.0) {
          site[g].fail(
              fmt::format("{} {:g} mmHg is outside the allowed range [0, 5000] mmHg", g, v));
        }
      }
      return p;
    };
    std::vector<std::string> allowed;
    for (std::size_t c = 0; c < nc; ++c) {
      allowed.push_back(model.compartments[c].name);
      block.initial_blood[c] = read(model.compartments[c].name);
    }
    for (std::size_t a = 0; a < resp::airway_count; ++a) {
      allowed.emplace_back(resp::airway_names[a]);
      block.initial_air[a] = read(std::string(resp::airway_names[a]));
    }
    std::vector<std::string_view> keys(allowed.begin(), allowed.end());
    init.reject_unknown_members(keys);
  }
  model.gas_exchange = block;
}

}  // namespace detail

/// Loads a circulation file. Throws InputError naming the file and JSON path on any problem.
BodyModel load_circulation(const std::filesystem::path& file) {
  return load_circulation_text(read_text_file(file), file.string());
}

BodyModel load_circulation_text(const std::string& bytes, const std::string& label) {
  using detail::read_parameter;
  const std::filesystem::path file = label;  // errors and source_file name the model by it
  const nlohmann::json document = parse_json_text(bytes, file.string());
  const JsonView root(document, file.string(), "");
  static constexpr std::array<std::string_view, 19> top{"format",
                                                        "version",
                                                        "name",
                                                        "description",
                                                        "reference_body",
                                                        "system",
                                                        "activations",
                                                        "compartments",
                                                        "connections",
                                                        "roles",
                                                        "ventricular_interaction",
                                                        "baroreflex",
                                                        "cardiopulmonary_reflex",
                                                        "respiration",
                                                        "gas_exchange",
                                                        "chemoreflex",
                                                        "fluid_exchange",
                                                        "exercise",
                                                        "local_oxygen"};
  root.reject_unknown_members(top);
  if (root["format"].string() != "physiotwin-circulation") {
    root["format"].fail("expected \"physiotwin-circulation\"");
  }
  if (root["version"].number() != 1) root["version"].fail("only version 1 is supported");

  BodyModel model;
  model.source_file = file.string();
  model.source_digest = crypto::hex(crypto::sha256(bytes));
  model.name = root["name"].string();
  model.description = root["description"].string();

  {
    const JsonView body = root["reference_body"];
    static constexpr std::array<std::string_view, 5> members{"sex", "age", "height", "weight",
                                                             "source"};
    body.reject_unknown_members(members);
    model.reference_body.sex = body["sex"].string();
    if (model.reference_body.sex != "male" && model.reference_body.sex != "female") {
      body["sex"].fail("expected \"male\" or \"female\"");
    }
    static constexpr ParameterSpec age{"age", "a", 18.0, 90.0, "age"};
    static constexpr ParameterSpec height{"height", "cm", 100.0, 250.0, "height"};
    static constexpr ParameterSpec weight{"weight", "kg", 25.0, 300.0, "weight"};
    // The age the parameters are for: age-related changes are relative to it
    // (patient/aging.hpp).
    model.reference_body.age_years = read_parameter(body["age"], "reference_body.age", age).value;
    model.reference_body.height_cm =
        read_parameter(body["height"], "reference_body.height", height).value;
    model.reference_body.weight_kg =
        read_parameter(body["weight"], "reference_body.weight", weight).value;
    model.reference_body.source = body["source"].string();
  }

  {
    const JsonView system = root["system"];
    std::array<std::string_view, blocks::system.size()> names{};
    for (std::size_t i = 0; i < names.size(); ++i) names[i] = blocks::system[i].name;
    system.reject_unknown_members(names);
    for (const auto& sp : blocks::system) {
      const std::string name(sp.name);
      model.parameters.add(read_parameter(system[name], name, sp.spec));
    }
  }

  std::unordered_map<std::string, std::size_t> activation_index;
  {
    const JsonView list = root["activations"];
    for (std::size_t i = 0; i < list.array_size(); ++i) {
      const JsonView node = list.at_index(i);
      static constexpr std::array<std::string_view, 4> members{"name", "type", "description",
                                                               "parameters"};
      node.reject_unknown_members(members);
      ActivationCurve curve;
      curve.name = node["name"].string();
      detail::check_block_name(node["name"], curve.name);
      const std::string type = node.has("type") ? node["type"].string() : "double_hill";
      if (type == "double_hill") {
        curve.first_parameter =
            detail::read_block_parameters(node, curve.name, blocks::activation, model.parameters);
      } else if (type == "gaussian") {
        curve.kind = ActivationKind::gaussian;
        curve.first_parameter = detail::read_block_parameters(
            node, curve.name, blocks::gaussian_activation, model.parameters);
      } else {
        node["type"].fail(fmt::format(
            "unknown activation type \"{}\" (expected \"double_hill\" or \"gaussian\")", type));
      }
      if (!activation_index.emplace(curve.name, model.activations.size()).second) {
        node["name"].fail(fmt::format("activation \"{}\" is defined twice", curve.name));
      }
      model.activations.push_back(std::move(curve));
    }
  }

  std::unordered_map<std::string, std::size_t> compartment_index;
  {
    const JsonView list = root["compartments"];
    for (std::size_t i = 0; i < list.array_size(); ++i) {
      const JsonView node = list.at_index(i);
      static constexpr std::array<std::string_view, 10> members{
          "name",       "type",      "description",      "region",
          "thoracic",   "anatomy",   "initial_pressure", "initial_volume",
          "activation", "parameters"};
      node.reject_unknown_members(members);
      Compartment comp;
      comp.name = node["name"].string();
      detail::check_block_name(node["name"], comp.name);
      comp.description = node["description"].string();
      comp.region = node["region"].string();
      comp.thoracic = node["thoracic"].boolean();
      if (node.has("anatomy")) comp.anatomy = detail::read_anatomy(node["anatomy"]);
      const std::string type = node["type"].string();
      if (type == "compliance") {
        comp.kind = CompartmentKind::compliance;
        static constexpr ParameterSpec pressure{"initial_pressure", "mmHg", -20.0, 200.0,
                                                "initial pressure"};
        comp.initial_pressure =
            read_parameter(node["initial_pressure"], comp.name + ".initial_pressure", pressure)
                .value;
        comp.first_parameter =
            detail::read_block_parameters(node, comp.name, blocks::compliance, model.parameters);
      } else if (type == "chamber") {
        comp.kind = CompartmentKind::chamber;
        static constexpr ParameterSpec volume{"initial_volume", "mL", 1.0, 500.0, "initial volume"};
        comp.initial_volume =
            read_parameter(node["initial_volume"], comp.name + ".initial_volume", volume).value;
        const std::string act = node["activation"].string();
        auto it = activation_index.find(act);
        if (it == activation_index.end()) {
          node["activation"].fail(fmt::format("no activation named \"{}\"", act));
        }
        comp.activation = it->second;
        comp.first_parameter =
            detail::read_block_parameters(node, comp.name, blocks::chamber, model.parameters);
      } else {
        node["type"].fail(fmt::format(
            "unknown compartment type \"{}\" (expected \"compliance\" or \"chamber\")", type));
      }
      if (!compartment_index.emplace(comp.name, model.compartments.size()).second) {
        node["name"].fail(fmt::format("compartment \"{}\" is defined twice", comp.name));
      }
      model.compartments.push_back(std::move(comp));
    }
    if (model.compartments.empty()) list.fail("a circulation needs at least one compartment");
  }

  {
    const JsonView list = root["connections"];
    std::unordered_map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < list.array_size(); ++i) {
      const JsonView node = list.at_index(i);
      static constexpr std::array<std::string_view, 8> members{
          "name", "type", "description", "region", "from", "to", "organ_bed", "parameters"};
      node.reject_unknown_members(members);
      Connection con;
      con.name = node["name"].string();
      detail::check_block_name(node["name"], con.name);
      con.description = node["description"].string();
      con.region = node["region"].string();
      for (const char* end : {"from", "to"}) {
        const std::string target = node[end].string();
        auto it = compartment_index.find(target);
        if (it == compartment_index.end()) {
          node[end].fail(fmt::format("no compartment named \"{}\"", target));
        }
        (std::string(end) == "from" ? con.from : con.to) = it->second;
      }
      if (con.from == con.to) node["to"].fail("a connection must join two different compartments");
      if (node.has("organ_bed")) con.organ_bed = node["organ_bed"].string();
      const std::string type = node["type"].string();
      const auto kind = connection_kind_named(type);
      if (!kind) {
        node["type"].fail(fmt::format("unknown connection type \"{}\" (expected \"{}\")", type,
                                      fmt::join(connection_kind_names, "\", \"")));
      }
      con.kind = *kind;
      switch (con.kind) {
        case ConnectionKind::resistance:
          con.first_parameter =
              detail::read_block_parameters(node, con.name, blocks::resistance, model.parameters);
          break;
        case ConnectionKind::distensible_resistance:
          con.first_parameter = detail::read_block_parameters(
              node, con.name, blocks::distensible_resistance, model.parameters);
          break;
        case ConnectionKind::inertance:
          con.first_parameter =
              detail::read_block_parameters(node, con.name, blocks::inertance, model.parameters);
          break;
        case ConnectionKind::ideal_valve:
          con.first_parameter =
              detail::read_block_parameters(node, con.name, blocks::ideal_valve, model.parameters);
          break;
        case ConnectionKind::valve:
          con.first_parameter =
              detail::read_block_parameters(node, con.name, blocks::valve, model.parameters);
          break;
      }
      if (!seen.emplace(con.name, i).second || compartment_index.contains(con.name)) {
        node["name"].fail(fmt::format("block name \"{}\" is used twice", con.name));
      }
      model.connections.push_back(std::move(con));
    }
  }

  if (root.has("ventricular_interaction")) {
    const JsonView node = root["ventricular_interaction"];
    static constexpr std::array<std::string_view, 5> members{"name", "description", "left", "right",
                                                             "parameters"};
    node.reject_unknown_members(members);
    VentricularInteractionBlock block;
    block.name = node["name"].string();
    detail::check_block_name(node["name"], block.name);
    for (const char* side : {"left", "right"}) {
      const std::string target = node[side].string();
      auto it = compartment_index.find(target);
      if (it == compartment_index.end() ||
          model.compartments[it->second].kind != CompartmentKind::chamber) {
        node[side].fail(fmt::format("\"{}\" is not a chamber of this model", target));
      }
      (std::string(side) == "left" ? block.left : block.right) = it->second;
    }
    if (block.left == block.right) node["right"].fail("left and right must be different chambers");
    if (model.compartments[block.left].activation != model.compartments[block.right].activation) {
      node["right"].fail("the two chambers must share one activation (the septum follows it)");
    }
    block.first_parameter = detail::read_block_parameters(
        node, block.name, blocks::ventricular_interaction, model.parameters);
    model.interaction = block;
  }

  if (root.has("baroreflex")) {
    const JsonView node = root["baroreflex"];
    static constexpr std::array<std::string_view, 5> members{"description", "sensor", "effectors",
                                                             "parameters", "initial_state"};
    node.reject_unknown_members(members);
    BaroreflexBlock block;
    if (node.has("initial_state")) {
      // {"filtered_pressure": mmHg, "<effector>": value in the effector's gain unit, ...}
      const JsonView init = node["initial_state"];
      std::array<std::string_view, 1 + control::effector_count> keys{"filtered_pressure"};
      for (std::size_t e = 0; e < control::effector_count; ++e)
        keys[1 + e] = control::effector_names[e];
      init.reject_unknown_members(keys);
      for (const auto key : keys) {
        const double value = init[std::string(key)].number();
        if (!std::isfinite(value)) init[std::string(key)].fail("must be a finite number");
        block.initial_state.push_back(value);
      }
    }
    auto compartment_of = [&](const JsonView& name_node, CompartmentKind kind, const char* what) {
      const std::string target = name_node.string();
      auto it = compartment_index.find(target);
      if (it == compartment_index.end() || model.compartments[it->second].kind != kind) {
        name_node.fail(fmt::format("\"{}\" is not a {} of this model", target, what));
      }
      return it->second;
    };
    block.sensor =
        compartment_of(node["sensor"], CompartmentKind::compliance, "compliance compartment");
    const JsonView effectors = node["effectors"];
    static constexpr std::array<std::string_view, 6> groups{
        "left_ventricle",        "right_ventricle",
        "splanchnic_resistance", "extrasplanchnic_resistance",
        "splanchnic_veins",      "extrasplanchnic_veins"};
    effectors.reject_unknown_members(groups);
    auto list = [&](const char* key) -> std::vector<std::size_t> {
      std::vector<std::size_t> out;
      if (!effectors.has(key)) return out;
      const JsonView l = effectors[key];
      const bool chambers = std::string_view(key).ends_with("ventricle");
      const bool resistances = std::string_view(key).ends_with("resistance");
      for (std::size_t i = 0; i < l.array_size(); ++i) {
        const JsonView item = l.at_index(i);
        if (resistances) {
          out.push_back(detail::resistance_named(item, model));
        } else {
          out.push_back(compartment_of(
              item, chambers ? CompartmentKind::chamber : CompartmentKind::compliance,
              chambers ? "chamber" : "compliance compartment"));
        }
      }
      return out;
    };
    block.left_ventricle = list("left_ventricle");
    block.right_ventricle = list("right_ventricle");
    block.splanchnic_resistance = list("splanchnic_resistance");
    block.extrasplanchnic_resistance = list("extrasplanchnic_resistance");
    block.splanchnic_veins = list("splanchnic_veins");
    block.extrasplanchnic_veins = list("extrasplanchnic_veins");
    block.first_parameter =
        detail::read_block_parameters(node, "baroreflex", blocks::baroreflex, model.parameters);
    model.baroreflex = block;
  }

  if (root.has("cardiopulmonary_reflex")) {
    const JsonView node = root["cardiopulmonary_reflex"];
    if (!model.baroreflex) {
      node.fail(
          "the cardiopulmonary reflex needs a \"baroreflex\" section (it acts on the "
          "baroreflex's resistances and veins)");
    }
    detail::read_cardiopulmonary_reflex(node, compartment_index, model);
  }

  if (root.has("respiration")) {
    const JsonView node = root["respiration"];
    static constexpr std::array<std::string_view, 2> members{"description", "parameters"};
    node.reject_unknown_members(members);
    model.respiration = RespirationBlock{
        detail::read_block_parameters(node, "respiration", blocks::respiration, model.parameters)};
  }

  if (root.has("gas_exchange")) {
    const JsonView node = root["gas_exchange"];
    if (!model.respiration) node.fail("gas exchange needs a \"respiration\" section (the lungs)");
    detail::read_gas_exchange(node, compartment_index, model);
  }

  if (root.has("chemoreflex")) {
    const JsonView node = root["chemoreflex"];
    if (!model.gas_exchange) {
      node.fail("chemoreflexes need a \"gas_exchange\" section (they sense arterial blood gases)");
    }
    static constexpr std::array<std::string_view, 3> members{"description", "parameters",
                                                             "initial_state"};
    node.reject_unknown_members(members);
    ChemoreflexBlock block;
    if (node.has("initial_state")) {
      const JsonView init = node["initial_state"];
      init.reject_unknown_members(control::chemoreflex_state_names);
      for (const auto key : control::chemoreflex_state_names) {
        const double value = init[std::string(key)].number();
        if (!std::isfinite(value)) init[std::string(key)].fail("must be a finite number");
        block.initial_state.push_back(value);
      }
    }
    block.first_parameter =
        detail::read_block_parameters(node, "chemoreflex", blocks::chemoreflex, model.parameters);
    model.chemoreflex = block;
  }

  if (root.has("fluid_exchange")) {
    const JsonView node = root["fluid_exchange"];
    if (!model.gas_exchange) {
      node.fail(
          "fluid exchange needs a \"gas_exchange\" section (its haemoglobin is the red "
          "cells')");
    }
    detail::read_fluid_exchange(node, compartment_index, model);
  }

  if (root.has("exercise")) detail::read_exercise(root["exercise"], model);
  if (root.has("local_oxygen")) detail::read_local_oxygen(root["local_oxygen"], model);

  if (root.has("roles")) {
    const JsonView roles = root["roles"];
    static constexpr std::array<std::string_view, 9> members{
        "left_ventricle",   "right_ventricle", "left_atrium",     "right_atrium", "aorta",
        "pulmonary_artery", "central_veins",   "hemorrhage_site", "infusion_site"};
    roles.reject_unknown_members(members);
    std::array<std::optional<std::size_t>*, 9> slots{
        &model.roles.left_ventricle, &model.roles.right_ventricle, &model.roles.left_atrium,
        &model.roles.right_atrium,   &model.roles.aorta,           &model.roles.pulmonary_artery,
        &model.roles.central_veins,  &model.roles.hemorrhage_site, &model.roles.infusion_site};
    for (std::size_t r = 0; r < members.size(); ++r) {
      const std::string key(members[r]);
      if (!roles.has(key)) continue;
      const std::string target = roles[key].string();
      auto it = compartment_index.find(target);
      if (it == compartment_index.end())
        roles[key].fail(fmt::format("no compartment named \"{}\"", target));
      *slots[r] = it->second;
    }
  }

  // The rules between parameters (BodyModel::rule_violation()), named by the JSON path
  // of the parameter whose value breaks one.
  if (const auto broken = model.rule_violation()) {
    const std::string block = broken->parameter.substr(0, broken->parameter.find('.'));
    const std::string key = broken->parameter.substr(block.size() + 1);
    for (const char* list : {"compartments", "connections", "activations"}) {
      const JsonView items = root[list];
      for (std::size_t i = 0; i < items.array_size(); ++i) {
        if (items.at_index(i)["name"].string() == block)
          items.at_index(i)["parameters"][key]["value"].fail(broken->message);
      }
    }
    for (auto [section, prefix] :
         {std::pair{"baroreflex", "baroreflex"}, std::pair{"chemoreflex", "chemoreflex"},
          std::pair{"cardiopulmonary_reflex", "cardiopulmonary"}, std::pair{"gas_exchange", "gas"},
          std::pair{"fluid_exchange", "fluid"}, std::pair{"exercise", "exercise"},
          std::pair{"local_oxygen", "local_oxygen"}}) {
      if (root.has(section) && block == prefix)
        root[section]["parameters"][key]["value"].fail(broken->message);
    }
    if (root["system"].has(broken->parameter))
      root["system"][broken->parameter]["value"].fail(broken->message);
    root.fail(broken->message);
  }
  try {
    model.finalise();
  } catch (const DuplicateSignal& e) {
    // A block whose name makes a signal the model registers itself, or another block's.
    const std::string block = e.signal.substr(0, e.signal.find('.'));
    for (const char* list : {"compartments", "connections", "activations"}) {
      const JsonView items = root[list];
      for (std::size_t i = 0; i < items.array_size(); ++i) {
        if (items.at_index(i)["name"].string() != block) continue;
        items.at_index(i)["name"].fail(fmt::format(
            "block name \"{}\" makes the signal {}, which the model already has (a built-in "
            "signal or another block's); choose another name",
            block, e.signal));
      }
    }
    root.fail(e.what());
  }
  return model;
}

}  // namespace physiotwin
