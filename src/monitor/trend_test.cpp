// The monitor's trend test (include/physiotwin/monitor/trend_test.hpp).
#include "physiotwin/monitor/trend_test.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "physiotwin/core/error.hpp"
#include "physiotwin/model/parameter_groups.hpp"
#include "physiotwin/monitor/monitor.hpp"

namespace physiotwin::monitor {

namespace {

/// The reference deteriorations the patterns are per: a tenth of the blood volume lost over
/// `bleed_time` s, and a fifth of the left ventricle's contractility.
constexpr double reference_volume_loss = 0.10, bleed_time = 120.0;
constexpr double reference_contractility_loss = 0.20;
/// s the measures are averaged over at the end of the settling (two minutes: beats and breaths
/// enough that the breathing cycle's ripple in the means is small against the change).
constexpr double pattern_window = 120.0;
/// Variance of a reading rounded to whole units (a uniform error of width 1).
constexpr double rounding_variance = 1.0 / 12.0;
/// The variability's prior: none beyond the device's error, weighing as this many blocks (so
/// that the window's first blocks do not set it alone).
constexpr double variability_prior_blocks = 2.0;

std::array<double, streamed_measures.size()> settled_means(Twin twin, double settle) {
  RecentMetrics recent(pattern_window);
  twin.add_recorder(recent);
  twin.advance(settle);
  std::array<double, streamed_measures.size()> means{};
  for (std::size_t i = 0; i < streamed_measures.size(); ++i)
    means[i] = recent.mean(streamed_measures[i], twin.time());
  return means;
}

}  // namespace

void check_trend_options(const TrendOptions& options) {
  if (!(options.baseline_window >= 0.0) || !(options.baseline_lag >= 0.0) ||
      !(options.baseline_memory > 0.0) || !(options.shift > 0.0) || !(options.threshold > 0.0) ||
      !(options.block >= 60.0)) {
    throw InputError(
        "trend options outside their ranges: baseline window and lag >= 0 s, baseline memory "
        "> 0 s, shift > 0, threshold > 0, block >= 60 s");
  }
}

std::vector<DeteriorationPattern> deterioration_patterns(const Twin& twin, double settle) {
  if (!(settle >= pattern_window + bleed_time))
    throw InputError(fmt::format("the patterns' settling time must be at least {:g} s",
                                 pattern_window + bleed_time));
  const std::optional<std::size_t> elastance = lv_end_systolic_elastance(twin.model());
  if (!elastance) throw InputError("the trend test needs a model with a left ventricle");
  // Against an unchanged fork run as long, so that whatever the twin itself does meanwhile
  // (a stored twin still settling) is not taken for the pattern.
  const auto unchanged = settled_means(twin, settle);

  Twin bled = twin;
  const double loss = reference_volume_loss * bled.signal("blood.total_volume");
  Monitor::apply_volume_rate(bled, -loss / bleed_time * 3600.0, bleed_time);
  const auto after_bleed = settled_means(std::move(bled), settle);

  Twin weaker = twin;
  const Parameter& lv = weaker.model().parameters.all()[*elastance];
  weaker.set_parameter(lv.name, lv.value * (1.0 - reference_contractility_loss));
  const auto after_weakening = settled_means(std::move(weaker), settle);

  std::vector<DeteriorationPattern> patterns{{"blood_loss", "blood loss", {}},
                                             {"failing_heart", "a failing heart", {}}};
  for (std::size_t i = 0; i < streamed_measures.size(); ++i) {
    patterns[0].change[i] = after_bleed[i] - unchanged[i];
    patterns[1].change[i] = after_weakening[i] - unchanged[i];
  }
  return patterns;
}

TrendTest::TrendTest(const std::array<double, streamed_measures.size()>& twin_resting,
                     const std::array<double, streamed_measures.size()>& observation_sd,
                     std::int64_t start, TrendOptions options)
    : options_(options),
      start_(start),
      baseline_end_(start + std::int64_t(std::llround(options.baseline_window))),
      prior_(twin_resting),
      baseline_(twin_resting),
      last_time_(start),
      last_tested_time_(baseline_end_) {
  check_trend_options(options_);
  for (std::size_t i = 0; i < streamed_measures.size(); ++i) {
    if (!(observation_sd[i] > 0.0))
      throw InputError("the trend test needs each measure's error SD > 0");
    variance_[i] = observation_sd[i] * observation_sd[i] + rounding_variance;
  }
}

bool TrendTest::needs_patterns_at(std::int64_t time) const noexcept {
  return options_.enabled && patterns_.empty() && time > baseline_end_;
}

void TrendTest::set_patterns(std::vector<DeteriorationPattern> patterns) {
  patterns_ = std::move(patterns);
  sums_.assign(patterns_.size(), 0.0);
}

std::int64_t TrendTest::block_of(std::int64_t time) const {
  return std::int64_t(std::floor(double(time - start_) / options_.block));
}

std::array<double, streamed_measures.size()> TrendTest::variability() const {
  std::array<double, streamed_measures.size()> sd{};
  for (std::size_t m = 0; m < sd.size(); ++m)
    sd[m] = std::isnan(prior_[m])
                ? std::nan("")
                : std::sqrt(std::max(0.0, variability_sum_[m] /
                                              (variability_weight_[m] + variability_prior_blocks)));
  return sd;
}

void TrendTest::close_learnt_block(std::size_t m) {
  Block& block = learnt_block_[m];
  if (block.count > 0.0 && block.informed) {
    // The block mean's squared deviation from the baseline as the block began, less the
    // device's share and the baseline's own error: unbiased for the variability, negative at
    // times. (Against a baseline that already held the block it would come out low, by half
    // for the cuff's one reading a block over the first hours.)
    const double deviation = block.sum / block.count;
    variability_sum_[m] +=
        deviation * deviation - variance_[m] / block.count - block.reference_variance;
    variability_weight_[m] += 1.0;
  }
  block = Block{};
}

void TrendTest::learn_block(const Observation& observation) {
  const std::size_t i = streamed_index(observation.measure);
  Block& block = learnt_block_[i];
  const std::int64_t index = block_of(observation.time);
  if (block.count > 0.0 && block.index != index) close_learnt_block(i);
  if (block.count == 0.0) {
    const double prior_precision = 1.0 / (baseline_prior_sd[i] * baseline_prior_sd[i]);
    block.index = index;
    block.reference = baseline_[i];
    block.reference_variance = 1.0 / (prior_precision + baseline_weight_[i] / variance_[i]);
    // The first block of a measure has only the twin's value to be compared with.
    block.informed = baseline_weight_[i] > 0.0;
  }
  // Limited as the test limits it: one artefact must not widen the test for a day.
  const double limit = largest_deviation_sds * std::sqrt(variance_[i]);
  block.sum += std::clamp(observation.value - block.reference, -limit, limit);
  block.count += 1.0;
}

void TrendTest::learn(const Observation& observation) {
  // The posterior mean of each resting value: the twin's as a normal prior
  // (baseline_prior_sd), the observations as independent normal readings, the older weighing
  // less (baseline_memory).
  if (observation.time > last_time_) {
    const double kept = std::exp(-double(observation.time - last_time_) / options_.baseline_memory);
    for (std::size_t m = 0; m < streamed_measures.size(); ++m) {
      baseline_sum_[m] *= kept;
      baseline_weight_[m] *= kept;
      variability_sum_[m] *= kept;
      variability_weight_[m] *= kept;
    }
    last_time_ = observation.time;
  }
  const std::size_t i = streamed_index(observation.measure);
  if (!std::isnan(prior_[i])) learn_block(observation);
  baseline_sum_[i] += observation.value;
  baseline_weight_[i] += 1.0;
  for (std::size_t m = 0; m < streamed_measures.size(); ++m) {
    if (std::isnan(prior_[m])) continue;
    const double prior_precision = 1.0 / (baseline_prior_sd[m] * baseline_prior_sd[m]);
    baseline_[m] = (prior_precision * prior_[m] + baseline_sum_[m] / variance_[m]) /
                   (prior_precision + baseline_weight_[m] / variance_[m]);
  }
}

std::optional<TrendFinding> TrendTest::close_tested_blocks_before(std::int64_t index) {
  if (std::none_of(tested_block_.begin(), tested_block_.end(),
                   [index](const Block& b) { return b.count > 0.0 && b.index < index; }))
    return std::nullopt;  // most readings: the block under way goes on
  const auto life = variability();
  std::vector<double> steps(patterns_.size(), 0.0);
  for (std::size_t m = 0; m < streamed_measures.size(); ++m) {
    Block& block = tested_block_[m];
    if (block.count == 0.0 || block.index >= index) continue;
    // The block mean's variance: the device's error over its readings, and the variability
    // of a block's mean beyond it.
    const double variance = variance_[m] / block.count + life[m] * life[m];
    const double deviation = block.sum / block.count;
    for (std::size_t p = 0; p < patterns_.size(); ++p) {
      const double mu = options_.shift * patterns_[p].change[m];
      if (std::isfinite(mu)) steps[p] += mu * (deviation - 0.5 * mu) / variance;
    }
    block = Block{};
  }
  std::optional<TrendFinding> finding;
  bool any_above_zero = false;
  for (std::size_t p = 0; p < patterns_.size(); ++p) {
    sums_[p] = std::max(0.0, sums_[p] + steps[p]);
    any_above_zero = any_above_zero || sums_[p] > 0.0;
    if (sums_[p] >= options_.threshold && (!finding || sums_[p] > finding->statistic))
      finding = TrendFinding{p, sums_[p]};
  }
  if (!any_above_zero) raised_ = false;  // cleared: it may be raised again
  if (!finding || raised_) return std::nullopt;
  raised_ = true;
  return finding;
}

std::optional<TrendFinding> TrendTest::end_of_stream() {
  if (!options_.enabled || patterns_.empty() || ended_) return std::nullopt;
  ended_ = true;
  return close_tested_blocks_before(std::numeric_limits<std::int64_t>::max());
}

std::optional<TrendFinding> TrendTest::observe(const Observation& observation) {
  if (!options_.enabled || ended_ || !std::isfinite(observation.value)) return std::nullopt;
  const std::size_t i = streamed_index(observation.measure);
  if (!measure_window_end_[i]) {
    measure_window_end_[i] =
        observation.time <= baseline_end_
            ? baseline_end_
            : observation.time + std::int64_t(std::llround(options_.baseline_window));
  }
  if (observation.time <= baseline_end_ || observation.time < *measure_window_end_[i] ||
      std::isnan(prior_[i])) {
    learn(observation);
    return std::nullopt;
  }
  const double lag = options_.baseline_lag;
  while (!waiting_.empty() && double(observation.time - waiting_.front().time) >= lag) {
    learn(waiting_.front());
    waiting_.pop_front();
  }
  waiting_.push_back(observation);
  if (patterns_.empty()) return std::nullopt;
  const std::int64_t index = block_of(observation.time);
  auto finding = close_tested_blocks_before(index);
  last_tested_time_ = observation.time;
  const double limit = largest_deviation_sds * std::sqrt(variance_[i]);
  Block& block = tested_block_[i];
  block.index = index;
  block.sum += std::clamp(observation.value - baseline_[i], -limit, limit);
  block.count += 1.0;
  return finding;
}

}  // namespace physiotwin::monitor
