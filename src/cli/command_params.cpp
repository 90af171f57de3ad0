// `physiotwin params`: every parameter of the personalised model with its value, unit,
// allowed range and source.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "cli/model_options.hpp"

namespace physiotwin::cli {

namespace {
int params(const ModelOptions& options) {
  check_model_options(options);
  const PreparedModel prepared = prepare_model(options);
  const BodyModel& model = prepared.model;
  fmt::print("# model {} ({}), scaled to patient {}\n", model.name, model.source_file,
             prepared.patient.id);
  fmt::print("{:<48} {:>12} {:<12} {:<22} {}\n", "parameter", "value", "unit", "allowed range",
             "source");
  for (const Parameter& p : model.parameters.all()) {
    fmt::print("{:<48} {:>12.6g} {:<12} {:<22} {}\n", p.name, p.value, p.unit,
               fmt::format("[{:g}, {:g}]", p.min, p.max), p.source);
  }
  return exit_ok;
}
}  // namespace

Command add_params_command(CLI::App& tool) {
  auto options = std::make_shared<ModelOptions>();
  CLI::App* command = tool.add_subcommand(
      "params", "list every parameter with its value, unit, allowed range and source");
  add_model_options(*command, *options, all_model_options);
  return {command, [options] { return params(*options); }};
}

}  // namespace physiotwin::cli
