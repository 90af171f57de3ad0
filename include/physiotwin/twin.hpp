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
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "physiotwin/actions/action.hpp"
#include "physiotwin/actions/fluid_history.hpp"
#include "physiotwin/core/error.hpp"
#include "physiotwin/io/recorder.hpp"
#include "physiotwin/metrics/beat_analyzer.hpp"
#include "physiotwin/metrics/breath_analyzer.hpp"
#include "physiotwin/model/body_model.hpp"
#include "physiotwin/solver/split_integrator.hpp"

// fmt-style (twin-inl.hpp): Twin's heavy members are compiled once into physiotwin::physiotwin;
// with PHYSIOTWIN_HEADER_ONLY (target physiotwin::core) they are defined inline here instead.
#ifdef PHYSIOTWIN_HEADER_ONLY
#define PHYSIOTWIN_TWIN_INLINE inline
#else
#define PHYSIOTWIN_TWIN_INLINE
#endif

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
    case StateKind::body_fluid:
    case StateKind::exercise:       // watts, mL/s and dilation ratios of order 1-100
    case StateKind::vascular_tone:  // relative changes of order 0.01-1
    case StateKind::protein_mass:   // about 200 g: grams are resolved as finely as millilitres
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

/// A limit on one advance() call, so that a frame is never held hostage by a stiff moment:
/// after `max_solver_steps` steps of the ODE solver, or `max_cpu_seconds` of the calling
/// thread's CPU time, the call stops at the time the solver has reached (a consistent state:
/// every sample up to it emitted), one step at least, so time always moves on. 0: no limit.
struct AdvanceBudget {
  std::uint64_t max_solver_steps = 0;
  double max_cpu_seconds = 0.0;
  [[nodiscard]] bool limited() const noexcept {
    return max_solver_steps > 0 || max_cpu_seconds > 0.0;
  }
};

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
  explicit Twin(BodyModel model, TwinOptions options = {});

  Twin(const Twin& other);
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
  void add_recorder(Recorder& r, RunDescription description = {});

  /// Advances simulated time by dt seconds.
  /// Scheduled actions and the ends of bleeding and infusions split the interval; each
  /// restarts the solver at exactly its time, so results do not depend on the chunking.
  void advance(double dt) { (void)advance(dt, AdvanceBudget{}); }

  /// Advances by dt seconds at most, within `budget`: true when all of dt was simulated, false
  /// when the budget stopped it earlier (time() says where; the next call continues from there
  /// exactly as an unbudgeted twin would, tested).
  [[nodiscard]] bool advance(double dt, const AdvanceBudget& budget);

  /// Schedules an action at its time, which must not be before the twin's current time (an
  /// action due now is applied at once). Checked against the model immediately, so a bad
  /// action fails before anything is simulated.
  void schedule(Action action);

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
  /// The twin's complete state as bytes (docs/snapshots.md; compiled into
  /// physiotwin::physiotwin, not part of the header-only physiotwin::core): the twin at the
  /// solver's last restart, what it has done since, and the actions still to come; not its
  /// recorders. About 11 kB for the adult model, plus 16 bytes per interval cut by an event or a
  /// budget.
  [[nodiscard]] std::vector<std::uint8_t> snapshot() const;

  /// The twin `snapshot` holds, on `model`: the model file the snapshot names, as loaded
  /// (the snapshot brings the personalised parameters and everything else). It continues bit
  /// for bit as the twin that took the snapshot (tested). Restoring costs what a copy costs:
  /// the simulation of the time since the last restart. InputError, naming both, for a
  /// snapshot of another model, version or byte order, or damaged bytes.
  [[nodiscard]] static Twin restore(BodyModel model, std::span<const std::uint8_t> snapshot);

  /// The solver's counts since it was started: for a copy, since the original's last restart.
  [[nodiscard]] CvodeIntegrator::Statistics solver_statistics() const {
    return integrator_->statistics();
  }

 private:
  /// Blood leaving or a fluid entering one compartment at a fixed rate until a time.
  struct ExternalStream {
    std::size_t compartment;
    double ml_per_s;  ///< negative for haemorrhage
    double end_time;
    double red_cell_fraction = 0.0;  ///< infusion: the fluid's haematocrit
    double protein = 0.0;            ///< infusion: g/dL (plasma-protein equivalent)
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
    FluidHistory applied;  ///< haemorrhages and infusions so far, for error messages
    std::size_t ventricular_activation = 0;
    double time = 0.0;
    unsigned long long metric_index = 0, sample_index = 0;
  };

  /// The integrate_to() calls since the solver's last restart, which a copy replays: a run of
  /// `count` advance(`value`) calls (an engine's whole fixed-step frame loop is one entry, so
  /// stepping does not allocate), or, with `count` 0, one absolute target `value` (an interval
  /// cut by an event or a budget).
  struct ReplayEntry {
    double value;
    std::uint64_t count;
  };

  /// A twin from its core at the solver's last restart, replaying `replay` (a copy, a
  /// restored snapshot), then with `pending` to come.
  Twin(Core at_restart, const std::vector<ReplayEntry>& replay, std::vector<Action> pending);

  /// A new split integrator from the state now (at the start, or for a copy).
  void start_integrator();

  [[nodiscard]] double next_action_time() const noexcept {
    return now_.pending.empty() ? std::numeric_limits<double>::infinity()
                                : now_.pending.front().time;
  }
  [[nodiscard]] double next_stream_end() const noexcept {
    double t = std::numeric_limits<double>::infinity();
    for (const auto& s : now_.streams) t = std::min(t, s.end_time);
    return t;
  }

  /// Counts one advance() call's solver steps and CPU time against its budget.
  class BudgetMeter;

  /// Integrates to exactly `target`, emitting every sample up to it, or, when `meter` says the
  /// budget is spent (checked after each solver step, never before the first), to the time the
  /// solver has reached; true when `target` was reached. The gases follow on their own fixed
  /// grid (SplitIntegrator::advance_gases()).
  bool integrate_to(double target, BudgetMeter* meter = nullptr);

  /// Records an integrate_to() for the replay (ReplayEntry).
  void record_step(double dt);
  void record_target(double target) { replay_since_restart_.push_back({target, 0}); }

  /// Stops the run with a SolverError if a state has left its physical domain (a negative
  /// volume or amount of gas): the numbers after it would be impossible, whatever the solver
  /// says. The message names the time, the compartment and the value, and what was changed
  /// from the model file on the way there.
  void check_physical_domain(double t, std::span<const double> y) const;

  /// Applies every action due now and ends the streams that are over, then restarts the
  /// solver once from the current state.
  void apply_due_actions();

  void apply_action(const Action& a);

  /// Emits every metric and output sample whose time is at or before `horizon`.
  void emit_until(double horizon);

  Core now_;
  std::unique_ptr<SplitIntegrator> integrator_;
  std::vector<Recorder*> recorders_;
  std::optional<Core> at_restart_;  ///< the twin at the solver's last restart: a copy starts there
  std::vector<ReplayEntry> replay_since_restart_;  ///< what a copy replays from at_restart_
};

}  // namespace physiotwin

#ifdef PHYSIOTWIN_HEADER_ONLY
#include "physiotwin/twin-inl.hpp"
#endif
