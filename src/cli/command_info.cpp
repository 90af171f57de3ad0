#include <fmt/format.h>

#include "cli/cli.hpp"
#include "physiotwin/io/hdf5.hpp"

namespace physiotwin::cli {

int command_info(const std::vector<std::string>& args) {
  if (args.size() != 1) throw UsageError("info: expected exactly one FILE.h5");
  const io::FileSummary s = io::read_summary(args[0]);
  fmt::print("{}\n", args[0]);
  for (const auto& [key, value] : s.attributes) fmt::print("  {:<20} {}\n", key, value);
  fmt::print("  {} parameters, {} compartments, {} connections, {} actions\n", s.parameters,
             s.compartments, s.connections, s.actions);
  fmt::print("\n/timeseries: {} samples of {} signals (last value shown)\n", s.samples,
             s.signals.size());
  for (const auto& d : s.signals)
    fmt::print("  {:<44} {:>12.5g} {:<6} {}\n", d.name, d.last, d.unit, d.description);
  fmt::print("\n/beats: {} beats of {} metrics (last value shown)\n", s.beats, s.metrics.size());
  for (const auto& d : s.metrics)
    fmt::print("  {:<44} {:>12.5g} {:<6} {}\n", d.name, d.last, d.unit, d.description);
  if (s.breaths > 0 || !s.breath_metrics.empty()) {
    fmt::print("\n/breaths: {} breaths of {} metrics (last value shown)\n", s.breaths,
               s.breath_metrics.size());
    for (const auto& d : s.breath_metrics) {
      fmt::print("  {:<44} {:>12.5g} {:<6} {}\n", d.name, d.last, d.unit, d.description);
    }
  }
  return exit_ok;
}

}  // namespace physiotwin::cli
