#include <fmt/format.h>

#include "cli/cli.hpp"

namespace physiotwin::cli {

int command_params(const std::vector<std::string>& args) {
  ModelOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (i + 1 >= args.size()) throw UsageError(fmt::format("{} needs a value", a));
    if (a == "--model")
      options.model_file = args[++i];
    else if (a == "--patient")
      options.patient_file = args[++i];
    else if (a == "--as-of")
      options.as_of = args[++i];
    else if (a == "--set")
      options.overrides.push_back(args[++i]);
    else
      throw UsageError(fmt::format("params: unknown option \"{}\"", a));
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
