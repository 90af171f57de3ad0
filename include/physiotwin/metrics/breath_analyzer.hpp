#pragma once
// Per-breath metrics, from the same samples as the beat metrics. A breath runs from one
// start of inspiration (the breath phase crossing an integer) to the next. With gas exchange,
// also the end-tidal CO2 (the capnogram's peak: at the end of expiration in a normal
// capnogram) and the blood gases averaged over the breath, as a monitor shows them.
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
                 {"minute_ventilation", "L/min", "tidal volume times respiratory rate"}} {
    struct GasMetric {
      const char *metric, *signal, *description;
      bool peak;
    };
    static constexpr GasMetric gas_metrics[] = {
        {"end_tidal_co2", "etco2", "end-tidal CO2: peak CO2 partial pressure at the airway opening",
         true},
        {"arterial_po2", "arterial.po2", "arterial O2 partial pressure, breath mean", false},
        {"arterial_pco2", "arterial.pco2", "arterial CO2 partial pressure, breath mean", false},
        {"arterial_so2", "arterial.so2", "arterial O2 saturation, breath mean", false},
        {"mixed_venous_so2", "venous.so2", "mixed venous O2 saturation, breath mean", false},
        {"spo2", "spo2", "O2 saturation at the pulse oximeter site, breath mean", false},
        {"o2_uptake", "lungs.o2_uptake", "O2 taken up in the lungs, breath mean", false},
        {"co2_output", "lungs.co2_output", "CO2 given off in the lungs, breath mean", false},
    };
    for (const auto& g : gas_metrics) {
      const auto found = signals.find(g.signal);
      if (!found) continue;
      const std::size_t signal = *found;
      gases_.push_back({signal, g.peak});
      metrics_.push_back({g.metric, signals.at(signal).unit, g.description});
    }
    values_.assign(metrics_.size(), 0.0);
  }

  [[nodiscard]] const std::vector<MetricInfo>& metrics() const noexcept { return metrics_; }
  [[nodiscard]] std::span<const double> last_breath() const noexcept { return values_; }
  [[nodiscard]] double last_breath_time() const noexcept { return last_start_; }
  /// Breaths completed so far (0: last_breath() holds no breath yet).
  [[nodiscard]] unsigned long long completed() const noexcept { return completed_; }

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
      if (in_breath_) {
        inspired_ +=
            0.5 * (std::max(previous_flow_, 0.0) + std::max(q, 0.0)) * (t - previous_time_);
        for (auto& g : gases_) {
          g.integral += 0.5 * (g.previous + s[g.signal]) * (t - previous_time_);
          g.peak = std::max(g.peak, s[g.signal]);
        }
      }
      if (std::floor(breath_position) > std::floor(previous_position_)) {
        const double crossing =
            previous_time_ + (std::ceil(previous_position_) - previous_position_) /
                                 (breath_position - previous_position_) * (t - previous_time_);
        if (in_breath_) {
          const double rate = 60.0 / (crossing - start_);
          values_[0] = rate;
          values_[1] = inspired_;
          values_[2] = inspired_ * rate / 1000.0;
          for (std::size_t i = 0; i < gases_.size(); ++i) {
            const GasTrack& g = gases_[i];
            values_[3 + i] = g.use_peak ? g.peak : g.integral / (t - integration_start_);
          }
          last_start_ = start_;
          ++completed_;
          closed = true;
        }
        in_breath_ = true;
        start_ = crossing;
        integration_start_ = t;
        inspired_ = 0.0;
        for (auto& g : gases_) {
          g.integral = 0.0;
          g.peak = s[g.signal];
        }
      }
    }
    previous_time_ = t;
    previous_position_ = breath_position;
    previous_flow_ = q;
    for (auto& g : gases_) g.previous = s[g.signal];
    has_previous_ = true;
    return closed;
  }

  /// Everything a breath in progress has gathered, and the last breath's metrics: what a
  /// snapshot carries (docs/snapshots.md), as BeatAnalyzer::visit_progress.
  template <typename Self, typename Visit>
  static void visit_progress(Self& self, Visit&& visit) {
    for (auto& g : self.gases_) {  // the running values only, not the signal indices
      visit(g.integral);
      visit(g.peak);
      visit(g.previous);
    }
    visit(self.integration_start_);
    visit(self.values_);
    visit(self.previous_time_);
    visit(self.previous_position_);
    visit(self.previous_flow_);
    visit(self.start_);
    visit(self.last_start_);
    visit(self.inspired_);
    visit(self.completed_);
    visit(self.has_previous_);
    visit(self.in_breath_);
  }

 private:
  struct GasTrack {
    std::size_t signal;
    bool use_peak;  ///< the breath's peak, else its mean
    double integral = 0.0, peak = 0.0, previous = 0.0;
  };
  std::size_t flow_;
  std::vector<GasTrack> gases_;
  double integration_start_ = 0.0;  ///< sample time the gas integrals start from
  std::vector<MetricInfo> metrics_;
  std::vector<double> values_;
  double previous_time_ = 0.0, previous_position_ = 0.0, previous_flow_ = 0.0;
  double start_ = 0.0, last_start_ = 0.0, inspired_ = 0.0;
  unsigned long long completed_ = 0;
  bool has_previous_ = false, in_breath_ = false;
};

}  // namespace physiotwin
