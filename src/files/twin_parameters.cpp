// Twin parameter files read and written: patient/twin_parameters.hpp.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "physiotwin/core/atomic_file.hpp"
#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/patient/twin_parameters.hpp"
#include "physiotwin/trust/json_signature.hpp"

namespace physiotwin {

bool is_twin_parameters(const nlohmann::json& document) {
  return document.is_object() && document.contains("format") &&
         document["format"] == twin_parameters_format;
}

std::string twin_parameters_text(const BodyModel& model, const TwinParameters& twin) {
  // Ordered: the parameters in the model's order, as `physiotwin params` lists them. Values
  // are written with 17 significant digits, so reading them back gives the same doubles.
  nlohmann::ordered_json parameters = nlohmann::ordered_json::object();
  for (const Parameter& p : model.parameters.all()) {
    parameters[p.name] = nlohmann::ordered_json{{"value", p.value}, {"unit", p.unit}};
  }
  const bool baroreflex_at_operating_point =
      model.baroreflex && model.baroreflex->initial_state.empty();
  nlohmann::ordered_json document{
      {"format", twin_parameters_format},
      {"version", twin_parameters_version},
      {"model", {{"name", model.name}, {"sha256", model_digest(model)}}},
      {"patient", patient_json(twin.patient)},
      {"calibration",
       {{"calibrated", twin.calibrated},
        {"baroreflex_starts_at_operating_point", baroreflex_at_operating_point},
        {"report", twin.calibration}}},
      {"parameters", parameters}};
  if (!model.start_state.empty()) {
    // The settled resting state calibration found: the stored twin starts there.
    nlohmann::ordered_json state = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < model.state_size(); ++i)
      state[model.state_names()[i]] = model.start_state[i];
    document["start_state"] = state;
  }
  return document.dump(1) + "\n";
}

void write_twin_parameters(const std::filesystem::path& file, const BodyModel& model,
                           const TwinParameters& twin) {
  write_text_file_atomically(file, twin_parameters_text(model, twin));
}

namespace {

/// Names for a message: the first four, then how many more.
std::string listed(const std::vector<std::string>& names) {
  constexpr std::size_t shown = 4;
  std::string text;
  for (std::size_t i = 0; i < std::min(names.size(), shown); ++i)
    text += (i == 0 ? "" : ", ") + names[i];
  if (names.size() > shown) text += fmt::format(" and {} more", names.size() - shown);
  return text;
}

}  // namespace

TwinParameters load_twin_parameters_text(std::string_view text, const std::filesystem::path& file,
                                         BodyModel& model, std::string* warning) {
  const nlohmann::json document = parse_json_text(text, file.string());
  const JsonView root(document, file.string(), "");
  // "audit": what produced the file (io/audit_trail.hpp); `verify` checks it, the twin does
  // not need it.
  static constexpr std::array<std::string_view, 9> members{
      "format",      "version",     "model",
      "patient",     "calibration", "parameters",
      "start_state", "audit",       trust::json_signature_member};
  root.reject_unknown_members(members);
  // A signed twin whose content no longer matches its signature is not run: what a surgeon
  // plans on must be the twin that was computed (docs/security.md). Whether the signer is
  // trusted is `physiotwin verify`'s to say.
  if (const trust::JsonSignatureCheck signature = trust::check_json_signature(document);
      signature.is_signed && !signature.intact)
    throw InputError(fmt::format(
        "{}: signed, but changed since it was signed ({}{}); `physiotwin verify {}` names every "
        "change",
        file.string(), signature.problems.front(),
        signature.problems.size() > 1 ? fmt::format(" and {} more", signature.problems.size() - 1)
                                      : "",
        file.string()));
  if (root["format"].string() != twin_parameters_format)
    root["format"].fail(fmt::format("expected \"{}\"", twin_parameters_format));
  const double version = root["version"].number();
  if (version != 1 && version != twin_parameters_version) {
    root["version"].fail(
        fmt::format("only versions 1 and {} are supported", twin_parameters_version));
  }
  const JsonView model_node = root["model"];
  if (model_node["name"].string() != model.name) {
    model_node["name"].fail(fmt::format("made from model \"{}\", but the model is \"{}\" ({})",
                                        model_node["name"].string(), model.name,
                                        model.source_file));
  }
  const std::string digest = model_digest(model);
  // Made from another version of the model file: what that version lacked (parameters and
  // states the model gained since) takes the model's own values, so that a twin calibrated
  // before an upgrade still runs; the warning names them. From the same version, a missing
  // one is a damaged file.
  const bool other_version = !digest.empty() && model_node["sha256"].string() != digest;
  std::vector<std::string> gained_parameters, gained_states;
  TwinParameters twin;
  twin.patient = read_patient(root["patient"]);
  const JsonView calibration = root["calibration"];
  twin.calibrated = calibration["calibrated"].boolean();
  for (std::size_t i = 0; i < calibration["report"].array_size(); ++i)
    twin.calibration.push_back(calibration["report"].at_index(i).string());

  // The body first (initial volumes, and the parameters a body sets), then every value.
  scale_to_patient(model, twin.patient);
  const JsonView parameters = root["parameters"];
  for (const std::string& name : parameters.member_names()) {
    if (!model.parameters.contains(name)) {
      parameters[name].fail(fmt::format("model {} has no parameter \"{}\"", model.name, name));
    }
  }
  for (const Parameter& p : model.parameters.all()) {
    if (!parameters.has(p.name)) {
      if (other_version) {
        gained_parameters.push_back(p.name);
        continue;
      }
      parameters.fail(fmt::format("parameter \"{}\" of model {} is missing", p.name, model.name));
    }
    const JsonView entry = parameters[p.name];
    static constexpr std::array<std::string_view, 2> entry_members{"value", "unit"};
    entry.reject_unknown_members(entry_members);
    if (entry["unit"].string() != p.unit) {
      entry["unit"].fail(fmt::format("expected \"{}\", the unit of {}", p.unit, p.name));
    }
    const double value = entry["value"].number();
    if (!std::isfinite(value) || value < p.min || value > p.max) {
      entry["value"].fail(fmt::format("{} = {:g} {} is outside the allowed range {}", p.name, value,
                                      p.unit, describe_range(p)));
    }
  }
  for (std::size_t i = 0; i < model.parameters.size(); ++i) {
    const std::string name = model.parameters.at(i).name;
    if (parameters.has(name))
      model.parameters.set_derived(i, parameters[name]["value"].number(), file.string());
  }
  if (const auto broken = model.rule_violation()) {
    parameters[broken->parameter]["value"].fail(broken->message);
  }
  // A calibrated baroreflex rests at its new set point: it starts at its operating point,
  // not at the model file's resting state (as calibrate() leaves it).
  if (calibration["baroreflex_starts_at_operating_point"].boolean() && model.baroreflex)
    model.baroreflex->initial_state.clear();
  model.refresh();
  if (root.has("start_state")) {
    const JsonView state = root["start_state"];
    const auto& names = model.state_names();
    model.start_state.clear();
    std::vector<double> built(names.size());  // where states the file lacks start
    model.initial_state(built);
    for (const std::string& name : state.member_names()) {
      if (std::find(names.begin(), names.end(), name) == names.end())
        state[name].fail(fmt::format("model {} has no state \"{}\"", model.name, name));
    }
    std::vector<double> values;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::string& name = names[i];
      if (!state.has(name)) {
        if (!other_version)
          state.fail(fmt::format("state \"{}\" of model {} is missing", name, model.name));
        gained_states.push_back(name);
        values.push_back(built[i]);
        continue;
      }
      const double value = state[name].number();
      if (!std::isfinite(value)) state[name].fail("must be a finite number");
      values.push_back(value);
    }
    model.start_state = std::move(values);
  }
  if (warning && other_version) {
    *warning = fmt::format(
        "{}: made from another version of model {} (sha256 {}...); the parameters' names "
        "and units match this one ({}...)",
        file.string(), model.name, model_node["sha256"].string().substr(0, 12),
        digest.substr(0, 12));
    if (!gained_parameters.empty())
      *warning += fmt::format("; parameters the model gained since take its values: {}",
                              listed(gained_parameters));
    if (!gained_states.empty())
      *warning += fmt::format("; states it gained start where the model starts them: {}",
                              listed(gained_states));
  }
  return twin;
}

TwinParameters load_twin_parameters(const std::filesystem::path& file, BodyModel& model,
                                    std::string* warning) {
  return load_twin_parameters_text(read_text_file(file), file, model, warning);
}

}  // namespace physiotwin
