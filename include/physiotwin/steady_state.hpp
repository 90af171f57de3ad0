#pragma once
// The settled (resting) state of a model: where a twin left alone stays. The heart and the
// lungs each run their own cycle, so the motion at rest is quasi-periodic rather than
// periodic (a breath holds 4.6 beats as often as a whole number); "settled" is judged on
// means over whole breaths: the beat metrics, the breath metrics and the monitored gases of
// successive windows of whole breaths differ by less than documented tolerances
// (docs/solver.md, "The settled state").
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "physiotwin/core/cancellation.hpp"
#include "physiotwin/twin.hpp"

namespace physiotwin {

/// The resting values a calibration compares with a patient's measurements: means over a
/// window of whole breaths (NaN for what the model lacks).
struct RestingValues {
  double systolic = std::nan(""), diastolic = std::nan(""), mean_pressure = std::nan("");
  double ejection_fraction = std::nan("");  ///< %
  double cardiac_output = std::nan("");     ///< L/min
  double heart_rate = std::nan(""), respiratory_rate = std::nan("");
  double spo2 = std::nan(""), arterial_po2 = std::nan(""), arterial_pco2 = std::nan("");
  double alveolar_po2 = std::nan(""), o2_consumption = std::nan("");
  double sensor_pressure = std::nan("");  ///< mean pressure at the baroreflex's sensor
};

struct SteadyStateOptions {
  /// Averaging window, s, rounded up to whole breaths of the model's breathing rate.
  double window = 10.0;
  double min_time = 0.0;    ///< s simulated before the first comparison counts
  double max_time = 600.0;  ///< s simulated at most
  /// Settled when successive windows differ by less than these: pressures (mmHg), rates
  /// (1/min), SpO2 (%), ejection fraction (%). Reasons: docs/solver.md.
  double pressure_change = 0.1;
  double rate_change = 0.05;
  double saturation_change = 0.05;
  double ejection_fraction_change = 0.1;
  /// Signals whose samples over the last window the result keeps (SteadyState::kept).
  std::vector<std::string> keep;
  double sample_rate = 50.0;  ///< Hz, of the means and of the kept samples
  /// Checked after every window: set, the settling stops with Cancelled.
  CancellationFlag cancel = nullptr;
};

/// A model run to rest.
struct SteadyState {
  std::vector<double> state;  ///< the complete state at the end (a model's start_state)
  RestingValues values;       ///< means over the last window
  double simulated = 0.0;     ///< s simulated
  bool converged = false;     ///< false: max_time reached first
  /// Samples over the last window of each SteadyStateOptions::keep signal, in that order.
  std::vector<std::vector<double>> kept;
};

namespace detail {

/// Mean over a span of recorded rows of one column; NaN when there is nothing to average.
inline double column_mean(const std::vector<std::vector<double>>& rows, std::size_t column,
                          std::size_t first) {
  double sum = 0.0;
  std::size_t n = 0;
  for (std::size_t i = first; i < rows.size(); ++i) {
    if (column >= rows[i].size()) return std::nan("");
    sum += rows[i][column];
    ++n;
  }
  return n > 0 ? sum / double(n) : std::nan("");
}

/// Runs a twin for one window and returns the means over it. Recorders keep the beats,
/// breaths and samples of that window only.
class WindowMeans final : public Recorder {
 public:
  WindowMeans(const Twin& twin, const std::vector<std::string>& keep) {
    for (const std::string& name : keep) kept_signals_.push_back(twin.signals().index_of(name));
    kept_.assign(keep.size(), {});
    const auto& beats = twin.beats();
    systolic_ = beats.find("systolic_pressure");
    diastolic_ = beats.find("diastolic_pressure");
    mean_ = beats.find("mean_arterial_pressure");
    ejection_ = beats.find("lv_ejection_fraction");
    output_ = beats.find("cardiac_output");
    rate_ = beats.find("heart_rate");
    const auto& signals = twin.signals();
    for (const char* name :
         {"spo2", "arterial.po2", "arterial.pco2", "alveolar.po2", "tissues.o2_consumption"}) {
      sampled_.push_back(signals.find(name).value_or(std::numeric_limits<std::size_t>::max()));
    }
    const BodyModel& m = twin.model();
    sensor_ = m.baroreflex ? signals.find(m.compartments[m.baroreflex->sensor].name + ".pressure")
                                 .value_or(std::numeric_limits<std::size_t>::max())
                           : std::numeric_limits<std::size_t>::max();
  }

  void begin(const RunHeader&) override {}
  void sample(double, std::span<const double> s) override {
    for (std::size_t i = 0; i < sampled_.size(); ++i) {
      if (sampled_[i] < s.size()) sums_[i] += s[sampled_[i]];
    }
    if (sensor_ < s.size()) sensor_sum_ += s[sensor_];
    for (std::size_t k = 0; k < kept_signals_.size(); ++k) kept_[k].push_back(s[kept_signals_[k]]);
    ++samples_;
  }
  void beat(double, std::span<const double> m) override { beats_.emplace_back(m.begin(), m.end()); }
  void breath(double, std::span<const double> m) override { breaths_.push_back(m[0]); }

  /// Starts a new window.
  void clear() {
    beats_.clear();
    breaths_.clear();
    sums_.fill(0.0);
    sensor_sum_ = 0.0;
    samples_ = 0;
    for (auto& k : kept_) k.clear();
  }
  [[nodiscard]] const std::vector<std::vector<double>>& kept() const noexcept { return kept_; }

  [[nodiscard]] RestingValues values() const {
    RestingValues v;
    v.systolic = column_mean(beats_, systolic_, 0);
    v.diastolic = column_mean(beats_, diastolic_, 0);
    v.mean_pressure = column_mean(beats_, mean_, 0);
    v.ejection_fraction = 100.0 * column_mean(beats_, ejection_, 0);
    v.cardiac_output = column_mean(beats_, output_, 0);
    v.heart_rate = column_mean(beats_, rate_, 0);
    if (!breaths_.empty()) {
      double sum = 0.0;
      for (double r : breaths_) sum += r;
      v.respiratory_rate = sum / double(breaths_.size());
    }
    auto sampled = [&](std::size_t i) {
      return sampled_[i] != std::numeric_limits<std::size_t>::max() && samples_ > 0
                 ? sums_[i] / double(samples_)
                 : std::nan("");
    };
    v.spo2 = sampled(0);
    v.arterial_po2 = sampled(1);
    v.arterial_pco2 = sampled(2);
    v.alveolar_po2 = sampled(3);
    v.o2_consumption = sampled(4);
    if (sensor_ != std::numeric_limits<std::size_t>::max() && samples_ > 0)
      v.sensor_pressure = sensor_sum_ / double(samples_);
    return v;
  }

 private:
  std::vector<std::size_t> kept_signals_;
  std::vector<std::vector<double>> kept_;
  std::size_t systolic_, diastolic_, mean_, ejection_, output_, rate_, sensor_;
  std::vector<std::size_t> sampled_;
  std::array<double, 5> sums_{};
  double sensor_sum_ = 0.0;
  std::size_t samples_ = 0;
  std::vector<std::vector<double>> beats_;
  std::vector<double> breaths_;
};

/// Whether two windows' means agree within the options' tolerances (NaN on both sides
/// agrees: the model lacks that value).
inline bool windows_agree(const RestingValues& a, const RestingValues& b,
                          const SteadyStateOptions& o) {
  auto close = [](double x, double y, double tolerance) {
    if (std::isnan(x) && std::isnan(y)) return true;
    return std::abs(x - y) <= tolerance;
  };
  return close(a.systolic, b.systolic, o.pressure_change) &&
         close(a.diastolic, b.diastolic, o.pressure_change) &&
         close(a.mean_pressure, b.mean_pressure, o.pressure_change) &&
         close(a.heart_rate, b.heart_rate, o.rate_change) &&
         close(a.respiratory_rate, b.respiratory_rate, o.rate_change) &&
         close(a.spo2, b.spo2, o.saturation_change) &&
         close(a.ejection_fraction, b.ejection_fraction, o.ejection_fraction_change);
}

}  // namespace detail

/// Runs `model` from its initial state (its start_state, if it has one) in windows of whole
/// breaths until two successive windows agree within the options' tolerances, or until
/// options.max_time. The result's state can be a model's start_state: a twin started there
/// stays at rest.
[[nodiscard]] inline SteadyState settle_to_steady_state(const BodyModel& model,
                                                        const SteadyStateOptions& options = {}) {
  TwinOptions twin_options;
  twin_options.sample_rate = options.sample_rate;  // the beat metrics use the metric rate
  Twin twin(BodyModel(model), twin_options);
  detail::WindowMeans means(twin, options.keep);
  twin.add_recorder(means);
  // Whole breaths at the breathing rate now (the chemoreflexes move it as the twin settles).
  auto next_window = [&] {
    const double breath = model.respiration ? 60.0 / twin.model().breathing_rate() : 0.0;
    return breath > 0.0 ? std::ceil(options.window / breath - 1e-9) * breath : options.window;
  };
  SteadyState out;
  RestingValues previous;
  bool have_previous = false;
  // At least one window, whatever max_time says: the result always has values and samples.
  for (double window = next_window();
       !have_previous || twin.time() + window <= options.max_time + 1e-9; window = next_window()) {
    check_cancelled(options.cancel);
    means.clear();
    twin.advance(window);
    out.values = means.values();
    if (have_previous && twin.time() >= options.min_time &&
        detail::windows_agree(previous, out.values, options)) {
      out.converged = true;
      break;
    }
    previous = out.values;
    have_previous = true;
  }
  out.state.assign(twin.state().begin(), twin.state().end());
  out.simulated = twin.time();
  out.kept = means.kept();
  return out;
}

}  // namespace physiotwin
