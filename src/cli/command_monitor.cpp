// `physiotwin monitor`: tracks a patient's twin from a stream of measurements as a wearable
// gateway delivers them (docs/monitoring.md): reads the stream from a file or standard input
// line by line as it arrives, assimilates it (monitor/stream_monitor.hpp) and writes each
// alert to standard output as it is raised, one FHIR DetectedIssue per line; warnings about
// lines go to standard error. With --out, the estimates, observations and alerts are written to
// an HDF5 file when the stream ends.
#include <fmt/format.h>

#include <sys/stat.h>
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/model_options.hpp"
#include "cli/signing_options.hpp"
#include "physiotwin/monitor/stream_monitor.hpp"
#include "physiotwin/twin.hpp"

namespace physiotwin::cli {

namespace {

struct MonitorCommandOptions {
  ModelOptions model;
  std::filesystem::path observations;
  std::filesystem::path out;
  std::string members = "16";
  std::string interval = "60";
  std::string reorder_window = "120";
  std::string forecast_interval = "15";
  std::string forecast_horizon = "30";
  std::string trend_baseline = "240";
  std::string trend_threshold = "8";
  std::string settle = "300";
  std::string seed = "1";
  std::vector<std::string> observation_sd;  ///< --observation-sd MEASURE=SD, repeated
  SigningOptions signing;                   ///< --signing-key, --unsigned (with --out)
};

struct CheckedMonitorOptions {
  monitor::StreamMonitorOptions stream;
  double settle = 300.0;
};

double in_range(const std::string& text, const char* option, double low, double high,
                const char* unit) {
  const double v = parse_number(text, option);
  if (!(v >= low && v <= high)) {
    throw UsageError(
        fmt::format("{} {:g}: allowed range [{:g}, {:g}] {}", option, v, low, high, unit));
  }
  return v;
}

CheckedMonitorOptions check_monitor(const MonitorCommandOptions& o) {
  check_model_options(o.model);
  if (o.model.patient_file.empty()) {
    throw UsageError(
        "monitor needs --twin FILE (the patient's twin parameter file, patient file "
        "or health record)");
  }
  if (o.observations.empty()) {
    throw UsageError("monitor needs --observations STREAM (a file, or - for standard input)");
  }
  CheckedMonitorOptions c;
  monitor::MonitorOptions& e = c.stream.ensemble;
  e.members = std::size_t(in_range(o.members, "--members", 2, 256, "members"));
  e.analysis_interval = in_range(o.interval, "--interval", 10, 3600, "s");
  e.seed = std::uint64_t(in_range(o.seed, "--seed", 0, 4294967295.0, ""));
  c.stream.reorder_window =
      std::int64_t(in_range(o.reorder_window, "--reorder-window", 0, 3600, "s"));
  c.stream.alerts.forecast_interval =
      60.0 * in_range(o.forecast_interval, "--forecast-interval", 0, 1440, "min");
  c.stream.alerts.forecast_horizon =
      60.0 * in_range(o.forecast_horizon, "--forecast-horizon", 1, 360, "min");
  c.stream.alerts.trend.baseline_window =
      60.0 * in_range(o.trend_baseline, "--trend-baseline", 0, 10080, "min");
  const double h = in_range(o.trend_threshold, "--trend-threshold", 0, 50, "");
  c.stream.alerts.trend.enabled = h > 0.0;
  if (h > 0.0) c.stream.alerts.trend.threshold = h;
  c.settle = in_range(o.settle, "--settle", 0, 3600, "s");
  for (const std::string& assignment : o.observation_sd) {
    const auto equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0)
      throw UsageError(
          fmt::format("--observation-sd {}: expected MEASURE=SD, e.g. heart_rate=2", assignment));
    const double sd = parse_number(assignment.substr(equals + 1), "--observation-sd " + assignment);
    try {
      monitor::set_observation_sd(e, std::string_view(assignment).substr(0, equals), sd);
    } catch (const InputError& error) {
      throw UsageError(fmt::format("--observation-sd {}: {}", assignment, error.what()));
    }
  }
  return c;
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void print_alerts(const monitor::MonitorOutput& out, std::int64_t start) {
  for (const monitor::Alert& a : out.alerts)
    fmt::print("{}\n", monitor::detected_issue_json(a, start));
  for (const std::string& w : out.warnings) fmt::print(stderr, "physiotwin monitor: {}\n", w);
  std::fflush(stdout);  // a pipe to an alerting service gets each alert as it is raised
}

int run_monitor(const MonitorCommandOptions& options, const CheckedMonitorOptions& checked) {
  const bool from_stdin = options.observations == "-";
  std::vector<io::InputFile> inputs = inputs_of(options.model);
  if (!from_stdin) inputs.push_back({options.observations, "the observation stream"});
  if (!options.out.empty()) check_output(options.out, inputs);
  // Read before the stream is: a bad key fails with nothing read or written.
  const auto signing_key = options.out.empty() ? nullptr : resolve_signing_key(options.signing);
  std::ifstream file;
  if (!from_stdin) {
    struct stat info {};
    if (::stat(options.observations.c_str(), &info) != 0 || S_ISDIR(info.st_mode)) {
      throw IoError(fmt::format("--observations {}: cannot be opened (no such file, or a folder)",
                                options.observations.string()));
    }
    file.open(options.observations);
    if (!file) {
      throw IoError(
          fmt::format("--observations {}: cannot be opened", options.observations.string()));
    }
  }
  std::istream& stream = from_stdin ? std::cin : file;

  PreparedModel prepared = prepare_model(options.model);
  TwinOptions twin_options;
  twin_options.sample_rate = 1.0;  // the members' outputs are their beats and breaths
  Twin twin(std::move(prepared.model), twin_options);
  if (checked.settle > 0.0) twin.advance(checked.settle);
  monitor::StreamMonitor monitor(twin, checked.stream);

  std::string line;
  std::size_t number = 0;
  while (std::getline(stream, line)) {
    check_interrupted();
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const monitor::MonitorOutput out = monitor.read_line(line, number, now_seconds());
    print_alerts(out, monitor.started() ? monitor.start() : 0);
  }
  const monitor::MonitorOutput last = monitor.finish();
  print_alerts(last, monitor.started() ? monitor.start() : 0);
  if (!monitor.started()) {
    throw InputError(fmt::format("--observations {}: no usable observation in {} lines",
                                 options.observations.string(), number));
  }
  if (!options.out.empty()) {
    monitor::write_monitor_file(options.out, monitor, signing_key.get());
    fmt::print(stderr, "physiotwin monitor: wrote {} ({} analyses, {} alerts)\n",
               options.out.string(), monitor.analyses().size(), monitor.alerts().size());
  }
  return exit_ok;
}

}  // namespace

Command add_monitor_command(CLI::App& tool) {
  auto options = std::make_shared<MonitorCommandOptions>();
  CLI::App* command = tool.add_subcommand(
      "monitor",
      "track a patient's twin from a stream of measurements (FHIR Observation NDJSON or CSV) "
      "and raise alerts as FHIR DetectedIssue JSON lines");
  add_model_options(*command, options->model,
                    model_option | as_of_option | override_option | decryption_option);
  add_signing_options(*command, options->signing);
  command
      ->add_option("--twin", options->model.patient_file,
                   "the patient's twin: a twin parameter file (physiotwin calibrate), a patient "
                   "file or a FHIR R4 health record (required)")
      ->type_name("FILE");
  command
      ->add_option("--observations", options->observations,
                   "the stream: a file, or - for standard input, read as lines arrive "
                   "(required; docs/monitoring.md)")
      ->type_name("STREAM");
  command
      ->add_option("--out", options->out,
                   "HDF5 file of the estimates, observations and alerts, written when the "
                   "stream ends; a new name or a regular file, never an input")
      ->type_name("FILE.h5");
  command->add_option("--members", options->members, "ensemble members (default 16; 2 to 256)")
      ->type_name("N");
  command
      ->add_option("--interval", options->interval, "analysis interval, s (default 60; 10 to 3600)")
      ->type_name("S");
  command
      ->add_option("--reorder-window", options->reorder_window,
                   "how late an observation may arrive and still be used, s (default 120)")
      ->type_name("S");
  command
      ->add_option("--forecast-interval", options->forecast_interval,
                   "minutes between forecasts (default 15; 0: no forecasts)")
      ->type_name("MIN");
  command
      ->add_option("--forecast-horizon", options->forecast_horizon,
                   "how far a forecast looks ahead, minutes (default 30; 1 to 360)")
      ->type_name("MIN");
  command
      ->add_option("--trend-baseline", options->trend_baseline,
                   "minutes of the stream that set the patient's own baseline before the trend "
                   "test runs (default 240; up to 10080, a week; 1440, spanning a night, for a "
                   "patient at home: docs/monitoring.md, \"Trend alert\")")
      ->type_name("MIN");
  command
      ->add_option("--trend-threshold", options->trend_threshold,
                   "the trend test's threshold h (default 8; higher: fewer false alarms, later "
                   "alerts; 0: no trend alert)")
      ->type_name("H");
  command
      ->add_option("--settle", options->settle,
                   "s the twin runs at rest before the ensemble is forked (default 300)")
      ->type_name("S");
  command
      ->add_option("--observation-sd", options->observation_sd,
                   "a device's error SD for one measure, MEASURE=SD in its unit, repeatable "
                   "(default heart_rate=5 spo2=2 respiratory_rate=3 systolic_pressure=8 "
                   "diastolic_pressure=8: a wrist wearable and a cuff; a chest patch's heart "
                   "rate: 2; range 0.1 to 50)")
      ->type_name("MEASURE=SD");
  command->add_option("--seed", options->seed, "the ensemble's random seed (default 1)")
      ->type_name("N");
  return {command, [options] { return run_monitor(*options, check_monitor(*options)); }};
}

}  // namespace physiotwin::cli
