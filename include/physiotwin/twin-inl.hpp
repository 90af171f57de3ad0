// The members of Twin (twin.hpp) that build, advance and sample a twin. fmt-style: compiled once
// into physiotwin::physiotwin (src/core/twin.cpp), so that a program stepping a twin does not
// compile the engine; with PHYSIOTWIN_HEADER_ONLY defined (target physiotwin::core) twin.hpp
// includes this file and they are inline. Not to be included directly.
#ifndef PHYSIOTWIN_TWIN_INL_HPP
#define PHYSIOTWIN_TWIN_INL_HPP

#include "physiotwin/core/thread_clock.hpp"
#include "physiotwin/twin.hpp"

namespace physiotwin {

class Twin::BudgetMeter {
 public:
  explicit BudgetMeter(const AdvanceBudget& budget)
      : budget_(budget), cpu_start_(budget.max_cpu_seconds > 0.0 ? thread_cpu_seconds() : 0.0) {}
  void count_step() noexcept { ++steps_; }
  /// Spent: only after one step at least, so that every budgeted call moves time on.
  [[nodiscard]] bool spent() const noexcept {
    if (steps_ == 0) return false;
    if (budget_.max_solver_steps > 0 && steps_ >= budget_.max_solver_steps) return true;
    return budget_.max_cpu_seconds > 0.0 &&
           thread_cpu_seconds() - cpu_start_ >= budget_.max_cpu_seconds;
  }

 private:
  const AdvanceBudget& budget_;
  double cpu_start_;
  std::uint64_t steps_ = 0;
};

PHYSIOTWIN_TWIN_INLINE Twin::Twin(BodyModel model, TwinOptions options)
    : now_(std::move(model), options) {
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

PHYSIOTWIN_TWIN_INLINE Twin::Twin(const Twin& other)
    : Twin(*other.at_restart_, other.replay_since_restart_, other.now_.pending) {}

PHYSIOTWIN_TWIN_INLINE Twin::Twin(Core at_restart, const std::vector<ReplayEntry>& replay,
                                  std::vector<Action> pending)
    : now_(at_restart), at_restart_(std::move(at_restart)) {
  start_integrator();
  for (const ReplayEntry& e : replay) {
    if (e.count == 0) integrate_to(e.value);
    for (std::uint64_t i = 0; i < e.count; ++i) integrate_to(now_.time + e.value);
  }
  replay_since_restart_ = replay;
  now_.pending = std::move(pending);  // including those scheduled since the restart
}

PHYSIOTWIN_TWIN_INLINE void Twin::add_recorder(Recorder& r, RunDescription description) {
  add_recorder(r, RunHeader::of(now_.model, now_.options.sample_rate, std::move(description)));
}

PHYSIOTWIN_TWIN_INLINE bool Twin::advance(double dt, const AdvanceBudget& budget) {
  if (!(dt > 0.0) || !std::isfinite(dt)) {
    throw InputError("advance: the time step must be a positive number of seconds");
  }
  BudgetMeter meter(budget);
  BudgetMeter* metered = budget.limited() ? &meter : nullptr;
  const double target = now_.time + dt;
  bool cut = false;
  for (;;) {
    const double next_event = std::min(next_action_time(), next_stream_end());
    if (next_event > target) break;
    const bool reached = integrate_to(next_event, metered);
    record_target(now_.time);
    if (!reached) return false;
    apply_due_actions();  // restarts the solver: the replay begins again here
    cut = true;
  }
  const bool reached = integrate_to(target, metered);
  if (reached && !cut) {
    record_step(dt);  // replayed as now + dt: the same number as `target`
  } else {
    record_target(now_.time);
  }
  return reached;
}

PHYSIOTWIN_TWIN_INLINE void Twin::record_step(double dt) {
  if (!replay_since_restart_.empty()) {
    ReplayEntry& last = replay_since_restart_.back();
    if (last.count > 0 && last.value == dt) {
      ++last.count;
      return;
    }
  }
  replay_since_restart_.push_back({dt, 1});
}

PHYSIOTWIN_TWIN_INLINE void Twin::schedule(Action action) {
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

PHYSIOTWIN_TWIN_INLINE void Twin::start_integrator() {
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

PHYSIOTWIN_TWIN_INLINE bool Twin::integrate_to(double target, BudgetMeter* meter) {
  BodyModel& m = now_.model;
  bool reached = true;
  for (;;) {
    const double horizon = std::min(integrator_->solver_time(), target);
    emit_until(horizon);  // steps the gases to each output time on the way
    // Never past `target`: the state at the target is read from the grid point before it.
    // Before the solver steps again, this has reached its time, however time is chopped.
    integrator_->advance_gases(m, horizon);
    if (integrator_->solver_time() >= target) break;
    // Stopped here, the twin is as one integrated to exactly this time (a copy replays it so).
    if (meter && meter->spent()) {
      target = horizon;
      reached = false;
      break;
    }
    integrator_->step(m);
    if (meter) meter->count_step();
  }
  now_.time = std::max(now_.time, target);
  integrator_->read_state(m, now_.time, now_.state);
  m.observe(now_.state.data(), now_.signals.data());
  return reached;
}

PHYSIOTWIN_TWIN_INLINE void Twin::check_physical_domain(double t, std::span<const double> y) const {
  const auto violation = now_.model.physical_domain_violation(y);
  if (!violation) return;
  std::vector<std::string> changes;
  for (const auto& c : now_.model.parameters.changes())
    changes.push_back(fmt::format("{} {:g} -> {:g} {}", c.name, c.from, c.to, c.unit));
  for (auto& a : now_.applied.describe()) changes.push_back(std::move(a));
  throw SolverError(
      fmt::format("at t = {:.3f} s the twin left its physical domain: {}{}", t, *violation,
                  changes.empty()
                      ? std::string(" (with the model's own parameters)")
                      : fmt::format("; changed from the model: {}", fmt::join(changes, ", "))),
      t);
}

PHYSIOTWIN_TWIN_INLINE void Twin::apply_due_actions() {
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
      now_.applied.add(a.kind == ActionKind::hemorrhage, a.volume, now_.time);
    }
    changed = true;
  }
  if (!changed) return;
  m.clear_external_flows();
  std::vector<ExternalFlows> flows(m.compartments.size());
  for (const auto& s : streams) {
    ExternalFlows& f = flows[s.compartment];
    if (s.ml_per_s < 0.0) {
      f.bled -= s.ml_per_s;
    } else {
      f.infused += s.ml_per_s;
      f.red_cells += s.ml_per_s * s.red_cell_fraction;
      f.protein += s.ml_per_s * s.protein / 100.0;
    }
  }
  for (std::size_t c = 0; c < flows.size(); ++c) m.set_external_flow(c, flows[c]);
  m.settle_valves(now_.state.data());
  integrator_->restart(m, now_.time, now_.state);
  m.observe(now_.state.data(), now_.signals.data());
  at_restart_ = now_;
  replay_since_restart_.clear();
}

PHYSIOTWIN_TWIN_INLINE void Twin::apply_action(const Action& a) {
  BodyModel& m = now_.model;
  switch (a.kind) {
    case ActionKind::hemorrhage:
    case ActionKind::infusion: {
      const double sign = a.kind == ActionKind::hemorrhage ? -1.0 : 1.0;
      ExternalStream stream{m.compartment_index(a.compartment), sign * a.rate / 60.0,
                            now_.time + a.volume / a.rate * 60.0};
      if (const fluid::InfusionFluid* f = fluid::infusion_fluid(a.fluid);
          f && a.kind == ActionKind::infusion) {
        stream.red_cell_fraction = f->red_cell_fraction;
        stream.protein = f->protein_g_per_dl;
      }
      now_.streams.push_back(stream);
      break;
    }
    case ActionKind::set_parameter: {
      // Activation curves run on the beat's phase, the ventricles' from onset x rate into it: a
      // new heart rate (or onset) moves that point, and the ventricles would jump to another
      // part of their cycle (a step from 72 to 110 /min in early systole cut the contraction
      // short: a "beat" of 72 ms). The phase moves with it instead, so that the ventricles go
      // on where they were; the atria, earlier in their cycle, take the jump (a fraction of
      // their relaxation or diastole, where their activation is small).
      const std::size_t ventricles = now_.ventricular_activation;
      const double before = m.activation_onset_fraction_in(ventricles, now_.state);
      m.set_parameter(a.parameter, a.value);
      if (a.parameter == "gas.hemoglobin" && m.fluid_exchange) {
        m.set_hemoglobin_in(now_.state, a.value);
      }
      now_.state[m.phase_state()] +=
          m.activation_onset_fraction_in(ventricles, now_.state) - before;
      break;
    }
    case ActionKind::ventilator:
      m.set_ventilator(a.ventilator);
      // A ventilator that connects starts its first inspiration now.
      if (a.ventilator.mode != resp::VentilatorMode::off) {
        double& phase = now_.state[m.breath_phase_state()];
        phase = std::floor(phase) + 1.0;
      }
      if (now_.breaths) now_.breaths->restart();
      break;
    case ActionKind::inspired_gas: {
      // Each fraction is checked against the other's value at the time it is set, and the old
      // and the new mixture are both whole gases: setting first the fraction that falls keeps
      // the mixture in between one too (room air to 100 % O2 with no CO2).
      const bool co2_first =
          !std::isnan(a.fico2) && a.fico2 <= m.parameters.value("gas.inspired_co2_fraction");
      if (co2_first) m.set_parameter("gas.inspired_co2_fraction", a.fico2);
      if (!std::isnan(a.fio2)) m.set_parameter("gas.inspired_o2_fraction", a.fio2);
      if (!co2_first && !std::isnan(a.fico2)) m.set_parameter("gas.inspired_co2_fraction", a.fico2);
      break;
    }
    case ActionKind::stress:  // acts through the baroreflex's efferents (control/baroreflex.hpp)
      m.set_parameter("baroreflex.stress_level", a.value);
      break;
    case ActionKind::autonomic_blockade:  // the heart's receptors (control/baroreflex.hpp)
      if (!std::isnan(a.vagal_blockade))
        m.set_parameter("baroreflex.vagal_blockade", a.vagal_blockade);
      if (!std::isnan(a.beta_blockade))
        m.set_parameter("baroreflex.beta_blockade", a.beta_blockade);
      break;
    case ActionKind::paced_breathing:  // overrides the respiratory centres' rate
      m.set_parameter("respiration.paced_rate", a.value);
      break;
    case ActionKind::exercise: {  // the work rate ramps from where it is (control/exercise.hpp)
      const double now = now_.state[m.work_rate_state()];
      const Parameter& ramp = m.parameters.get("exercise.ramp_rate");
      m.set_parameter("exercise.ramp_rate",
                      a.ramp > 0.0
                          ? std::clamp(std::abs(a.value - now) / a.ramp, ramp.min, ramp.max)
                          : ramp.max);
      m.set_parameter("exercise.work_rate", a.value);
      break;
    }
  }
}

PHYSIOTWIN_TWIN_INLINE void Twin::emit_until(double horizon) {
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

}  // namespace physiotwin

#endif  // PHYSIOTWIN_TWIN_INL_HPP
