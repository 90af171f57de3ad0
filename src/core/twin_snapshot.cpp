// Twin::snapshot() and Twin::restore(): a twin's complete state as bytes and back
// (docs/snapshots.md). A snapshot holds what a copy of the twin is made from (twin.hpp: the
// core at the solver's last restart, the intervals since, the actions to come), so a restored
// twin is made exactly as a copy is, and continues bit for bit. CBOR (nlohmann::json): the
// numbers keep every bit, NaN included; the model's and the analyzers' working state are byte
// images (core/byte_image.hpp).
#include <fmt/format.h>

#include <bit>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>

#include "physiotwin/build_info.hpp"
#include "physiotwin/core/byte_image.hpp"
#include "physiotwin/core/sha256.hpp"
#include "physiotwin/trust/sealed.hpp"
#include "physiotwin/twin.hpp"

namespace physiotwin {

namespace {

using nlohmann::json;

constexpr const char* snapshot_format = "physiotwin-snapshot";
constexpr int snapshot_version = 4;  // 2: the replay as [number, count] pairs; 3: FluidHistory;
                                     // 4: the autonomic blockade action
constexpr const char* byte_order = std::endian::native == std::endian::little ? "little" : "big";

// Each record's fields, named once for both directions (fields_to_json, fields_from_json).
template <typename Self, typename Visit>
void visit_fields(Self& v, Visit&& visit) {
  if constexpr (std::is_same_v<std::remove_const_t<Self>, resp::VentilatorSettings>) {
    visit("mode", v.mode);
    visit("rate", v.rate);
    visit("ie_ratio", v.ie_ratio);
    visit("peep", v.peep);
    visit("inspiratory_pressure", v.inspiratory_pressure);
    visit("tidal_volume", v.tidal_volume);
    visit("fio2", v.fio2);
  } else if constexpr (std::is_same_v<std::remove_const_t<Self>, Action>) {
    visit("time", v.time);
    visit("kind", v.kind);
    visit("rate", v.rate);
    visit("volume", v.volume);
    visit("fluid", v.fluid);
    visit("compartment", v.compartment);
    visit("parameter", v.parameter);
    visit("value", v.value);
    visit("ramp", v.ramp);
    visit("mets", v.mets);
    visit("ventilator", v.ventilator);
    visit("fio2", v.fio2);
    visit("fico2", v.fico2);
    visit("vagal_blockade", v.vagal_blockade);
    visit("beta_blockade", v.beta_blockade);
    visit("origin", v.origin);
  } else {
    static_assert(std::is_same_v<std::remove_const_t<Self>, TwinOptions>);
    visit("sample_rate", v.sample_rate);
    visit("metric_rate", v.metric_rate);
    visit("relative_tolerance", v.relative_tolerance);
    visit("volume_tolerance", v.volume_tolerance);
    visit("flow_tolerance", v.flow_tolerance);
    visit("opening_tolerance", v.opening_tolerance);
    visit("max_step", v.max_step);
    visit("max_steps_per_interval", v.max_steps_per_interval);
  }
}

/// The largest value of each enumeration a snapshot holds (a damaged one is refused).
constexpr int last_value(resp::VentilatorMode) {
  return int(resp::VentilatorMode::pressure_control);
}
constexpr int last_value(ActionKind) {
  return int(ActionKind::autonomic_blockade);
}

template <typename Record>
json fields_to_json(const Record& record) {
  json j = json::object();
  visit_fields(record, [&](const char* name, const auto& field) {
    using Field = std::decay_t<decltype(field)>;
    if constexpr (std::is_enum_v<Field>) {
      j[name] = int(field);
    } else if constexpr (std::is_class_v<Field> && !std::is_same_v<Field, std::string>) {
      j[name] = fields_to_json(field);
    } else {
      j[name] = field;
    }
  });
  return j;
}

template <typename Record>
Record fields_from_json(const json& j) {
  Record record;
  visit_fields(record, [&](const char* name, auto& field) {
    using Field = std::decay_t<decltype(field)>;
    if constexpr (std::is_enum_v<Field>) {
      const int value = j.at(name).get<int>();
      if (value < 0 || value > last_value(Field{})) {
        throw InputError(
            fmt::format("snapshot: {} {} is unknown: the snapshot is damaged", name, value));
      }
      field = Field(value);
    } else if constexpr (std::is_class_v<Field> && !std::is_same_v<Field, std::string>) {
      field = fields_from_json<Field>(j.at(name));
    } else {
      field = j.at(name).get<Field>();
    }
  });
  return record;
}

/// The byte image of what `visit_all` visits.
template <typename VisitAll>
json image(VisitAll&& visit_all) {
  std::vector<std::uint8_t> bytes;
  ByteImageWriter writer(bytes);
  visit_all(writer);
  return json::binary(std::move(bytes));
}

/// Reads a byte image back through `visit_all`, every byte of it.
template <typename VisitAll>
void read_image(const json& j, const char* what, VisitAll&& visit_all) {
  const auto& bytes = j.get_binary();
  ByteImageReader reader(std::span<const std::uint8_t>(bytes.data(), bytes.size()), what);
  visit_all(reader);
  reader.finish();
}

std::string short_digest(const std::string& digest) {
  return digest.empty() ? std::string("none: not read from a file") : digest.substr(0, 12) + "...";
}

}  // namespace

std::vector<std::uint8_t> Twin::snapshot() const {
  const Core& c = *at_restart_;
  const BodyModel& m = c.model;
  json parameters = json::array();
  for (const Parameter& p : m.parameters.all()) parameters.push_back(p.value);
  json streams = json::array();
  for (const ExternalStream& s : c.streams)
    streams.push_back({s.compartment, s.ml_per_s, s.end_time, s.red_cell_fraction, s.protein});
  json pending = json::array();
  for (const Action& a : now_.pending) pending.push_back(fields_to_json(a));
  json replay = json::array();  // [step or target, count]: CBOR keeps every bit of the number
  for (const ReplayEntry& e : replay_since_restart_) replay.push_back({e.value, e.count});

  json restart{{"time", c.time},
               {"metric_index", c.metric_index},
               {"sample_index", c.sample_index},
               {"state", image([&](auto& v) { v(c.state); })},
               {"metric_state", image([&](auto& v) { v(c.metric_state); })},
               {"signals", image([&](auto& v) { v(c.signals); })},
               {"model_working_state", image([&](auto& v) { m.visit_working_state(v); })},
               {"beats", image([&](auto& v) { BeatAnalyzer::visit_progress(c.beats, v); })},
               {"streams", streams},
               {"applied", c.applied.to_rows()}};
  if (c.breaths) {
    restart["breaths"] = image([&](auto& v) { BreathAnalyzer::visit_progress(*c.breaths, v); });
  }
  const json document{{"version", snapshot_version},
                      {"library_version", library_version},
                      {"byte_order", byte_order},
                      {"model",
                       {{"name", m.name},
                        {"sha256", m.source_digest},
                        {"states", m.state_size()},
                        {"parameters", m.parameters.size()}}},
                      {"time", now_.time},
                      {"options", fields_to_json(c.options)},
                      {"parameters", parameters},
                      {"ventilator", fields_to_json(m.ventilator())},
                      {"restart", restart},
                      {"replay", replay},
                      {"pending", pending}};
  // Sealed with its SHA-256, so that damaged bytes are refused before anything is read.
  const std::vector<std::uint8_t> content = json::to_cbor(document);
  const std::string_view content_text(reinterpret_cast<const char*>(content.data()),
                                      content.size());
  return json::to_cbor(json{{"format", snapshot_format},
                            {"sha256", crypto::hex(crypto::sha256(content_text))},
                            {"content", json::binary(content)}});
}

namespace {

/// The snapshot's content, its seal checked.
json unsealed(std::span<const std::uint8_t> snapshot) {
  if (trust::is_sealed(snapshot))
    throw InputError(fmt::format(
        "snapshot: encrypted (to key {}): open it with its private key first (`physiotwin "
        "decrypt`, or `run --from` with --decryption-key)",
        trust::sealed_recipient(snapshot).value_or("?")));
  json sealed;
  try {
    sealed = json::from_cbor(snapshot.begin(), snapshot.end());
  } catch (const json::exception&) {
    throw InputError("snapshot: these bytes are not a physiotwin snapshot (not CBOR)");
  }
  if (!sealed.is_object() || sealed.value("format", "") != snapshot_format ||
      !sealed.contains("content") || !sealed["content"].is_binary() || !sealed.contains("sha256") ||
      !sealed["sha256"].is_string()) {
    throw InputError("snapshot: these bytes are not a physiotwin snapshot");
  }
  const auto& content = sealed["content"].get_binary();
  const std::string_view content_text(reinterpret_cast<const char*>(content.data()),
                                      content.size());
  if (crypto::hex(crypto::sha256(content_text)) != sealed["sha256"].get<std::string>()) {
    throw InputError("snapshot: damaged (its SHA-256 does not match its content)");
  }
  try {
    return json::from_cbor(content.begin(), content.end());
  } catch (const json::exception&) {
    throw InputError("snapshot: damaged (its content is not CBOR)");
  }
}

}  // namespace

Twin Twin::restore(BodyModel model, std::span<const std::uint8_t> snapshot) {
  const json document = unsealed(snapshot);
  try {
    if (document.at("version").get<int>() != snapshot_version ||
        document.at("library_version").get<std::string>() != library_version ||
        document.at("byte_order").get<std::string>() != byte_order) {
      throw InputError(fmt::format(
          "snapshot: written by physiotwin {} (snapshot version {}, {}-endian); this is "
          "physiotwin {} (version {}, {}-endian), which restores only its own",
          document.at("library_version").get<std::string>(), document.at("version").get<int>(),
          document.at("byte_order").get<std::string>(), library_version, snapshot_version,
          byte_order));
    }
    const json& named = document.at("model");
    const std::string name = named.at("name").get<std::string>();
    const std::string digest = named.at("sha256").get<std::string>();
    if (name != model.name || digest != model.source_digest ||
        named.at("states").get<std::size_t>() != model.state_size() ||
        named.at("parameters").get<std::size_t>() != model.parameters.size()) {
      throw InputError(fmt::format(
          "snapshot: taken of model \"{}\" (sha256 {}), but the model given is \"{}\" (sha256 "
          "{}, from {}): restore it on the model file it was taken with",
          name, short_digest(digest), model.name, short_digest(model.source_digest),
          model.source_file.empty() ? std::string("memory") : model.source_file));
    }

    // The model as it was at the restart: every parameter (the personalisation and the
    // actions' changes), the ventilator, and the evaluator's working state.
    const json& parameters = document.at("parameters");
    for (std::size_t i = 0; i < model.parameters.size(); ++i)
      model.parameters.set_derived(i, parameters.at(i).get<double>(), "the snapshot");
    model.refresh();
    if (model.respiration)
      model.set_ventilator(fields_from_json<resp::VentilatorSettings>(document.at("ventilator")));

    const json& restart = document.at("restart");
    Core core(std::move(model), fields_from_json<TwinOptions>(document.at("options")));
    BodyModel& m = core.model;
    read_image(restart.at("model_working_state"), "model's working state",
               [&](auto& v) { m.restore_working_state(v); });
    core.state.resize(m.state_size());
    core.metric_state.resize(m.state_size());
    core.signals.resize(m.signals().size());
    read_image(restart.at("state"), "state", [&](auto& v) { v(core.state); });
    read_image(restart.at("metric_state"), "sampled state", [&](auto& v) { v(core.metric_state); });
    read_image(restart.at("signals"), "signals", [&](auto& v) { v(core.signals); });
    read_image(restart.at("beats"), "beat in progress",
               [&](auto& v) { BeatAnalyzer::visit_progress(core.beats, v); });
    if (m.respiration.has_value() != restart.contains("breaths")) {
      throw InputError("snapshot: the breaths in progress do not fit this model");
    }
    if (m.respiration) {
      core.breaths.emplace(m.signals());
      read_image(restart.at("breaths"), "breath in progress",
                 [&](auto& v) { BreathAnalyzer::visit_progress(*core.breaths, v); });
    }
    for (const json& s : restart.at("streams")) {
      const auto compartment = s.at(0).get<std::size_t>();
      if (compartment >= m.compartments.size()) {
        throw InputError("snapshot: a bleed or infusion into no compartment of this model");
      }
      // Snapshots from before fluid exchange have no composition (then nothing carried it).
      const double red_cells = s.size() > 3 ? s.at(3).get<double>() : 0.0;
      const double protein = s.size() > 4 ? s.at(4).get<double>() : 0.0;
      core.streams.push_back(
          {compartment, s.at(1).get<double>(), s.at(2).get<double>(), red_cells, protein});
    }
    if (!FluidHistory::from_rows(restart.at("applied").get<std::vector<std::vector<double>>>(),
                                 core.applied)) {
      throw InputError("snapshot: damaged (the haemorrhages and infusions so far)");
    }
    core.time = restart.at("time").get<double>();
    core.metric_index = restart.at("metric_index").get<unsigned long long>();
    core.sample_index = restart.at("sample_index").get<unsigned long long>();
    core.ventricular_activation =
        m.roles.left_ventricle ? m.compartments[*m.roles.left_ventricle].activation : 0;

    std::vector<ReplayEntry> replay;
    for (const json& e : document.at("replay"))
      replay.push_back({e.at(0).get<double>(), e.at(1).get<std::uint64_t>()});
    std::vector<Action> pending;
    for (const json& a : document.at("pending")) pending.push_back(fields_from_json<Action>(a));
    return Twin(std::move(core), replay, std::move(pending));
  } catch (const json::exception& e) {
    throw InputError(fmt::format("snapshot: damaged ({})", e.what()));
  }
}

}  // namespace physiotwin
