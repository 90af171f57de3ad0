// The trend alert's validation with twins as ground truth (docs/validation.md, "Remote
// monitoring", trend alert): a reference adult's twin bleeds 500 mL/h, or its contractility
// falls 30 % over an hour, from the end of the baseline window on, or it stays at rest for
// 12 hours. Each truth runs once; its exact readings (the wearable's and the cuff's schedule)
// then get many draws of the devices' errors, each draw read by its own trend test
// (monitor/trend_test.hpp), for several thresholds h. No ensemble: the trend test does not use
// it, so this measures the alert itself in seconds of CPU per truth, not hours.
//   trend_validation MODELS_DIR [DRAWS] [BASELINE_WINDOW_S] [daily]
//   trend_validation MODELS_DIR 1 [BASELINE_WINDOW_S] trace FOLDER
//   trend_validation MODELS_DIR [DRAWS] [BASELINE_WINDOW_S] patch
//   trend_validation MODELS_DIR [DRAWS] [BASELINE_WINDOW_S] daily-patch
//   trend_validation MODELS_DIR [DRAWS] [BASELINE_WINDOW_S] daily-gated
// `daily`: the readings also carry a patient's day (monitor/daily_life.hpp: sleep from 23:00 to
// 07:00, standing and walking in bouts, a wrist's heart-rate error persisting over 0-10
// minutes), and nights alone (a patient in bed); the stream starts at 08:00, and rest runs 52
// hours (48 after the window).
// Prints, per scenario and h, the median and quartiles of the delay after onset and how many
// draws alerted; for rest, the false alarms per day.
// `patch`: heart rate from a chest patch's ECG (error SD 2 /min, as `--observation-sd
// heart_rate=2` tells the monitor) instead of a wrist's 5 /min; white errors.
// `daily-patch`: the patch through a patient's days and nights, and through nights alone (an
// ECG's beat-to-beat rate errs beat by beat, so its error is white, not a wrist's persisting
// one: the day's swings are then the readings' only persistence besides the truth's).
// `daily-gated`: the day, with the test told when the patient was active, as a stream's steps
// would tell it (docs/research/activity-aware-trend-alert.md): readings during a bout of
// walking and housework (or walking alone) and for 5 minutes after are neither learnt nor
// tested; with a patch's heart rate, and with a wrist's. An upper bound: the synthetic bouts
// end at once, where a heart rate takes about a minute to come down.
// `trace`: one draw of the bleed and of rest (white errors, the default h), every reading with
// its measure's baseline and each pattern's sum after it, into FOLDER/trend_trace.csv for
// scripts/plot-trend-trace.py (docs/monitoring.md, "Trend alert").
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <physiotwin/model/model_loader.hpp>
#include <physiotwin/model/parameter_groups.hpp>
#include <physiotwin/monitor/alert_rules.hpp>
#include <physiotwin/monitor/daily_life.hpp>
#include <physiotwin/monitor/synthetic_stream.hpp>
#include <physiotwin/monitor/trend_test.hpp>
#include <physiotwin/patient/body.hpp>
#include <physiotwin/patient/personalise.hpp>

#include "reference_monitor_twin.hpp"

using namespace physiotwin;

namespace {

constexpr std::int64_t midnight = 1'767'225'600;  // 2026-01-01T00:00:00Z
constexpr std::array<double, 3> thresholds{4.0, 6.0, 8.0};

enum class Scenario { bleed, heart, rest };

/// The truth's exact readings over `hours`, the change starting at `onset` s.
std::vector<monitor::Observation> exact_readings(const Twin& twin, std::int64_t stream_start,
                                                 Scenario scenario, double onset, double hours) {
  monitor::SyntheticStream stream(twin, stream_start);
  Twin& truth = stream.truth();
  const Parameter& lv = truth.model().parameters.all()[*lv_end_systolic_elastance(truth.model())];
  const std::string elastance = lv.name;
  const double at_rest = lv.value;
  std::vector<monitor::Observation> all;
  double contractility = 1.0;
  for (int minute = 1; minute <= int(hours * 60.0); ++minute) {
    if (scenario == Scenario::bleed && minute == int(onset / 60.0) + 1) {
      Action bleed;
      bleed.kind = ActionKind::hemorrhage;
      bleed.time = truth.time();
      bleed.rate = 500.0 / 60.0;
      bleed.volume = 500.0 * (hours * 3600.0 - onset) / 3600.0;
      truth.apply(bleed);
    }
    if (scenario == Scenario::heart && minute > int(onset / 60.0) && contractility > 0.7 + 1e-9) {
      contractility = std::max(0.7, contractility - 0.3 / 60.0);
      truth.set_parameter(elastance, at_rest * contractility);
    }
    const auto readings = stream.advance_exactly(60.0);
    all.insert(all.end(), readings.begin(), readings.end());
  }
  return all;
}

/// What the readings carry besides the truth.
struct Life {
  bool daily = false;
  monitor::DailyLife day;
  monitor::MeasurementSchedule devices;
  /// Which of the day's kinds of activity the test is told of (as a stream's steps would tell
  /// it; indices into day.activities), and for how long after a bout it leaves readings out:
  /// a reading whose minute overlaps a bout of these kinds or the hold after it is neither
  /// learnt nor tested (docs/research/activity-aware-trend-alert.md).
  std::vector<std::size_t> gated_kinds;
  double activity_hold = 300.0;
  /// The error SDs the test assumes (the monitor's defaults, or a patch's heart rate).
  std::array<double, monitor::streamed_measures.size()> assumed_sd =
      monitor::MonitorOptions{}.observation_sd;
};

/// A life whose devices err with `sd` (each measure's error SD, in the stream and as the test
/// assumes it), the heart rate's error persisting over `heart_rate_persistence` s.
Life device_life(const std::array<double, monitor::streamed_measures.size()>& sd,
                 double heart_rate_persistence, bool daily) {
  Life life;
  life.daily = daily;
  life.devices.error_sd = life.assumed_sd = sd;
  life.devices.error_correlation_time[0] = heart_rate_persistence;
  return life;
}

/// The bouts a test is told of, in order of their start, and the longest one's duration (how
/// far back a bout that still reaches a reading can have started).
struct GatedBouts {
  std::vector<monitor::ActivityBout> bouts;
  double longest = 0.0;
};
GatedBouts gated_bouts(std::vector<monitor::ActivityBout> bouts) {
  GatedBouts g{std::move(bouts), 0.0};
  for (const monitor::ActivityBout& b : g.bouts) g.longest = std::max(g.longest, b.end - b.start);
  return g;
}

/// Whether a reading (its minute's mean, ending at `time`) overlaps a gated bout or the hold
/// after it: only bouts that started within the longest bout and the hold before the minute
/// can, so the search starts there.
bool during_gated_activity(const GatedBouts& gated, const Life& life, double time) {
  const double earliest = time - 60.0 - life.activity_hold - gated.longest;
  const auto from =
      std::lower_bound(gated.bouts.begin(), gated.bouts.end(), earliest,
                       [](const monitor::ActivityBout& b, double t) { return b.start < t; });
  for (auto b = from; b != gated.bouts.end() && b->start < time; ++b) {
    if (b->end + life.activity_hold <= time - 60.0) continue;
    const auto kind = std::size_t(b->kind - life.day.activities.data());
    if (std::find(life.gated_kinds.begin(), life.gated_kinds.end(), kind) != life.gated_kinds.end())
      return true;
  }
  return false;
}

/// Each alert's time (s after the stream's start) for one draw of the errors (and of the
/// day's activity) and one h.
std::vector<double> alert_times(const std::vector<monitor::Observation>& exact,
                                std::int64_t stream_start, const Life& life,
                                const monitor::TrendTest& fresh, std::uint64_t seed) {
  monitor::TrendTest test = fresh;
  std::vector<double> times;
  const auto lived = life.daily ? monitor::with_daily_life(exact, life.day, seed) : exact;
  const auto gated = gated_bouts(life.daily && !life.gated_kinds.empty() && !exact.empty()
                                     ? monitor::activity_bouts(life.day, double(exact.front().time),
                                                               double(exact.back().time), seed)
                                     : std::vector<monitor::ActivityBout>{});
  for (const auto& o : monitor::with_device_errors(lived, life.devices, seed)) {
    if (!gated.bouts.empty() && during_gated_activity(gated, life, double(o.time))) continue;
    if (test.observe(o)) times.push_back(double(o.time - stream_start));
  }
  return times;
}

/// One draw's readings through a trend test, as rows of FOLDER/trend_trace.csv: the scenario,
/// the minute since the stream began, the measure, the reading (errors added), the measure's
/// baseline, each pattern's sum after it, and whether the alert was raised by it.
void write_trace(std::FILE* out, const char* scenario,
                 const std::vector<monitor::Observation>& exact, std::int64_t stream_start,
                 monitor::TrendTest test, std::uint64_t seed) {
  for (const auto& o : monitor::with_device_errors(exact, monitor::MeasurementSchedule{}, seed)) {
    const bool alerted = test.observe(o).has_value();
    const std::vector<double>& sums = test.statistics();
    std::fprintf(out, "%s,%.4f,%s,%.6g,%.6g,%.6g,%.6g,%d\n", scenario,
                 double(o.time - stream_start) / 60.0, std::string(spec_of(o.measure).name).c_str(),
                 o.value, test.baseline()[monitor::streamed_index(o.measure)],
                 sums.empty() ? 0.0 : sums[0], sums.size() < 2 ? 0.0 : sums[1], alerted ? 1 : 0);
  }
}

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double position = q * double(v.size() - 1);
  const std::size_t below = std::size_t(position);
  const std::size_t above = std::min(below + 1, v.size() - 1);
  return v[below] + (position - double(below)) * (v[above] - v[below]);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: trend_validation MODELS_DIR [DRAWS] [BASELINE_WINDOW_S] "
                 "[daily | patch | daily-patch | daily-gated | trace FOLDER]\n");
    return 2;
  }
  const std::string models = argv[1];
  const int draws = argc > 2 ? std::atoi(argv[2]) : 100;
  monitor::TrendOptions options;
  if (argc > 3) options.baseline_window = std::atof(argv[3]);
  const std::string mode = argc > 4 ? argv[4] : "";
  const bool gated = mode == "daily-gated";
  const bool daily = mode == "daily" || mode == "daily-patch" || gated;
  const bool trace = argc > 5 && mode == "trace";
  const bool patch = mode == "patch" || mode == "daily-patch";
  monitor::MonitorOptions ensemble;  // the error SDs the test assumes
  if (patch) monitor::set_observation_sd(ensemble, "heart_rate", 2.0);
  monitor::MonitorOptions chest_patch;
  monitor::set_observation_sd(chest_patch, "heart_rate", 2.0);
  const auto& sd = ensemble.observation_sd;  // the stream's devices, as the mode says
  // A patient put on the monitor at 08:00, or (plain) a stream without a clock's day at all.
  const std::int64_t stream_start = daily ? midnight + 8 * 3600 : midnight;
  // What the readings carry besides the truth: white errors only; or a day, with the wrist's
  // heart-rate error persisting over 0, 2, 5 (the default) or 10 minutes.
  std::vector<std::pair<std::string, Life>> lives;
  if (!daily) lives.push_back({patch ? "chest patch: " : "", device_life(sd, 0.0, false)});
  for (const double tau : {0.0, 120.0, monitor::wrist_error_correlation_time, 600.0}) {
    if (!daily || patch || gated) break;
    lives.push_back(
        {fmt::format("day, wrist error {:.0f} min: ", tau / 60.0), device_life(sd, tau, true)});
  }
  if (daily && patch) lives.push_back({"day, chest patch: ", device_life(sd, 0.0, true)});
  // The test told of the day's activity, as steps would tell it: walking and housework (both
  // step), or walking alone (housework's steps missed), with a patch's or a wrist's heart rate.
  for (const bool with_patch : {true, false})
    for (const std::vector<std::size_t>& kinds :
         {std::vector<std::size_t>{0, 1}, std::vector<std::size_t>{1}}) {
      if (!gated || (!with_patch && kinds.size() == 1)) continue;
      Life life = with_patch ? device_life(chest_patch.observation_sd, 0.0, true)
                             : device_life(sd, monitor::wrist_error_correlation_time, true);
      life.gated_kinds = kinds;
      lives.push_back({fmt::format("day, {}, steps gate ({}): ",
                                   with_patch ? "chest patch" : "wrist error 5 min",
                                   kinds.size() == 2 ? "walking, housework" : "walking"),
                       life});
    }
  if (daily && !gated) {  // nights alone, as in bed: no standing or walking
    Life life = device_life(sd, patch ? 0.0 : monitor::wrist_error_correlation_time, true);
    life.day.activities.clear();
    lives.push_back(
        {patch ? "nights only, chest patch: " : "nights only, wrist error 5 min: ", life});
  }
  try {
    Twin twin = reference_monitor_twin(models);  // settled as `physiotwin monitor` does

    // The monitor's resting values and patterns, as AlertRules makes them. The stream starts
    // one minute after the twin's time (its first readings are minute means).
    const monitor::AlertRules rules(twin);
    const auto patterns = monitor::deterioration_patterns(twin);
    for (const auto& p : patterns) {
      std::printf("pattern %-16s", std::string(p.name).c_str());
      for (std::size_t i = 0; i < monitor::streamed_measures.size(); ++i)
        std::printf("  %s %+.2f", std::string(spec_of(monitor::streamed_measures[i]).name).c_str(),
                    p.change[i]);
      std::printf("\n");
    }
    const double onset = options.baseline_window;
    if (trace) {
      const std::string path = std::string(argv[5]) + "/trend_trace.csv";
      std::FILE* out = std::fopen(path.c_str(), "w");
      if (out == nullptr) {
        std::fprintf(stderr, "trend_validation: cannot write %s\n", path.c_str());
        return 2;
      }
      std::fprintf(out,
                   "scenario,minute,measure,reading,baseline,blood_loss,failing_heart,alert\n");
      monitor::TrendTest fresh(rules.resting(), monitor::MonitorOptions{}.observation_sd,
                               stream_start, options);
      fresh.set_patterns(patterns);
      const double hours = onset / 3600.0 + 4.0;
      write_trace(out, "bleed", exact_readings(twin, stream_start, Scenario::bleed, onset, hours),
                  stream_start, fresh, 1000);
      write_trace(out, "rest", exact_readings(twin, stream_start, Scenario::rest, onset, hours),
                  stream_start, fresh, 1000);
      std::fclose(out);
      std::printf("wrote %s\n", path.c_str());
      return 0;
    }
    struct Run {
      const char* name;
      Scenario scenario;
      double hours;
    };
    for (const Run run :
         {Run{"rest", Scenario::rest, daily ? 52.0 : 12.0},
          Run{"bleed 500 mL/h", Scenario::bleed, onset / 3600.0 + 4.0},
          Run{"contractility -30 % over 1 h", Scenario::heart, onset / 3600.0 + 4.0}}) {
      const auto exact = exact_readings(twin, stream_start, run.scenario, onset, run.hours);
      for (const auto& [label, life] : lives)
        for (const double h : thresholds) {
          monitor::TrendOptions o = options;
          o.threshold = h;
          monitor::TrendTest fresh(rules.resting(), life.assumed_sd, stream_start, o);
          fresh.set_patterns(patterns);
          std::vector<double> delays, hours_after_baseline;
          std::size_t alarms = 0;
          for (int d = 0; d < draws; ++d) {
            const auto times =
                alert_times(exact, stream_start, life, fresh, 1000 + std::uint64_t(d));
            alarms += times.size();
            if (!times.empty()) delays.push_back((times.front() - onset) / 60.0);
            for (const double t : times) hours_after_baseline.push_back((t - onset) / 3600.0);
          }
          const std::string name = label + run.name;
          if (run.scenario == Scenario::rest) {
            std::array<int, 8> by_clock{};  // alarms per 3 hours of the clock
            for (const double after : hours_after_baseline)
              ++by_clock[std::size_t(
                  std::fmod((double(stream_start - midnight) + onset) / 3600.0 + after, 24.0) /
                  3.0)];
            const double days = double(draws) * (run.hours * 3600.0 - onset) / 86400.0;
            std::printf(
                "%-30s h %.0f: %zu false alarms in %.1f days: %.2f per day, in %zu of %d "
                "draws%s\n",
                name.c_str(), h, alarms, days, double(alarms) / days, delays.size(), draws,
                alarms == 0
                    ? ""
                    : fmt::format(" (median {:.1f} h after the baseline; by clock hour "
                                  "00-03, 03-06, ...: {})",
                                  quantile(hours_after_baseline, 0.5), fmt::join(by_clock, " "))
                          .c_str());
          } else if (delays.empty()) {
            std::printf("%-30s h %.0f: no alert in %d draws of %.0f h\n", name.c_str(), h, draws,
                        run.hours - onset / 3600.0);
          } else {
            std::printf(
                "%-30s h %.0f: alerted in %zu of %d draws; delay after onset median %.0f min "
                "(quartiles %.0f-%.0f)\n",
                name.c_str(), h, delays.size(), draws, quantile(delays, 0.5),
                quantile(delays, 0.25), quantile(delays, 0.75));
          }
        }
      std::fflush(stdout);
    }
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "trend_validation: %s\n", e.what());
    return 2;
  }
}
