#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <thread>

#include "cli/encryption_options.hpp"
#include "cli/model_options.hpp"
#include "cli/signing_options.hpp"
#include "physiotwin/actions/scenario.hpp"
#include "physiotwin/io/hdf5.hpp"
#include "physiotwin/io/hdf5_live.hpp"
#include "physiotwin/metrics/normal_ranges.hpp"
#include "physiotwin/model/model_loader.hpp"
#include "physiotwin/session.hpp"
#include "physiotwin/trust/decryption_keys.hpp"

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
  bool live = false;                     ///< a live file readers follow (docs/hdf5-format.md)
  std::string flush_interval = "0.25";   ///< wall-clock seconds between a live file's flushes
  std::string pace;                      ///< simulated seconds per wall-clock second, at most
  bool single_precision = false;         ///< signals as 32-bit floats in the file
  SigningOptions signing;                ///< --signing-key, --unsigned
  std::filesystem::path encrypt_to;      ///< --encrypt-to: the snapshots' recipient
};

/// The run's numbers, checked.
struct RunNumbers {
  double duration = 60.0;
  bool duration_given = false;
  double sample_rate = 100.0;
  std::vector<double> snapshot_times;  ///< sorted
  std::filesystem::path from_file;     ///< empty: start a new twin
  std::optional<double> from_time;     ///< empty: the file's latest snapshot
  double flush_interval = 0.25;
  std::optional<double> pace;
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

RunNumbers check_run(const RunOptions& o, bool duration_given, bool flush_interval_given) {
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
  if (std::adjacent_find(n.snapshot_times.begin(), n.snapshot_times.end()) !=
      n.snapshot_times.end())
    throw UsageError("--snapshot-at: a time given twice");
  n.flush_interval = parse_number(o.flush_interval, "--flush-interval");
  if (!(n.flush_interval >= 0.01) || n.flush_interval > 3600.0) {
    throw UsageError(fmt::format("--flush-interval {:g}: allowed range [0.01, 3600] s of wall time",
                                 n.flush_interval));
  }
  if (flush_interval_given && !o.live) {
    throw UsageError("--flush-interval without --live: only a live file is flushed as it grows");
  }
  if (!o.pace.empty()) {
    n.pace = parse_number(o.pace, "--pace");
    if (!(*n.pace >= 0.01) || *n.pace > 1000.0) {
      throw UsageError(fmt::format(
          "--pace {:g}: allowed range [0.01, 1000] simulated seconds per second", *n.pace));
    }
  }
  if (!o.encrypt_to.empty() && n.snapshot_times.empty())
    throw UsageError(
        "--encrypt-to encrypts the snapshots (--snapshot-at), and this run stores none");
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

/// Mean of each metric over events [first, end), with the normal range beside it.
void print_table(const std::vector<MetricInfo>& metrics,
                 const std::vector<std::vector<double>>& events, std::size_t first, std::size_t end,
                 const std::string& sex) {
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    double sum = 0.0;
    for (std::size_t b = first; b < end; ++b) sum += events[b][m];
    const double mean = sum / double(end - first);
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
  // Breathing modulates every beat (respiratory sinus arrhythmia among it): the beats of whole
  // breaths, the last three, give an unbiased mean; without breaths, the last five beats.
  std::size_t first = events.beats.size() - std::min<std::size_t>(5, events.beats.size());
  std::size_t end = events.beats.size();
  const auto& breath_times = events.breath_times;
  const char* which = "the last beats";
  if (breath_times.size() >= 4) {
    const auto& times = events.beat_times;
    const auto from = std::lower_bound(times.begin(), times.end(), breath_times.end()[-4]);
    const auto to = std::lower_bound(times.begin(), times.end(), breath_times.back());
    if (to > from) {
      first = std::size_t(from - times.begin());
      end = std::size_t(to - times.begin());
      which = "the beats of the last three breaths";
    }
  }
  fmt::print("\nMean of {} (patient {}, {} s simulated):\n\n", which, patient.id, twin.time());
  fmt::print("{:<40} {:>10} {:<7} {:>17}\n", "metric", "value", "unit", "normal range");
  print_table(twin.beats().metrics(), events.beats, first, end, patient.sex);
  if (twin.breaths() && !events.breaths.empty()) {
    fmt::print("\nMean of the last breaths:\n\n");
    const std::size_t breaths = events.breaths.size();
    print_table(twin.breaths()->metrics(), events.breaths,
                breaths - std::min<std::size_t>(3, breaths), breaths, patient.sex);
  }
}

/// The run's file: written whole and renamed at the end, or live (--live).
class OutputFile {
 public:
  OutputFile(const std::filesystem::path& path, bool live, io::LiveFileOptions options,
             std::shared_ptr<const trust::SigningKey> signing_key,
             std::optional<trust::PublicKey> snapshot_recipient)
      : snapshot_recipient_(snapshot_recipient) {
    // unique_ptr rather than optional: GCC 12's -Wmaybe-uninitialized misreads
    // optional::emplace() of a polymorphic type in the sanitizer build.
    if (live) {
      options.signing_key = std::move(signing_key);
      live_ = std::make_unique<io::Hdf5LiveRecorder>(path, std::move(options));
    } else {
      whole_ = std::make_unique<io::Hdf5Recorder>(
          path, io::FileOptions{options.single_precision_signals, std::move(signing_key)});
    }
  }
  Recorder& recorder() { return live_ ? static_cast<Recorder&>(*live_) : *whole_; }
  void snapshot(double t, std::vector<std::uint8_t> bytes) {
    if (snapshot_recipient_) {
      // Sealed in memory: the twin's state never reaches the file in the clear.
      const std::string sealed =
          trust::seal(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                      *snapshot_recipient_);
      bytes.assign(sealed.begin(), sealed.end());
    }
    if (live_) {
      live_->snapshot(t, bytes);
    } else {
      whole_->snapshot(t, std::move(bytes));
    }
  }
  void commit() { live_ ? live_->commit() : whole_->commit(); }
  /// Closes the file now, unfinished (a live file keeps what it holds, marked incomplete).
  void abandon() {
    live_.reset();
    whole_.reset();
  }

 private:
  std::unique_ptr<io::Hdf5Recorder> whole_;
  std::unique_ptr<io::Hdf5LiveRecorder> live_;
  std::optional<trust::PublicKey> snapshot_recipient_;
};

/// Advances the twin over the run, storing the snapshots asked for. In pieces of at most 1 s of
/// simulated time (a few milliseconds), so that an interruption stops the run within a second;
/// the pieces do not change the result (outputs come from the solver's interpolant). A
/// snapshot's time cuts a piece. With --pace, pieces of a twentieth of a wall-clock second,
/// each waited for until the wall clock catches up.
void simulate(Twin& twin, double start, double duration, const RunNumbers& numbers,
              OutputFile& file) {
  ProgressBar progress(duration);
  long pieces = std::max(100L, static_cast<long>(std::ceil(duration)));
  if (numbers.pace) {
    pieces = std::max(pieces, static_cast<long>(std::ceil(duration / (0.05 * *numbers.pace))));
  }
  const auto wall_start = std::chrono::steady_clock::now();
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
    if (numbers.pace) {
      std::this_thread::sleep_until(
          wall_start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                           std::chrono::duration<double>((twin.time() - start) / *numbers.pace)));
    }
  }
  progress.finish();
  check_interrupted();
}

/// A session of the twin stored in --from's file, on the model file loaded as it is; an
/// encrypted snapshot is opened with the decryption key first.
Session restored_session(const RunNumbers& numbers, const BodyModel& model,
                         const std::filesystem::path& decryption_key) {
  io::StoredSnapshot stored = io::read_snapshot(numbers.from_file, numbers.from_time);
  const std::string_view bytes(reinterpret_cast<const char*>(stored.bytes.data()),
                               stored.bytes.size());
  const std::string what =
      fmt::format("the snapshot at {:g} s in {}", stored.time, numbers.from_file.string());
  const std::string opened =
      trust::open_if_sealed(std::string(bytes), decryption_key, what, decryption_key_option);
  stored.bytes.assign(opened.begin(), opened.end());
  return Session::restored(BodyModel(model), stored.bytes);
}

int run(const RunOptions& options, const RunNumbers& numbers) {
  // Where the output goes is checked before anything is computed: not a device, folder or
  // link, not one of the inputs.
  std::vector<io::InputFile> inputs = inputs_of(options.model);
  if (!options.scenario.empty())
    inputs.push_back({options.scenario, "the scenario file (--scenario)"});
  if (!numbers.from_file.empty())
    inputs.push_back({numbers.from_file, "the snapshot's file (--from)"});
  if (!options.encrypt_to.empty())
    inputs.push_back({options.encrypt_to, "the recipient's key (--encrypt-to)"});
  check_output(options.out, inputs);
  // Bad keys fail here, with nothing computed or written.
  const auto signing_key = resolve_signing_key(options.signing);
  const std::optional<trust::PublicKey> recipient = resolve_recipient(options.encrypt_to);
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
          : restored_session(numbers, unpersonalised, options.model.decryption_key);
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
  OutputFile file(options.out, options.live,
                  io::LiveFileOptions{std::chrono::duration<double>(numbers.flush_interval),
                                      numbers.snapshot_times, options.single_precision},
                  signing_key, recipient);
  const Patient& patient = session.patient();
  Twin& twin = session.twin();
  MemoryRecorder beats;  // for the summary; samples are not kept in memory
  session.add_recorder(file.recorder());
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

  try {
    simulate(twin, start, duration, numbers, file);
    file.commit();
  } catch (const Cancelled&) {
    if (!options.live) throw;
    // The live file is closed (what was buffered flushed, `complete` left 0) before the
    // process dies of the signal, which runs no destructor.
    file.abandon();
    fmt::print(stderr,
               "physiotwin: interrupted: stopped; {} holds the run to {:g} s and is marked "
               "incomplete (complete = 0)\n",
               options.out.string(), twin.time());
    std::fflush(stderr);
    die_of_interrupting_signal();
  } catch (const Error&) {
    if (options.live) {
      file.abandon();
      fmt::print(stderr, "physiotwin: {} holds the run to {:g} s and is marked incomplete\n",
                 options.out.string(), twin.time());
    }
    throw;
  }
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
  add_signing_options(*command, options->signing);
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
  add_encrypt_to_option(*command, options->encrypt_to, "the snapshots (--snapshot-at)");
  command->add_flag("--single-precision", options->single_precision,
                    "store the signals as 32-bit floats (7 significant digits): a smaller "
                    "file; time, beats and breaths stay 64-bit");
  command->add_flag("--live", options->live,
                    "write a live file that readers follow while it grows (HDF5 SWMR; "
                    "docs/hdf5-format.md, \"Live files\"); it says complete = 1 once whole");
  CLI::Option* flush_interval =
      command
          ->add_option("--flush-interval", options->flush_interval,
                       "with --live: wall-clock seconds between flushes, how far behind the run a "
                       "reader is (default 0.25)")
          ->type_name("S");
  command
      ->add_option("--pace", options->pace,
                   "at most this many simulated seconds per wall-clock second (1: real time, "
                   "for a live viewer; default: as fast as it computes)")
      ->type_name("X");
  return {command, [options, duration, flush_interval] {
            return run(*options,
                       check_run(*options, duration->count() > 0, flush_interval->count() > 0));
          }};
}

}  // namespace physiotwin::cli
