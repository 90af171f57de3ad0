#include <fmt/format.h>

#include "cli/cli.hpp"

namespace physiotwin::cli {

int command_params(const std::vector<std::string>& args) {
  ModelOptions options;
  ArgumentReader r(args, "params");
  while (r.next()) {
    if (!r.read_model_option(options, all_model_options & ~calibrate_option)) r.unknown();
  }
  const PreparedModel prepared = prepare_model(options);
  const CirculationModel& model = prepared.model;
  const Patient& patient = prepared.patient;
  fmt::print("# model {} ({}), scaled to patient {}\n", model.name, model.source_file, patient.id);
  fmt::print("{:<48} {:>12} {:<12} {:<22} {}\n", "parameter", "value", "unit", "allowed range",
             "source");
  for (const Parameter& p : model.parameters.all()) {
    fmt::print("{:<48} {:>12.6g} {:<12} {:<22} {}\n", p.name, p.value, p.unit,
               fmt::format("[{:g}, {:g}]", p.min, p.max), p.source);
  }
  return exit_ok;
}

}  // namespace physiotwin::cli
