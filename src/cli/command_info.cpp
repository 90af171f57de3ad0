// `physiotwin info FILE.h5`: what a file written by physiotwin holds (a twin or a cohort).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/cli.hpp"
#include "physiotwin/cohort/cohort_file.hpp"
#include "physiotwin/io/audit_trail.hpp"
#include "physiotwin/io/hdf5.hpp"

namespace physiotwin::cli {

namespace {
/// A name or text from a file, printable on a terminal: control characters escaped as JSON
/// escapes them (a file from elsewhere may hold anything).
std::string printable(const std::string& text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      const std::string quoted =
          nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return quoted.substr(1, quoted.size() - 2);
    }
  }
  return text;
}

/// A cohort file: its attributes, its summary's columns with their means, its failures.
/// The file's audit trail (docs/security.md), an entry a line; `verify` checks its chain.
void print_audit_trail(const std::filesystem::path& path) {
  const std::vector<std::string> entries = io::read_audit_trail(path);
  if (entries.empty()) return;
  fmt::print("\n/audit: {} entries (`physiotwin verify` checks the chain)\n", entries.size());
  for (const std::string& entry : entries) fmt::print("  {}\n", printable(entry));
}

int cohort_info(const std::filesystem::path& path) {
  const cohort::CohortFileSummary s = cohort::read_cohort_file_summary(path);
  fmt::print("{}\n", printable(path.string()));
  for (const auto& [key, value] : s.attributes)
    fmt::print("  {:<20} {}\n", printable(key), printable(value));
  fmt::print(
      "\n/summary: {} members; numeric columns, with their mean over the members that "
      "ran:\n",
      s.members);
  for (const auto& c : s.columns)
    fmt::print("  {:<44} {:>12.5g} {:<8} {}\n", printable(c.name), c.mean, printable(c.unit),
               printable(c.description));
  if (!s.failures.empty()) {
    fmt::print("\n/failures: {}\n", s.failures.size());
    for (const auto& [member, message] : s.failures)
      fmt::print("  member {}: {}\n", member, printable(message));
  }
  if (s.sensitivity_rows > 0)
    fmt::print("\n/sensitivity: {} rows (output x input)\n", s.sensitivity_rows);
  print_audit_trail(path);
  return exit_ok;
}

bool is_cohort_file(const std::filesystem::path& path) {
  try {
    (void)cohort::read_cohort_file_summary(path);
    return true;
  } catch (const Error&) {
    return false;
  }
}

int info(const std::filesystem::path& path) {
  if (is_cohort_file(path)) return cohort_info(path);
  const io::FileSummary s = io::read_summary(path);
  fmt::print("{}\n", printable(path.string()));
  for (const auto& [key, value] : s.attributes)
    fmt::print("  {:<20} {}\n", printable(key), printable(value));
  fmt::print("  {} parameters, {} compartments, {} connections, {} actions\n", s.parameters,
             s.compartments, s.connections, s.actions);
  auto list = [](const std::vector<io::FileSummary::Dataset>& datasets) {
    for (const auto& d : datasets) {
      fmt::print("  {:<44} {:>12.5g} {:<6} {}\n", printable(d.name), d.last, printable(d.unit),
                 printable(d.description));
    }
  };
  fmt::print("\n/timeseries: {} samples of {} signals (last value shown)\n", s.samples,
             s.signals.size());
  list(s.signals);
  fmt::print("\n/beats: {} beats of {} metrics (last value shown)\n", s.beats, s.metrics.size());
  list(s.metrics);
  if (s.breaths > 0 || !s.breath_metrics.empty()) {
    fmt::print("\n/breaths: {} breaths of {} metrics (last value shown)\n", s.breaths,
               s.breath_metrics.size());
    list(s.breath_metrics);
  }
  print_audit_trail(path);
  return exit_ok;
}
}  // namespace

Command add_info_command(CLI::App& tool) {
  auto file = std::make_shared<std::filesystem::path>();
  CLI::App* command = tool.add_subcommand(
      "info", "describe what an HDF5 file written by physiotwin (a twin or a cohort) holds");
  command->add_option("file", *file, "a physiotwin HDF5 file (format version 1)")
      ->type_name("FILE.h5")
      ->required();
  return {command, [file] { return info(*file); }};
}

}  // namespace physiotwin::cli
