#pragma once
// A sequential test for a slow deterioration along the patient's own pattern of it (issue 16,
// remote monitoring; docs/monitoring.md, "Trend alert"; docs/research/monitor-slow-drifts.md,
// P1). A compensated slow bleed or a slowly failing heart moves each vital sign by less than a
// wearable's error, so neither a band nor the ensemble's estimates see it for hours; but they
// move together, in a direction the twin knows. The test:
// - learns the patient's own resting value of each streamed measure over a baseline window
//   (the twin's resting value as a prior, so a measure observed rarely, the cuff, leans on it);
// - forks the twin twice, once losing 10 % of its blood volume and once 20 % of its
//   contractility, and records how each measure's minute mean moves: the patterns s;
// - after the baseline, for each pattern, accumulates each block's (15 min) log-likelihood
//   ratio of "shifted by delta * s" against "at the baseline", summed over the measures,
//   mu (x - b - mu / 2) / v with mu = delta * s, x a measure's mean over the block and v its
//   variance: the device's error over the block's readings plus the variability of a block's
//   mean beyond it (the patient's swings, a device's persisting errors), learnt like the
//   baseline. Its one-sided CUSUM floored at 0 (Page 1954, Biometrika 41:100; for patient
//   monitoring, Yang, Dumont & Ansermino 2010) raises an alert when it passes the threshold h,
//   and clears when it is back at 0.
//   Why blocks and the variability: a patient's day (sleep, standing, walking) and a wrist's
//   errors persist for minutes to hours; weighed reading by reading as independent, they gave
//   1.6 false alarms a day, now 0.17, in the first night (docs/validation.md, "Remote
//   monitoring").
#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <vector>

#include "physiotwin/monitor/observation_stream.hpp"

namespace physiotwin {
class Twin;
}

namespace physiotwin::monitor {

/// How far a patient's resting value of each streamed measure may be from the twin's (one SD
/// of the baseline's prior), in streamed_measures order: heart rate /min, SpO2 %, breathing
/// rate /min, systolic and diastolic pressure mmHg. A twin personalised from a record carries
/// the record's clinic values, which differ from a wearable's resting ones by about this much
/// (docs/monitoring.md, "Trend alert").
inline constexpr std::array<double, streamed_measures.size()> baseline_prior_sd{10.0, 2.0, 4.0,
                                                                                15.0, 10.0};

struct TrendOptions {
  bool enabled = true;
  /// s from the stream's first observation whose observations set the patient's baseline; the
  /// test runs after it.
  double baseline_window = 14400.0;
  /// After the window the baseline keeps learning, from observations `baseline_lag` s old and
  /// older (the recent ones are what is tested: a deterioration under way is not learnt as
  /// the patient's normal until it is that old), each weighing exp(-age / memory). The
  /// baseline's own error drives the false alarms: an hour's is about a wearable's error /
  /// sqrt(60), as large as the shift tested for (docs/monitoring.md, "Trend alert").
  double baseline_lag = 10800.0;
  double baseline_memory = 86400.0;
  /// delta: the change the test is tuned to, as a fraction of the reference deterioration
  /// (10 % of blood volume lost; 20 % of contractility): 0.8 is an 8 % loss.
  double shift = 0.8;
  /// h, the CUSUM's threshold (a log-likelihood ratio); docs/validation.md gives the delays
  /// and false alarms per day it buys.
  double threshold = 8.0;
  /// s of each block the test weighs as one, from the stream's start: longer than a walk or
  /// a wrist's persisting error, shorter than the delays sought.
  double block = 900.0;
};

/// InputError unless the options are within their ranges (baseline window and lag >= 0 s,
/// memory > 0 s, shift > 0, threshold > 0, block >= 60 s).
void check_trend_options(const TrendOptions& options);

/// Readings further than this many error SDs from the baseline count as this far in the sums
/// (a Huber-type limit): one artefact of a wrist's heart rate (+110 /min) would otherwise add
/// as much as an hour of a real shift, and three in a few hours would raise an alert.
inline constexpr double largest_deviation_sds = 3.0;

/// How a deterioration moves each streamed measure's minute mean, per reference change.
struct DeteriorationPattern {
  std::string_view key;   ///< "blood_loss", "failing_heart": the file's dataset names
  std::string_view name;  ///< "blood loss", "a failing heart": for the alerts' details
  std::array<double, streamed_measures.size()> change{};
};

/// The twin's own patterns: forks of `twin` losing 10 % of their blood volume over 2 minutes,
/// or 20 % of the left ventricle's end-systolic elastance, each against an unchanged fork
/// after `settle` s (24 simulated minutes for the three forks with the default: about 3.5 s
/// of CPU).
[[nodiscard]] std::vector<DeteriorationPattern> deterioration_patterns(const Twin& twin,
                                                                       double settle = 480.0);

/// What the test found when it raised its alert.
struct TrendFinding {
  std::size_t pattern = 0;  ///< the pattern whose sum passed
  double statistic = 0.0;   ///< that sum
};

class TrendTest {
 public:
  /// `twin_resting`: the twin's resting value of each streamed measure (the baseline's prior);
  /// `observation_sd`: each measure's error SD, as the ensemble assumes; `start`: the stream
  /// clock's time the baseline window begins at.
  TrendTest(const std::array<double, streamed_measures.size()>& twin_resting,
            const std::array<double, streamed_measures.size()>& observation_sd, std::int64_t start,
            TrendOptions options = {});

  /// Whether an observation at `time` is past the baseline window and the test has no
  /// patterns yet: set them before observing it.
  [[nodiscard]] bool needs_patterns_at(std::int64_t time) const noexcept;
  void set_patterns(std::vector<DeteriorationPattern> patterns);
  [[nodiscard]] const std::vector<DeteriorationPattern>& patterns() const noexcept {
    return patterns_;
  }

  /// Takes one observation (in time order). Observations within the baseline window set the
  /// baseline; after it they go to the sums (once the patterns are set). Returns a finding when
  /// the alert is due now. After end_of_stream() it takes nothing.
  std::optional<TrendFinding> observe(const Observation& observation);

  /// The stream has ended: the blocks under way count now. Returns a finding when the alert
  /// is due.
  std::optional<TrendFinding> end_of_stream();
  /// The time of the last observation tested (the window's end before any).
  [[nodiscard]] std::int64_t last_tested_time() const noexcept { return last_tested_time_; }

  /// The patient's baseline of each measure: the posterior mean of its resting value (NaN: a
  /// measure the twin does not compute).
  [[nodiscard]] const std::array<double, streamed_measures.size()>& baseline() const noexcept {
    return baseline_;
  }
  /// The variability of each measure beyond white device error: the SD of a block's mean
  /// around the baseline that the device's independent errors do not explain, the patient's
  /// own swings (sleep, posture, activity) and a device's persisting errors alike (0: none
  /// seen; NaN: a measure the twin does not compute).
  [[nodiscard]] std::array<double, streamed_measures.size()> variability() const;
  /// Each pattern's sum now, after the last block that ended (0 before the test runs).
  [[nodiscard]] const std::vector<double>& statistics() const noexcept { return sums_; }
  [[nodiscard]] bool raised() const noexcept { return raised_; }
  [[nodiscard]] const TrendOptions& options() const noexcept { return options_; }

 private:
  /// Readings of one measure within one block: the sum of their deviations from a reference
  /// (the baseline), each limited to largest_deviation_sds, and their count. A learnt block's
  /// reference is the baseline as the block began, with that baseline's own variance; it
  /// counts towards the variability only if the baseline had readings of the measure then.
  struct Block {
    std::int64_t index = 0;
    double sum = 0.0;
    double count = 0.0;
    double reference = 0.0;
    double reference_variance = 0.0;
    bool informed = false;
  };
  [[nodiscard]] std::int64_t block_of(std::int64_t time) const;
  /// Adds the blocks that ended before block `index` to the sums; a finding if one passed h.
  std::optional<TrendFinding> close_tested_blocks_before(std::int64_t index);
  /// Adds a learnt observation to its measure's block for the variability (closing the one
  /// before).
  void learn_block(const Observation& observation);
  void close_learnt_block(std::size_t measure);

  TrendOptions options_;
  std::int64_t start_;
  std::int64_t baseline_end_;
  /// Each measure's own window's end: the stream's, or, for a measure first seen after it (a
  /// wearable put on hours after the cuff), its first observation's plus the window, so that
  /// no measure is tested against the twin's clinic value alone.
  std::array<std::optional<std::int64_t>, streamed_measures.size()> measure_window_end_{};
  std::array<double, streamed_measures.size()> prior_, variance_, baseline_;
  /// The observations so far, each weighing exp(-age / memory): sum and weight per measure.
  std::array<double, streamed_measures.size()> baseline_sum_{}, baseline_weight_{};
  std::int64_t last_time_;
  std::int64_t last_tested_time_;
  /// Each measure's block being learnt (its readings' values) and being tested (their
  /// deviations from the baseline, limited to largest_deviation_sds).
  std::array<Block, streamed_measures.size()> learnt_block_{}, tested_block_{};
  /// Each learnt block's squared deviation of its mean from the baseline less the device's
  /// share, summed with the baseline's forgetting, and their weight: the variability.
  std::array<double, streamed_measures.size()> variability_sum_{}, variability_weight_{};
  /// Observations tested but not yet old enough to be learnt (baseline_lag).
  std::deque<Observation> waiting_;
  void learn(const Observation& observation);
  std::vector<DeteriorationPattern> patterns_;
  std::vector<double> sums_;
  bool raised_ = false;
  bool ended_ = false;
};

}  // namespace physiotwin::monitor
