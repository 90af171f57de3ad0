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
#include "physiotwin/solver/cvode_integrator.hpp"

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

class Twin {
 public:
  explicit Twin(BodyModel model, TwinOptions options = {})
      : model_(std::move(model)), options_(options), analyzer_(model_) {
    if (!(options_.sample_rate > 0.0) || !(options_.metric_rate > 0.0)) {
      throw InputError("sample and metric rates must be positive");
    }
    state_.resize(model_.state_size());
    model_.initial_state(state_);
    model_.settle_valves(state_.data());
    check_physical_domain(0.0, state_);
    signals_.resize(model_.signals().size());
    metric_state_.resize(model_.state_size());
    solver_size_ = model_.solver_state_size();
    restart_gases();
    SolverOptions solver;
    solver.relative_tolerance = options_.relative_tolerance;
    solver.absolute_tolerance = absolute_tolerances(model_, options_);
    solver.max_step = options_.max_step;
    solver.sparse_column_starts = model_.sparsity_pattern().column_starts;
    solver.sparse_row_indices = model_.sparsity_pattern().row_indices;
    EventCallbacks events;
    if (model_.event_count() > 0) {
      events = {model_.event_count(), &Twin::event_functions, &Twin::event_directions,
                &Twin::apply_events};
    }
    const auto& names = model_.state_names();
    solver_ = std::make_unique<CvodeIntegrator>(
        &Twin::rhs_adapter, this, solver_part(state_), 0.0, solver,
        std::vector<std::string>(names.begin(), names.begin() + long(solver_size_)),
        &Twin::jacobian_adapter, events);
    ventricular_activation_ = model_.roles.left_ventricle
                                  ? model_.compartments[*model_.roles.left_ventricle].activation
                                  : 0;
    model_.observe(state_.data(), signals_.data());
    if (model_.respiration) breaths_.emplace(model_.signals());
  }

  Twin(const Twin&) = delete;
  Twin& operator=(const Twin&) = delete;

  /// Attaches a recorder (not owned). It receives every sample from now on.
  void add_recorder(Recorder& r) {
    r.begin(*this);
    recorders_.push_back(&r);
  }

  /// Advances simulated time by dt seconds.
  /// Scheduled actions and the ends of bleeding and infusions split the interval; each
  /// restarts the solver at exactly its time, so results do not depend on the chunking.
  void advance(double dt) {
    if (!(dt > 0.0) || !std::isfinite(dt)) {
      throw InputError("advance: the time step must be a positive number of seconds");
    }
    const double target = time_ + dt;
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
    validate_action(action, model_);
    if (action.time < time_) {
      throw InputError(fmt::format("{}: time {:g} s is before the twin's current time {:g} s",
                                   action.origin.empty() ? action_name(action.kind) : action.origin,
                                   action.time, time_));
    }
    auto at = std::upper_bound(pending_.begin(), pending_.end(), action.time,
                               [](double t, const Action& a) { return t < a.time; });
    pending_.insert(at, std::move(action));
    if (pending_.front().time == time_) apply_due_actions();
  }

  /// Applies an action now.
  void apply(Action action) {
    action.time = time_;
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

  [[nodiscard]] double time() const noexcept { return time_; }
  [[nodiscard]] const BodyModel& model() const noexcept { return model_; }
  [[nodiscard]] const SignalRegistry& signals() const noexcept { return model_.signals(); }
  [[nodiscard]] const BeatAnalyzer& beats() const noexcept { return analyzer_; }
  /// Per-breath metrics; empty for a model without a respiratory system.
  [[nodiscard]] const std::optional<BreathAnalyzer>& breaths() const noexcept { return breaths_; }
  [[nodiscard]] const TwinOptions& options() const noexcept { return options_; }
  [[nodiscard]] std::span<const double> state() const noexcept { return state_; }
  /// Current value of every signal, in registry order.
  [[nodiscard]] std::span<const double> signal_values() const noexcept { return signals_; }
  [[nodiscard]] double signal(const std::string& name) const {
    return signals_[model_.signals().index_of(name)];
  }
  [[nodiscard]] CvodeIntegrator::Statistics solver_statistics() const {
    return solver_->statistics();
  }

 private:
  /// The solver's states followed by the gases of the last gas step: what the model's
  /// functions take.
  [[nodiscard]] std::span<double> solver_part(std::span<double> full) const noexcept {
    return full.first(solver_size_);
  }

  static bool rhs_adapter(double t, const double* y, double* ydot, void* self) noexcept {
    auto* twin = static_cast<Twin*>(self);
    // The solver's own arrays: the model reads and writes the solver's states only (as in
    // the event and Jacobian adapters below).
    twin->model_.solver_rhs(t, y, ydot);
    const std::size_t n = twin->solver_size_;
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(ydot[i])) return false;
    }
    return true;
  }

  /// Blood leaving or entering one compartment at a fixed rate until a time.
  struct ExternalStream {
    std::size_t compartment;
    double ml_per_s;  ///< negative for haemorrhage
    double end_time;
  };

  [[nodiscard]] double next_action_time() const noexcept {
    return pending_.empty() ? std::numeric_limits<double>::infinity() : pending_.front().time;
  }
  [[nodiscard]] double next_stream_end() const noexcept {
    double t = std::numeric_limits<double>::infinity();
    for (const auto& s : streams_) t = std::min(t, s.end_time);
    return t;
  }

  /// Integrates to exactly `target`, emitting every sample up to it. The gases follow on
  /// their own fixed grid (advance_gases()).
  void integrate_to(double target) {
    for (;;) {
      const double horizon = std::min(solver_->time(), target);
      emit_until(horizon);  // steps the gases to each output time on the way
      // Never past `target`: the state at the target is read from the grid point before it.
      // Before the solver steps again, this has reached its time, however time is chopped.
      advance_gases(horizon);
      if (solver_->time() >= target) break;
      // Not `target`: CVODE derives its first step size from this value, and the result
      // must not depend on how the caller chops time.
      solver_->step(solver_->time() + 1.0);
      count_step();
    }
    time_ = std::max(time_, target);
    read_state(time_, state_);
    model_.observe(state_.data(), signals_.data());
  }

  /// Stops the run with a SolverError if a state has left its physical domain (a negative
  /// volume or amount of gas): the numbers after it would be impossible, whatever the solver
  /// says. The message names the time, the compartment and the value, and what was changed
  /// from the model file on the way there.
  void check_physical_domain(double t, std::span<const double> y) const {
    const auto violation = model_.physical_domain_violation(y);
    if (!violation) return;
    std::vector<std::string> changes;
    for (const auto& c : model_.parameters.changes())
      changes.push_back(fmt::format("{} {:g} -> {:g} {}", c.name, c.from, c.to, c.unit));
    for (const auto& a : applied_) changes.push_back(a);
    throw SolverError(
        fmt::format("at t = {:.3f} s the twin left its physical domain: {}{}", t, *violation,
                    changes.empty()
                        ? std::string(" (with the model's own parameters)")
                        : fmt::format("; changed from the model: {}", fmt::join(changes, ", "))),
        t);
  }

  /// Counts solver steps per output interval; too many means the step size has collapsed.
  void count_step() {
    const double interval = 1.0 / options_.sample_rate;
    if (solver_->time() >= interval_start_ + interval) {
      interval_start_ = solver_->time();
      steps_in_interval_ = 0;
      return;
    }
    if (++steps_in_interval_ <= options_.max_steps_per_interval) return;
    throw SolverError(
        fmt::format("solver failed at t = {:.6f} s: more than {} steps within one output interval "
                    "of {:g} s (last step {:.3g} s): the step size has collapsed",
                    solver_->time(), options_.max_steps_per_interval, interval,
                    solver_->last_step_size()),
        solver_->time());
  }

  /// Applies every action due now and ends the streams that are over, then restarts the
  /// solver once from the current state.
  void apply_due_actions() {
    bool changed = false;
    for (auto it = streams_.begin(); it != streams_.end();) {
      if (it->end_time <= time_) {
        it = streams_.erase(it);
        changed = true;
      } else {
        ++it;
      }
    }
    while (!pending_.empty() && pending_.front().time <= time_) {
      const Action a = std::move(pending_.front());
      pending_.erase(pending_.begin());
      switch (a.kind) {
        case ActionKind::hemorrhage:
        case ActionKind::infusion: {
          const double sign = a.kind == ActionKind::hemorrhage ? -1.0 : 1.0;
          streams_.push_back({model_.compartment_index(a.compartment), sign * a.rate / 60.0,
                              time_ + a.volume / a.rate * 60.0});
          break;
        }
        case ActionKind::set_parameter:
          model_.set_parameter(a.parameter, a.value);
          break;
        case ActionKind::ventilator:
          model_.set_ventilator(a.ventilator);
          // A ventilator that connects starts its first inspiration now.
          if (a.ventilator.mode != resp::VentilatorMode::off) {
            double& phase = state_[model_.breath_phase_state()];
            phase = std::floor(phase) + 1.0;
          }
          if (breaths_) breaths_->restart();
          break;
        case ActionKind::inspired_gas:
          if (!std::isnan(a.fio2)) model_.set_parameter("gas.inspired_o2_fraction", a.fio2);
          if (!std::isnan(a.fico2)) model_.set_parameter("gas.inspired_co2_fraction", a.fico2);
          break;
      }
      for (Recorder* r : recorders_) r->action(time_, action_name(a.kind), action_details(a));
      if (a.kind == ActionKind::hemorrhage || a.kind == ActionKind::infusion) {
        applied_.push_back(
            fmt::format("{} of {:g} mL from {:g} s", action_name(a.kind), a.volume, time_));
      }
      changed = true;
    }
    if (!changed) return;
    model_.clear_external_flows();
    std::vector<double> flows(model_.compartments.size(), 0.0);
    for (const auto& s : streams_) flows[s.compartment] += s.ml_per_s;
    for (std::size_t c = 0; c < flows.size(); ++c) model_.set_external_flow(c, flows[c]);
    model_.settle_valves(state_.data());
    solver_->reinitialize(time_, solver_part(state_));
    restart_gases();
    model_.observe(state_.data(), signals_.data());
  }

  // ---- the gases, stepped alongside the solver (BodyModel::step_gases()) ----
  /// The gases' time grid: steps of 2 ms from t = 0, so that results do not depend on the
  /// solver's steps or on how the caller chops time; computed as k / rate exactly like the
  /// metric samples' times (the default metric rate is the same), so that those fall on grid
  /// points. 2 ms is well inside Heun's stability limit for the fastest gas time constant
  /// (about 0.02 s in the upper airways at a ventilator's peak flow).
  static constexpr double gas_rate = 500.0;  ///< Hz; grid point k is at k / gas_rate

  /// The gases restart from state_ at time_ (at the start and after an action); the next
  /// grid point after time_ comes next.
  void restart_gases() {
    gas_start_ = state_;
    gas_time_ = time_;
    gas_index_ = static_cast<unsigned long long>(std::floor(time_ * gas_rate + 1e-9));
    gas_flows_current_ = false;
    model_.update_chemoreceptor_input(state_.data());
  }

  /// Steps the gases through every grid point up to t (at most the solver's time).
  /// `solver_at_t`: the solver's states at t, if the caller has them (saves interpolating).
  void advance_gases(double t, std::span<const double> solver_at_t = {}) {
    if (solver_size_ == state_.size()) return;
    bool moved = false;
    for (;;) {
      const double next = double(gas_index_ + 1) / gas_rate;
      if (next > t) break;
      std::swap(gas_before_, gas_start_);
      gas_start_.resize(state_.size());
      if (next == t && !solver_at_t.empty()) {
        std::copy(solver_at_t.begin(), solver_at_t.begin() + long(solver_size_),
                  gas_start_.begin());
      } else {
        read_solver_state(next, gas_start_);
      }
      model_.step_gases(gas_before_.data(), gas_start_.data(), next - gas_time_,
                        gas_flows_current_);
      gas_flows_current_ = true;
      gas_time_ = next;
      ++gas_index_;
      moved = true;
    }
    if (!moved) return;
    model_.update_chemoreceptor_input(gas_start_.data());
  }

  /// The gases at time t in (gas_time_, next grid point): one Heun step from the last grid
  /// point, not kept (the grid alone carries the gases forward).
  void gases_between_grid_points(double t, std::span<double> out) {
    assert(t > gas_time_);
    gas_scratch_.resize(state_.size());
    std::copy(out.begin(), out.end(), gas_scratch_.begin());  // the solver's states at t
    model_.step_gases(gas_start_.data(), gas_scratch_.data(), t - gas_time_, false);
    gas_flows_current_ = false;  // the model's cached flows are now those at t
    std::copy(gas_scratch_.begin() + long(solver_size_), gas_scratch_.end(),
              out.begin() + long(solver_size_));
  }

  static void event_functions(double, const double* y, double* g, void* self) noexcept {
    static_cast<Twin*>(self)->model_.event_functions(y, g);
  }
  static void event_directions(int* direction, void* self) noexcept {
    static_cast<Twin*>(self)->model_.event_directions(direction);
  }
  static void apply_events(const int* fired, double* y, void* self) noexcept {
    static_cast<Twin*>(self)->model_.apply_events(fired, y);
  }

  static bool jacobian_adapter(double, const double* y, double* jac, void* self) noexcept {
    static_cast<Twin*>(self)->model_.sparse_jacobian(y, jac);
    return true;
  }

  /// The solver's states at time t: its interpolant, or its state if it has not moved past t.
  void read_solver_state(double t, std::span<double> out) {
    if (t == solver_->time()) {
      const auto y = solver_->state();
      std::copy(y.begin(), y.end(), out.begin());
    } else {
      solver_->interpolate(t, solver_part(out));
    }
  }

  /// The whole state at time t (within the solver's last step): the solver's states, and
  /// the gases of the grid, stepped on to t if it lies between grid points.
  void read_state(double t, std::span<double> out) {
    read_solver_state(t, out);
    if (solver_size_ == state_.size()) return;
    advance_gases(t, out);
    if (t == gas_time_) {
      std::copy(gas_start_.begin() + long(solver_size_), gas_start_.end(),
                out.begin() + long(solver_size_));
    } else {
      gases_between_grid_points(t, out);
    }
  }

  /// Emits every metric and output sample whose time is at or before `horizon`.
  void emit_until(double horizon) {
    for (;;) {
      const double t_metric = double(metric_index_) / options_.metric_rate;
      const double t_sample = double(sample_index_) / options_.sample_rate;
      const double next = std::min(t_metric, t_sample);
      if (next > horizon) return;
      read_state(next, metric_state_);
      if (t_metric == next) check_physical_domain(next, metric_state_);
      model_.observe(metric_state_.data(), signals_.data());
      if (t_metric == next) {
        const double position = metric_state_[model_.phase_state()] -
                                model_.activation_onset_fraction(ventricular_activation_);
        if (analyzer_.add_sample(next, signals_, position)) {
          for (Recorder* r : recorders_) r->beat(analyzer_.last_beat_time(), analyzer_.last_beat());
        }
        if (breaths_ &&
            breaths_->add_sample(next, signals_, metric_state_[model_.breath_phase_state()])) {
          for (Recorder* r : recorders_)
            r->breath(breaths_->last_breath_time(), breaths_->last_breath());
        }
        ++metric_index_;
      }
      if (t_sample == next) {
        for (Recorder* r : recorders_) r->sample(next, signals_);
        ++sample_index_;
      }
    }
  }

  BodyModel model_;
  TwinOptions options_;
  BeatAnalyzer analyzer_;
  std::optional<BreathAnalyzer> breaths_;
  std::unique_ptr<CvodeIntegrator> solver_;
  double interval_start_ = 0.0;  ///< count_step(): start of the current output interval
  long steps_in_interval_ = 0;
  std::vector<double> state_, metric_state_, signals_;
  std::size_t solver_size_ = 0;    ///< states the solver integrates (the rest: gases)
  std::vector<double> gas_start_;  ///< full state at gas_time_
  std::vector<double> gas_before_, gas_scratch_;  ///< scratch of the gas steps
  double gas_time_ = 0.0;
  unsigned long long gas_index_ = 0;  ///< gas_time_ is this grid point (or a restart after it)
  bool gas_flows_current_ = false;    ///< the model's cached gas flows are gas_time_'s
  std::vector<Recorder*> recorders_;
  std::vector<Action> pending_;  ///< sorted by time
  std::vector<ExternalStream> streams_;
  std::vector<std::string> applied_;  ///< haemorrhages and infusions so far, for error messages
  std::size_t ventricular_activation_ = 0;
  double time_ = 0.0;
  unsigned long long metric_index_ = 0, sample_index_ = 0;
};

}  // namespace physiotwin
