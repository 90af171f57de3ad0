#pragma once
// A patient whose truth is known: a twin measured as a wearable and a home cuff would, with
// their errors (docs/monitoring.md, "Validation"). The monitor's validations run one as the
// ground truth, and it writes example streams for the tool's documentation.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <vector>

#include "physiotwin/monitor/monitor.hpp"

namespace physiotwin::monitor {

struct MeasurementSchedule {
  /// s between observations of each streamed measure (0: never), streamed_measures order:
  /// heart rate and SpO2 from a wearable each minute, breathing rate every 5 minutes, a cuff
  /// every 30 minutes.
  std::array<double, streamed_measures.size()> every{60.0, 60.0, 300.0, 1800.0, 1800.0};
  /// Error SD added to each measure (the monitor's defaults).
  std::array<double, streamed_measures.size()> error_sd = MonitorOptions{}.observation_sd;
  /// s over which a measure's error persists (0: each reading's error is independent). A
  /// wrist's optical heart rate is wrong for minutes at a time while the wrist moves
  /// (docs/research/daily-life-in-streams.md): its error is then a first-order autoregressive
  /// process, correlation exp(-dt / this) between readings dt apart, with the same SD.
  std::array<double, streamed_measures.size()> error_correlation_time{};
  std::uint64_t seed = 42;
};

/// A device's errors over a stream: rounding to whole units, the range a device shows, and a
/// normal error per reading, persistent where the schedule says so. One normal draw per
/// reading, in the readings' order, whatever the persistence.
class DeviceErrors {
 public:
  DeviceErrors(const MeasurementSchedule& schedule, std::uint64_t seed)
      : schedule_(schedule), noise_(seed) {}

  /// An exact observation (in time order) as the device reports it.
  [[nodiscard]] double shown(const Observation& exact) {
    const std::size_t i = streamed_index(exact.measure);
    const double sd = schedule_.error_sd[i];
    const double innovation = sd * normal_(noise_);
    const double tau = schedule_.error_correlation_time[i];
    if (tau > 0.0 && last_time_[i]) {
      const double rho =
          std::exp(-double(std::max<std::int64_t>(0, exact.time - *last_time_[i])) / tau);
      error_[i] = rho * error_[i] + std::sqrt(1.0 - rho * rho) * innovation;
    } else {
      error_[i] = innovation;
    }
    last_time_[i] = exact.time;
    const MeasureSpec& spec = spec_of(exact.measure);
    return std::clamp(std::round(exact.value + error_[i]), spec.min, spec.max);
  }

 private:
  MeasurementSchedule schedule_;
  std::mt19937_64 noise_;
  std::normal_distribution<double> normal_{0.0, 1.0};
  std::array<double, streamed_measures.size()> error_{};
  std::array<std::optional<std::int64_t>, streamed_measures.size()> last_time_{};
};

class SyntheticStream {
 public:
  /// Measures `truth` (a copy) from now, its time now being `start` in the stream's clock;
  /// each measure is its mean over the minute before (RecentMetrics), plus a normal error,
  /// rounded to whole units and held within what a device shows (SpO2 at most 100 %).
  SyntheticStream(const Twin& truth, std::int64_t start, MeasurementSchedule schedule = {})
      : truth_(truth),
        recent_(std::make_unique<RecentMetrics>(60.0)),
        start_(start),
        schedule_(schedule),
        errors_(schedule, schedule.seed) {
    truth_.add_recorder(*recent_);
  }

  /// The truth twin: apply actions to it (a bleed, a failing heart).
  [[nodiscard]] Twin& truth() noexcept { return truth_; }
  /// The truth's cardiac output over the last minute (what the monitor derives), L/min.
  [[nodiscard]] double cardiac_output() const {
    return recent_->mean(std::string_view("cardiac_output"), truth_.time());
  }

  /// Advances the truth by `seconds` and returns the observations due on the way, in time
  /// order (those at the same time in streamed_measures order).
  std::vector<Observation> advance(double seconds) {
    std::vector<Observation> out = advance_exactly(seconds);
    for (Observation& o : out) o.value = errors_.shown(o);
    return out;
  }

  /// The same without the devices' errors and rounding: the truth's means themselves (for
  /// validations that measure one truth with many draws of the errors).
  std::vector<Observation> advance_exactly(double seconds) {
    std::vector<Observation> out;
    const double end = elapsed_ + seconds;
    while (true) {
      double next = end + 1.0;
      for (std::size_t i = 0; i < next_.size(); ++i)
        if (schedule_.every[i] > 0.0) next = std::min(next, due(i));
      if (next > end) break;
      truth_.advance(next - elapsed_);
      elapsed_ = next;
      for (std::size_t i = 0; i < next_.size(); ++i) {
        if (schedule_.every[i] <= 0.0 || due(i) != next) continue;
        const double mean = recent_->mean(streamed_measures[i], truth_.time());
        ++next_[i];
        if (std::isnan(mean)) continue;
        out.push_back({start_ + std::int64_t(std::llround(next)), streamed_measures[i], mean, 0});
      }
    }
    if (end > elapsed_) truth_.advance(end - elapsed_);
    elapsed_ = end;
    return out;
  }

 private:
  [[nodiscard]] double due(std::size_t i) const {
    return schedule_.every[i] * double(next_[i] + 1);
  }
  Twin truth_;
  std::unique_ptr<RecentMetrics> recent_;
  std::int64_t start_;
  MeasurementSchedule schedule_;
  DeviceErrors errors_;
  double elapsed_ = 0.0;
  std::array<std::uint64_t, streamed_measures.size()> next_{};
};

/// Exact readings (SyntheticStream::advance_exactly()) as the devices report them, with one
/// draw of their errors (`seed`): for validations that read one truth many times.
inline std::vector<Observation> with_device_errors(std::vector<Observation> readings,
                                                   const MeasurementSchedule& schedule,
                                                   std::uint64_t seed) {
  DeviceErrors errors(schedule, seed);
  for (Observation& o : readings) o.value = errors.shown(o);
  return readings;
}

}  // namespace physiotwin::monitor
