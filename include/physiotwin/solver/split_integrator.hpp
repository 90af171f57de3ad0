#pragma once
// The split integrator (docs/solver.md): CVODE (solver/cvode_integrator.hpp) integrates every
// state but the gases (blood volumes, flows, valve openings, the heart's and the breath's
// phases, the external volume, the airways and the reflexes) with the model's sparse analytic
// Jacobian and its ideal-valve events; the gases (amounts of O2 and CO2), which are not stiff,
// are stepped alongside on a fixed 2 ms grid by Heun's method (BodyModel::step_gases()). It
// owns its state: the solver's memory and the gas grid (the full state at the last grid point,
// its time and index). A run whose step size collapses fails fast with a SolverError.
//
// The model it integrates is passed to every call that evaluates it (the integrator keeps
// no reference to it between calls), so that the twin that owns both may be moved.
#include <algorithm>
#include <cassert>
#include <cmath>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "physiotwin/core/error.hpp"
#include "physiotwin/model/body_model.hpp"
#include "physiotwin/solver/cvode_integrator.hpp"

namespace physiotwin {

class SplitIntegrator {
 public:
  /// Limits beyond the solver's own: a run whose step size collapses fails fast.
  struct StepLimit {
    double output_interval = 0.01;  ///< s
    long max_steps_per_interval = 100000;
  };

  /// Starts at time t from `state` (all of `model`'s states).
  SplitIntegrator(BodyModel& model, std::span<const double> state, double t,
                  const SolverOptions& options, StepLimit limit)
      : limit_(limit), solver_size_(model.solver_state_size()), state_size_(model.state_size()) {
    const Bind bound(*this, model);
    gas_start_.assign(state.begin(), state.end());
    restart_gases(t);
    EventCallbacks events;
    if (model.event_count() > 0) {
      events = {model.event_count(), &SplitIntegrator::event_functions,
                &SplitIntegrator::event_directions, &SplitIntegrator::apply_events};
    }
    const auto& names = model.state_names();
    solver_ = std::make_unique<CvodeIntegrator>(
        &SplitIntegrator::rhs_adapter, this, state.first(solver_size_), t, options,
        std::vector<std::string>(names.begin(), names.begin() + long(solver_size_)),
        &SplitIntegrator::jacobian_adapter, events);
  }

  SplitIntegrator(const SplitIntegrator&) = delete;
  SplitIntegrator& operator=(const SplitIntegrator&) = delete;

  /// Restarts the solver and the gases from `state` at time t (after an action).
  void restart(BodyModel& model, double t, std::span<const double> state) {
    const Bind bound(*this, model);
    solver_->reinitialize(t, state.first(solver_size_));
    std::copy(state.begin(), state.end(), gas_start_.begin());
    restart_gases(t);
  }

  /// Time the solver has reached (its last step's end).
  [[nodiscard]] double solver_time() const noexcept { return solver_->time(); }

  /// One solver step. Not towards a target: CVODE derives its first step size from the value
  /// given, and the result must not depend on how the caller chops time.
  void step(BodyModel& model) {
    const Bind bound(*this, model);
    solver_->step(solver_->time() + 1.0);
    count_step();
  }

  /// Steps the gases through every grid point up to t (at most the solver's time).
  /// `solver_at_t`: the solver's states at t, if the caller has them (saves interpolating).
  void advance_gases(BodyModel& model, double t, std::span<const double> solver_at_t = {}) {
    if (solver_size_ == state_size_) return;
    const Bind bound(*this, model);
    bool moved = false;
    for (;;) {
      const double next = double(gas_index_ + 1) / gas_rate;
      if (next > t) break;
      std::swap(gas_before_, gas_start_);
      gas_start_.resize(state_size_);
      if (next == t && !solver_at_t.empty()) {
        std::copy(solver_at_t.begin(), solver_at_t.begin() + long(solver_size_),
                  gas_start_.begin());
      } else {
        read_solver_state(next, gas_start_);
      }
      model.step_gases(gas_before_.data(), gas_start_.data(), next - gas_time_, gas_flows_current_);
      gas_flows_current_ = true;
      gas_time_ = next;
      ++gas_index_;
      moved = true;
    }
    if (!moved) return;
    model.update_chemoreceptor_input(gas_start_.data());
  }

  /// The whole state at time t (within the solver's last step): the solver's states, and
  /// the gases of the grid, stepped on to t if it lies between grid points.
  void read_state(BodyModel& model, double t, std::span<double> out) {
    const Bind bound(*this, model);
    read_solver_state(t, out);
    if (solver_size_ == state_size_) return;
    advance_gases(model, t, out);
    if (t == gas_time_) {
      std::copy(gas_start_.begin() + long(solver_size_), gas_start_.end(),
                out.begin() + long(solver_size_));
    } else {
      gases_between_grid_points(model, t, out);
    }
  }

  [[nodiscard]] CvodeIntegrator::Statistics statistics() const { return solver_->statistics(); }

  /// The gases' time grid: steps of 2 ms from t = 0, so that results do not depend on the
  /// solver's steps or on how the caller chops time; computed as k / rate exactly like the
  /// metric samples' times (the default metric rate is the same), so that those fall on grid
  /// points. 2 ms is well inside Heun's stability limit for the fastest gas time constant
  /// (about 0.02 s in the upper airways at a ventilator's peak flow).
  static constexpr double gas_rate = 500.0;  ///< Hz; grid point k is at k / gas_rate

 private:
  /// Points the callbacks at `model` for the duration of one call.
  struct Bind {
    Bind(SplitIntegrator& integrator, BodyModel& model) noexcept : integrator_(integrator) {
      integrator_.model_ = &model;
    }
    ~Bind() { integrator_.model_ = nullptr; }
    Bind(const Bind&) = delete;
    Bind& operator=(const Bind&) = delete;
    SplitIntegrator& integrator_;
  };

  /// The gases restart from gas_start_ at time t (at the start and after an action); the
  /// next grid point after t comes next.
  void restart_gases(double t) {
    gas_time_ = t;
    gas_index_ = static_cast<unsigned long long>(std::floor(t * gas_rate + 1e-9));
    gas_flows_current_ = false;
    model_->update_chemoreceptor_input(gas_start_.data());
  }

  /// The gases at time t in (gas_time_, next grid point): one Heun step from the last grid
  /// point, not kept (the grid alone carries the gases forward).
  void gases_between_grid_points(BodyModel& model, double t, std::span<double> out) {
    assert(t > gas_time_);
    gas_scratch_.resize(state_size_);
    std::copy(out.begin(), out.end(), gas_scratch_.begin());  // the solver's states at t
    model.step_gases(gas_start_.data(), gas_scratch_.data(), t - gas_time_, false);
    gas_flows_current_ = false;  // the model's cached flows are now those at t
    std::copy(gas_scratch_.begin() + long(solver_size_), gas_scratch_.end(),
              out.begin() + long(solver_size_));
  }

  /// The solver's states at time t: its interpolant, or its state if it has not moved past t.
  void read_solver_state(double t, std::span<double> out) {
    if (t == solver_->time()) {
      const auto y = solver_->state();
      std::copy(y.begin(), y.end(), out.begin());
    } else {
      solver_->interpolate(t, out.first(solver_size_));
    }
  }

  /// Counts solver steps per output interval; too many means the step size has collapsed.
  void count_step() {
    const double interval = limit_.output_interval;
    if (solver_->time() >= interval_start_ + interval) {
      interval_start_ = solver_->time();
      steps_in_interval_ = 0;
      return;
    }
    if (++steps_in_interval_ <= limit_.max_steps_per_interval) return;
    throw SolverError(
        fmt::format("solver failed at t = {:.6f} s: more than {} steps within one output interval "
                    "of {:g} s (last step {:.3g} s): the step size has collapsed",
                    solver_->time(), limit_.max_steps_per_interval, interval,
                    solver_->last_step_size()),
        solver_->time());
  }

  static bool rhs_adapter(double t, const double* y, double* ydot, void* self) noexcept {
    auto* me = static_cast<SplitIntegrator*>(self);
    // The solver's own arrays: the model reads and writes the solver's states only (as in
    // the event and Jacobian adapters below).
    me->model_->solver_rhs(t, y, ydot);
    for (std::size_t i = 0; i < me->solver_size_; ++i) {
      if (!std::isfinite(ydot[i])) return false;
    }
    return true;
  }
  static void event_functions(double, const double* y, double* g, void* self) noexcept {
    static_cast<SplitIntegrator*>(self)->model_->event_functions(y, g);
  }
  static void event_directions(int* direction, void* self) noexcept {
    static_cast<SplitIntegrator*>(self)->model_->event_directions(direction);
  }
  static void apply_events(const int* fired, double* y, void* self) noexcept {
    static_cast<SplitIntegrator*>(self)->model_->apply_events(fired, y);
  }
  static bool jacobian_adapter(double, const double* y, double* jac, void* self) noexcept {
    static_cast<SplitIntegrator*>(self)->model_->sparse_jacobian(y, jac);
    return true;
  }

  StepLimit limit_;
  std::size_t solver_size_ = 0;  ///< states the solver integrates (the rest: gases)
  std::size_t state_size_ = 0;
  BodyModel* model_ = nullptr;  ///< during a call only (Bind)
  std::unique_ptr<CvodeIntegrator> solver_;
  double interval_start_ = 0.0;  ///< count_step(): start of the current output interval
  long steps_in_interval_ = 0;
  std::vector<double> gas_start_;                 ///< full state at gas_time_
  std::vector<double> gas_before_, gas_scratch_;  ///< scratch of the gas steps
  double gas_time_ = 0.0;
  unsigned long long gas_index_ = 0;  ///< gas_time_ is this grid point (or a restart after it)
  bool gas_flows_current_ = false;    ///< the model's cached gas flows are gas_time_'s
};

}  // namespace physiotwin
