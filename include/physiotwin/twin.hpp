#pragma once
// A Twin is one patient over time: a model (equations and parameters), a solver, and the
// state now. advance(dt) is the one way time moves: an engine calls it once per frame, a
// batch run with long intervals; the result is the same either way (to round-off: 1e-9,
// tested), because outputs are read from the solver's interpolant at fixed sample times and
// the gases advance on a fixed grid (docs/solver.md).

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "physiotwin/actions/action.hpp"
#include "physiotwin/core/error.hpp"
#include "physiotwin/io/recorder.hpp"
#include "physiotwin/metrics/beat_analyzer.hpp"
#include "physiotwin/metrics/breath_analyzer.hpp"
#include "physiotwin/model/body_model.hpp"
#include "physiotwin/solver/split_integrator.hpp"

namespace physiotwin {

struct TwinOptions {
  double sample_rate = 100.0;  ///< Hz, output samples passed to recorders
  double metric_rate = 500.0;  ///< Hz, samples the beat analyzer sees (peaks, means)
  double relative_tolerance = 1e-5;
  double volume_tolerance = 1e-4;   ///< mL, absolute
  double flow_tolerance = 1e-3;     ///< mL/s, absolute
  double opening_tolerance = 1e-4;  ///< valve opening state, absolute
  double max_step = 0.02;           ///< s
  /// Solver steps allowed within one output interval (1 / sample_rate) before the twin gives
  /// up with a SolverError naming the time and step size: a run whose step size collapses
  /// fails fast instead of grinding on (a resting adult takes about 3 per interval).
  long max_steps_per_interval = 100000;
};

/// Absolute tolerance of a solver state by its kind (model/state_layout.hpp). Flows and valve
/// openings have their own; the cardiac and breath phases get 1e-9 cycles; every other state
/// (volumes, and the reflexes' states, whose magnitudes are of the same order) the volume
/// tolerance. Reasons for the defaults: docs/solver.md.
[[nodiscard]] inline double absolute_tolerance(StateKind kind, const TwinOptions& o) noexcept {
  switch (kind) {
    case StateKind::blood_flow:
      return o.flow_tolerance;
    case StateKind::valve_opening:
      return o.opening_tolerance;
    case StateKind::cycle_phase:
      return 1e-9;
    case StateKind::blood_volume:
    case StateKind::external_volume:
    case StateKind::airway_volume:
    case StateKind::chemoreflex:
    case StateKind::baroreflex:
    case StateKind::gas_amount:
      return o.volume_tolerance;
  }
  return o.volume_tolerance;
}
[[nodiscard]] inline std::vector<double> absolute_tolerances(const BodyModel& m,
                                                             const TwinOptions& o) {
  std::vector<double> atol(m.solver_state_size());
  for (std::size_t i = 0; i < atol.size(); ++i)
    atol[i] = absolute_tolerance(m.layout().kinds[i], o);
  return atol;
}

/// One patient over time: a model, its split integrator (solver and gas grid), the state now,
/// the actions still to come, and the sampling that feeds the analyzers and recorders.
///
/// A value: a copy is an independent twin in exactly the state of the original, and continues
/// bit for bit as the original would (tested). CVODE cannot hand out its internal history
/// (step sizes, order, the Nordsieck array), so a copy is made the way that history was: from
/// the twin as it was at the solver's last restart (the start, or the last action), replaying
/// the same advance() intervals. It costs the simulation of the time since that restart
/// (docs/performance.md); recorders are not copied (attach new ones to the copy).
class Twin {
 public:
  explicit Twin(BodyModel model, TwinOptions options = {}) : now_(std::move(model), options) {
    if (!(options.sample_rate > 0.0) || !(options.metric_rate > 0.0)) {
      throw InputError("sample and metric rates must be positive");
    }
    BodyModel& m = now_.model;
    now_.state.resize(m.state_size());
    m.initial_state(now_.state);
    m.settle_valves(now_.state.data());
    check_physical_domain(0.0, now_.state);
    now_.signals.resize(m.signals().size());
    now_.metric_state.resize(m.state_size());
    start_integrator();
    now_.ventricular_activation =
        m.roles.left_ventricle ? m.compartments[*m.roles.left_ventricle].activation : 0;
    m.observe(now_.state.data(), now_.signals.data());
    if (m.respiration) now_.breaths.emplace(m.signals());
    at_restart_ = now_;
  }

  Twin(const Twin& other) : now_(*other.at_restart_), at_restart_(other.at_restart_) {
    start_integrator();
    for (double target : other.targets_since_restart_) integrate_to(target);
    now_.pending = other.now_.pending;  // scheduled since the restart
  }
  Twin(Twin&&) noexcept = default;
  Twin& operator=(const Twin& other) {
    if (this != &other) *this = Twin(other);
    return *this;
  }
  Twin& operator=(Twin&&) noexcept = default;
  ~Twin() = default;

  /// Attaches a recorder (not owned), which receives every sample from now on; it begins
  /// from `header` (a Session's), or from the twin now and `description`.
  void add_recorder(Recorder& r, const RunHeader& header) {
    r.begin(header);
    recorders_.push_back(&r);
  }
  void add_recorder(Recorder& r, RunDescription description = {}) {
    add_recorder(r, RunHeader::of(now_.model, now_.options.sample_rate, std::move(description)));
  }

  /// Advances simulated time by dt seconds.
  /// Scheduled actions and the ends of bleeding and infusions split the interval; each
  /// restarts the solver at exactly its time, so results do not depend on the chunking.
  void advance(double dt) {
    if (!(dt > 0.0) || !std::isfinite(dt)) {
      throw InputError("advance: the time step must be a positive number of seconds");
    }
    const double target = now_.time + dt;
    for (;;) {
      const double next_event = std::min(next_action_time(), next_stream_end());
      if (next_event > target) break;
      integrate_to(next_event);
      apply_due_actions();
    }
    integrate_to(target);
  }

  /// Schedules an action at its time, which must not be before the twin's current time (an
  /// action due now is applied at once). Checked against the model immediately, so a bad
  /// action fails before anything is simulated.
  void schedule(Action action) {
    validate_action(action, now_.model);
    if (action.time < now_.time) {
      throw InputError(fmt::format("{}: time {:g} s is before the twin's current time {:g} s",
                                   action.origin.empty() ? action_name(action.kind) : action.origin,
                                   action.time, now_.time));
    }
    auto& pending = now_.pending;
    auto at = std::upper_bound(pending.begin(), pending.end(), action.time,
                               [](double t, const Action& a) { return t < a.time; });
    pending.insert(at, std::move(action));
    if (pending.front().time == now_.time) apply_due_actions();
  }

  /// Applies an action now.
  void apply(Action action) {
    action.time = now_.time;
    schedule(std::move(action));
  }

  /// Changes a parameter now; the solver restarts from the current state.
  void set_parameter(std::string_view name, double value) {
    Action a;  // through the action path: checked, recorded in /actions, solver restarted
    a.kind = ActionKind::set_parameter;
    a.parameter = std::string(name);
    a.value = value;
    a.origin = fmt::format("set_parameter({})", name);
    apply(std::move(a));
  }

  [[nodiscard]] double time() const noexcept { return now_.time; }
  [[nodiscard]] const BodyModel& model() const noexcept { return now_.model; }
  [[nodiscard]] const SignalRegistry& signals() const noexcept { return now_.model.signals(); }
  [[nodiscard]] const BeatAnalyzer& beats() const noexcept { return now_.beats; }
  /// Per-breath metrics; empty for a model without a respiratory system.
  [[nodiscard]] const std::optional<BreathAnalyzer>& breaths() const noexcept {
    return now_.breaths;
  }
  [[nodiscard]] const TwinOptions& options() const noexcept { return now_.options; }
  [[nodiscard]] std::span<const double> state() const noexcept { return now_.state; }
  /// Current value of every signal, in registry order.
  [[nodiscard]] std::span<const double> signal_values() const noexcept { return now_.signals; }
  [[nodiscard]] double signal(const std::string& name) const {
    return now_.signals[now_.model.signals().index_of(name)];
  }
  /// The solver's counts since it was started: for a copy, since the original's last restart.
  [[nodiscard]] CvodeIntegrator::Statistics solver_statistics() const {
    return integrator_->statistics();
  }

 private:
  /// Blood leaving or entering one compartment at a fixed rate until a time.
  struct ExternalStream {
    std::size_t compartment;
    double ml_per_s;  ///< negative for haemorrhage
    double end_time;
  };

  /// Everything a twin is except its solver (whose history cannot be copied) and recorders.
  struct Core {
    Core(BodyModel m, TwinOptions o) : model(std::move(m)), options(o), beats(model) {}
    BodyModel model;
    TwinOptions options;
    BeatAnalyzer beats;
    std::optional<BreathAnalyzer> breaths;
    std::vector<double> state, metric_state, signals;
    std::vector<Action> pending;  ///< sorted by time
    std::vector<ExternalStream> streams;
    std::vector<std::string> applied;  ///< haemorrhages and infusions so far, for error messages
    std::size_t ventricular_activation = 0;
    double time = 0.0;
    unsigned long long metric_index = 0, sample_index = 0;
  };

  /// A new split integrator from the state now (at the start, or for a copy).
  void start_integrator() {
    BodyModel& m = now_.model;
    const TwinOptions& o = now_.options;
    SolverOptions solver;
    solver.relative_tolerance = o.relative_tolerance;
    solver.absolute_tolerance = absolute_tolerances(m, o);
    solver.max_step = o.max_step;
    solver.sparse_column_starts = m.sparsity_pattern().column_starts;
    solver.sparse_row_indices = m.sparsity_pattern().row_indices;
    integrator_ = std::make_unique<SplitIntegrator>(
        m, now_.state, now_.time, solver,
        SplitIntegrator::StepLimit{1.0 / o.sample_rate, o.max_steps_per_interval});
  }

  [[nodiscard]] double next_action_time() const noexcept {
    return now_.pending.empty() ? std::numeric_limits<double>::infinity()
                                : now_.pending.front().time;
  }
  [[nodiscard]] double next_stream_end() const noexcept {
    double t = std::numeric_limits<double>::infinity();
    for (const auto& s : now_.streams) t = std::min(t, s.end_time);
    return t;
  }

  /// Integrates to exactly `target`, emitting every sample up to it. The gases follow on
  /// their own fixed grid (SplitIntegrator::advance_gases()).
  void integrate_to(double target) {
    targets_since_restart_.push_back(target);
    BodyModel& m = now_.model;
    for (;;) {
      const double horizon = std::min(integrator_->solver_time(), target);
      emit_until(horizon);  // steps the gases to each output time on the way
      // Never past `target`: the state at the target is read from the grid point before it.
      // Before the solver steps again, this has reached its time, however time is chopped.
      integrator_->advance_gases(m, horizon);
      if (integrator_->solver_time() >= target) break;
      integrator_->step(m);
    }
    now_.time = std::max(now_.time, target);
    integrator_->read_state(m, now_.time, now_.state);
    m.observe(now_.state.data(), now_.signals.data());
  }

  /// Stops the run with a SolverError if a state has left its physical domain (a negative
  /// volume or amount of gas): the numbers after it would be impossible, whatever the solver
  /// says. The message names the time, the compartment and the value, and what was changed
  /// from the model file on the way there.
  void check_physical_domain(double t, std::span<const double> y) const {
    const auto violation = now_.model.physical_domain_violation(y);
    if (!violation) return;
    std::vector<std::string> changes;
    for (const auto& c : now_.model.parameters.changes())
      changes.push_back(fmt::format("{} {:g} -> {:g} {}", c.name, c.from, c.to, c.unit));
    for (const auto& a : now_.applied) changes.push_back(a);
    throw SolverError(
        fmt::format("at t = {:.3f} s the twin left its physical domain: {}{}", t, *violation,
                    changes.empty()
                        ? std::string(" (with the model's own parameters)")
                        : fmt::format("; changed from the model: {}", fmt::join(changes, ", "))),
        t);
  }

  /// Applies every action due now and ends the streams that are over, then restarts the
  /// solver once from the current state.
  void apply_due_actions() {
    BodyModel& m = now_.model;
    bool changed = false;
    auto& streams = now_.streams;
    for (auto it = streams.begin(); it != streams.end();) {
      if (it->end_time <= now_.time) {
        it = streams.erase(it);
        changed = true;
      } else {
        ++it;
      }
    }
    while (!now_.pending.empty() && now_.pending.front().time <= now_.time) {
      const Action a = std::move(now_.pending.front());
      now_.pending.erase(now_.pending.begin());
      apply_action(a);
      for (Recorder* r : recorders_) r->action(now_.time, a);
      if (a.kind == ActionKind::hemorrhage || a.kind == ActionKind::infusion) {
        now_.applied.push_back(
            fmt::format("{} of {:g} mL from {:g} s", action_name(a.kind), a.volume, now_.time));
      }
      changed = true;
    }
    if (!changed) return;
    m.clear_external_flows();
    std::vector<double> flows(m.compartments.size(), 0.0);
    for (const auto& s : streams) flows[s.compartment] += s.ml_per_s;
    for (std::size_t c = 0; c < flows.size(); ++c) m.set_external_flow(c, flows[c]);
    m.settle_valves(now_.state.data());
    integrator_->restart(m, now_.time, now_.state);
    m.observe(now_.state.data(), now_.signals.data());
    at_restart_ = now_;
    targets_since_restart_.clear();
  }

  void apply_action(const Action& a) {
    BodyModel& m = now_.model;
    switch (a.kind) {
      case ActionKind::hemorrhage:
      case ActionKind::infusion: {
        const double sign = a.kind == ActionKind::hemorrhage ? -1.0 : 1.0;
        now_.streams.push_back({m.compartment_index(a.compartment), sign * a.rate / 60.0,
                                now_.time + a.volume / a.rate * 60.0});
        break;
      }
      case ActionKind::set_parameter:
        m.set_parameter(a.parameter, a.value);
        break;
      case ActionKind::ventilator:
        m.set_ventilator(a.ventilator);
        // A ventilator that connects starts its first inspiration now.
        if (a.ventilator.mode != resp::VentilatorMode::off) {
          double& phase = now_.state[m.breath_phase_state()];
          phase = std::floor(phase) + 1.0;
        }
        if (now_.breaths) now_.breaths->restart();
        break;
      case ActionKind::inspired_gas:
        if (!std::isnan(a.fio2)) m.set_parameter("gas.inspired_o2_fraction", a.fio2);
        if (!std::isnan(a.fico2)) m.set_parameter("gas.inspired_co2_fraction", a.fico2);
        break;
    }
  }

  /// Emits every metric and output sample whose time is at or before `horizon`.
  void emit_until(double horizon) {
    BodyModel& m = now_.model;
    Core& c = now_;
    for (;;) {
      const double t_metric = double(c.metric_index) / c.options.metric_rate;
      const double t_sample = double(c.sample_index) / c.options.sample_rate;
      const double next = std::min(t_metric, t_sample);
      if (next > horizon) return;
      integrator_->read_state(m, next, c.metric_state);
      if (t_metric == next) check_physical_domain(next, c.metric_state);
      m.observe(c.metric_state.data(), c.signals.data());
      if (t_metric == next) {
        const double position =
            c.metric_state[m.phase_state()] - m.activation_onset_fraction(c.ventricular_activation);
        if (c.beats.add_sample(next, c.signals, position)) {
          for (Recorder* r : recorders_) r->beat(c.beats.last_beat_time(), c.beats.last_beat());
        }
        if (c.breaths &&
            c.breaths->add_sample(next, c.signals, c.metric_state[m.breath_phase_state()])) {
          for (Recorder* r : recorders_)
            r->breath(c.breaths->last_breath_time(), c.breaths->last_breath());
        }
        ++c.metric_index;
      }
      if (t_sample == next) {
        for (Recorder* r : recorders_) r->sample(next, c.signals);
        ++c.sample_index;
      }
    }
  }

  Core now_;
  std::unique_ptr<SplitIntegrator> integrator_;
  std::vector<Recorder*> recorders_;
  std::optional<Core> at_restart_;  ///< the twin at the solver's last restart: a copy starts there
  std::vector<double> targets_since_restart_;  ///< integrate_to() since then: what it replays
};

}  // namespace physiotwin
