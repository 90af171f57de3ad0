#pragma once
// Shared by the tests: build the reference twins from the shipped files.
#include <physiotwin/core/json_reader.hpp>
#include <physiotwin/core/sha256.hpp>
#include <physiotwin/patient/health_record.hpp>
#include <physiotwin/patient/record_codes.hpp>
#include <physiotwin/physiotwin.hpp>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

namespace physiotwin::test_support {

/// Health records read by the tests get their codes from a table of the tests' own (one per
/// user, in the temporary folder), never from the user's table in ~/.config; a table named
/// in the environment (ctest's) stands.
inline const bool record_code_table_for_tests = [] {
  const auto table = std::filesystem::temp_directory_path() /
                     ("physiotwin_test_record_codes_" + std::to_string(::getuid()) + ".tsv");
  return ::setenv("PHYSIOTWIN_RECORD_CODES", table.c_str(), 0) == 0;
}();

inline std::string model_path(const std::string& relative) {
  return std::string(PHYSIOTWIN_MODELS_DIR) + "/" + relative;
}
inline std::string data_path(const std::string& relative) {
  return std::string(PHYSIOTWIN_TEST_DATA_DIR) + "/" + relative;
}

/// Whether `text` (an error message) contains `part`. Files bring it in with
/// `using test_support::contains;`, which, unlike a helper of their own, may be repeated in the
/// files of one unity build.
inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// A new, empty folder of the test's own under the system's temporary folder.
inline std::filesystem::path private_folder(const std::string& name) {
  const auto folder = std::filesystem::temp_directory_path() /
                      ("physiotwin_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

/// The names in a folder (to check that nothing else, no temporary file, was left there).
inline std::vector<std::string> names_in(const std::filesystem::path& folder) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(folder))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// The default adult circulation scaled to a reference patient ("adult_male", "adult_female").
inline BodyModel reference_model(const std::string& patient = "adult_male") {
  BodyModel model = load_circulation(model_path("circulation/adult.json"));
  scale_to_patient(model, load_patient(model_path("patients/" + patient + ".json")));
  return model;
}

/// The reference adult's twin after `seconds` at rest, sampled each second as the monitor's
/// members are (beats and breaths are what count).
inline Twin resting_reference_twin(double seconds) {
  TwinOptions options;
  options.sample_rate = 1.0;
  Twin twin(reference_model(), options);
  twin.advance(seconds);
  return twin;
}

/// A twin with an in-memory recorder attached, the set-up most tests share:
///   RecordedTwin run(model);  auto& [twin, rec] = run;
struct RecordedTwin {
  explicit RecordedTwin(BodyModel model) : twin(std::move(model)) { twin.add_recorder(rec); }
  Twin twin;
  MemoryRecorder rec;
};

/// Mean of a signal over the recorded samples with from <= t < to (none there: a failure).
inline double sample_mean(const Twin& twin, const MemoryRecorder& rec, const std::string& signal,
                          double from, double to) {
  const std::size_t s = twin.signals().index_of(signal);
  double sum = 0.0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < rec.times.size(); ++i) {
    if (rec.times[i] < from || rec.times[i] >= to) continue;
    sum += rec.samples[i][s];
    ++n;
  }
  if (n == 0) throw InputError("no sample of " + signal + " in the interval");
  return sum / double(n);
}

/// Mean of beat metric `metric` over the beats that began with from <= t < to (none: a
/// failure). Beat metrics, not sampled means, for pulsatile quantities: a mean of samples
/// aliases with the heart period.
inline double beats_mean(const Twin& twin, const MemoryRecorder& rec, const std::string& metric,
                         double from, double to) {
  const std::size_t m = twin.beats().find(metric);
  if (m == twin.beats().metrics().size()) throw InputError("no beat metric " + metric);
  double sum = 0.0;
  std::size_t n = 0;
  for (std::size_t b = 0; b < rec.beats.size(); ++b) {
    if (rec.beat_times[b] < from || rec.beat_times[b] >= to) continue;
    sum += rec.beats[b][m];
    ++n;
  }
  if (n == 0) throw InputError("no beat of " + metric + " in the interval");
  return sum / double(n);
}

/// Mean of column `m` of the beats or breaths `rows` that began at or after `from` s (their
/// begin times `times`); NaN when none did.
inline double metric_mean_since(const std::vector<double>& times,
                                const std::vector<std::vector<double>>& rows, std::size_t m,
                                double from) {
  double sum = 0.0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (times[i] < from) continue;
    sum += rows[i][m];
    ++n;
  }
  return n == 0 ? std::nan("") : sum / double(n);
}

/// Index of breath metric `metric` of `twin`; throws if the twin has no such metric.
inline std::size_t breath_metric(const Twin& twin, const std::string& metric) {
  const auto& metrics = twin.breaths()->metrics();
  std::size_t m = 0;
  while (m < metrics.size() && metrics[m].name != metric) ++m;
  if (m == metrics.size()) throw InputError("no breath metric " + metric);
  return m;
}

/// Mean of a metric over the recent beats: those that began within the last three whole
/// breaths when the twin breathes (breathing modulates every beat, heart rate through the
/// respiratory sinus arrhythmia too, so a mean over part of a breath is biased), else the last
/// five beats.
inline double last_beats_mean(const Twin& twin, const MemoryRecorder& rec,
                              const std::string& metric) {
  const std::size_t m = twin.beats().find(metric);
  if (m == twin.beats().metrics().size()) throw InputError("no beat metric " + metric);
  double from = -1.0, to = -1.0;
  if (rec.breath_times.size() >= 4) {
    from = rec.breath_times[rec.breath_times.size() - 4];
    to = rec.breath_times.back();
  }
  double sum = 0.0;
  std::size_t n = 0;
  for (std::size_t b = 0; b < rec.beats.size(); ++b) {
    const bool recent = from >= 0.0 ? rec.beat_times[b] >= from && rec.beat_times[b] < to
                                    : b + 5 >= rec.beats.size();
    if (!recent) continue;
    sum += rec.beats[b][m];
    ++n;
  }
  if (n == 0) throw InputError("no recent beat of " + metric);
  return sum / double(n);
}

/// Mean of a breath metric over the last n recorded breaths.
inline double last_breaths_mean(const Twin& twin, const MemoryRecorder& rec,
                                const std::string& metric, std::size_t n = 3) {
  const std::size_t m = breath_metric(twin, metric);
  double sum = 0.0;
  for (std::size_t b = rec.breaths.size() - n; b < rec.breaths.size(); ++b)
    sum += rec.breaths[b][m];
  return sum / double(n);
}

/// The SolverError message that advancing `twin` by `seconds` stops with, or "(no error)".
inline std::string solver_error_after(Twin& twin, double seconds) {
  try {
    twin.advance(seconds);
  } catch (const SolverError& e) {
    return e.what();
  }
  return "(no error)";
}

/// An action of `kind` at `time` s, its other members to be set.
inline Action action_at(ActionKind kind, double time) {
  Action a;
  a.kind = kind;
  a.time = time;
  return a;
}
/// A haemorrhage of `volume` mL at `rate` mL/min from `time` s (the model's default site).
inline Action hemorrhage(double time, double rate, double volume) {
  Action a = action_at(ActionKind::hemorrhage, time);
  a.rate = rate;
  a.volume = volume;
  return a;
}
/// Exercise at `watts` W on a cycle ergometer from `time` s, reached over `ramp` s.
inline Action exercise(double time, double watts, double ramp = 0.0) {
  Action a = action_at(ActionKind::exercise, time);
  a.value = watts;
  a.ramp = ramp;
  return a;
}
/// An infusion of `volume` mL of `fluid` at `rate` mL/min from `time` s.
inline Action infusion(double time, double rate, double volume, std::string fluid = "saline") {
  Action a = hemorrhage(time, rate, volume);
  a.kind = ActionKind::infusion;
  a.fluid = std::move(fluid);
  return a;
}

}  // namespace physiotwin::test_support
