#pragma once
// The body's equations: the right-hand side, the Jacobian (model/model_jacobian.hpp), the
// ideal valves' events and the split gas step, over flat arrays of coefficients built from a
// ModelDescription (prepare() once, refresh() after a parameter changes; both in
// model/model_evaluator_setup.hpp). rhs() is a few tight loops with no allocation, no virtual
// call and no exception: as fast as hand-written code for one fixed model.
//
// Compartments (compliant vessels and heart chambers) hold blood volume; connections
// (resistances, inertances, valves) move it between two compartments. Every flow leaves one
// compartment and enters another, so total blood volume is conserved by construction. The
// lungs drive the pleural pressure the thoracic compartments feel; the reflexes modulate
// elastances, resistances, unstressed volumes, heart rate and breathing as working copies of
// the parameters' own values (docs/models/).
//
// A value type: copying an evaluator copies its working state (valve states, the reflexes'
// working coefficients, the last septal solution and blood-gas inversions) exactly.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "physiotwin/cardio/activation.hpp"
#include "physiotwin/cardio/distensible_vessel.hpp"
#include "physiotwin/cardio/elastance_wall.hpp"
#include "physiotwin/cardio/valve.hpp"
#include "physiotwin/cardio/ventricular_interaction.hpp"
#include "physiotwin/control/baroreflex.hpp"
#include "physiotwin/control/cardiopulmonary_reflex.hpp"
#include "physiotwin/control/chemoreflex.hpp"
#include "physiotwin/control/exercise.hpp"
#include "physiotwin/fluid/fluid_exchange.hpp"
#include "physiotwin/gas/gas_transport.hpp"
#include "physiotwin/model/block_coefficients.hpp"
#include "physiotwin/model/model_description.hpp"
#include "physiotwin/model/state_layout.hpp"
#include "physiotwin/resp/lung_mechanics.hpp"
#include "physiotwin/resp/ventilator.hpp"

namespace physiotwin {

/// What flows into and out of one compartment from outside the circulation.
struct ExternalFlows {
  double bled = 0.0;       ///< mL/s of blood lost, as it is (its red cells and proteins)
  double infused = 0.0;    ///< mL/s of fluid given
  double red_cells = 0.0;  ///< of which mL/s of red cells
  double protein = 0.0;    ///< g/s of protein (plasma-protein equivalent) given
};

class ModelEvaluator {
 public:
  /// Copies the topology of `model` and sizes every working array (model_evaluator_setup.hpp).
  void prepare(const ModelDescription& model, const StateIndices& at);
  /// Re-reads every coefficient from `parameters` (model_evaluator_setup.hpp).
  void refresh(const ParameterSet& parameters);
  /// Connects, changes or (mode off) disconnects the ventilator; the respiratory muscles rest
  /// while it runs. `parameters`: the gases' inspired fractions return when it is off.
  void set_ventilator(const resp::VentilatorSettings& settings, const ParameterSet& parameters);
  [[nodiscard]] const resp::VentilatorSettings& ventilator() const noexcept { return ventilator_; }
  /// Breaths per minute now: the ventilator's rate, or the spontaneous rate.
  [[nodiscard]] double breathing_rate() const noexcept {
    return ventilator_.mode != resp::VentilatorMode::off ? ventilator_.rate : lungs_.rate;
  }

  // ---- dynamics ----
  /// Pressure in every compartment (mmHg) for state y; also fills the activations
  /// (model_evaluator_dynamics.hpp).
  void compute_pressures(const double* y, double* pressure) noexcept;

  /// dy/dt of the whole model. No allocation, no exception, no virtual dispatch.
  void rhs(double /*t*/, const double* y, double* ydot) noexcept {
    gas::PartialPressures arterial{};
    if (chemoreflex_) arterial = blood_pressures(y, gas_exchange_->arterial_site, chemo_site);
    core_rhs(y, ydot, arterial);
    std::fill(ydot + at_.solver_size, ydot + at_.count, 0.0);
    if (gas_exchange_) {
      external_gas_flows(plasma_exchange_.data(), hematocrit_);
      gas_.derivatives(y, flow_.data(), external_o2_.data(), external_co2_.data(), lung_, ydot);
    }
  }

  // ---- split integration: the solver integrates the states before the gases, the gases
  // (non-stiff: time constants of 0.04 s and more) are stepped alongside by Heun's method
  // (step_gases()), and the chemoreceptors read the arterial gases of the last gas step
  // (update_chemoreceptor_input()). docs/solver.md explains why.

  /// The derivatives of the solver's states: reads y[0, solver_size) and writes
  /// ydot[0, solver_size) only, so the solver's own vectors can be passed.
  void solver_rhs(double /*t*/, const double* y, double* ydot) noexcept {
    core_rhs(y, ydot, chemoreceptor_input_);
  }

  /// What the chemoreceptors sense now (observe() puts the solver's back after a signal).
  gas::PartialPressures& chemoreceptor_input() noexcept { return chemoreceptor_input_; }
  /// Partial pressures the chemoreceptors sense until the next call, from state y.
  void update_chemoreceptor_input(const double* y) noexcept {
    if (chemoreflex_) {
      chemoreceptor_input_ = blood_pressures(y, gas_exchange_->arterial_site, chemo_site);
    }
  }

  /// Advances the gases over dt by Heun's method: `start` is the full state at t, `end`
  /// holds the solver's states at t + dt on entry and gets the gases at t + dt. Flows and
  /// volumes come from the two ends; the transport stays conservative (every term leaves one
  /// amount and enters another). `start_is_last_end`: `start` is the `end` of the previous
  /// call, whose flows are reused.
  ///
  /// With fluid exchange the step's dissociation curves are for the arterial haemoglobin of
  /// `start` (the red cells over the blood volume, as it reaches the arteries): it changes
  /// over seconds to minutes, and taking it at each grid point's start keeps results
  /// independent of how time is chopped.
  void step_gases(const double* start, double* end, double dt, bool start_is_last_end) noexcept {
    if (!gas_exchange_) return;
    if (fluid_) set_hemoglobin(start[at_.fluid + fluid_arterial_hemoglobin]);
    const std::size_t n = at_.count;
    if (!start_is_last_end) mechanics_at(start);
    gas_rates(start, k1_.data());
    for (std::size_t i = at_.solver_size; i < n; ++i) end[i] = start[i] + dt * k1_[i];
    mechanics_at(end);
    gas_rates(end, k2_.data());
    for (std::size_t i = at_.solver_size; i < n; ++i) {
      end[i] = start[i] + 0.5 * dt * (k1_[i] + k2_[i]);
    }
  }

  // ---- external flows: haemorrhage and infusion ----
  /// Sets what flows into and out of compartment c from outside the circulation. Their net
  /// running total is the state blood.external_volume, so that total blood volume minus it,
  /// less the fluid filtered out and plus the lymph returned, stays constant to round-off
  /// (tested).
  void set_external_flow(std::size_t c, const ExternalFlows& flows) noexcept {
    external_[c] = flows;
    external_flow_[c] = flows.infused - flows.bled;
  }
  void clear_external_flows() noexcept {
    std::fill(external_flow_.begin(), external_flow_.end(), 0.0);
    std::fill(external_.begin(), external_.end(), ExternalFlows{});
  }

  /// Analytic Jacobian df/dy into `entry(row, col)` (a double&); model/model_jacobian.hpp.
  template <typename Entry>
  void jacobian(const double* y, Entry&& entry, bool include_gases = true) noexcept;

  // ---- events: ideal valves open on pressure and close on flow ----
  [[nodiscard]] std::size_t event_count() const noexcept { return ideal_valves_.size(); }

  /// Event functions: an open ideal valve's flow (it closes when the flow falls through
  /// zero), a closed one's pressure drop (it opens when that rises through zero). Like
  /// solver_rhs(), reads the solver's states only. (Events: model_evaluator_events.hpp.)
  void event_functions(const double* y, double* g) noexcept;
  /// Direction of the zero crossing that counts: falling flow (-1) or rising drop (+1).
  void event_directions(int* direction) const noexcept;
  /// Switches the valves whose event fired (`fired[i] != 0`), then settles the rest. Reads
  /// and writes the solver's states only.
  void apply_events(const int* fired, double* y) noexcept;
  /// Makes the ideal valves consistent with state y (at the start, and after a jump):
  /// closed ones with a forward pressure drop open, open ones with backward flow close.
  void settle_valves(double* y) noexcept;

  /// Flow through distensible resistance k (mL/s) between end pressures p_from and p_to.
  [[nodiscard]] double distensible_flow(std::size_t k, double p_from, double p_to) const noexcept;
  /// Flow through connection k (mL/s) in state y with compartment pressures `pressure`.
  [[nodiscard]] double connection_flow(std::size_t k, const double* y,
                                       const double* pressure) const noexcept;

  /// Partial pressures of the blood leaving compartment c. `site` names the cache the
  /// inversion starts from (sensing_site); the same blood is often inverted twice in a row
  /// (the chemoreceptors' input and the arterial signals at a gas grid point), so an answer
  /// for exactly these contents is reused.
  [[nodiscard]] gas::PartialPressures blood_pressures(const double* y, std::size_t c,
                                                      std::size_t site) const noexcept {
    const double o2 = gas_.content(y, c, gas::o2), co2 = gas_.content(y, c, gas::co2);
    for (const SensedBlood& s : sensed_) {
      if (s.compartment == c && s.o2 == o2 && s.co2 == co2) {
        sensed_[site] = s;
        return s.pressures;
      }
    }
    sensed_[site] = {
        c, o2, co2,
        gas::partial_pressures(gas_.coefficients.blood, o2, co2, sensed_[site].pressures)};
    return sensed_[site].pressures;
  }
  /// The caches of blood_pressures(): arterial, mixed venous, oximetry (the signals) and the
  /// chemoreceptors (the equations).
  enum SensingSite : std::size_t { arterial_site, mixed_venous_site, oximetry_site, chemo_site };

  // ---- what this evaluation computed, and the coefficients it used (for the observables,
  // the initial state and analyses) ----
  [[nodiscard]] double* pressure_scratch() noexcept { return pressure_.data(); }
  [[nodiscard]] double activation(std::size_t a) const noexcept { return activation_value_[a]; }
  [[nodiscard]] bool ideal_valve_open(std::size_t k) const noexcept { return valve_open_[k] != 0; }
  [[nodiscard]] const cardio::ValveCoefficients& valve(std::size_t k) const noexcept {
    return valve_[k];
  }
  [[nodiscard]] double septum_volume() const noexcept { return coupled_.septum_volume; }
  [[nodiscard]] double external_pressure() const noexcept { return external_pressure_; }
  /// Compartment c's transmural pressure for compartment pressures `pressure` (this evaluation's).
  [[nodiscard]] double transmural_pressure(std::size_t c, const double* pressure) const noexcept {
    return pressure[c] - thoracic_[c] * external_pressure_;
  }
  /// Pleural pressure, mmHg: the thorax.pressure parameter until a lung model drives it.
  void set_external_pressure(double mmHg) noexcept { external_pressure_ = mmHg; }
  [[nodiscard]] double heart_rate() const noexcept { return heart_rate_; }
  [[nodiscard]] double airway_opening_pressure() const noexcept { return airway_opening_pressure_; }
  [[nodiscard]] const fluid::FluidCoefficients& fluid_coefficients() const noexcept {
    return fluid_k_;
  }
  /// The fluid exchange's quantities in state y (full size, or the solver's states).
  [[nodiscard]] fluid::FluidState fluid_state(const double* y) const noexcept;
  /// The exchange pressure (mmHg) of each capillary bed for compartment pressures `pressure`.
  void exchange_pressures(const double* pressure, std::vector<double>& out) const;
  [[nodiscard]] double exchange_pressure(std::size_t bed, const double* pressure) const noexcept;
  /// The fluid exchange in state y after compute_pressures(y, pressure): the state's
  /// quantities and the total filtered out of the capillaries (mL/s). For the signals.
  [[nodiscard]] std::pair<fluid::FluidState, double> fluid_exchange_at(
      const double* y, const double* pressure) noexcept;
  /// The dissociation curves for `hemoglobin` g/dL, if it changed.
  void set_hemoglobin(double hemoglobin) noexcept;
  /// Filtration out of each capillary bed and lymph into its compartment, mL/s per
  /// compartment into `exchange` (lymph > 0, filtration < 0), for state y with compartment
  /// pressures `pressure`; the total filtered into `filtered` (mL/s); returns the state's
  /// quantities. (These fluid functions: model_evaluator_dynamics.hpp.)
  fluid::FluidState fluid_flows(const double* y, const double* pressure, double* exchange,
                                double& filtered) noexcept;
  [[nodiscard]] const resp::LungState& lung_state() const noexcept { return lung_; }
  /// Breath-mean respiratory muscle pressure minus the present one (mmHg; 0 while the muscles
  /// rest): the central inspiratory drive that gates the vagal outflow (control/baroreflex.hpp).
  [[nodiscard]] double inspiratory_drive() const noexcept {
    return respiration_ ? resp::mean_muscle_pressure(lungs_) - lung_.muscle : 0.0;
  }
  [[nodiscard]] const resp::LungCoefficients& lungs() const noexcept { return lungs_; }
  [[nodiscard]] const gas::GasTransport& gases() const noexcept { return gas_; }
  [[nodiscard]] const control::BaroreflexCoefficients& baroreflex() const noexcept {
    return reflex_;
  }
  [[nodiscard]] const auto& baroreflex_rest() const noexcept { return reflex_rest_; }
  [[nodiscard]] const control::CardiopulmonaryCoefficients& cardiopulmonary() const noexcept {
    return cardiopulmonary_k_;
  }
  [[nodiscard]] const control::ChemoreflexCoefficients& chemoreflex() const noexcept {
    return chemo_;
  }
  [[nodiscard]] const control::LocalOxygenCoefficients& local_oxygen() const noexcept {
    return local_oxygen_k_;
  }
  /// This evaluation's exercise effects, and the pressure (mmHg) the muscle pump adds to
  /// resistance k's drop (0 for every other connection).
  [[nodiscard]] const control::ExerciseEffects& exercise_effects() const noexcept {
    return exercise_fx_;
  }
  [[nodiscard]] double source_pressure(std::size_t k) const noexcept { return source_pressure_[k]; }
  [[nodiscard]] double chemoreceptor_sympathetic_drive() const noexcept {
    return chemo_sympathetic_;
  }
  /// The parameters' own values, before the reflexes modulate them.
  [[nodiscard]] double base_unstressed(std::size_t c) const noexcept { return base_unstressed_[c]; }
  [[nodiscard]] double elastance(std::size_t c) const noexcept { return elastance_[c]; }
  [[nodiscard]] double onset(std::size_t a) const noexcept { return onset_[a]; }
  /// Flows of every connection in state y (after compute_pressures(y, pressure)).
  [[nodiscard]] const double* flows_at(const double* y, const double* pressure) noexcept {
    for (std::size_t k = 0; k < connection_kind_.size(); ++k) {
      flow_[k] = connection_flow(k, y, pressure);
    }
    return flow_.data();
  }

  /// What the next evaluation starts from besides the state and the parameters: the working
  /// coefficients the last evaluation set, the ideal valves' discrete states, the warm starts
  /// of the iterative solves (the septum, the blood-gas inversions), the chemoreceptors' input
  /// and the external flows. A snapshot carries them (docs/snapshots.md), so that a restored
  /// twin evaluates exactly as the original. Visited in this order by a ByteImageWriter or
  /// Reader (core/byte_image.hpp); `Self` is ModelEvaluator or const ModelEvaluator.
  template <typename Self, typename Visit>
  static void visit_working_state(Self& self, Visit&& visit) {
    visit(self.heart_rate_);
    visit(self.external_pressure_);
    visit(self.elastance_);
    visit(self.unstressed_);
    visit(self.thoracic_);
    visit(self.chamber_);
    visit(self.septum_);
    visit(self.conductance_);
    visit(self.inverse_inertance_);
    visit(self.activation_value_);
    visit(self.valve_open_);
    visit(self.coupled_);
    visit(self.lung_);
    visit(self.airway_opening_pressure_);
    visit(self.inflow_prescribed_);
    visit(self.chemo_sympathetic_);
    visit(self.chemoreceptor_input_);
    visit(self.external_flow_);
    visit(self.external_);
    visit(self.hemoglobin_);
    visit(self.sensed_);
  }

 private:
  /// Flows and airway state of state y, kept for gas_rates().
  void mechanics_at(const double* y) noexcept {
    double* pressure = pressure_.data();
    compute_pressures(y, pressure);
    for (std::size_t k = 0; k < connection_kind_.size(); ++k) {
      gas_flow_[k] = connection_flow(k, y, pressure);
    }
    gas_lung_ = lung_;
    double filtered = 0.0;
    if (fluid_) {
      gas_hematocrit_ = fluid_flows(y, pressure, gas_plasma_exchange_.data(), filtered).hematocrit;
    }
  }

  /// The gases' derivatives in state y (full size) with the flows of the last
  /// mechanics_at(), into rate's gas entries.
  void gas_rates(const double* y, double* rate) noexcept {
    if (exercise_) set_active_muscle_demand(y);  // this y's, not the last evaluation's
    std::fill(rate + at_.solver_size, rate + at_.count, 0.0);
    external_gas_flows(gas_plasma_exchange_.data(), gas_hematocrit_);
    gas_.derivatives(y, gas_flow_.data(), external_o2_.data(), external_co2_.data(), gas_lung_,
                     rate);
  }

  /// The volume flows that carry each gas into the compartments at their own content
  /// (model_evaluator_dynamics.hpp).
  void external_gas_flows(const double* plasma_exchange, double hematocrit) noexcept;

  /// Everything but the gases' derivatives; the chemoreceptors sense `arterial`.
  void core_rhs(const double* y, double* ydot, gas::PartialPressures arterial) noexcept;
  void baroreflex_derivatives(const double* y, const double* pressure, double* ydot) noexcept;
  void cardiopulmonary_derivatives(const double* y, const double* pressure, double* ydot) noexcept;
  void fluid_derivatives(const double* y, const double* pressure, double* ydot) noexcept;
  void apply_chemoreflex(const double* y) noexcept;
  void apply_exercise(const double* y) noexcept;
  void dilate_active_muscle() noexcept;
  void apply_local_oxygen(const double* y) noexcept;
  void set_active_muscle_demand(const double* y) noexcept;
  void read_exercise_coefficients(const ParameterSet& parameters);
  void apply_baroreflex(const double* y) noexcept;
  void read_gas_coefficients(const ParameterSet& parameters);
  void read_baroreflex_coefficients(const ParameterSet& parameters);
  [[nodiscard]] std::vector<double> unstressed_shares(const std::vector<std::size_t>& group) const;
  void shift_unstressed(const std::vector<std::size_t>& group, const std::vector<double>& share,
                        double shift) noexcept;
  template <typename Entry>
  void lung_jacobian(Entry&& entry) noexcept;
  [[nodiscard]] double effector_time_constant(std::size_t e) const noexcept {
    return reflex_.time_constant[e] + reflex_.delay[e];  // delay folded in (see baroreflex.hpp)
  }

  // ---- topology, copied from the description by prepare() ----
  // Copied, not pointed to: the evaluator is part of a twin's value (a copied Twin evaluates
  // without reaching back into a description that may have moved). The optional blocks are
  // copied whole; of them only the initial states (a few hundred bytes) go unused here.
  StateIndices at_;
  std::vector<CompartmentKind> kind_;
  std::vector<std::size_t> chamber_activation_;
  std::vector<std::size_t> compartment_first_parameter_, connection_first_parameter_;
  std::vector<ActivationKind> activation_kind_;
  std::vector<std::size_t> activation_first_parameter_;
  std::vector<ConnectionKind> connection_kind_;
  std::vector<std::size_t> from_, to_;
  std::vector<std::size_t> ideal_valves_;  ///< connection indices of the ideal valves
  std::optional<VentricularInteractionBlock> interaction_;
  std::optional<BaroreflexBlock> baroreflex_;
  std::optional<CardiopulmonaryBlock> cardiopulmonary_;
  std::optional<RespirationBlock> respiration_;
  std::optional<GasExchangeBlock> gas_exchange_;
  std::optional<ChemoreflexBlock> chemoreflex_;
  std::optional<FluidExchangeBlock> fluid_;
  std::optional<ExerciseBlock> exercise_;
  std::optional<LocalOxygenBlock> local_oxygen_;

  // ---- coefficients: the parameters' values (base_*) and the working ones the reflexes,
  // lungs and ventilator set for each evaluation ----
  double heart_rate_ = 72.0, external_pressure_ = 0.0, blood_density_ = 1.06;
  std::vector<double> elastance_, unstressed_, thoracic_;
  std::vector<cardio::ElastanceWall> chamber_;
  cardio::ElastanceWall septum_;
  cardio::Pericardium pericardium_;
  std::vector<coefficients::GaussianActivation> gaussian_;
  std::vector<cardio::DoubleHill> curves_;
  std::vector<double> onset_;
  std::vector<double> conductance_, inverse_inertance_;
  std::vector<cardio::ValveCoefficients> valve_;
  std::vector<cardio::DistensibleVessel> distensible_;  ///< distensible resistances' law
  std::vector<cardio::ElastanceWall> base_chamber_;
  std::vector<double> base_unstressed_, base_conductance_, base_elastance_;
  /// Connections whose conductance exercise or the local O2 tone scales: compute_pressures()
  /// restores them from base_conductance_ before the blocks act.
  std::vector<std::size_t> modulated_conductances_;
  std::vector<std::size_t> large_arteries_;  ///< compartments: exercise changes their compliance
  double base_heart_rate_ = 72.0;
  control::BaroreflexCoefficients reflex_;
  std::array<double, control::effector_count> reflex_rest_{};
  double rest_set_point_ = 92.0;  ///< the parameter's: exercise resets the reflex above it
  double volume_scale_ = 1.0;     ///< patient blood volume / Ursino's 5300 mL
  std::vector<double> splanchnic_share_, extrasplanchnic_share_;  ///< of the venous shifts
  control::CardiopulmonaryCoefficients cardiopulmonary_k_;
  control::LocalOxygenCoefficients local_oxygen_k_;
  /// The arterial gases the local O2 stimulus was last computed for, and that stimulus (a
  /// cache: refresh() clears it).
  gas::PartialPressures local_oxygen_input_{std::nan(""), std::nan("")};
  double local_oxygen_stimulus_ = 0.0;
  control::ChemoreflexCoefficients chemo_;
  double base_breathing_rate_ = 12.0, base_muscle_pressure_min_ = 0.0;
  resp::LungCoefficients lungs_;
  double chest_wall_reference_ = 0.0;  ///< mL, from P_pl,EE
  resp::VentilatorSettings ventilator_;
  gas::GasTransport gas_;
  fluid::FluidCoefficients fluid_k_;
  control::ExerciseCoefficients exercise_k_;
  double active_muscle_rest_demand_ = 0.0;  ///< mL/s of O2: the active muscle's at rest

  // ---- working state of the last evaluation ----
  std::vector<double> activation_value_;
  std::vector<char> valve_open_;             ///< ideal valves: the discrete open state
  cardio::InteractingVentricles coupled_{};  ///< last solution; its septal volume seeds the next
  resp::LungState lung_{};
  double airway_opening_pressure_ = 0.0;  ///< mmHg: atmospheric when breathing spontaneously
  bool inflow_prescribed_ = false;        ///< this evaluation: the ventilator drives the flow
  double chemo_sympathetic_ = 0.0;        ///< this evaluation's chemoreceptor drive, spikes/s
  /// This evaluation's exercise effects and, per resistance, the mmHg added to its pressure
  /// drop (the muscle pump's; 0 elsewhere): both set from the state by every
  /// compute_pressures() before use, so a snapshot need not carry them.
  control::ExerciseEffects exercise_fx_{};
  std::vector<double> source_pressure_;
  gas::PartialPressures chemoreceptor_input_{95.0, 40.0};  ///< see update_chemoreceptor_input()
  std::vector<double> external_flow_;    ///< mL/s into each compartment from outside (net)
  std::vector<ExternalFlows> external_;  ///< what flows in and out of each, and what it carries
  /// g/dL in the dissociation curves: the arterial haemoglobin at the last gas step's start,
  /// or NaN (the gas.hemoglobin parameter's) before one or without fluid exchange.
  double hemoglobin_ = std::nan("");
  /// The last inversion at each site of blood_pressures(): its blood and its answer (the
  /// next inversion's starting point).
  struct SensedBlood {
    std::size_t compartment = SIZE_MAX;
    double o2 = 0.0, co2 = 0.0;  ///< contents, mL/mL
    gas::PartialPressures pressures{};
  };
  mutable std::array<SensedBlood, 4> sensed_{};

  // ---- scratch ----
  std::vector<double> pressure_, pressure_slope_;
  std::vector<double> flow_;      ///< mL/s through each connection, this evaluation
  std::vector<double> k1_, k2_;   ///< step_gases(): Heun's two slopes
  std::vector<double> gas_flow_;  ///< step_gases(): flows at the step's end
  std::vector<double> plasma_exchange_, gas_plasma_exchange_;  ///< fluid_flows(): rhs, step
  double hematocrit_ = 0.0, gas_hematocrit_ = 0.0;             ///< the same evaluations'
  std::vector<double> external_o2_, external_co2_;             ///< external_gas_flows()
  resp::LungState gas_lung_{};  ///< step_gases(): airway state at the step's end
};

}  // namespace physiotwin

#include "physiotwin/model/model_evaluator_dynamics.hpp"
#include "physiotwin/model/model_evaluator_events.hpp"
#include "physiotwin/model/model_evaluator_setup.hpp"
#include "physiotwin/model/model_jacobian.hpp"
