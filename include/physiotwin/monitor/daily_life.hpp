#pragma once
// What a patient's day does to the readings, which a twin at rest does not: sleep lowers heart
// rate, SpO2 and pressures for hours and they surge back on waking; ordinary activity
// (walking, climbing stairs, housework) raises the wrist's heart rate and breathing rate for
// minutes at a time. The twin has no sleep, circadian rhythm or activity, so validations add
// them to its exact readings (SyntheticStream::advance_exactly()) before the devices' errors,
// to measure an alert against a stream as a patient's day gives it. Numbers and sources:
// docs/research/daily-life-in-streams.md; how they are used: docs/monitoring.md, "Validation".
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "physiotwin/monitor/monitor.hpp"

namespace physiotwin::monitor {

/// One kind of bout of activity while awake: starts as a Poisson process, durations
/// exponential, and what it adds to each measure's minute mean (streamed_measures order).
struct ActivityKind {
  double per_awake_hour = 0.0;
  double mean_duration = 0.0;  ///< s
  std::array<double, streamed_measures.size()> change{};
};

struct DailyLife {
  /// Clock hours of falling asleep and of waking, in the stream's clock taken as the patient's
  /// local time (the heart rate's lowest then falls near 04:30, as in wearables' data).
  double sleep_hour = 23.0;
  double wake_hour = 7.0;
  /// s the values take to move between their awake and asleep levels (10 % to 90 % of the
  /// way, a logistic's).
  double transition = 3600.0;
  /// Asleep level minus the awake seated resting level of each measure (streamed_measures
  /// order: heart rate /min, SpO2 %, breathing rate /min, systolic and diastolic pressure
  /// mmHg; breathing in sleep is shallower, not slower). The twin's resting state is the awake
  /// seated level.
  std::array<double, streamed_measures.size()> asleep_change{-9.0, -1.0, 0.0, -12.0, -9.0};
  /// What an ordinary day holds while awake, for a sedentary-to-average adult: standing and
  /// housework about half the day, and about an hour of walking (5,000 steps) in bouts. The
  /// cuff's schedule (each 30 min, day and night) is an ambulatory monitor's, which reads the
  /// pressures wherever the patient is. Breathing rates' rises are unsourced.
  std::vector<ActivityKind> activities{
      {3.0, 600.0, {9.0, 0.0, 1.0, 5.0, 3.5}},   // standing, housework
      {1.0, 240.0, {20.0, 0.0, 4.0, 7.0, 4.6}},  // walking
  };
};

/// s over which a wrist's optical heart-rate error persists (MeasurementSchedule::
/// error_correlation_time): the motion that spoils it lasts minutes.
inline constexpr double wrist_error_correlation_time = 300.0;

/// How far into sleep the patient is at `time` (s since the epoch): 0 awake, 1 asleep, smooth
/// between.
[[nodiscard]] inline double asleep_fraction(const DailyLife& life, double time) {
  constexpr double day = 86400.0;
  const double scale = life.transition / (2.0 * std::log(9.0));  // 10-90 % of a logistic
  const auto rising = [scale](double x) { return 1.0 / (1.0 + std::exp(-x / scale)); };
  const double duration = std::fmod(life.wake_hour - life.sleep_hour + 24.0, 24.0) * 3600.0;
  double fraction = 0.0;
  for (const double days_back : {1.0, 0.0}) {  // the night that began yesterday, and tonight's
    const double onset = (std::floor(time / day) - days_back) * day + life.sleep_hour * 3600.0;
    fraction = std::max(fraction, rising(time - onset) * (1.0 - rising(time - onset - duration)));
  }
  return fraction;
}

/// One bout of activity: its start and end (s since the epoch) and its kind (an element of the
/// DailyLife's `activities`).
struct ActivityBout {
  double start = 0.0, end = 0.0;
  const ActivityKind* kind = nullptr;
};

/// The bouts of activity a day holds from about `first` to `last` (s since the epoch), drawn
/// from `seed`, in order of their start: what with_daily_life() adds to the readings with the
/// same seed, for a validation that knows when the patient was active (as steps would tell).
[[nodiscard]] inline std::vector<ActivityBout> activity_bouts(const DailyLife& life, double first,
                                                              double last, std::uint64_t seed) {
  // Its own stream of draws, apart from the devices' errors drawn from the same seed.
  std::seed_seq sequence{std::uint32_t(seed), std::uint32_t(seed >> 32), std::uint32_t{0xDA11}};
  std::mt19937_64 random(sequence);
  std::vector<ActivityBout> bouts;
  for (const ActivityKind& kind : life.activities) {
    if (kind.per_awake_hour <= 0.0 || kind.mean_duration <= 0.0) continue;
    // Starts of a Poisson process over the span, those while asleep dropped (so the awake
    // hours have the stated rate).
    std::exponential_distribution<double> gap(kind.per_awake_hour / 3600.0);
    std::exponential_distribution<double> length(1.0 / kind.mean_duration);
    for (double t = first - 5.0 * kind.mean_duration + gap(random); t <= last; t += gap(random)) {
      const double duration = length(random);
      if (asleep_fraction(life, t) >= 0.5) continue;
      bouts.push_back({t, t + duration, &kind});
    }
  }
  std::sort(bouts.begin(), bouts.end(),
            [](const ActivityBout& a, const ActivityBout& b) { return a.start < b.start; });
  return bouts;
}

/// Exact readings (in time order) with the patient's day added: sleep from the clock, and
/// bouts of activity drawn from `seed` (activity_bouts()).
[[nodiscard]] inline std::vector<Observation> with_daily_life(std::vector<Observation> readings,
                                                              const DailyLife& life,
                                                              std::uint64_t seed) {
  if (readings.empty()) return readings;
  const std::vector<ActivityBout> bouts =
      activity_bouts(life, double(readings.front().time), double(readings.back().time), seed);
  double longest = 0.0;
  for (const ActivityBout& b : bouts) longest = std::max(longest, b.end - b.start);
  for (Observation& o : readings) {
    const std::size_t i = streamed_index(o.measure);
    const double t = double(o.time);
    o.value += life.asleep_change[i] * asleep_fraction(life, t);
    // A reading is its minute's mean: each bout adds its change for its share of the minute.
    const auto from = std::lower_bound(bouts.begin(), bouts.end(), t - 60.0 - longest,
                                       [](const ActivityBout& b, double s) { return b.start < s; });
    for (auto b = from; b != bouts.end() && b->start < t; ++b)
      o.value += b->kind->change[i] *
                 std::max(0.0, std::min(t, b->end) - std::max(t - 60.0, b->start)) / 60.0;
  }
  return readings;
}

}  // namespace physiotwin::monitor
