#pragma once
// A closed-loop circulation assembled from blocks (model/block_types.hpp): compartments
// (compliant vessels and heart chambers) hold blood volume; connections (resistances,
// inertances, valves) move it between two compartments. Every flow leaves one compartment
// and enters another, so total blood volume is conserved by construction.
//
// The block list is read once (model/model_loader.hpp) and flattened into arrays of plain
// numbers (refresh()), so rhs() is a few tight loops with no allocation, no virtual call
// and no exception: as fast as hand-written code for one fixed model.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "physiotwin/cardio/activation.hpp"
#include "physiotwin/cardio/elastance_wall.hpp"
#include "physiotwin/cardio/valve.hpp"
#include "physiotwin/cardio/ventricular_interaction.hpp"
#include "physiotwin/control/baroreflex.hpp"
#include "physiotwin/control/chemoreflex.hpp"
#include "physiotwin/core/error.hpp"
#include "physiotwin/core/parameters.hpp"
#include "physiotwin/core/signals.hpp"
#include "physiotwin/gas/gas_transport.hpp"
#include "physiotwin/model/block_types.hpp"
#include "physiotwin/resp/lung_mechanics.hpp"
#include "physiotwin/resp/ventilator.hpp"

namespace physiotwin {

enum class CompartmentKind { compliance, chamber };
enum class ConnectionKind { resistance, inertance, valve, ideal_valve };
enum class ActivationKind { double_hill, gaussian };

struct Compartment {
  std::string name;
  std::string description;
  std::string region;
  CompartmentKind kind = CompartmentKind::compliance;
  bool thoracic = false;            ///< feels the pleural pressure
  std::size_t first_parameter = 0;  ///< index of its first parameter, in block_types order
  double initial_pressure = 0.0;    ///< compliance: initial transmural pressure, mmHg
  double initial_volume = 0.0;      ///< chamber: initial volume, mL (reference body)
  std::size_t activation = 0;       ///< chamber: index into activations
};

struct Connection {
  std::string name;
  std::string description;
  std::string region;
  std::string organ_bed;  ///< non-empty: this connection's flow is that organ's inflow
  ConnectionKind kind = ConnectionKind::resistance;
  std::size_t from = 0;
  std::size_t to = 0;
  std::size_t first_parameter = 0;
};

struct ActivationCurve {
  std::string name;
  ActivationKind kind = ActivationKind::double_hill;
  std::size_t first_parameter = 0;
};

/// Septum and pericardium coupling two chambers (Smith et al. 2004); the chambers' own
/// parameters then describe their free walls.
struct VentricularInteractionBlock {
  std::string name;
  std::size_t left = 0;
  std::size_t right = 0;
  std::size_t first_parameter = 0;
};

/// Where the baroreflex senses pressure and what it acts on (indices into compartments or
/// connections); see control/baroreflex.hpp.
struct BaroreflexBlock {
  std::size_t sensor = 0;  ///< a compliance compartment (carotid sinus pressure)
  /// Initial filtered pressure and effector states (the model file's resting state); empty:
  /// the reflex starts at its operating point.
  std::vector<double> initial_state;
  std::vector<std::size_t> left_ventricle, right_ventricle;                    ///< chambers
  std::vector<std::size_t> splanchnic_resistance, extrasplanchnic_resistance;  ///< resistances
  std::vector<std::size_t> splanchnic_veins, extrasplanchnic_veins;            ///< compliances
  std::size_t first_parameter = 0;
};

/// The respiratory system (resp/lung_mechanics.hpp); its pleural pressure replaces the
/// constant thorax.pressure on the thoracic compartments.
struct RespirationBlock {
  std::size_t first_parameter = 0;
};

/// Gas exchange and transport (gas/gas_transport.hpp); needs a respiration block.
struct GasExchangeBlock {
  std::size_t exchange = 0;  ///< connection: blood through it equilibrates with alveolar gas
  std::size_t arterial_site = 0, mixed_venous_site = 0, oximetry_site = 0;  ///< compartments
  std::vector<std::size_t> tissues;  ///< compartments with metabolism
  std::vector<std::size_t> tissue_first_parameter;
  std::size_t first_parameter = 0;
  /// Initial partial pressures per compartment and per airway (mmHg); from the model file's
  /// resting state, or arterial values everywhere if it has none.
  std::vector<gas::PartialPressures> initial_blood;
  std::array<gas::PartialPressures, resp::airway_count> initial_air{};
};

/// Chemoreflexes (control/chemoreflex.hpp); need gas exchange. They sense the arterial site.
struct ChemoreflexBlock {
  std::size_t first_parameter = 0;
  std::vector<double> initial_state;  ///< empty: at rest
};

/// The body the model file's values describe; patients are scaled relative to it.
struct ReferenceBody {
  std::string sex = "male";
  double age_years = 40.0;
  double height_cm = 175.0;
  double weight_kg = 70.0;
  std::string source;
};

/// Which compartments play named roles: for the clinical metrics, and as the default
/// sites of haemorrhage and infusion (any may be absent).
struct CompartmentRoles {
  std::optional<std::size_t> left_ventricle, right_ventricle, left_atrium, right_atrium, aorta,
      pulmonary_artery, central_veins, hemorrhage_site, infusion_site;
};

class CirculationModel {
 public:
  // ---- description (filled by the loader) ----
  std::string name;
  std::string description;
  std::string source_file;
  ReferenceBody reference_body;
  std::vector<Compartment> compartments;
  std::vector<Connection> connections;
  std::vector<ActivationCurve> activations;
  std::optional<VentricularInteractionBlock> interaction;
  std::optional<BaroreflexBlock> baroreflex;
  std::optional<RespirationBlock> respiration;
  std::optional<GasExchangeBlock> gas_exchange;
  std::optional<ChemoreflexBlock> chemoreflex;
  ParameterSet parameters;
  CompartmentRoles roles;
  /// A complete state (state_names() order) that twins of this model start from instead of
  /// the one built from the description: a calibrated patient's settled resting state
  /// (patient/calibration.hpp), stored with twin parameter files. Empty: built.
  std::vector<double> start_state;

  /// Called by the loader once the description is complete: lays out the state vector,
  /// registers every signal and flattens the parameters.
  void finalise() {
    layout_states();
    register_signals();
    refresh();
    build_sparsity_pattern();
  }

  /// Re-reads every parameter into the flat arrays. Call after changing parameters.
  void refresh() {
    const auto& p = parameters;
    heart_rate_ = p.value("heart.rate");
    external_pressure_ = p.value("thorax.pressure");
    blood_density_ = p.value("blood.density");
    for (std::size_t a = 0; a < activations.size(); ++a) {
      const std::size_t i = activations[a].first_parameter;
      if (activations[a].kind == ActivationKind::gaussian) {
        onset_[a] = 0.0;
        gaussian_[a] = {p.at(i).value, p.at(i + 1).value};
        continue;
      }
      auto& curve = curves_[a];
      onset_[a] = p.at(i).value;
      curve.tau1 = p.at(i + 1).value;
      curve.tau2 = p.at(i + 2).value;
      curve.m1 = p.at(i + 3).value;
      curve.m2 = p.at(i + 4).value;
      curve.normalise();
    }
    for (std::size_t c = 0; c < compartments.size(); ++c) {
      const Compartment& comp = compartments[c];
      const std::size_t i = comp.first_parameter;
      thoracic_[c] = comp.thoracic ? 1.0 : 0.0;
      if (comp.kind == CompartmentKind::compliance) {
        elastance_[c] = 1.0 / p.at(i).value;
        unstressed_[c] = p.at(i + 1).value;
      } else {
        chamber_[c] = {p.at(i).value, p.at(i + 1).value, p.at(i + 2).value, p.at(i + 3).value,
                       p.at(i + 4).value};
      }
    }
    if (interaction) {
      const std::size_t i = interaction->first_parameter;
      septum_ = {p.at(i).value, p.at(i + 1).value, p.at(i + 2).value, p.at(i + 3).value,
                 p.at(i + 4).value};
      pericardium_ = {p.at(i + 5).value, p.at(i + 6).value, p.at(i + 7).value};
    }
    for (std::size_t k = 0; k < connections.size(); ++k) {
      const Connection& con = connections[k];
      const std::size_t i = con.first_parameter;
      switch (con.kind) {
        case ConnectionKind::resistance:
          conductance_[k] = 1.0 / p.at(i).value;
          break;
        case ConnectionKind::inertance:
        case ConnectionKind::ideal_valve:
          conductance_[k] = p.at(i).value;  // R, used with 1/L below
          inverse_inertance_[k] = 1.0 / p.at(i + 1).value;
          break;
        case ConnectionKind::valve:
          valve_[k] = {p.at(i).value, p.at(i + 1).value, p.at(i + 2).value, p.at(i + 3).value,
                       p.at(i + 4).value};
          break;
      }
    }
    if (baroreflex) read_baroreflex_coefficients();
    if (respiration) read_lung_coefficients();
    if (gas_exchange) read_gas_coefficients();
    if (chemoreflex) read_chemoreflex_coefficients();
    base_chamber_ = chamber_;
    base_unstressed_ = unstressed_;
    base_conductance_ = conductance_;
    base_heart_rate_ = heart_rate_;
    if (baroreflex) {
      splanchnic_share_ = unstressed_shares(baroreflex->splanchnic_veins);
      extrasplanchnic_share_ = unstressed_shares(baroreflex->extrasplanchnic_veins);
    }
  }

  /// Changes one parameter by name, with range checking and the rules between parameters
  /// (rule_violation()), and refreshes the arrays. A change that breaks a rule is undone and
  /// refused with an InputError saying which rule.
  ///
  /// blood.volume is read only when an initial state is built: a change of it drops a stored
  /// start_state (a calibrated twin's settled state holds the volume it was settled with), and
  /// the twin starts from the state built for the new volume.
  void set_parameter(std::string_view parameter, double value) {
    const double before = parameters.value(parameter);
    const std::size_t kept = parameters.changes().size();
    parameters.set(parameter, value);
    if (auto broken = rule_violation()) {
      parameters.restore(parameter, before, kept);
      throw InputError(fmt::format("{} = {:g}: {}", parameter, value, broken->message));
    }
    if (parameter == "blood.volume" && value != before) start_state.clear();
    refresh();
  }

  /// A rule between parameters that the values break: the parameter to name and why.
  struct RuleViolation {
    std::string parameter;
    std::string message;
  };

  /// The rules that tie parameters together (each parameter's own range is checked where it is
  /// set): a valve closes to less than it opens; an activation contracts before it relaxes and
  /// starts within the heart period; a Gaussian peaks within it; a sigmoid's lowest firing is
  /// below its highest; the inspired gas is at most the whole gas. Checked by the model loader,
  /// set_parameter() (every --set, scenario `set` and binding call) and scenario loading.
  [[nodiscard]] std::optional<RuleViolation> rule_violation() const {
    return rule_violation(parameters);
  }
  /// The same rules for other values of this model's parameters (a change being validated).
  [[nodiscard]] std::optional<RuleViolation> rule_violation(const ParameterSet& p) const {
    const double period = 60.0 / p.value("heart.rate");
    for (const Connection& k : connections) {
      if (k.kind != ConnectionKind::valve) continue;
      const double max_area = p.at(k.first_parameter).value;
      const double min_area = p.at(k.first_parameter + 1).value;
      if (min_area >= max_area) {
        return RuleViolation{k.name + ".min_area",
                             fmt::format("{}.min_area ({:g} cm2) must be below {}.max_area "
                                         "({:g} cm2): a valve closes to less than it opens",
                                         k.name, min_area, k.name, max_area)};
      }
    }
    for (const ActivationCurve& a : activations) {
      const std::size_t i = a.first_parameter;
      if (a.kind == ActivationKind::gaussian) {
        if (p.at(i + 1).value >= period) {
          return RuleViolation{
              a.name + ".peak_time",
              fmt::format("{}.peak_time ({:g} s) must be within the heart "
                          "period ({:.3g} s at heart.rate {:g} /min)",
                          a.name, p.at(i + 1).value, period, p.value("heart.rate"))};
        }
        continue;
      }
      if (p.at(i).value >= period) {
        return RuleViolation{a.name + ".onset",
                             fmt::format("{}.onset ({:g} s) must be within the heart period "
                                         "({:.3g} s at heart.rate {:g} /min): the contraction "
                                         "would start after the next beat",
                                         a.name, p.at(i).value, period, p.value("heart.rate"))};
      }
      if (p.at(i + 1).value >= p.at(i + 2).value) {
        return RuleViolation{a.name + ".contraction_time",
                             fmt::format("{}.contraction_time ({:g}) must be below "
                                         "{}.relaxation_time ({:g}): a chamber contracts "
                                         "before it relaxes",
                                         a.name, p.at(i + 1).value, a.name, p.at(i + 2).value)};
      }
    }
    auto below = [&](const char* low, const char* high,
                     const char* what) -> std::optional<RuleViolation> {
      if (!p.contains(low) || !p.contains(high) || p.value(low) < p.value(high)) return {};
      return RuleViolation{low, fmt::format("{} ({:g}) must be below {} ({:g}): {}", low,
                                            p.value(low), high, p.value(high), what)};
    };
    if (auto v = below("baroreflex.afferent_min_rate", "baroreflex.afferent_max_rate",
                       "the afferent sigmoid's lowest firing is below its highest"))
      return v;
    if (auto v = below("chemoreflex.min_rate", "chemoreflex.max_rate",
                       "the chemoreceptors fire least in hyperoxia"))
      return v;
    if (p.contains("gas.inspired_o2_fraction") &&
        p.value("gas.inspired_o2_fraction") + p.value("gas.inspired_co2_fraction") > 1.0) {
      return RuleViolation{
          "gas.inspired_o2_fraction",
          fmt::format("gas.inspired_o2_fraction ({:g}) and "
                      "gas.inspired_co2_fraction ({:g}) add up to more than the "
                      "whole gas",
                      p.value("gas.inspired_o2_fraction"), p.value("gas.inspired_co2_fraction"))};
    }
    return std::nullopt;
  }

  // ---- state vector ----
  [[nodiscard]] std::size_t state_size() const noexcept { return state_names_.size(); }
  [[nodiscard]] const std::vector<std::string>& state_names() const noexcept {
    return state_names_;
  }
  [[nodiscard]] std::size_t phase_state() const noexcept { return phase_state_; }
  /// Connects, changes or (mode off) disconnects the ventilator. The respiratory muscles rest
  /// while it runs. Only for a model with a respiration block.
  void set_ventilator(const resp::VentilatorSettings& settings) {
    if (!respiration) throw InputError("this model has no respiratory system to ventilate");
    ventilator_ = settings;
    lungs_.spontaneous = settings.mode == resp::VentilatorMode::off;
    if (gas_exchange) read_gas_coefficients();
  }
  [[nodiscard]] const resp::VentilatorSettings& ventilator() const noexcept { return ventilator_; }
  /// Breaths per minute now: the ventilator's rate, or the spontaneous rate.
  [[nodiscard]] double breathing_rate() const noexcept {
    return ventilator_.mode != resp::VentilatorMode::off ? ventilator_.rate : lungs_.rate;
  }

  /// State counting breaths (crosses an integer at each start of inspiration); only with
  /// a respiration block.
  [[nodiscard]] std::size_t breath_phase_state() const noexcept { return breath_phase_state_; }
  [[nodiscard]] std::size_t flow_state(std::size_t connection) const noexcept {
    return flow_state_[connection];
  }

  /// Initial state: start_state if there is one; otherwise compliant compartments at their
  /// initial pressures, chambers at their initial volumes, all shifted by one common pressure
  /// so that the total equals blood.volume exactly; valves closed and at rest; phase zero.
  void initial_state(std::span<double> y) const {
    if (!start_state.empty() && start_state.size() == y.size()) {
      std::copy(start_state.begin(), start_state.end(), y.begin());
      return;
    }
    std::fill(y.begin(), y.end(), 0.0);
    double total = 0.0, total_compliance = 0.0;
    for (std::size_t c = 0; c < compartments.size(); ++c) {
      const Compartment& comp = compartments[c];
      if (comp.kind == CompartmentKind::compliance) {
        y[c] = base_unstressed_[c] + comp.initial_pressure / elastance_[c];
        total_compliance += 1.0 / elastance_[c];
      } else {
        y[c] = comp.initial_volume * initial_volume_scale_;
      }
      total += y[c];
    }
    const double shift = (parameters.value("blood.volume") - total) / total_compliance;
    for (std::size_t c = 0; c < compartments.size(); ++c) {
      if (compartments[c].kind == CompartmentKind::compliance) y[c] += shift / elastance_[c];
    }
    if (respiration) lungs_.end_expiratory_volumes(y.data() + lung_state_);
    if (gas_exchange) {
      gas_.initial_state(y.data(), gas_exchange->initial_blood, gas_exchange->initial_air);
    }
    if (chemoreflex && !chemoreflex->initial_state.empty()) {
      std::copy(chemoreflex->initial_state.begin(), chemoreflex->initial_state.end(),
                y.begin() + long(chemo_state_));
    } else if (chemoreflex) {
      y[chemo_state_ + control::peripheral_activity] = chemo_.rest_rate;
    }
    if (baroreflex && !baroreflex->initial_state.empty()) {
      std::copy(baroreflex->initial_state.begin(), baroreflex->initial_state.end(),
                y.begin() + long(reflex_state_));
    } else if (baroreflex) {  // the reflex starts at its operating point
      y[reflex_state_] = reflex_.set_point;
      for (std::size_t e = 0; e < control::effector_count; ++e) {
        y[reflex_state_ + 1 + e] = reflex_rest_[e];
      }
    }
  }

  /// Partial pressures (mmHg) of the blood leaving compartment c, in state y.
  [[nodiscard]] gas::PartialPressures blood_gas_pressures(const double* y, std::size_t c) const {
    return gas::partial_pressures(gas_.coefficients.blood, gas_.content(y, c, gas::o2),
                                  gas_.content(y, c, gas::co2));
  }
  /// Partial pressures (mmHg) in airway a, in state y.
  [[nodiscard]] gas::PartialPressures airway_gas_pressures(const double* y, std::size_t a) const {
    return {gas_.air_pressure(y, a, gas::o2), gas_.air_pressure(y, a, gas::co2)};
  }

  /// Scales chamber initial volumes with the patient's blood volume (see patient/body.hpp).
  void set_initial_volume_scale(double scale) noexcept { initial_volume_scale_ = scale; }

  // ---- dynamics ----
  /// Pressure in every compartment (mmHg) for state y; also fills the activations.
  void compute_pressures(const double* y, double* pressure) noexcept {
    if (chemoreflex) apply_chemoreflex(y);
    if (baroreflex) apply_baroreflex(y);
    if (respiration) {
      const double u = y[breath_phase_state_] - std::floor(y[breath_phase_state_]);
      double inflow = std::nan("");
      airway_opening_pressure_ = 0.0;  // atmospheric
      if (ventilator_.mode != resp::VentilatorMode::off) {
        const auto out = resp::ventilator_output(ventilator_, u);
        airway_opening_pressure_ = out.opening_pressure;
        inflow = out.inspiratory_flow;
      }
      inflow_prescribed_ = !std::isnan(inflow);
      lung_ = resp::lung_state(lungs_, y + lung_state_, u, airway_opening_pressure_,
                               chest_wall_reference_, inflow);
      if (inflow_prescribed_) {  // what the ventilator's manometer reads
        airway_opening_pressure_ =
            lung_.pressure[resp::larynx] + inflow * lungs_.resistance[resp::larynx];
      }
      external_pressure_ = lung_.pleural;
    }
    const double period = 60.0 / heart_rate_;
    const double beat_fraction = y[phase_state_] - std::floor(y[phase_state_]);
    for (std::size_t a = 0; a < curves_.size(); ++a) {
      if (activations[a].kind == ActivationKind::gaussian) {
        // Smith 2004: e = exp(-B (t - C)^2), t the time since the start of the beat.
        const double dt = beat_fraction * period - gaussian_[a].peak_time;
        activation_value_[a] = std::exp(-gaussian_[a].steepness * dt * dt);
        continue;
      }
      double u = beat_fraction - onset_[a] / period;
      u -= std::floor(u);
      activation_value_[a] = curves_[a](u);
    }
    for (std::size_t c = 0; c < compartments.size(); ++c) {
      const double transmural =
          kind_[c] == CompartmentKind::compliance
              ? (y[c] - unstressed_[c]) * elastance_[c]
              : chamber_[c].pressure(y[c], activation_value_[chamber_activation_[c]]);
      pressure[c] = transmural + thoracic_[c] * external_pressure_;
    }
    if (interaction) {
      const std::size_t l = interaction->left, r = interaction->right;
      coupled_ = cardio::solve_ventricular_interaction(
          chamber_[l], chamber_[r], septum_, pericardium_,
          activation_value_[chamber_activation_[l]], y[l], y[r], coupled_.septum_volume);
      pressure[l] = coupled_.left_pressure + thoracic_[l] * external_pressure_;
      pressure[r] = coupled_.right_pressure + thoracic_[r] * external_pressure_;
    }
  }

  /// dy/dt of the whole model. No allocation, no exception, no virtual dispatch.
  void rhs(double /*t*/, const double* y, double* ydot) noexcept {
    gas::PartialPressures arterial{};
    if (chemoreflex) arterial = blood_pressures(y, gas_exchange->arterial_site, chemo_site);
    core_rhs(y, ydot, arterial);
    std::fill(ydot + solver_size_, ydot + state_size(), 0.0);
    if (gas_exchange) gas_.derivatives(y, flow_.data(), external_flow_.data(), lung_, ydot);
  }

  // ---- split integration: the solver integrates the first solver_state_size() states, the
  // gases (non-stiff: time constants of 0.04 s and more) are stepped alongside by Heun's
  // method (step_gases()), and the chemoreceptors read the arterial gases of the last gas
  // step (update_chemoreceptor_input()). docs/solver.md explains why.
  [[nodiscard]] std::size_t solver_state_size() const noexcept { return solver_size_; }

  /// The derivatives of the solver's states: reads y[0, solver_state_size()) and writes
  /// ydot[0, solver_state_size()) only, so the solver's own vectors can be passed.
  void solver_rhs(double /*t*/, const double* y, double* ydot) noexcept {
    core_rhs(y, ydot, chemoreceptor_input_);
  }

  /// Partial pressures the chemoreceptors sense until the next call, from state y.
  void update_chemoreceptor_input(const double* y) noexcept {
    if (chemoreflex) {
      chemoreceptor_input_ = blood_pressures(y, gas_exchange->arterial_site, chemo_site);
    }
  }

  /// Advances the gases over dt by Heun's method: `start` is the full state at t, `end`
  /// holds the solver's states at t + dt on entry and gets the gases at t + dt. Flows and
  /// volumes come from the two ends; the transport stays conservative (every term leaves one
  /// amount and enters another). `start_is_last_end`: `start` is the `end` of the previous
  /// call, whose flows are reused.
  void step_gases(const double* start, double* end, double dt, bool start_is_last_end) noexcept {
    if (!gas_exchange) return;
    const std::size_t n = state_size();
    if (!start_is_last_end) mechanics_at(start);
    gas_rates(start, k1_.data());
    for (std::size_t i = solver_size_; i < n; ++i) end[i] = start[i] + dt * k1_[i];
    mechanics_at(end);
    gas_rates(end, k2_.data());
    for (std::size_t i = solver_size_; i < n; ++i) {
      end[i] = start[i] + 0.5 * dt * (k1_[i] + k2_[i]);
    }
  }

 private:
  /// Flows and airway state of state y, kept for gas_rates().
  void mechanics_at(const double* y) noexcept {
    double* pressure = pressure_.data();
    compute_pressures(y, pressure);
    for (std::size_t k = 0; k < connections.size(); ++k) {
      gas_flow_[k] = connection_flow(k, y, pressure);
    }
    gas_lung_ = lung_;
  }

  /// The gases' derivatives in state y (full size) with the flows of the last
  /// mechanics_at(), into rate's gas entries.
  void gas_rates(const double* y, double* rate) noexcept {
    std::fill(rate + solver_size_, rate + state_size(), 0.0);
    gas_.derivatives(y, gas_flow_.data(), external_flow_.data(), gas_lung_, rate);
  }

  /// Everything but the gases' derivatives; the chemoreceptors sense `arterial`.
  void core_rhs(const double* y, double* ydot, gas::PartialPressures arterial) noexcept {
    double* pressure = pressure_.data();
    compute_pressures(y, pressure);
    std::fill(ydot, ydot + solver_size_, 0.0);
    for (std::size_t k = 0; k < connections.size(); ++k) {
      const std::size_t from = from_[k], to = to_[k];
      const double dp = pressure[from] - pressure[to];
      double q = 0.0;
      switch (connection_kind_[k]) {
        case ConnectionKind::resistance:
          q = dp * conductance_[k];
          break;
        case ConnectionKind::inertance:
          q = y[flow_state_[k]];
          ydot[flow_state_[k]] = (dp - conductance_[k] * q) * inverse_inertance_[k];
          break;
        case ConnectionKind::ideal_valve:
          // Closed: no flow and none building up; opening and closing are events.
          if (valve_open_[k]) {
            q = y[flow_state_[k]];
            ydot[flow_state_[k]] = (dp - conductance_[k] * q) * inverse_inertance_[k];
          }
          break;
        case ConnectionKind::valve: {
          q = y[flow_state_[k]];
          const auto d =
              cardio::valve_derivatives(valve_[k], blood_density_, dp, q, y[opening_state_[k]]);
          ydot[flow_state_[k]] = d.dflow;
          ydot[opening_state_[k]] = d.dopening;
          break;
        }
      }
      flow_[k] = q;
      ydot[from] -= q;
      ydot[to] += q;
    }
    double external = 0.0;
    for (std::size_t c = 0; c < external_flow_.size(); ++c) {
      ydot[c] += external_flow_[c];
      external += external_flow_[c];
    }
    ydot[phase_state_] = heart_rate_ / 60.0;
    ydot[external_volume_state_] = external;
    if (baroreflex) baroreflex_derivatives(y, pressure, ydot);
    if (respiration) {
      const auto& q = lung_.flow;
      ydot[lung_state_ + resp::larynx] = q[resp::larynx] - q[resp::trachea];
      ydot[lung_state_ + resp::trachea] = q[resp::trachea] - q[resp::bronchi];
      ydot[lung_state_ + resp::bronchi] = q[resp::bronchi] - q[resp::alveoli];
      ydot[lung_state_ + resp::alveoli] = q[resp::alveoli];
      ydot[breath_phase_state_] = breathing_rate() / 60.0;
    }
    if (chemoreflex) {
      control::chemoreflex_derivatives(chemo_, y + chemo_state_, arterial.po2, arterial.pco2,
                                       ydot + chemo_state_);
    }
  }

 public:
  // ---- external flows: haemorrhage and infusion ----
  /// Sets the flow into compartment c from outside the circulation, mL/s (negative: out).
  /// The running total is the state blood.external_volume, so that total blood volume minus
  /// it stays constant to round-off (tested).
  void set_external_flow(std::size_t c, double ml_per_s) noexcept { external_flow_[c] = ml_per_s; }
  void clear_external_flows() noexcept {
    std::fill(external_flow_.begin(), external_flow_.end(), 0.0);
  }
  [[nodiscard]] std::size_t compartment_index(const std::string& compartment) const {
    for (std::size_t c = 0; c < compartments.size(); ++c) {
      if (compartments[c].name == compartment) return c;
    }
    throw InputError(fmt::format("no compartment named \"{}\"", compartment));
  }

  /// Analytic Jacobian df/dy. `entry(row, col)` returns a reference to where the partial
  /// derivative goes: the dense and sparse forms below share this one derivation, and every
  /// entry it touches is in sparsity_pattern().
  ///
  /// Each connection adds its flow's partials to the row of the compartment it leaves and
  /// subtracts them from the row it enters, so every column of the volume rows sums to
  /// exactly zero: Newton's corrections then keep total blood volume to round-off, which
  /// a difference-quotient Jacobian (column sums ~1e-8) does not. The dependence of the
  /// activation on the cardiac phase is left out: a Newton matrix may be approximate.
  template <typename Entry>
  void jacobian(const double* y, Entry&& entry, bool include_gases = true) noexcept {
    double* pressure = pressure_.data();
    compute_pressures(y, pressure);
    double* slope = pressure_slope_.data();  // dP_c/dV_c
    for (std::size_t c = 0; c < compartments.size(); ++c) {
      slope[c] = kind_[c] == CompartmentKind::compliance
                     ? elastance_[c]
                     : chamber_[c].slope(y[c], activation_value_[chamber_activation_[c]]);
    }
    if (interaction) {  // coupled ventricles: each pressure depends on both volumes
      slope[interaction->left] = coupled_.dleft_dleft;
      slope[interaction->right] = coupled_.dright_dright;
    }
    // Adds coefficient * dP_c/dV to row `row`, for every volume V that P_c depends on.
    auto pressure_partials = [&](std::size_t row, std::size_t c, double coefficient) {
      entry(row, c) += coefficient * slope[c];
      if (interaction && c == interaction->left) {
        entry(row, interaction->right) += coefficient * coupled_.dleft_dright;
      } else if (interaction && c == interaction->right) {
        entry(row, interaction->left) += coefficient * coupled_.dright_dleft;
      }
    };
    if (respiration) lung_jacobian(entry);
    if (gas_exchange && include_gases) {
      for (std::size_t k = 0; k < connections.size(); ++k)
        flow_[k] = connection_flow(k, y, pressure);
      gas_.jacobian_diagonal(y, flow_.data(), external_flow_.data(), lung_, entry);
    }
    if (chemoreflex) {
      for (std::size_t i = 0; i < control::chemoreflex_state_count; ++i) {
        entry(chemo_state_ + i, chemo_state_ + i) -= 1.0 / control::chemoreflex_time(chemo_, i);
      }
    }
    if (baroreflex) {
      // The reflex is slow (time constants of seconds against steps of milliseconds): its
      // own decay is enough for Newton. Leaving out its coupling to the volumes also keeps
      // the volume rows' column sums at exactly zero.
      entry(reflex_state_, reflex_state_) -= 1.0 / reflex_.lag_time;
      for (std::size_t e = 0; e < control::effector_count; ++e) {
        entry(reflex_state_ + 1 + e, reflex_state_ + 1 + e) -= 1.0 / effector_time_constant(e);
      }
    }
    for (std::size_t k = 0; k < connections.size(); ++k) {
      const std::size_t f = from_[k], t = to_[k];
      const double dp = pressure[f] - pressure[t];
      switch (connection_kind_[k]) {
        case ConnectionKind::resistance: {
          const double g = conductance_[k];
          pressure_partials(f, f, -g);
          pressure_partials(f, t, g);
          pressure_partials(t, f, g);
          pressure_partials(t, t, -g);
          break;
        }
        case ConnectionKind::inertance:
        case ConnectionKind::ideal_valve: {
          // A closed ideal valve contributes zeros (its entries stay in the pattern).
          const double on =
              connection_kind_[k] == ConnectionKind::inertance || valve_open_[k] ? 1.0 : 0.0;
          const std::size_t s = flow_state_[k];
          entry(f, s) -= on;
          entry(t, s) += on;
          pressure_partials(s, f, on * inverse_inertance_[k]);
          pressure_partials(s, t, -on * inverse_inertance_[k]);
          entry(s, s) -= on * conductance_[k] * inverse_inertance_[k];
          break;
        }
        case ConnectionKind::valve: {
          const std::size_t s = flow_state_[k], z = opening_state_[k];
          const auto d = cardio::valve_partials(valve_[k], blood_density_, dp, y[s], y[z]);
          entry(f, s) -= 1.0;
          entry(t, s) += 1.0;
          pressure_partials(s, f, d.dflow_ddp);
          pressure_partials(s, t, -d.dflow_ddp);
          entry(s, s) += d.dflow_dq;
          entry(s, z) += d.dflow_dzeta;
          pressure_partials(z, f, d.dopening_ddp);
          pressure_partials(z, t, -d.dopening_ddp);
          entry(z, z) += d.dopening_dzeta;
          break;
        }
      }
    }
  }

  // ---- events: ideal valves open on pressure and close on flow ----
  [[nodiscard]] std::size_t event_count() const noexcept { return ideal_valves_.size(); }

  /// Event functions: an open ideal valve's flow (it closes when the flow falls through
  /// zero), a closed one's pressure drop (it opens when that rises through zero). Like
  /// solver_rhs(), reads the solver's states only.
  void event_functions(const double* y, double* g) noexcept {
    double* pressure = pressure_.data();
    compute_pressures(y, pressure);
    for (std::size_t i = 0; i < ideal_valves_.size(); ++i) {
      const std::size_t k = ideal_valves_[i];
      g[i] = valve_open_[k] ? y[flow_state_[k]] : pressure[from_[k]] - pressure[to_[k]];
    }
  }

  /// Direction of the zero crossing that counts: falling flow (-1) or rising drop (+1).
  void event_directions(int* direction) const noexcept {
    for (std::size_t i = 0; i < ideal_valves_.size(); ++i) {
      direction[i] = valve_open_[ideal_valves_[i]] ? -1 : 1;
    }
  }

  /// Switches the valves whose event fired (`fired[i] != 0`), then settles the rest. Reads
  /// and writes the solver's states only.
  void apply_events(const int* fired, double* y) noexcept {
    for (std::size_t i = 0; i < ideal_valves_.size(); ++i) {
      if (fired[i] == 0) continue;
      const std::size_t k = ideal_valves_[i];
      valve_open_[k] = !valve_open_[k];
      if (!valve_open_[k]) y[flow_state_[k]] = 0.0;
    }
    settle_valves(y);
  }

  /// Makes the ideal valves consistent with state y (at the start, and after a jump):
  /// closed ones with a forward pressure drop open, open ones with backward flow close.
  void settle_valves(double* y) noexcept {
    double* pressure = pressure_.data();
    compute_pressures(y, pressure);
    for (std::size_t k : ideal_valves_) {
      const double dp = pressure[from_[k]] - pressure[to_[k]];
      if (!valve_open_[k] && dp > 0.0) valve_open_[k] = 1;
      if (valve_open_[k] && y[flow_state_[k]] < 0.0) {
        valve_open_[k] = 0;
        y[flow_state_[k]] = 0.0;
      }
    }
  }

  /// Dense column-major n x n Jacobian (n = state_size()), overwritten. For tests and small
  /// models; the Twin uses the sparse form.
  void dense_jacobian(const double* y, double* column_major) noexcept {
    const std::size_t n = state_size();
    std::fill(column_major, column_major + n * n, 0.0);
    jacobian(y, [&](std::size_t row, std::size_t col) -> double& {
      return column_major[col * n + row];
    });
  }

  /// Sparse Jacobian of the solver's states (solver_state_size()): the values of
  /// sparsity_pattern()'s entries, in its order, overwritten. Reads the solver's states only
  /// (the gas rows are not in it).
  void sparse_jacobian(const double* y, double* values) noexcept {
    std::fill(values, values + pattern_.row_indices.size(), 0.0);
    const std::size_t n = solver_size_;
    jacobian(
        y,
        [&](std::size_t row, std::size_t col) -> double& {
          return values[entry_index_[col * n + row]];
        },
        false);
  }

  /// Compressed-sparse-column pattern of the solver states' Jacobian plus the whole diagonal
  /// (CVODE forms
  /// I - gamma J in place). About 150 entries for the default model against 1369 dense.
  struct SparsityPattern {
    std::vector<long long> column_starts;  ///< n + 1 offsets into row_indices
    std::vector<long long> row_indices;
  };
  [[nodiscard]] const SparsityPattern& sparsity_pattern() const noexcept { return pattern_; }

  /// Every registered signal, in registry order, for state y.
  void observe(const double* y, double* out) noexcept {
    double* pressure = pressure_.data();
    compute_pressures(y, pressure);
    std::size_t s = 0;
    double total_volume = 0.0;
    for (std::size_t c = 0; c < compartments.size(); ++c) {
      out[s++] = pressure[c];
      out[s++] = y[c];
      total_volume += y[c];
    }
    for (std::size_t k = 0; k < connections.size(); ++k) {
      out[s++] = connection_flow(k, y, pressure);
      if (connection_kind_[k] == ConnectionKind::valve) {
        out[s++] = y[opening_state_[k]];
        out[s++] = cardio::valve_velocity(valve_[k], y[flow_state_[k]], y[opening_state_[k]]);
      } else if (connection_kind_[k] == ConnectionKind::ideal_valve) {
        out[s++] = valve_open_[k] ? 1.0 : 0.0;
      }
    }
    if (interaction) out[s++] = coupled_.septum_volume;
    for (std::size_t a = 0; a < activations.size(); ++a) out[s++] = activation_value_[a];
    out[s++] = total_volume;
    out[s++] = y[external_volume_state_];
    out[s++] = external_pressure_;
    out[s++] = heart_rate_;
    if (respiration) {
      double gas = 0.0;
      for (std::size_t a = 0; a < resp::airway_count; ++a) gas += y[lung_state_ + a];
      out[s++] = gas;
      out[s++] = airway_opening_pressure_;
      out[s++] = lung_.flow[resp::larynx];
      out[s++] = lung_.pressure[resp::alveoli];
      out[s++] = lung_.muscle;
    }
    if (gas_exchange) s = observe_gases(y, pressure, out, s);
    if (chemoreflex) {
      out[s++] = y[chemo_state_ + control::peripheral_activity];
      out[s++] = lungs_.rate;
      out[s++] = lungs_.muscle_pressure_min;
    }
    if (baroreflex) {
      const double f_cs = control::afferent_rate(reflex_, y[reflex_state_]);
      out[s++] = y[reflex_state_];
      out[s++] = control::sympathetic_rate(reflex_, f_cs, chemo_sympathetic_);
      out[s++] = control::vagal_rate(reflex_, f_cs);
    }
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
    static constexpr std::array<const char*, resp::airway_count> airways{"larynx", "trachea",
                                                                         "bronchi", "alveoli"};
    if (respiration) {
      for (std::size_t a = 0; a < resp::airway_count; ++a) {
        if (!(y[lung_state_ + a] > 0.0))
          return fmt::format("the gas volume of the {} is {:.4g} mL", airways[a],
                             y[lung_state_ + a]);
      }
    }
    if (gas_exchange) {
      // A nanolitre of slack: the explicit gas steps may round a near-empty amount below zero.
      constexpr double slack = -1e-6;
      for (gas::Gas g : {gas::o2, gas::co2}) {
        const char* gas_name = g == gas::o2 ? "O2" : "CO2";
        for (std::size_t c = 0; c < compartments.size(); ++c) {
          const double amount = y[gas_.blood(c, g)];
          if (!(amount >= slack)) {
            return fmt::format("the {} in the blood and tissue of {} is {:.4g} mL", gas_name,
                               compartments[c].name, amount);
          }
        }
        for (std::size_t a = 0; a < resp::airway_count; ++a) {
          const double amount = y[gas_.air(a, g)];
          if (!(amount >= slack))
            return fmt::format("the {} in the {} is {:.4g} mL", gas_name, airways[a], amount);
        }
      }
    }
    return std::nullopt;
  }

  /// The reflexes' coefficients as the parameters set them now (for analyses such as
  /// calibration's resting set point; the twin's equations use the same).
  [[nodiscard]] const control::BaroreflexCoefficients& baroreflex_coefficients() const noexcept {
    return reflex_;
  }
  [[nodiscard]] const control::ChemoreflexCoefficients& chemoreflex_coefficients() const noexcept {
    return chemo_;
  }

  /// What the baroreflex does to the circulation in state y, relative to the reflex's rest
  /// (multipliers of 1 and shifts of 0 at rest). Only for a model with a baroreflex.
  [[nodiscard]] control::BaroreflexEffects baroreflex_effects_in(
      std::span<const double> y) const noexcept {
    return control::baroreflex_effects(reflex_, y.data() + reflex_state_ + 1, reflex_rest_);
  }

  /// Fraction of the current beat at which each activation curve starts (onset / period).
  [[nodiscard]] double activation_onset_fraction(std::size_t a) const noexcept {
    return onset_[a] * heart_rate_ / 60.0;
  }
  [[nodiscard]] double heart_rate() const noexcept { return heart_rate_; }

  /// Pleural pressure, mmHg: the thorax.pressure parameter until a lung model drives it.
  void set_external_pressure(double mmHg) noexcept { external_pressure_ = mmHg; }

 private:
  struct GaussianCoefficients {
    double steepness = 0.0, peak_time = 0.0;
  };

  void read_lung_coefficients() {
    const std::size_t i = respiration->first_parameter;
    auto v = [&](std::size_t offset) { return parameters.at(i + offset).value; };
    for (std::size_t a = 0; a < resp::airway_count; ++a) {
      lungs_.compliance[a] = v(a);
      lungs_.unstressed[a] = v(5 + a);
      lungs_.resistance[a] = v(9 + a);
    }
    lungs_.chest_wall_compliance = v(4);
    lungs_.end_expiratory_pleural_pressure = v(13);
    lungs_.rate = v(14);
    lungs_.ie_ratio = v(15);
    lungs_.muscle_pressure_min = v(16);
    chest_wall_reference_ = lungs_.chest_wall_reference_volume();
  }

  /// Exact partial derivatives of the airway volumes' derivatives: the upper airways are
  /// stiff (time constants of about a millisecond), so Newton needs them. The pleural
  /// pressure's effect on the circulation is left out of the matrix (it is slow and small:
  /// 1/C_cw is under 0.01 mmHg/mL).
  template <typename Entry>
  void lung_jacobian(Entry&& entry) noexcept {
    constexpr std::size_t n = resp::airway_count;
    double dp[n][n] = {};  // dP_a/dV_k
    dp[resp::larynx][resp::larynx] = 1.0 / lungs_.compliance[resp::larynx];
    for (std::size_t a = resp::trachea; a < n; ++a) {
      for (std::size_t k = resp::trachea; k < n; ++k) dp[a][k] = 1.0 / lungs_.chest_wall_compliance;
      dp[a][a] += 1.0 / lungs_.compliance[a];
    }
    for (std::size_t f = 0; f < n; ++f) {  // flow f goes from node f-1 (opening for f=0) to f
      if (f == 0 && inflow_prescribed_) continue;  // a flow-driven ventilator: no dependence
      for (std::size_t k = 0; k < n; ++k) {
        const double upstream = f == 0 ? 0.0 : dp[f - 1][k];
        const double g = (upstream - dp[f][k]) / lungs_.resistance[f];
        if (f > 0) entry(lung_state_ + f - 1, lung_state_ + k) -= g;
        entry(lung_state_ + f, lung_state_ + k) += g;
      }
    }
  }

  void read_gas_coefficients() {
    const GasExchangeBlock& b = *gas_exchange;
    auto v = [&](std::size_t offset) { return parameters.at(b.first_parameter + offset).value; };
    gas::GasCoefficients& c = gas_.coefficients;
    c.blood = gas::dissociation_for(v(0));
    // New curves: no earlier inversion may be reused for the same contents (they stay the
    // next inversions' starting points).
    for (SensedBlood& sensed : sensed_) sensed.compartment = SIZE_MAX;
    c.shunt_fraction = v(1);
    c.inspired_fraction = {v(2), v(3)};
    if (ventilator_.mode != resp::VentilatorMode::off) {
      // The ventilator's blender delivers dry O2 in air, without CO2.
      c.inspired_fraction = {ventilator_.fio2, 0.0};
    }
    c.atmospheric_pressure = v(4);
    c.water_vapour_pressure = v(5);
    c.respiratory_quotient = v(6);
    c.consumption_half_content = v(7);
    gas_.tissue_volume.assign(compartments.size(), 0.0);
    gas_.consumption.assign(compartments.size(), 0.0);
    for (std::size_t i = 0; i < b.tissues.size(); ++i) {
      const std::size_t first = b.tissue_first_parameter[i];
      gas_.consumption[b.tissues[i]] = parameters.at(first).value / 60.0;  // mL/min -> mL/s
      gas_.tissue_volume[b.tissues[i]] = parameters.at(first + 1).value;
    }
  }

  /// Partial pressures of the blood leaving compartment c (site: which cache to start from).
  [[nodiscard]] gas::PartialPressures blood_pressures(const double* y, std::size_t c,
                                                      std::size_t site) const noexcept {
    const double o2 = gas_.content(y, c, gas::o2), co2 = gas_.content(y, c, gas::co2);
    // The same blood is often inverted twice in a row (the chemoreceptors' input and the
    // arterial signals at a gas grid point): reuse an answer for exactly these contents.
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

  void read_chemoreflex_coefficients() {
    auto v = [&](std::size_t offset) {
      return parameters.at(chemoreflex->first_parameter + offset).value;
    };
    control::ChemoreflexCoefficients& c = chemo_;
    c.enabled = v(0) >= 0.5;
    c.max_rate = v(1);
    c.min_rate = v(2);
    c.o2_center = v(3);
    c.o2_slope = v(4);
    c.co2_sensitivity = v(5);
    c.co2_rest_rate = v(6);
    c.co2_set_point = v(7);
    c.afferent_time = v(8);
    c.rest_rate = v(9);
    constexpr double cmH2O = 0.735559;  // mmHg
    c.central_amplitude_gain = v(10) * cmH2O;
    c.central_amplitude_time = v(11) + v(14);
    c.central_rate_gain = v(12);
    c.central_rate_time = v(13) + v(14);
    c.peripheral_amplitude_gain = v(15) * cmH2O;
    c.peripheral_amplitude_time = v(16) + v(19);
    c.peripheral_rate_gain = v(17);
    c.peripheral_rate_time = v(18) + v(19);
    c.sympathetic_weight = v(20);
    base_breathing_rate_ = lungs_.rate;
    base_muscle_pressure_min_ = lungs_.muscle_pressure_min;
  }

  /// Turns the chemoreflex states in y into this evaluation's breathing pattern and
  /// sympathetic drive. Limits: the muscles cannot push during inspiration, nor pull harder
  /// than -40 mmHg; the rate stays within 4-60 breaths/min (the parameter's range).
  void apply_chemoreflex(const double* y) noexcept {
    const auto fx = control::chemoreflex_effects(chemo_, y + chemo_state_);
    lungs_.rate = std::clamp(base_breathing_rate_ + fx.rate, 4.0, 60.0);
    lungs_.muscle_pressure_min = std::clamp(base_muscle_pressure_min_ - fx.amplitude, -40.0, 0.0);
    chemo_sympathetic_ = fx.sympathetic;
  }

  void read_baroreflex_coefficients() {
    const std::size_t i = baroreflex->first_parameter;
    const auto& p = parameters;
    auto v = [&](std::size_t offset) { return p.at(i + offset).value; };
    control::BaroreflexCoefficients& c = reflex_;
    c.enabled = v(0) >= 0.5;
    c.set_point = v(1);
    c.afferent_slope = v(2);
    c.lag_time = v(3);
    c.lead_time = v(4);
    c.min_rate = v(5);
    c.max_rate = v(6);
    c.sympathetic_infinity = v(7);
    c.sympathetic_zero = v(8);
    c.sympathetic_threshold = v(9);
    c.sympathetic_slope = v(10);
    c.vagal_zero = v(11);
    c.vagal_infinity = v(12);
    c.vagal_center = v(13);
    c.vagal_slope = v(14);
    c.basal_period = v(15);
    std::size_t k = 16;  // then gain, time constant, delay (and basal for the first six)
    for (std::size_t e = 0; e < control::effector_count; ++e) {
      c.gain[e] = v(k++);
      c.time_constant[e] = v(k++);
      c.delay[e] = v(k++);
      c.basal[e] = e < control::sympathetic_period ? v(k++) : 0.0;
    }
    reflex_rest_ = control::effector_drive(c, c.set_point);
    volume_scale_ = p.value("blood.volume") / control::ursino_blood_volume_ml;
  }

  [[nodiscard]] double effector_time_constant(std::size_t e) const noexcept {
    return reflex_.time_constant[e] + reflex_.delay[e];  // delay folded in (see baroreflex.hpp)
  }

  /// Turns the reflex states in y into the working parameters of this evaluation.
  void apply_baroreflex(const double* y) noexcept {
    const BaroreflexBlock& b = *baroreflex;
    const auto fx = control::baroreflex_effects(reflex_, y + reflex_state_ + 1, reflex_rest_);
    for (std::size_t c : b.left_ventricle) chamber_[c].ees = base_chamber_[c].ees * fx.lv_elastance;
    for (std::size_t c : b.right_ventricle)
      chamber_[c].ees = base_chamber_[c].ees * fx.rv_elastance;
    for (std::size_t k : b.splanchnic_resistance)
      conductance_[k] = base_conductance_[k] / fx.splanchnic_resistance;
    for (std::size_t k : b.extrasplanchnic_resistance) {
      conductance_[k] = base_conductance_[k] / fx.extrasplanchnic_resistance;
    }
    shift_unstressed(b.splanchnic_veins, splanchnic_share_,
                     fx.splanchnic_volume_shift * volume_scale_);
    shift_unstressed(b.extrasplanchnic_veins, extrasplanchnic_share_,
                     fx.extrasplanchnic_volume_shift * volume_scale_);
    heart_rate_ = base_heart_rate_ / fx.period_ratio;
  }

  /// Each compartment's share of its group's unstressed volume (set by refresh()).
  [[nodiscard]] std::vector<double> unstressed_shares(const std::vector<std::size_t>& group) const {
    double total = 0.0;
    for (std::size_t c : group) total += base_unstressed_[c];
    std::vector<double> share;
    for (std::size_t c : group) share.push_back(base_unstressed_[c] / total);
    return share;
  }

  /// Shares a change of unstressed volume among compartments in proportion to their own.
  void shift_unstressed(const std::vector<std::size_t>& group, const std::vector<double>& share,
                        double shift) noexcept {
    for (std::size_t i = 0; i < group.size(); ++i) {
      unstressed_[group[i]] = std::max(0.0, base_unstressed_[group[i]] + shift * share[i]);
    }
  }

  void baroreflex_derivatives(const double* y, const double* pressure, double* ydot) noexcept {
    const std::size_t sensor = baroreflex->sensor;
    const double dp_dt = ydot[sensor] * elastance_[sensor];
    const double filtered = y[reflex_state_];
    ydot[reflex_state_] =
        (pressure[sensor] + reflex_.lead_time * dp_dt - filtered) / reflex_.lag_time;
    const auto drive = control::effector_drive(reflex_, filtered, chemo_sympathetic_);
    for (std::size_t e = 0; e < control::effector_count; ++e) {
      ydot[reflex_state_ + 1 + e] =
          (drive[e] - y[reflex_state_ + 1 + e]) / effector_time_constant(e);
    }
  }

  [[nodiscard]] double connection_flow(std::size_t k, const double* y,
                                       const double* pressure) const noexcept {
    if (connection_kind_[k] == ConnectionKind::resistance) {
      return (pressure[from_[k]] - pressure[to_[k]]) * conductance_[k];
    }
    if (connection_kind_[k] == ConnectionKind::ideal_valve && !valve_open_[k]) return 0.0;
    return y[flow_state_[k]];
  }

  void layout_states() {
    const std::size_t nc = compartments.size(), nk = connections.size();
    state_names_.clear();
    for (const auto& c : compartments) state_names_.push_back(c.name + ".volume");
    flow_state_.assign(nk, 0);
    opening_state_.assign(nk, 0);
    for (std::size_t k = 0; k < nk; ++k) {
      if (connections[k].kind != ConnectionKind::resistance) {
        flow_state_[k] = state_names_.size();
        state_names_.push_back(connections[k].name + ".flow");
      }
    }
    for (std::size_t k = 0; k < nk; ++k) {
      if (connections[k].kind == ConnectionKind::valve) {
        opening_state_[k] = state_names_.size();
        state_names_.push_back(connections[k].name + ".opening");
      }
    }
    phase_state_ = state_names_.size();
    state_names_.push_back("heart.phase");
    external_volume_state_ = state_names_.size();
    state_names_.push_back("blood.external_volume");
    if (respiration) {
      lung_state_ = state_names_.size();
      for (const char* airway : {"larynx", "trachea", "bronchi", "alveoli"}) {
        state_names_.push_back(std::string("respiration.") + airway + "_volume");
      }
      breath_phase_state_ = state_names_.size();
      state_names_.push_back("respiration.phase");
    }
    if (chemoreflex) {
      chemo_state_ = state_names_.size();
      for (auto state : control::chemoreflex_state_names) {
        state_names_.push_back("chemoreflex." + std::string(state));
      }
    }
    if (baroreflex) {
      reflex_state_ = state_names_.size();
      state_names_.push_back("baroreflex.filtered_pressure");
      for (auto effector : control::effector_names) {
        state_names_.push_back("baroreflex." + std::string(effector));
      }
    }
    // The gases come last: the solver integrates the states before them and the gases are
    // stepped alongside (see step_gases()).
    solver_size_ = state_names_.size();
    if (gas_exchange) {
      gas_.compartment_count = nc;
      gas_.blood_state = state_names_.size();
      for (const auto& c : compartments) {
        state_names_.push_back("gas." + c.name + ".o2");
        state_names_.push_back("gas." + c.name + ".co2");
      }
      gas_.air_state = state_names_.size();
      for (const char* airway : {"larynx", "trachea", "bronchi", "alveoli"}) {
        state_names_.push_back(std::string("gas.") + airway + ".o2");
        state_names_.push_back(std::string("gas.") + airway + ".co2");
      }
      gas_.air_volume_state = lung_state_;
      gas_.from.assign(nk, 0);
      gas_.to.assign(nk, 0);
      for (std::size_t k = 0; k < nk; ++k) {
        gas_.from[k] = connections[k].from;
        gas_.to[k] = connections[k].to;
      }
      gas_.exchange = gas_exchange->exchange;
      gas_.prepare();
    }

    kind_.resize(nc);
    chamber_activation_.assign(nc, 0);
    for (std::size_t c = 0; c < nc; ++c) {
      kind_[c] = compartments[c].kind;
      chamber_activation_[c] = compartments[c].activation;
    }
    connection_kind_.resize(nk);
    from_.resize(nk);
    to_.resize(nk);
    for (std::size_t k = 0; k < nk; ++k) {
      connection_kind_[k] = connections[k].kind;
      from_[k] = connections[k].from;
      to_[k] = connections[k].to;
    }
    pressure_.assign(nc, 0.0);
    flow_.assign(nk, 0.0);
    k1_.assign(state_names_.size(), 0.0);
    gas_flow_.assign(nk, 0.0);
    k2_.assign(state_names_.size(), 0.0);
    external_flow_.assign(nc, 0.0);
    pressure_slope_.assign(nc, 0.0);
    elastance_.assign(nc, 0.0);
    unstressed_.assign(nc, 0.0);
    thoracic_.assign(nc, 0.0);
    chamber_.assign(nc, {});
    conductance_.assign(nk, 0.0);
    inverse_inertance_.assign(nk, 0.0);
    valve_.assign(nk, {});
    curves_.assign(activations.size(), {});
    gaussian_.assign(activations.size(), {});
    valve_open_.assign(nk, 0);
    ideal_valves_.clear();
    for (std::size_t k = 0; k < nk; ++k) {
      if (connections[k].kind == ConnectionKind::ideal_valve) ideal_valves_.push_back(k);
    }
    onset_.assign(activations.size(), 0.0);
    activation_value_.assign(activations.size(), 0.0);
  }

  /// Records every entry jacobian() touches (it touches the same entries for any state),
  /// adds the diagonal, and numbers them in column order.
  void build_sparsity_pattern() {
    const std::size_t n = solver_size_;
    std::vector<char> used(n * n, 0);
    for (std::size_t i = 0; i < n; ++i) used[i * n + i] = 1;
    std::vector<double> y(state_size(), 0.0);
    initial_state(y);
    double scratch = 0.0;
    jacobian(
        y.data(),
        [&](std::size_t row, std::size_t col) -> double& {
          used[col * n + row] = 1;
          return scratch;
        },
        false);
    pattern_.column_starts.assign(n + 1, 0);
    pattern_.row_indices.clear();
    entry_index_.assign(n * n, 0);
    for (std::size_t col = 0; col < n; ++col) {
      for (std::size_t row = 0; row < n; ++row) {
        if (!used[col * n + row]) continue;
        entry_index_[col * n + row] = pattern_.row_indices.size();
        pattern_.row_indices.push_back(static_cast<long long>(row));
      }
      pattern_.column_starts[col + 1] = static_cast<long long>(pattern_.row_indices.size());
    }
  }

  std::size_t observe_gases(const double* y, const double* pressure, double* out,
                            std::size_t s) noexcept {
    using gas::co2, gas::o2;
    for (std::size_t c = 0; c < compartments.size(); ++c) out[s++] = 100.0 * gas_.content(y, c, o2);
    const GasExchangeBlock& b = *gas_exchange;
    const auto arterial = blood_pressures(y, b.arterial_site, 0);
    out[s++] = arterial.po2;
    out[s++] = arterial.pco2;
    out[s++] = 100.0 * arterial.saturation;
    out[s++] = 100.0 * gas_.content(y, b.arterial_site, o2);
    const auto venous = blood_pressures(y, b.mixed_venous_site, 1);
    out[s++] = venous.po2;
    out[s++] = venous.pco2;
    out[s++] = 100.0 * venous.saturation;
    const auto oximeter = blood_pressures(y, b.oximetry_site, 2);
    out[s++] = 100.0 * oximeter.saturation;
    out[s++] = gas_.air_pressure(y, resp::alveoli, o2);
    out[s++] = gas_.air_pressure(y, resp::alveoli, co2);
    // The capnograph samples at the airway opening: expired gas leaves the larynx;
    // during inspiration it sees the inspired gas.
    out[s++] = lung_.flow[resp::larynx] < 0.0 ? gas_.air_pressure(y, resp::larynx, co2)
                                              : gas_.coefficients.inspired_pressure(co2);
    for (std::size_t k = 0; k < connections.size(); ++k) flow_[k] = connection_flow(k, y, pressure);
    const auto fx = gas_.fluxes(y, flow_.data());
    out[s++] = 60.0 * fx.uptake[o2];
    out[s++] = -60.0 * fx.uptake[co2];
    out[s++] = 60.0 * fx.metabolism[o2];
    out[s++] = 60.0 * fx.metabolism[co2];
    return s;
  }

  void register_gas_signals() {
    const GasExchangeBlock& b = *gas_exchange;
    for (const auto& c : compartments) {
      signals_.add({c.name + ".o2_content", "mL/dL",
                    "O2 content of the blood leaving the " + c.description, c.region});
    }
    auto region = [&](std::size_t c) { return compartments[c].region; };
    const std::string arterial = " (" + compartments[b.arterial_site].name + ")";
    signals_.add({"arterial.po2", "mmHg", "arterial O2 partial pressure" + arterial,
                  region(b.arterial_site)});
    signals_.add({"arterial.pco2", "mmHg", "arterial CO2 partial pressure" + arterial,
                  region(b.arterial_site)});
    signals_.add({"arterial.so2", "%", "arterial haemoglobin O2 saturation" + arterial,
                  region(b.arterial_site)});
    signals_.add({"arterial.o2_content", "mL/dL", "arterial O2 content" + arterial,
                  region(b.arterial_site)});
    const std::string venous = " (" + compartments[b.mixed_venous_site].name + ")";
    signals_.add({"venous.po2", "mmHg", "mixed venous O2 partial pressure" + venous,
                  region(b.mixed_venous_site)});
    signals_.add({"venous.pco2", "mmHg", "mixed venous CO2 partial pressure" + venous,
                  region(b.mixed_venous_site)});
    signals_.add({"venous.so2", "%", "mixed venous haemoglobin O2 saturation" + venous,
                  region(b.mixed_venous_site)});
    signals_.add({"spo2", "%",
                  "O2 saturation where a pulse oximeter reads it (" +
                      compartments[b.oximetry_site].name + "; no instrument averaging)",
                  region(b.oximetry_site)});
    signals_.add({"alveolar.po2", "mmHg", "alveolar O2 partial pressure", "thorax"});
    signals_.add({"alveolar.pco2", "mmHg", "alveolar CO2 partial pressure", "thorax"});
    signals_.add({"etco2", "mmHg",
                  "CO2 partial pressure at the airway opening (the capnogram; its value at the "
                  "end of expiration is the end-tidal CO2)",
                  "head"});
    signals_.add(
        {"lungs.o2_uptake", "mL/min", "O2 taken up by pulmonary capillary blood (STPD)", "thorax"});
    signals_.add({"lungs.co2_output", "mL/min", "CO2 given off by pulmonary capillary blood (STPD)",
                  "thorax"});
    signals_.add({"tissues.o2_consumption", "mL/min", "O2 consumed by all tissues (STPD)", "body"});
    signals_.add(
        {"tissues.co2_production", "mL/min", "CO2 produced by all tissues (STPD)", "body"});
  }

  void register_signals() {
    signals_ = SignalRegistry{};
    for (const auto& c : compartments) {
      signals_.add(
          {c.name + ".pressure", "mmHg", "blood pressure in the " + c.description, c.region});
      signals_.add({c.name + ".volume", "mL", "blood volume of the " + c.description, c.region});
    }
    for (const auto& k : connections) {
      signals_.add({k.name + ".flow", "mL/s",
                    "blood flow through the " + k.description + " (positive from " +
                        compartments[k.from].name + " to " + compartments[k.to].name + ")",
                    k.region});
      if (k.kind == ConnectionKind::ideal_valve) {
        signals_.add({k.name + ".opening", "1",
                      "state of the " + k.description + " (0 closed, 1 open)", k.region});
      }
      if (k.kind == ConnectionKind::valve) {
        signals_.add({k.name + ".opening", "1",
                      "opening state of the " + k.description + " (0 closed, 1 fully open)",
                      k.region});
        signals_.add({k.name + ".velocity", "m/s",
                      "blood velocity through the effective orifice of the " + k.description +
                          " (what continuous-wave Doppler measures)",
                      k.region});
      }
    }
    if (interaction) {
      signals_.add({interaction->name + ".septum_volume", "mL",
                    "septal volume: its displacement towards the right ventricle", "heart"});
    }
    for (const auto& a : activations) {
      signals_.add({a.name + ".activation", "1",
                    "normalised contractile activation of the " + a.name + " (0 relaxed, 1 peak)",
                    "heart"});
    }
    signals_.add({"blood.total_volume", "mL", "total blood volume in all compartments", "body"});
    signals_.add({"blood.external_volume", "mL",
                  "net volume given (infusions) minus lost (haemorrhage) since the start", "body"});
    signals_.add({"pleural.pressure", "mmHg",
                  "pleural pressure acting on the thoracic compartments", "thorax"});
    signals_.add({"heart.instantaneous_rate", "1/min",
                  "heart rate now (the heart.rate parameter as modulated by the reflexes)",
                  "heart"});
    if (respiration) {
      signals_.add({"lungs.volume", "mL", "gas volume of the airways and alveoli", "thorax"});
      signals_.add({"airway.pressure", "mmHg",
                    "pressure at the airway opening (mouth or ventilator)", "head"});
      signals_.add(
          {"airway.flow", "mL/s", "gas flow at the airway opening (positive inspiratory)", "head"});
      signals_.add({"alveolar.pressure", "mmHg", "alveolar gas pressure", "thorax"});
      signals_.add({"respiratory_muscle.pressure", "mmHg",
                    "pressure generated by the respiratory muscles", "thorax"});
    }
    if (gas_exchange) register_gas_signals();
    if (chemoreflex) {
      signals_.add({"chemoreflex.peripheral_activity", "1/s",
                    "peripheral (carotid body) chemoreceptor afferent firing", "neck"});
      signals_.add({"respiration.drive_rate", "1/min",
                    "spontaneous breathing rate set by the respiratory centres now", "head"});
      signals_.add({"respiration.drive_pressure", "mmHg",
                    "most negative respiratory muscle pressure of a breath, as the respiratory "
                    "centres set it now",
                    "thorax"});
    }
    if (baroreflex) {
      signals_.add({"baroreflex.filtered_pressure", "mmHg",
                    "carotid sinus pressure as the baroreceptors see it (lead-lag filtered)",
                    "neck"});
      signals_.add(
          {"baroreflex.sympathetic_activity", "1/s", "sympathetic efferent firing rate", "body"});
      signals_.add({"baroreflex.vagal_activity", "1/s", "vagal efferent firing rate", "heart"});
    }
  }

  // state layout
  std::vector<std::string> state_names_;
  SparsityPattern pattern_;
  std::vector<std::size_t> entry_index_;  ///< (col * n + row) -> position in the sparse values
  std::vector<std::size_t> flow_state_, opening_state_;
  std::size_t phase_state_ = 0;
  std::size_t external_volume_state_ = 0;
  std::size_t reflex_state_ = 0;
  std::size_t lung_state_ = 0,
              breath_phase_state_ = 0;  ///< airway volumes, breath phase  ///< first baroreflex
                                        ///< state: filtered pressure, then effectors
  SignalRegistry signals_;

  // flat arrays used by rhs()
  double heart_rate_ = 72.0, external_pressure_ = 0.0, blood_density_ = 1.06;
  double initial_volume_scale_ = 1.0;
  std::vector<CompartmentKind> kind_;
  std::vector<std::size_t> chamber_activation_;
  std::vector<ConnectionKind> connection_kind_;
  std::vector<std::size_t> from_, to_;
  std::vector<double> pressure_, pressure_slope_, elastance_, unstressed_, thoracic_;
  std::vector<double> external_flow_;  ///< mL/s into each compartment from outside
  std::vector<double> flow_;           ///< mL/s through each connection, this evaluation
  std::size_t solver_size_ = 0;        ///< states the solver integrates (all but the gases)
  std::vector<double> k1_, k2_;        ///< step_gases(): Heun's two slopes
  std::vector<double> gas_flow_;       ///< step_gases(): flows at the step's end
  resp::LungState gas_lung_{};         ///< step_gases(): airway state at the step's end
  gas::PartialPressures chemoreceptor_input_{95.0, 40.0};  ///< see update_chemoreceptor_input()
  gas::GasTransport gas_;
  /// Last partial pressures found at each sensing site: the next inversion starts there.
  /// The last inversion at each site of blood_pressures(): its blood and its answer (the
  /// next inversion's starting point).
  struct SensedBlood {
    std::size_t compartment = SIZE_MAX;
    double o2 = 0.0, co2 = 0.0;  ///< contents, mL/mL
    gas::PartialPressures pressures{};
  };
  mutable std::array<SensedBlood, 4> sensed_{};
  static constexpr std::size_t chemo_site = 3;  ///< sensed_ slot of the chemoreceptors (rhs)
  control::ChemoreflexCoefficients chemo_;
  std::size_t chemo_state_ = 0;
  double base_breathing_rate_ = 12.0, base_muscle_pressure_min_ = 0.0;
  double chemo_sympathetic_ = 0.0;  ///< this evaluation's chemoreceptor drive, spikes/s
  // The reflexes modulate chamber elastances, resistances, unstressed volumes and heart rate:
  // refresh() keeps the parameters' own values here, the arrays above hold the working ones.
  std::vector<cardio::ElastanceWall> base_chamber_;
  std::vector<double> base_unstressed_, base_conductance_;
  double base_heart_rate_ = 72.0;
  control::BaroreflexCoefficients reflex_;
  std::array<double, control::effector_count> reflex_rest_{};
  double volume_scale_ = 1.0;  ///< patient blood volume / Ursino's 5300 mL
  std::vector<double> splanchnic_share_, extrasplanchnic_share_;  ///< of the venous shifts
  resp::LungCoefficients lungs_;
  resp::LungState lung_{};
  double chest_wall_reference_ = 0.0;     ///< mL, from P_pl,EE
  double airway_opening_pressure_ = 0.0;  ///< mmHg: atmospheric when breathing spontaneously
  resp::VentilatorSettings ventilator_;
  bool inflow_prescribed_ = false;  ///< this evaluation: the ventilator drives the flow
  std::vector<cardio::ElastanceWall> chamber_;
  cardio::ElastanceWall septum_;
  cardio::Pericardium pericardium_;
  cardio::InteractingVentricles coupled_{};  ///< last solution; its septal volume seeds the next
  std::vector<GaussianCoefficients> gaussian_;
  std::vector<char> valve_open_;           ///< ideal valves: the discrete open state
  std::vector<std::size_t> ideal_valves_;  ///< connection indices of the ideal valves
  std::vector<double> conductance_, inverse_inertance_;
  std::vector<cardio::ValveCoefficients> valve_;
  std::vector<cardio::DoubleHill> curves_;
  std::vector<double> onset_, activation_value_;
};

}  // namespace physiotwin
