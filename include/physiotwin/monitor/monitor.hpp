#pragma once
// A twin that tracks a patient from a stream of measurements (issue 16, remote monitoring;
// docs/monitoring.md, "Data assimilation"): an ensemble of forks of the patient's twin, each
// with its own values of a few slowly varying quantities (monitor/estimates.hpp: blood volume
// and the rate it is lost or gained at, the tone of the resistance vessels, contractility),
// advanced in parallel and pulled towards the measurements by the ensemble Kalman filter's
// analysis (monitor/ensemble_kalman.hpp) once per analysis interval. Between analyses each
// quantity drifts as a mean-reverting random walk (it returns towards its prior over hours;
// monitor/estimates.hpp), so the filter can follow a slow bleed or a failing heart.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "physiotwin/monitor/estimates.hpp"
#include "physiotwin/monitor/observation_stream.hpp"
#include "physiotwin/twin.hpp"

namespace physiotwin::monitor {

/// What a wearable or a cuff reports of a twin: the mean of each streamed measure over the
/// beats (heart rate, pressures) and breaths (breathing rate, SpO2) that began within the last
/// `window` seconds; and the same of any beat metric (cardiac output: what the monitor
/// derives). A recorder attached to the twin; the monitor's members and the validation's
/// ground-truth twins measure through the same definition.
class RecentMetrics final : public Recorder {
 public:
  explicit RecentMetrics(double window) : window_(window) {}
  void begin(const RunHeader& header) override;
  void sample(double, std::span<const double>) override {}
  void beat(double t, std::span<const double> metrics) override;
  void breath(double t, std::span<const double> metrics) override;

  /// The mean of `measure` over the window ending at time `now` (NaN: nothing in it; a
  /// measure the twin does not compute is an InputError).
  [[nodiscard]] double mean(Measure measure, double now) const;
  /// The same of a beat or breath metric by name (beat_analyzer.hpp, breath_analyzer.hpp).
  [[nodiscard]] double mean(std::string_view metric, double now) const;
  [[nodiscard]] double window() const noexcept { return window_; }

 private:
  struct Entry {
    double time;
    std::vector<double> metrics;
  };
  static void forget_before(std::vector<Entry>& entries, double t);
  static double mean_of(const std::vector<Entry>& entries, std::size_t metric, double from,
                        double to);
  double window_;
  std::vector<MetricInfo> beat_metrics_, breath_metrics_;
  std::vector<Entry> beats_, breaths_;
};

struct MonitorOptions {
  std::size_t members = 16;
  /// s: observations are gathered over this interval and assimilated together at its end, the
  /// members predicting each measure as its mean over the interval (RecentMetrics).
  double analysis_interval = 60.0;
  /// Multiplicative, on the anomalies before each analysis. 1: none; the drifts keep the
  /// ensemble open (with analyses each minute, 1.02 grew the spread fourfold in 70 minutes of
  /// weak evidence, and the mean wandered; docs/monitoring.md).
  double inflation = 1.0;
  /// Adaptive inflation (docs/monitoring.md, "When the patient leaves the ensemble"): over the
  /// last `adaptive_window` analyses, the innovations' normalised squares are a chi-square of
  /// as many degrees as observations if the ensemble's spread is right. When their sum passes
  /// its 99.7th percentile, the spread is too small for what is happening (a bleed the drift
  /// did not foresee), and the anomalies' variance is inflated by the factor that would make
  /// the innovations consistent (Desroziers et al. 2005, Q J R Meteorol Soc 131:3385; as
  /// adaptive inflation, Miyoshi 2011, Mon Weather Rev 139:1519), at most `max_adaptive`.
  std::size_t adaptive_window = 10;
  double max_adaptive = 16.0;
  std::uint64_t seed = 1;
  /// Error SD of one observation of each streamed measure, in streamed_measures order
  /// (docs/monitoring.md, with their sources): heart rate, SpO2, breathing rate, systolic and
  /// diastolic pressure; a wrist wearable's and a cuff's. Each within [min_observation_sd,
  /// max_observation_sd] in its measure's unit; set_observation_sd() checks one by name.
  std::array<double, streamed_measures.size()> observation_sd{5.0, 2.0, 3.0, 8.0, 8.0};
  /// Which quantities are estimated; the others stay at their starting values in every member.
  std::array<bool, estimate_count> estimated{true, true, true, true};
};

/// The range an observation's error SD may take, in its measure's unit (/min, %, mmHg): below
/// 0.1 a device would be exact (its readings are whole units anyway); above 50 a reading says
/// nothing of a vital sign.
inline constexpr double min_observation_sd = 0.1;
inline constexpr double max_observation_sd = 50.0;

/// Sets the error SD of the streamed measure named `measure` ("heart_rate", "spo2",
/// "respiratory_rate", "systolic_pressure", "diastolic_pressure"): a better device than the
/// defaults' (a chest-patch ECG reads heart rate within 1-2 /min). InputError naming the
/// measure and what is allowed (the names, or the range with the unit) otherwise.
void set_observation_sd(MonitorOptions& options, std::string_view measure, double sd);

/// One analysis: when, what the members were given, and the estimates after it.
struct Analysis {
  std::int64_t time = 0;  ///< end of the interval (stream clock)
  /// For each streamed measure: the interval's mean observation (NaN: none) and how many.
  std::array<double, streamed_measures.size()> observed{};
  std::array<std::size_t, streamed_measures.size()> count{};
  /// The variance inflation the analysis applied (1: none; MonitorOptions::adaptive_window).
  double inflation = 1.0;
  EstimateSummary estimates;
};

class Monitor {
 public:
  /// An ensemble of `options.members` forks of `twin`, whose time now is `start` (seconds since
  /// the epoch) in the stream's clock. The members start from the twin's state (a stored twin:
  /// settled at rest), each with its quantities drawn from their priors.
  Monitor(const Twin& twin, std::int64_t start, MonitorOptions options = {});
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;
  Monitor(Monitor&&) noexcept;
  Monitor& operator=(Monitor&&) noexcept;
  ~Monitor();

  /// Takes observations in time order (none before the current interval's start); every
  /// interval they close is assimilated. Returns the analyses done.
  std::vector<Analysis> observe(const std::vector<Observation>& observations);
  /// Ends the current interval at `time` (>= its start): advances the members and assimilates
  /// what was gathered (an interval without observations only advances them). For the end of a
  /// stream, or a stream that has gone quiet.
  std::optional<Analysis> close_interval_at(std::int64_t time);

  [[nodiscard]] std::int64_t start() const noexcept { return start_; }
  /// The members' time (stream clock): the end of the last interval closed.
  [[nodiscard]] std::int64_t time() const noexcept { return start_ + std::int64_t(elapsed_); }
  [[nodiscard]] EstimateSummary estimates() const;
  /// Each member's quantities now.
  [[nodiscard]] std::vector<std::array<double, estimate_count>> member_values() const;
  /// Each member's derived quantities (derived_specs) over the last interval (NaN: no beat).
  [[nodiscard]] std::vector<std::array<double, derived_count>> member_derived() const;
  /// The quantities' starting values (blood volume: the twin's).
  [[nodiscard]] const std::array<double, estimate_count>& initial() const noexcept {
    return initial_;
  }
  [[nodiscard]] const MonitorOptions& options() const noexcept { return options_; }
  /// Members replaced so far because their solver failed (docs/monitoring.md).
  [[nodiscard]] std::size_t replaced_members() const noexcept { return replaced_; }
  /// A copy of the member whose quantities are nearest the ensemble's mean (in prior SDs), with
  /// its volume rate continuing: what a forecast runs.
  [[nodiscard]] Twin central_member() const;
  /// Applies a member's volume rate over `seconds` from its time now, as bleeding or infusion.
  static void apply_volume_rate(Twin& twin, double rate_ml_per_hour, double seconds);

 private:
  [[nodiscard]] std::array<double, estimate_count> values_of(std::size_t m) const;
  void impose(std::size_t m, const std::array<double, estimate_count>& values);
  [[nodiscard]] double undelivered(std::size_t m) const;
  void drift(double hours);
  void advance_to(double elapsed);
  /// Replaces each failed member by a copy of a surviving one; SolverError if none survives.
  void replace_failed(const std::vector<char>& failed, const std::vector<std::string>& reasons);
  void analyse(Analysis& analysis);
  /// The variance inflation the recent innovations call for (1: none); see adaptive_window.
  double adaptive_inflation(const Eigen::MatrixXd& predicted, const Eigen::VectorXd& y,
                            const Eigen::VectorXd& variance);
  [[nodiscard]] double scale_of(std::size_t e) const noexcept;

  std::vector<Twin> members_;
  std::vector<std::unique_ptr<RecentMetrics>> recent_;  ///< one per member, attached to it
  std::int64_t start_;
  double elapsed_ = 0.0;  ///< s since start: the end of the last interval closed
  MonitorOptions options_;
  std::mt19937_64 rng_;
  std::array<double, estimate_count> initial_{};
  /// Parameters each factor scales, and their values in the twin given.
  std::vector<std::pair<std::string, double>> resistances_, elastances_;
  /// Each member's quantities other than its volume (the volume is the member's own state).
  std::vector<std::array<double, estimate_count>> values_;
  /// Volume changes under way in each member: from, to (member time, s), mL (signed).
  /// The recent analyses' innovation sums: d^2/(R+P), d^2/R, P/R and the observations' count.
  struct InnovationSums {
    double consistency = 0.0, innovation = 0.0, spread = 0.0;
    std::size_t count = 0;
  };
  std::vector<InnovationSums> recent_innovations_;
  std::size_t replaced_ = 0;
  struct VolumeChange {
    double start, end, volume;
  };
  std::vector<std::vector<VolumeChange>> pending_;
  /// The observations of the interval under way, by streamed measure: sum and count.
  std::array<double, streamed_measures.size()> sum_{};
  std::array<std::size_t, streamed_measures.size()> count_{};
};

/// Index of a streamed measure in streamed_measures (an InputError for another measure).
[[nodiscard]] std::size_t streamed_index(Measure m);

}  // namespace physiotwin::monitor
