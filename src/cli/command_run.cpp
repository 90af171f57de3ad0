#include <fmt/format.h>

#include <cmath>

#include "cli/cli.hpp"
#include "physiotwin/actions/scenario.hpp"
#include "physiotwin/io/hdf5.hpp"
#include "physiotwin/metrics/normal_ranges.hpp"
#include "physiotwin/twin.hpp"

namespace physiotwin::cli {

namespace {

struct RunOptions {
  ModelOptions model;
  double duration = 60.0;
  bool duration_given = false;
  std::filesystem::path scenario;
  double sample_rate = 100.0;
  std::filesystem::path out = "twin.h5";
};

RunOptions parse_run(const std::vector<std::string>& args) {
  RunOptions o;
  ArgumentReader r(args, "run");
  while (r.next()) {
    if (r.read_model_option(o.model)) continue;
    if (r.is("--duration")) {
      o.duration = r.number();
      o.duration_given = true;
    } else if (r.is("--scenario")) {
      o.scenario = r.value();
    } else if (r.is("--sample-rate")) {
      o.sample_rate = r.number();
    } else if (r.is("--out")) {
      o.out = r.value();
    } else {
      r.unknown();
    }
  }
  if (!o.scenario.empty() && o.duration_given) {
    throw UsageError("--duration and --scenario: the scenario file sets the duration");
  }
  if (!(o.duration > 0.0) || !std::isfinite(o.duration)) {
    throw UsageError(fmt::format(
        "--duration {:g}: the duration must be a positive number of seconds", o.duration));
  }
  if (o.duration > 86400.0) {
    throw UsageError(fmt::format("--duration {:g}: at most 86400 s (one day) per run", o.duration));
  }
  if (!(o.sample_rate > 0.0) || o.sample_rate > 10000.0) {
    throw UsageError(fmt::format("--sample-rate {:g}: allowed range (0, 10000] Hz", o.sample_rate));
  }
  return o;
}

/// Mean of the last few events of each metric, with the normal range beside it.
void print_table(const std::vector<MetricInfo>& metrics,
                 const std::vector<std::vector<double>>& events, std::size_t last,
                 const std::string& sex) {
  const std::size_t n = std::min(last, events.size());
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    double sum = 0.0;
    for (std::size_t b = events.size() - n; b < events.size(); ++b) sum += events[b][m];
    const double mean = sum / double(n);
    std::string range, flag;
    if (auto r = normal_range(metrics[m].name, sex)) {
      range = fmt::format("{:g} - {:g}", r->low, r->high);
      flag = mean < r->low ? "  LOW" : mean > r->high ? "  HIGH" : "";
    }
    fmt::print("{:<40} {:>10.4g} {:<7} {:>17}{}\n", metrics[m].name, mean, metrics[m].unit, range,
               flag);
  }
}

void print_summary(const Twin& twin, const MemoryRecorder& events, const Patient& patient) {
  if (events.beats.empty()) {
    fmt::print("No complete beat in {:g} s of simulation.\n", twin.time());
    return;
  }
  fmt::print("\nMean of the last beats (patient {}, {} s simulated):\n\n", patient.id, twin.time());
  fmt::print("{:<40} {:>10} {:<7} {:>17}\n", "metric", "value", "unit", "normal range");
  print_table(twin.beats().metrics(), events.beats, 5, patient.sex);
  if (twin.breaths() && !events.breaths.empty()) {
    fmt::print("\nMean of the last breaths:\n\n");
    print_table(twin.breaths()->metrics(), events.breaths, 3, patient.sex);
  }
}

}  // namespace

int command_run(const std::vector<std::string>& args) {
  RunOptions options = parse_run(args);
  PreparedModel prepared = prepare_model(options.model);
  CirculationModel& model = prepared.model;
  const Patient& patient = prepared.patient;
  // The whole scenario is checked before anything is simulated or written.
  Scenario scenario;
  if (!options.scenario.empty()) {
    scenario = load_scenario(options.scenario, model);
    options.duration = scenario.duration;
  }
  const std::string patient_file = patient_source_label(patient, options.model.patient_file);
  io::RunDescription run{patient.id,      patient.description,     model_source_label(model),
                         patient_file,    options.model.overrides, patient.measured,
                         patient.assumed, prepared.calibration};
  // Created before the simulation: an unwritable path fails now, not after a long run.
  io::Hdf5Recorder file(options.out, run);
  TwinOptions twin_options;
  twin_options.sample_rate = options.sample_rate;
  Twin twin(std::move(model), twin_options);
  MemoryRecorder beats;  // for the summary; samples are not kept in memory
  twin.add_recorder(file);
  struct BeatsOnly final : Recorder {
    MemoryRecorder& target;
    explicit BeatsOnly(MemoryRecorder& m) : target(m) {}
    void begin(const Twin&) override {}
    void sample(double, std::span<const double>) override {}
    void beat(double t, std::span<const double> m) override { target.beat(t, m); }
    void breath(double t, std::span<const double> m) override { target.breath(t, m); }
  } beats_only(beats);
  twin.add_recorder(beats_only);
  for (const Action& a : scenario.actions) twin.schedule(a);

  ProgressBar progress(options.duration);
  // Chunking advance() does not change the result (outputs come from the interpolant).
  const int chunks = 100;
  for (int i = 1; i <= chunks; ++i) {
    const double target = options.duration * i / chunks;
    twin.advance(target - twin.time());
    progress.update(twin.time());
  }
  progress.finish();
  file.commit();
  print_summary(twin, beats, patient);
  fmt::print("\nWrote {} ({} signals at {:g} Hz, {} beats, {} actions).\n", options.out.string(),
             twin.signals().size(), options.sample_rate, beats.beats.size(),
             scenario.actions.size());
  return exit_ok;
}

}  // namespace physiotwin::cli
