#pragma once
// A body model: the description a model file gives (model/model_description.hpp) bound to
// its state layout (model/state_layout.hpp), its equations (model/model_evaluator.hpp) and
// its signals (model/observables.hpp). What the solver, the twin and the tools use.
//
// A value type: a copy is an independent model with the same parameters and working state.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "physiotwin/core/error.hpp"
#include "physiotwin/core/signals.hpp"
#include "physiotwin/model/model_description.hpp"
#include "physiotwin/model/model_evaluator.hpp"
#include "physiotwin/model/observables.hpp"
#include "physiotwin/model/parameter_rules.hpp"
#include "physiotwin/model/state_layout.hpp"

namespace physiotwin {

class BodyModel : public ModelDescription {
 public:
  /// Called by the loader once the description is complete: lays out the state vector,
  /// registers every signal, reads the parameters and records the Jacobian's pattern.
  void finalise() {
    layout_ = StateLayout::of(*this);
    signals_ = register_signals(*this);
    evaluator_.prepare(*this, layout_);
    refresh();
    std::vector<double> y(state_size(), 0.0);
    initial_state(y);
    layout_.record_sparsity_pattern(
        [&](auto&& record) { evaluator_.jacobian(y.data(), record, false); });
  }

  /// Re-reads every parameter into the equations' coefficients. Call after changing
  /// parameters.
  void refresh() { evaluator_.refresh(parameters); }

  /// Changes one parameter by name, with range checking and the rules between parameters
  /// (model/parameter_rules.hpp), and refreshes the coefficients. A change that breaks a rule
  /// is undone and refused with an InputError saying which rule.
  ///
  /// blood.volume is read only when an initial state is built: a change of it drops a stored
  /// start_state (a calibrated twin's settled state holds the volume it was settled with), and
  /// the twin starts from the state built for the new volume.
  void set_parameter(std::string_view parameter, double value) {
    const double before = parameters.value(parameter);
    parameters.set(parameter, value);
    if (auto broken = rule_violation()) {
      parameters.restore(parameter, before);
      throw InputError(fmt::format("{} = {:g}: {}", parameter, value, broken->message));
    }
    if (parameter == "blood.volume" && value != before) start_state.clear();
    // A stored start with red cells: they carry the haemoglobin, so they take the new value.
    if (parameter == "gas.hemoglobin" && fluid_exchange && start_state.size() == state_size())
      give_red_cells(start_state, value);
    refresh();
  }

  /// The first rule between parameters that this model's values break, if any.
  [[nodiscard]] std::optional<RuleViolation> rule_violation() const {
    return physiotwin::rule_violation(*this, parameters);
  }
  /// The same rules for other values of this model's parameters (a change being validated).
  [[nodiscard]] std::optional<RuleViolation> rule_violation(const ParameterSet& p) const {
    return physiotwin::rule_violation(*this, p);
  }

  // ---- state vector ----
  [[nodiscard]] const StateLayout& layout() const noexcept { return layout_; }
  [[nodiscard]] std::size_t state_size() const noexcept { return layout_.size(); }
  [[nodiscard]] const std::vector<std::string>& state_names() const noexcept {
    return layout_.names;
  }
  [[nodiscard]] std::size_t phase_state() const noexcept { return layout_.heart_phase; }
  /// State counting breaths (crosses an integer at each start of inspiration); only with
  /// a respiration block.
  [[nodiscard]] std::size_t breath_phase_state() const noexcept { return layout_.breath_phase; }
  /// The exercise's ramped work rate (W), with an exercise block.
  [[nodiscard]] std::size_t work_rate_state() const noexcept {
    return layout_.exercise + control::exercise_work_rate;
  }
  [[nodiscard]] std::size_t flow_state(std::size_t connection) const noexcept {
    return layout_.flow[connection];
  }
  /// States the solver integrates: all but the gases, which come last (docs/solver.md).
  [[nodiscard]] std::size_t solver_state_size() const noexcept { return layout_.solver_size; }

  /// Connects, changes or (mode off) disconnects the ventilator. The respiratory muscles rest
  /// while it runs. Only for a model with a respiration block.
  void set_ventilator(const resp::VentilatorSettings& settings) {
    if (!respiration) throw InputError("this model has no respiratory system to ventilate");
    evaluator_.set_ventilator(settings, parameters);
  }
  [[nodiscard]] const resp::VentilatorSettings& ventilator() const noexcept {
    return evaluator_.ventilator();
  }
  /// Breaths per minute now: the ventilator's rate, or the spontaneous rate.
  [[nodiscard]] double breathing_rate() const noexcept { return evaluator_.breathing_rate(); }

  /// The exercise coefficients of these parameters, with the tissues' resting O2 demand:
  /// e.g. peak_work_rate(), the most the patient sustains aerobically. Needs an exercise block.
  [[nodiscard]] control::ExerciseCoefficients exercise_coefficients() const {
    control::ExerciseCoefficients c = coefficients::exercise(parameters, exercise->first_parameter);
    c.rest_o2_uptake = resting_o2_uptake(*this, parameters);
    return c;
  }

  /// Initial state: start_state if there is one; otherwise compliant compartments at their
  /// initial pressures, chambers at their initial volumes, all shifted by one common pressure
  /// so that the total equals blood.volume exactly; valves closed and at rest; phase zero.
  void initial_state(std::span<double> y) const {
    if (!start_state.empty() && start_state.size() == y.size()) {
      std::copy(start_state.begin(), start_state.end(), y.begin());
      return;
    }
    const ModelEvaluator& e = evaluator_;
    std::fill(y.begin(), y.end(), 0.0);
    double total = 0.0, total_compliance = 0.0;
    for (std::size_t c = 0; c < compartments.size(); ++c) {
      const Compartment& comp = compartments[c];
      if (comp.kind == CompartmentKind::compliance) {
        y[c] = e.base_unstressed(c) + comp.initial_pressure / e.elastance(c);
        total_compliance += 1.0 / e.elastance(c);
      } else {
        y[c] = comp.initial_volume * initial_volume_scale_;
      }
      total += y[c];
    }
    const double shift = (parameters.value("blood.volume") - total) / total_compliance;
    for (std::size_t c = 0; c < compartments.size(); ++c) {
      if (compartments[c].kind == CompartmentKind::compliance) y[c] += shift / e.elastance(c);
    }
    if (respiration) e.lungs().end_expiratory_volumes(y.data() + layout_.airway_volume);
    if (gas_exchange) {
      e.gases().initial_state(y.data(), gas_exchange->initial_blood, gas_exchange->initial_air);
    }
    if (fluid_exchange) initial_fluid_state(y);
    if (chemoreflex && !chemoreflex->initial_state.empty()) {
      std::copy(chemoreflex->initial_state.begin(), chemoreflex->initial_state.end(),
                y.begin() + long(layout_.chemoreflex));
    } else if (chemoreflex) {
      y[layout_.chemoreflex + control::peripheral_activity] = e.chemoreflex().rest_rate;
    }
    if (baroreflex && !baroreflex->initial_state.empty()) {
      std::copy(baroreflex->initial_state.begin(), baroreflex->initial_state.end(),
                y.begin() + long(layout_.baroreflex));
    } else if (baroreflex) {  // the reflex starts at its operating point
      y[layout_.baroreflex] = e.baroreflex().set_point;
      for (std::size_t i = 0; i < control::effector_count; ++i) {
        y[layout_.baroreflex + 1 + i] = e.baroreflex_rest()[i];
      }
    }
  }

  /// The fluid exchange's quantities in state y: haematocrit, plasma volume, the Starling
  /// pressures, lymph flow (fluid/fluid_exchange.hpp). Only with a fluid_exchange block.
  [[nodiscard]] fluid::FluidState fluid_state(std::span<const double> y) const noexcept {
    return evaluator_.fluid_state(y.data());
  }

  /// With fluid exchange, gives the blood in state y the haemoglobin `g_per_dl` now: red cells
  /// exchanged for plasma of the same protein concentration at constant blood volume (what a
  /// change of gas.hemoglobin means once the red cells carry it).
  void set_hemoglobin_in(std::span<double> y, double g_per_dl) noexcept {
    give_red_cells(y, g_per_dl);
    evaluator_.set_hemoglobin(g_per_dl);
  }

  /// Partial pressures (mmHg) of the blood leaving compartment c, in state y.
  [[nodiscard]] gas::PartialPressures blood_gas_pressures(const double* y, std::size_t c) const {
    const gas::GasTransport& g = evaluator_.gases();
    return gas::partial_pressures(g.coefficients.blood, g.content(y, c, gas::o2),
                                  g.content(y, c, gas::co2));
  }
  /// Partial pressures (mmHg) in airway a, in state y.
  [[nodiscard]] gas::PartialPressures airway_gas_pressures(const double* y, std::size_t a) const {
    const gas::GasTransport& g = evaluator_.gases();
    return {g.air_pressure(y, a, gas::o2), g.air_pressure(y, a, gas::co2)};
  }

  /// Scales chamber initial volumes with the patient's blood volume (see patient/body.hpp).
  void set_initial_volume_scale(double scale) noexcept { initial_volume_scale_ = scale; }

  /// The evaluator's working state (ModelEvaluator::visit_working_state), for snapshots.
  template <typename Visit>
  void visit_working_state(Visit&& visit) const {
    ModelEvaluator::visit_working_state(evaluator_, visit);
  }
  template <typename Visit>
  void restore_working_state(Visit&& visit) {
    ModelEvaluator::visit_working_state(evaluator_, visit);
  }

  // ---- dynamics (model/model_evaluator.hpp) ----
  void compute_pressures(const double* y, double* pressure) noexcept {
    evaluator_.compute_pressures(y, pressure);
  }
  void rhs(double t, const double* y, double* ydot) noexcept { evaluator_.rhs(t, y, ydot); }
  void solver_rhs(double t, const double* y, double* ydot) noexcept {
    evaluator_.solver_rhs(t, y, ydot);
  }
  void update_chemoreceptor_input(const double* y) noexcept {
    evaluator_.update_chemoreceptor_input(y);
  }
  void step_gases(const double* start, double* end, double dt, bool start_is_last_end) noexcept {
    evaluator_.step_gases(start, end, dt, start_is_last_end);
  }
  void set_external_flow(std::size_t c, const ExternalFlows& flows) noexcept {
    evaluator_.set_external_flow(c, flows);
  }
  void clear_external_flows() noexcept { evaluator_.clear_external_flows(); }

  // ---- events: ideal valves open on pressure and close on flow ----
  [[nodiscard]] std::size_t event_count() const noexcept { return evaluator_.event_count(); }
  void event_functions(const double* y, double* g) noexcept { evaluator_.event_functions(y, g); }
  void event_directions(int* direction) const noexcept { evaluator_.event_directions(direction); }
  void apply_events(const int* fired, double* y) noexcept { evaluator_.apply_events(fired, y); }
  void settle_valves(double* y) noexcept { evaluator_.settle_valves(y); }

  // ---- Jacobian (model/model_jacobian.hpp) ----
  /// Dense column-major n x n Jacobian (n = state_size()), overwritten. For tests and small
  /// models; the Twin uses the sparse form.
  void dense_jacobian(const double* y, double* column_major) noexcept {
    const std::size_t n = state_size();
    std::fill(column_major, column_major + n * n, 0.0);
    evaluator_.jacobian(y, [&](std::size_t row, std::size_t col) -> double& {
      return column_major[col * n + row];
    });
  }
  /// Sparse Jacobian of the solver's states (solver_state_size()): the values of
  /// sparsity_pattern()'s entries, in its order, overwritten. Reads the solver's states only
  /// (the gas rows are not in it). An entry outside the pattern (recorded at rest: a coupling
  /// that only some states write) is dropped and counted, never added to another entry.
  void sparse_jacobian(const double* y, double* values) noexcept {
    std::fill(values, values + layout_.pattern.row_indices.size(), 0.0);
    const std::size_t n = layout_.solver_size;
    evaluator_.jacobian(
        y,
        [&](std::size_t row, std::size_t col) -> double& {
          const std::size_t at = layout_.entry_index[col * n + row];
          if (at != StateLayout::outside_pattern) [[likely]]
            return values[at];
          ++jacobian_entries_outside_pattern_;
          return dropped_jacobian_entry_;
        },
        false);
  }
  /// How many Jacobian entries outside the sparsity pattern sparse_jacobian() has dropped:
  /// none in a correct model (tests check it across the actions; the Newton matrix would miss
  /// them, slowing convergence).
  [[nodiscard]] std::size_t jacobian_entries_outside_pattern() const noexcept {
    return jacobian_entries_outside_pattern_;
  }
  [[nodiscard]] const SparsityPattern& sparsity_pattern() const noexcept { return layout_.pattern; }

  // ---- signals (model/observables.hpp) ----
  /// Every registered signal, in registry order, for state y.
  void observe(const double* y, double* out) noexcept {
    physiotwin::observe(*this, layout_, evaluator_, y, out);
  }
  [[nodiscard]] const SignalRegistry& signals() const noexcept { return signals_; }

  /// The first state of y outside its physical domain: a compartment's blood volume, an
  /// airway's gas volume or an amount of O2 or CO2 below zero (or not a number). What and how
  /// much, for an error; nullopt when every state is physical. (Saturations and partial
  /// pressures follow from non-negative amounts.)
  [[nodiscard]] std::optional<std::string> physical_domain_violation(
      std::span<const double> y) const {
    for (std::size_t c = 0; c < compartments.size(); ++c) {
      if (!(y[c] >= 0.0)) {
        return fmt::format("the blood volume of {} ({}) is {:.4g} mL", compartments[c].name,
                           compartments[c].description, y[c]);
      }
    }
    if (fluid_exchange) {
      const std::size_t f = layout_.fluid;
      if (!(y[f + fluid_interstitial] > 0.0))
        return fmt::format("the interstitial fluid volume is {:.4g} mL", y[f + fluid_interstitial]);
      if (!(y[f + fluid_red_cells] >= 0.0))
        return fmt::format("the red-cell volume is {:.4g} mL", y[f + fluid_red_cells]);
      if (!(y[f + fluid_protein] >= 0.0))
        return fmt::format("the plasma protein is {:.4g} g", y[f + fluid_protein]);
    }
    if (respiration) {
      for (std::size_t a = 0; a < resp::airway_count; ++a) {
        const double volume = y[layout_.airway_volume + a];
        if (!(volume > 0.0)) {
          return fmt::format("the gas volume of the {} is {:.4g} mL", resp::airway_names[a],
                             volume);
        }
      }
    }
    if (gas_exchange) {
      // A nanolitre of slack: the explicit gas steps may round a near-empty amount below zero.
      constexpr double slack = -1e-6;
      const gas::GasTransport& gases = evaluator_.gases();
      for (gas::Gas g : {gas::o2, gas::co2}) {
        const char* gas_name = g == gas::o2 ? "O2" : "CO2";
        for (std::size_t c = 0; c < compartments.size(); ++c) {
          const double amount = y[gases.blood(c, g)];
          if (!(amount >= slack)) {
            return fmt::format("the {} in the blood and tissue of {} is {:.4g} mL", gas_name,
                               compartments[c].name, amount);
          }
        }
        for (std::size_t a = 0; a < resp::airway_count; ++a) {
          const double amount = y[gases.air(a, g)];
          if (!(amount >= slack)) {
            return fmt::format("the {} in the {} is {:.4g} mL", gas_name, resp::airway_names[a],
                               amount);
          }
        }
      }
    }
    return std::nullopt;
  }

  /// The reflexes' coefficients as the parameters set them now (for analyses such as
  /// calibration's resting set point; the twin's equations use the same).
  [[nodiscard]] const control::BaroreflexCoefficients& baroreflex_coefficients() const noexcept {
    return evaluator_.baroreflex();
  }
  [[nodiscard]] const control::CardiopulmonaryCoefficients& cardiopulmonary_coefficients()
      const noexcept {
    return evaluator_.cardiopulmonary();
  }
  [[nodiscard]] const control::ChemoreflexCoefficients& chemoreflex_coefficients() const noexcept {
    return evaluator_.chemoreflex();
  }
  [[nodiscard]] const control::LocalOxygenCoefficients& local_oxygen_coefficients() const noexcept {
    return evaluator_.local_oxygen();
  }
  /// What the baroreflex does to the circulation in state y, relative to the reflex's rest
  /// (multipliers of 1 and shifts of 0 at rest). Only for a model with a baroreflex.
  [[nodiscard]] control::BaroreflexEffects baroreflex_effects_in(
      std::span<const double> y) const noexcept {
    return control::baroreflex_effects(evaluator_.baroreflex(), y.data() + layout_.baroreflex + 1,
                                       evaluator_.baroreflex_rest());
  }
  /// Fraction of the current beat at which each activation curve starts (onset / period).
  [[nodiscard]] double activation_onset_fraction(std::size_t a) const noexcept {
    return evaluator_.onset(a) * evaluator_.heart_rate() / 60.0;
  }
  /// The same in state y, from the parameters as they are now: heart.rate over the
  /// baroreflex's period ratio in y, below its ceiling, as the equations compute it there.
  [[nodiscard]] double activation_onset_fraction_in(std::size_t a,
                                                    std::span<const double> y) const {
    double rate = parameters.value("heart.rate");
    if (baroreflex) {
      rate = control::held_below_maximum(rate / baroreflex_effects_in(y).period_ratio,
                                         parameters.value("baroreflex.maximal_heart_rate"));
    }
    return evaluator_.onset(a) * rate / 60.0;
  }
  [[nodiscard]] double heart_rate() const noexcept { return evaluator_.heart_rate(); }
  /// Pleural pressure, mmHg: the thorax.pressure parameter until a lung model drives it.
  void set_external_pressure(double mmHg) noexcept { evaluator_.set_external_pressure(mmHg); }

 private:
  /// The red cells and plasma protein of state y for haemoglobin `g_per_dl` at the same blood
  /// volume and plasma protein concentration.
  void give_red_cells(std::span<double> y, double g_per_dl) const noexcept {
    const fluid::FluidState before = fluid_state(y);
    const std::size_t f = layout_.fluid;
    y[f + fluid_red_cells] =
        g_per_dl / evaluator_.fluid_coefficients().red_cell_hemoglobin * before.blood_volume;
    const double plasma = before.blood_volume - y[f + fluid_red_cells];
    y[f + fluid_protein] = before.plasma_protein / 100.0 * plasma;
    y[f + fluid_arterial_hemoglobin] = g_per_dl;
  }

  /// Red cells from the starting haemoglobin (gas.hemoglobin over MCHC), plasma protein from
  /// fluid.plasma_protein, and the interstitial volume at which filtration at these pressures
  /// equals lymph flow: a twin built from its description starts in fluid balance.
  void initial_fluid_state(std::span<double> y) const {
    const ModelEvaluator& e = evaluator_;
    const fluid::FluidCoefficients& k = e.fluid_coefficients();
    double blood = 0.0;
    for (std::size_t c = 0; c < compartments.size(); ++c) blood += y[c];
    const double hematocrit = parameters.value("gas.hemoglobin") / k.red_cell_hemoglobin;
    const std::size_t f = layout_.fluid;
    y[f + fluid_red_cells] = hematocrit * blood;
    y[f + fluid_protein] = k.plasma_protein / 100.0 * (blood - y[f + fluid_red_cells]);
    y[f + fluid_arterial_hemoglobin] = parameters.value("gas.hemoglobin");
    y[f + fluid_interstitial] = k.interstitial_volume;
    // The beds are vessels outside the thorax: pressure (V - V_u) / C.
    std::vector<double> pressure(compartments.size(), 0.0);
    for (std::size_t c = 0; c < compartments.size(); ++c) {
      if (compartments[c].kind == CompartmentKind::compliance)
        pressure[c] = (y[c] - e.base_unstressed(c)) * e.elastance(c);
    }
    std::vector<double> exchange;
    e.exchange_pressures(pressure.data(), exchange);
    y[f + fluid_interstitial] =
        fluid::balanced_interstitial_volume(k, e.fluid_state(y.data()), exchange);
  }

  StateLayout layout_;
  SignalRegistry signals_;
  ModelEvaluator evaluator_;
  double initial_volume_scale_ = 1.0;
  std::size_t jacobian_entries_outside_pattern_ = 0;
  double dropped_jacobian_entry_ = 0.0;  ///< where sparse_jacobian() writes what it drops
};

}  // namespace physiotwin
