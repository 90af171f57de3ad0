#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <memory>

#include "cli/model_options.hpp"
#include "physiotwin/actions/scenario.hpp"
#include "physiotwin/io/hdf5.hpp"
#include "physiotwin/metrics/normal_ranges.hpp"
#include "physiotwin/model/model_loader.hpp"
#include "physiotwin/session.hpp"

namespace physiotwin::cli {

namespace {

struct RunOptions {
  ModelOptions model;
  std::string duration = "60";
  std::filesystem::path scenario;
  std::string sample_rate = "100";
  std::filesystem::path out = "twin.h5";
  std::vector<std::string> snapshot_at;  ///< times to store snapshots at (docs/snapshots.md)
  std::string from;                      ///< FILE.h5[:TIME]: continue from a stored snapshot
};

/// The run's numbers, checked.
struct RunNumbers {
  double duration = 60.0;
  bool duration_given = false;
  double sample_rate = 100.0;
  std::vector<double> snapshot_times;  ///< sorted
  std::filesystem::path from_file;     ///< empty: start a new twin
  std::optional<double> from_time;     ///< empty: the file's latest snapshot
};

/// --from FILE.h5 or FILE.h5:TIME (the suffix after the last colon, if it is a number).
void parse_from(const std::string& text, RunNumbers& n) {
  const auto colon = text.rfind(':');
  if (colon != std::string::npos && colon + 1 < text.size()) {
    const std::string suffix = text.substr(colon + 1);
    char* end = nullptr;
    const double t = std::strtod(suffix.c_str(), &end);
    if (end != nullptr && *end == '\0' && std::isfinite(t)) {
      n.from_file = text.substr(0, colon);
      n.from_time = t;
      return;
    }
  }
  n.from_file = text;
}

RunNumbers check_run(const RunOptions& o, bool duration_given) {
  check_model_options(o.model);
  RunNumbers n;
  n.duration_given = duration_given;
  n.duration = parse_number(o.duration, "--duration");
  n.sample_rate = parse_number(o.sample_rate, "--sample-rate");
  if (!o.scenario.empty() && duration_given) {
    throw UsageError("--duration and --scenario: the scenario file sets the duration");
  }
  if (!(n.duration > 0.0)) {
    throw UsageError(fmt::format(
        "--duration {:g}: the duration must be a positive number of seconds", n.duration));
  }
  if (n.duration > 86400.0) {
    throw UsageError(fmt::format("--duration {:g}: at most 86400 s (one day) per run", n.duration));
  }
  if (!(n.sample_rate > 0.0) || n.sample_rate > 10000.0) {
    throw UsageError(fmt::format("--sample-rate {:g}: allowed range (0, 10000] Hz", n.sample_rate));
  }
  for (const std::string& text : o.snapshot_at) {
    const double t = parse_number(text, "--snapshot-at");
    if (!(t >= 0.0)) {
      throw UsageError(fmt::format("--snapshot-at {}: a time of the run, s, not negative", text));
    }
    n.snapshot_times.push_back(t);
  }
  std::sort(n.snapshot_times.begin(), n.snapshot_times.end());
  if (!o.from.empty()) {
    parse_from(o.from, n);
    const ModelOptions& m = o.model;
    if (!m.patient_file.empty() || m.as_of_given || m.no_calibrate || !m.overrides.empty()) {
      throw UsageError(
          "--from with --patient, --as-of, --no-calibrate or --set: the snapshot brings the "
          "personalised twin; give only --model, the model file it was taken with");
    }
  }
  return n;
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

/// A session of the twin stored in --from's file, on the model file loaded as it is.
Session restored_session(const RunNumbers& numbers, const BodyModel& model) {
  return Session::restored(BodyModel(model),
                           io::read_snapshot(numbers.from_file, numbers.from_time).bytes);
}

int run(const RunOptions& options, const RunNumbers& numbers) {
  // Where the output goes is checked before anything is computed: not a device, folder or
  // link, not one of the inputs.
  std::vector<io::InputFile> inputs = inputs_of(options.model);
  if (!options.scenario.empty())
    inputs.push_back({options.scenario, "the scenario file (--scenario)"});
  if (!numbers.from_file.empty())
    inputs.push_back({numbers.from_file, "the snapshot's file (--from)"});
  check_output(options.out, inputs);
  // The file's size, at most (gzip saves about a fifth on these signals), from the model's
  // signals and the run's length: refused before anything is computed if it cannot fit.
  double duration = numbers.duration;
  const BodyModel unpersonalised = load_circulation(model_file_of(options.model));  // read once
  {
    if (!options.scenario.empty()) {
      // What no patient changes is checked now (a misspelt parameter fails in milliseconds);
      // the rest against the personalised model below.
      duration = load_scenario(options.scenario, unpersonalised, ActionCheck::before_personalising)
                     .duration;
    }
    const double samples = std::floor(duration * numbers.sample_rate) + 1.0;
    const std::size_t columns = unpersonalised.signals().size() + 1;
    io::check_output_space(options.out,
                           static_cast<std::uintmax_t>(samples * double(columns) * 8.0),
                           fmt::format("{:.4g} samples of {} signals at {:g} Hz", samples,
                                       columns - 1, numbers.sample_rate));
  }
  Session session =
      numbers.from_file.empty()
          ? Session(prepare_model(options.model, &unpersonalised),
                    TwinOptions{.sample_rate = numbers.sample_rate}, options.model.overrides)
          : restored_session(numbers, unpersonalised);
  // The whole scenario is checked against the personalised model (its blood volume, the rules
  // with its calibrated heart rate) before the twin is simulated or anything written.
  Scenario scenario;
  if (!options.scenario.empty()) scenario = load_scenario(options.scenario, session.twin().model());
  const double start = session.twin().time(), end = start + duration;
  for (double t : numbers.snapshot_times) {
    if (t < start || t > end) {
      throw UsageError(
          fmt::format("--snapshot-at {:g}: outside the run, {:g} to {:g} s", t, start, end));
    }
  }
  // Created before the simulation: an unwritable folder fails now, not after a long run.
  io::Hdf5Recorder file(options.out);
  const Patient& patient = session.patient();
  Twin& twin = session.twin();
  MemoryRecorder beats;  // for the summary; samples are not kept in memory
  session.add_recorder(file);
  struct BeatsOnly final : Recorder {
    MemoryRecorder& target;
    explicit BeatsOnly(MemoryRecorder& m) : target(m) {}
    void begin(const RunHeader&) override {}
    void sample(double, std::span<const double>) override {}
    void beat(double t, std::span<const double> m) override { target.beat(t, m); }
    void breath(double t, std::span<const double> m) override { target.breath(t, m); }
  } beats_only(beats);
  session.add_recorder(beats_only);
  for (const Action& a : scenario.actions) twin.schedule(a);

  ProgressBar progress(duration);
  // In pieces of at most 1 s of simulated time (a few milliseconds), so that an interruption
  // stops the run within a second; the pieces do not change the result (outputs come from
  // the solver's interpolant). A snapshot's time cuts a piece.
  const long pieces = std::max(100L, static_cast<long>(std::ceil(duration)));
  auto next_snapshot = numbers.snapshot_times.begin();
  for (long i = 1; i <= pieces; ++i) {
    check_interrupted();
    const double target = start + duration * double(i) / double(pieces);
    for (; next_snapshot != numbers.snapshot_times.end() && *next_snapshot <= target;
         ++next_snapshot) {
      if (*next_snapshot > twin.time()) twin.advance(*next_snapshot - twin.time());
      file.snapshot(*next_snapshot, twin.snapshot());
    }
    if (target > twin.time()) twin.advance(target - twin.time());
    progress.update(twin.time() - start);
  }
  progress.finish();
  check_interrupted();
  file.commit();
  print_summary(twin, beats, patient);
  fmt::print("\nWrote {} ({} signals at {:g} Hz, {} beats, {} actions).\n", options.out.string(),
             twin.signals().size(), numbers.sample_rate, beats.beats.size(),
             scenario.actions.size());
  return exit_ok;
}

}  // namespace

Command add_run_command(CLI::App& tool) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* command = tool.add_subcommand("run", "simulate a twin and write an HDF5 file");
  add_model_options(*command, options->model, all_model_options);
  CLI::Option* duration = command
                              ->add_option("--duration", options->duration,
                                           "simulated time, s (default 60; at most 86400)")
                              ->type_name("S");
  command
      ->add_option("--scenario", options->scenario,
                   "a scenario file: a timeline of actions and its own duration "
                   "(docs/scenarios.md); not with --duration")
      ->type_name("FILE.json");
  command
      ->add_option("--sample-rate", options->sample_rate,
                   "samples per second of every signal in the file, Hz (default 100; at most "
                   "10000)")
      ->type_name("HZ");
  command
      ->add_option("--out", options->out,
                   "the HDF5 file to write (default twin.h5); a new name or a regular file, "
                   "never an input")
      ->type_name("FILE.h5");
  command
      ->add_option("--snapshot-at", options->snapshot_at,
                   "store the twin's complete state at this time, s, as /snapshots/TIME in the "
                   "file (repeatable; docs/snapshots.md)")
      ->type_name("S");
  command
      ->add_option("--from", options->from,
                   "continue from a snapshot stored in a run file (FILE.h5:TIME, or FILE.h5 for "
                   "its latest), on --model, the model file it was taken with; --duration more "
                   "seconds")
      ->type_name("FILE.h5[:S]");
  return {command, [options, duration] {
            return run(*options, check_run(*options, duration->count() > 0));
          }};
}

}  // namespace physiotwin::cli
