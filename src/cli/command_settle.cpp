// `physiotwin settle`: runs a model at rest until it has converged and writes a copy of the
// model file whose initial state is that resting state, taken where a beat and a breath
// both start. New twins then begin at rest instead of spending minutes (the CO2 stores of
// the tissues: half an hour) drifting towards it.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/model_options.hpp"
#include "physiotwin/core/atomic_file.hpp"
#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/model/model_loader.hpp"
#include "physiotwin/twin.hpp"

namespace physiotwin::cli {

namespace {

struct SettleOptions {
  ModelOptions model;
  std::string duration = "3600";
  std::filesystem::path out;
};

double check_settle(const SettleOptions& o) {
  const double duration = parse_number(o.duration, "--duration");
  if (!(duration >= 10.0) || duration > 86400.0) {
    throw UsageError(fmt::format("--duration {:g}: allowed range [10, 86400] s", duration));
  }
  if (o.out.empty()) throw UsageError("settle needs --out FILE.json (the settled model file)");
  return duration;
}

double distance_to_integer(double phase) {
  return std::abs(phase - std::round(phase));
}

/// Advances to the start of a breath at which a beat also starts (within 1 % of a beat),
/// searching up to two minutes; returns the state at the best match found.
std::vector<double> advance_to_common_start(Twin& twin) {
  const auto& m = twin.model();
  const std::size_t heart = m.phase_state();
  const double step = 1e-3;
  double best = 1.0, best_time = twin.time();
  std::vector<double> best_state(twin.state().begin(), twin.state().end());
  double breaths = std::floor(m.respiration ? twin.state()[m.breath_phase_state()] : 0.0);
  const double end = twin.time() + 120.0;
  while (twin.time() < end) {
    check_interrupted();
    twin.advance(step);
    const auto y = twin.state();
    bool breath_start = true;
    if (m.respiration) {
      const double b = std::floor(y[m.breath_phase_state()]);
      breath_start = b > breaths;
      breaths = b;
    }
    if (!breath_start) continue;
    const double miss = distance_to_integer(y[heart]);
    if (miss < best) {
      best = miss;
      best_time = twin.time();
      best_state.assign(y.begin(), y.end());
    }
    if (best < 0.01) break;
  }
  if (best >= 0.05) {
    fmt::print(stderr,
               "settle: the closest common start of a beat and a breath is {:.3f} beats "
               "off (at {:g} s)\n",
               best, best_time);
  }
  return best_state;
}

int settle(const SettleOptions& options, double duration) {
  const std::filesystem::path model_file = model_file_of(options.model);
  const io::InputFile input{model_file, "the model file (--model)"};
  check_output(options.out, std::span(&input, 1));
  // The model as its file describes it (its reference body): no patient scaling, because the
  // resting state is written back into that file.
  BodyModel model = load_circulation(model_file);
  const std::string source_file = model.source_file;
  TwinOptions twin_options;
  twin_options.sample_rate = 10.0;
  Twin twin(std::move(model), twin_options);
  ProgressBar progress(duration);
  const long pieces = std::max(100L, static_cast<long>(std::ceil(duration)));
  for (long i = 1; i <= pieces; ++i) {
    check_interrupted();
    twin.advance(duration * double(i) / double(pieces) - twin.time());
    progress.update(twin.time());
  }
  progress.finish();
  const std::vector<double> y = advance_to_common_start(twin);
  check_interrupted();
  const auto& m = twin.model();
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(std::ifstream(source_file));
  const std::string source = fmt::format(
      "resting state: the converged periodic state (physiotwin settle, {:g} s) at the start of "
      "a beat and a breath (docs/models/cardiovascular.md, \"Initial state\")",
      duration);
  auto rounded = [](double v) { return std::stod(fmt::format("{:.6g}", v)); };
  for (std::size_t c = 0; c < m.compartments.size(); ++c) {
    auto& node = doc["compartments"][c];
    const Compartment& comp = m.compartments[c];
    if (comp.kind == CompartmentKind::compliance) {
      const blocks::BlockValues<blocks::compliance> v(m.parameters, comp.first_parameter);
      const double compliance = v.get<"compliance">();
      const double unstressed = v.get<"unstressed_volume">();
      node["initial_pressure"] = {{"value", rounded((y[c] - unstressed) / compliance)},
                                  {"unit", "mmHg"},
                                  {"source", source}};
    } else {
      node["initial_volume"] = {{"value", rounded(y[c])}, {"unit", "mL"}, {"source", source}};
    }
  }
  auto state_value = [&](const std::string& name) {
    const auto& names = m.state_names();
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return rounded(y[i]);
    }
    throw InputError(fmt::format("settle: no state named {}", name));
  };
  if (m.baroreflex) {
    auto& init = doc["baroreflex"]["initial_state"];
    init = nlohmann::ordered_json::object();
    init["filtered_pressure"] = state_value("baroreflex.filtered_pressure");
    for (auto e : control::effector_names)
      init[std::string(e)] = state_value("baroreflex." + std::string(e));
  }
  if (m.gas_exchange) {
    auto& init = doc["gas_exchange"]["initial_state"];
    init = nlohmann::ordered_json::object();
    for (std::size_t c = 0; c < m.compartments.size(); ++c) {
      const auto p = m.blood_gas_pressures(y.data(), c);
      init[m.compartments[c].name] = {{"po2", rounded(p.po2)}, {"pco2", rounded(p.pco2)}};
    }
    constexpr std::array<const char*, resp::airway_count> airways{"larynx", "trachea", "bronchi",
                                                                  "alveoli"};
    for (std::size_t a = 0; a < resp::airway_count; ++a) {
      const auto p = m.airway_gas_pressures(y.data(), a);
      init[airways[a]] = {{"po2", rounded(p.po2)}, {"pco2", rounded(p.pco2)}};
    }
  }
  if (m.chemoreflex) {
    auto& init = doc["chemoreflex"]["initial_state"];
    init = nlohmann::ordered_json::object();
    for (auto s : control::chemoreflex_state_names)
      init[std::string(s)] = state_value("chemoreflex." + std::string(s));
  }
  // An interrupted run leaves the old file intact.
  write_text_file_atomically(options.out, doc.dump(1) + "\n");
  fmt::print("Wrote {}: the resting state after {:g} s.\n", options.out.string(), twin.time());
  return exit_ok;
}

}  // namespace

Command add_settle_command(CLI::App& tool) {
  auto options = std::make_shared<SettleOptions>();
  CLI::App* command = tool.add_subcommand(
      "settle",
      "run a model at rest until converged; write a copy whose initial state is that rest");
  add_model_options(*command, options->model, model_option);
  command
      ->add_option("--duration", options->duration, "simulated time, s (default 3600; 10 to 86400)")
      ->type_name("S");
  command
      ->add_option("--out", options->out,
                   "the settled model file to write (required); a new name or a regular file, "
                   "never the model file itself")
      ->type_name("FILE.json");
  return {command, [options] { return settle(*options, check_settle(*options)); }};
}

}  // namespace physiotwin::cli
