#pragma once
// Per-breath metrics, from the same samples as the beat metrics. A breath runs from one
// start of inspiration (the breath phase crossing an integer) to the next.
#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "physiotwin/metrics/beat_analyzer.hpp"

namespace physiotwin {

class BreathAnalyzer {
 public:
  /// Needs the signal "airway.flow"; the model must have a respiration block.
  explicit BreathAnalyzer(const SignalRegistry& signals)
      : flow_(signals.index_of("airway.flow")),
        metrics_{{"respiratory_rate", "1/min", "breaths per minute"},
                 {"tidal_volume", "mL", "volume inspired at the airway opening in the breath"},
                 {"minute_ventilation", "L/min", "tidal volume times respiratory rate"}},
        values_(metrics_.size(), 0.0) {}

  [[nodiscard]] const std::vector<MetricInfo>& metrics() const noexcept { return metrics_; }
  [[nodiscard]] std::span<const double> last_breath() const noexcept { return values_; }
  [[nodiscard]] double last_breath_time() const noexcept { return last_start_; }

  /// Forgets the breath in progress (when the breathing pattern is switched mid-breath, e.g.
  /// a ventilator connecting): the next start of inspiration begins the next breath.
  void restart() noexcept {
    in_breath_ = false;
    has_previous_ = false;
  }

  /// Feeds one sample; true when it closed a breath.
  bool add_sample(double t, std::span<const double> s, double breath_position) {
    bool closed = false;
    const double q = s[flow_];
    if (has_previous_) {
      if (in_breath_)
        inspired_ +=
            0.5 * (std::max(previous_flow_, 0.0) + std::max(q, 0.0)) * (t - previous_time_);
      if (std::floor(breath_position) > std::floor(previous_position_)) {
        const double crossing =
            previous_time_ + (std::ceil(previous_position_) - previous_position_) /
                                 (breath_position - previous_position_) * (t - previous_time_);
        if (in_breath_) {
          const double rate = 60.0 / (crossing - start_);
          values_ = {rate, inspired_, inspired_ * rate / 1000.0};
          last_start_ = start_;
          closed = true;
        }
        in_breath_ = true;
        start_ = crossing;
        inspired_ = 0.0;
      }
    }
    previous_time_ = t;
    previous_position_ = breath_position;
    previous_flow_ = q;
    has_previous_ = true;
    return closed;
  }

 private:
  std::size_t flow_;
  std::vector<MetricInfo> metrics_;
  std::vector<double> values_;
  double previous_time_ = 0.0, previous_position_ = 0.0, previous_flow_ = 0.0;
  double start_ = 0.0, last_start_ = 0.0, inspired_ = 0.0;
  bool has_previous_ = false, in_breath_ = false;
};

}  // namespace physiotwin
