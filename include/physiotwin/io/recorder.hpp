#pragma once
// Where a twin's outputs go. A Twin calls every attached recorder at each output sample and
// at each completed beat; recorders never see the solver's internal steps. The HDF5 file
// (src/io), the in-memory arrays below and live callbacks for engines are all recorders.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "physiotwin/actions/action.hpp"
#include "physiotwin/io/run_header.hpp"

namespace physiotwin {

class Recorder {
 public:
  virtual ~Recorder() = default;
  /// Once, before the first sample: the run, the model as it began, the signals and metrics.
  virtual void begin(const RunHeader& header) = 0;
  /// Signals in registry order at simulated time t.
  virtual void sample(double t, std::span<const double> signals) = 0;
  /// Metrics in BeatAnalyzer::metrics() order for the beat that started at beat_time.
  virtual void beat(double beat_time, std::span<const double> metrics) = 0;
  /// Metrics in BreathAnalyzer::metrics() order for the breath that started at breath_time
  /// (models with a respiratory system only).
  virtual void breath(double /*breath_time*/, std::span<const double> /*metrics*/) {}
  /// An action applied at time t (action_name() names it; actions/action_details.hpp writes
  /// its fields as JSON, for recorders that store text).
  virtual void action(double /*t*/, const Action& /*action*/) {}
};

/// Keeps everything in memory: for tests, bindings and short runs.
class MemoryRecorder final : public Recorder {
 public:
  void begin(const RunHeader&) override {}
  void sample(double t, std::span<const double> s) override {
    if (!keep_samples) return;
    times.push_back(t);
    samples.emplace_back(s.begin(), s.end());
  }
  void beat(double t, std::span<const double> m) override {
    beat_times.push_back(t);
    beats.emplace_back(m.begin(), m.end());
  }
  void breath(double t, std::span<const double> m) override {
    breath_times.push_back(t);
    breaths.emplace_back(m.begin(), m.end());
  }
  void action(double t, const Action& a) override {
    action_times.push_back(t);
    actions.push_back(a);
  }

  /// False: keep beats, breaths and actions only (long runs: samples take 1 kB each).
  bool keep_samples = true;
  std::vector<double> times;
  std::vector<std::vector<double>> samples;  ///< [sample][signal]
  std::vector<double> beat_times;
  std::vector<std::vector<double>> beats;  ///< [beat][metric]
  std::vector<double> breath_times;
  std::vector<std::vector<double>> breaths;  ///< [breath][metric]
  std::vector<double> action_times;
  std::vector<Action> actions;  ///< as applied (action_time: when)
};

}  // namespace physiotwin
