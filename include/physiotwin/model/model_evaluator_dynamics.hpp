#pragma once
// Part of ModelEvaluator (model/model_evaluator.hpp, which includes this file): the
// right-hand side of everything but the gases, and how the reflexes turn their states into
// the working coefficients of an evaluation (docs/models/control.md).
#include "physiotwin/model/model_evaluator.hpp"

namespace physiotwin {

/// Flow through a distensible resistance (cardio/distensible_vessel.hpp), the law at the
/// mean of its end pressures.
inline double ModelEvaluator::distensible_flow(std::size_t k, double p_from,
                                               double p_to) const noexcept {
  return (p_from - p_to + source_pressure_[k]) * conductance_[k] *
         distensible_[k].conductance_factor(0.5 * (p_from + p_to));
}

inline double ModelEvaluator::connection_flow(std::size_t k, const double* y,
                                              const double* pressure) const noexcept {
  if (connection_kind_[k] == ConnectionKind::resistance) {
    return (pressure[from_[k]] - pressure[to_[k]] + source_pressure_[k]) * conductance_[k];
  }
  if (connection_kind_[k] == ConnectionKind::distensible_resistance) {
    return distensible_flow(k, pressure[from_[k]], pressure[to_[k]]);
  }
  if (connection_kind_[k] == ConnectionKind::ideal_valve && !valve_open_[k]) return 0.0;
  return y[at_.flow[k]];
}

inline void ModelEvaluator::core_rhs(const double* y, double* ydot,
                                     gas::PartialPressures arterial) noexcept {
  double* pressure = pressure_.data();
  compute_pressures(y, pressure);
  std::fill(ydot, ydot + at_.solver_size, 0.0);
  for (std::size_t k = 0; k < connection_kind_.size(); ++k) {
    const std::size_t from = from_[k], to = to_[k];
    const double dp = pressure[from] - pressure[to];
    double q = 0.0;
    switch (connection_kind_[k]) {
      case ConnectionKind::resistance:
        q = (dp + source_pressure_[k]) * conductance_[k];
        break;
      case ConnectionKind::distensible_resistance:
        q = distensible_flow(k, pressure[from], pressure[to]);
        break;
      case ConnectionKind::inertance:
        q = y[at_.flow[k]];
        ydot[at_.flow[k]] = (dp - conductance_[k] * q) * inverse_inertance_[k];
        break;
      case ConnectionKind::ideal_valve:
        // Closed: no flow and none building up; opening and closing are events.
        if (valve_open_[k]) {
          q = y[at_.flow[k]];
          ydot[at_.flow[k]] = (dp - conductance_[k] * q) * inverse_inertance_[k];
        }
        break;
      case ConnectionKind::valve: {
        q = y[at_.flow[k]];
        const auto d =
            cardio::valve_derivatives(valve_[k], blood_density_, dp, q, y[at_.opening[k]]);
        ydot[at_.flow[k]] = d.dflow;
        ydot[at_.opening[k]] = d.dopening;
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
  ydot[at_.heart_phase] = heart_rate_ / 60.0;
  ydot[at_.external_volume] = external;
  if (fluid_) fluid_derivatives(y, pressure, ydot);
  if (baroreflex_) baroreflex_derivatives(y, pressure, ydot);
  if (cardiopulmonary_) cardiopulmonary_derivatives(y, pressure, ydot);
  if (respiration_) {
    const auto& q = lung_.flow;
    const std::size_t v = at_.airway_volume;
    ydot[v + resp::larynx] = q[resp::larynx] - q[resp::trachea];
    ydot[v + resp::trachea] = q[resp::trachea] - q[resp::bronchi];
    ydot[v + resp::bronchi] = q[resp::bronchi] - q[resp::alveoli];
    ydot[v + resp::alveoli] = q[resp::alveoli];
    ydot[at_.breath_phase] = breathing_rate() / 60.0;
  }
  if (exercise_) {
    control::exercise_derivatives(exercise_k_, y + at_.exercise, ydot + at_.exercise);
  }
  if (chemoreflex_) {
    control::chemoreflex_derivatives(chemo_, y + at_.chemoreflex, arterial.po2, arterial.pco2,
                                     ydot + at_.chemoreflex);
  }
  if (local_oxygen_) {
    // The solver's arterial input changes only at gas steps: the stimulus (two evaluations of
    // the dissociation curve) is kept until it does.
    if (arterial.po2 != local_oxygen_input_.po2 || arterial.pco2 != local_oxygen_input_.pco2) {
      local_oxygen_input_ = arterial;
      local_oxygen_stimulus_ =
          control::local_oxygen_stimulus(local_oxygen_k_, arterial.po2, arterial.pco2);
    }
    control::local_oxygen_derivatives(local_oxygen_k_, y + at_.local_oxygen, local_oxygen_stimulus_,
                                      ydot + at_.local_oxygen);
  }
}

/// Filtration and lymph move plasma between the compartments and the interstitium; bleeding
/// takes red cells and protein with the blood, infusions bring what the fluid carries.
/// (The Newton Jacobian has filtration's dependence on the beds' pressures and each state's
/// own decay; it leaves out the couplings through plasma protein and haematocrit, below
/// 1e-3 /s and dense: model_jacobian.hpp, docs/solver.md.)
inline void ModelEvaluator::fluid_derivatives(const double* y, const double* pressure,
                                              double* ydot) noexcept {
  double filtered = 0.0;
  const fluid::FluidState s = fluid_flows(y, pressure, plasma_exchange_.data(), filtered);
  hematocrit_ = s.hematocrit;
  double red_cells = 0.0, protein = 0.0, bled = 0.0;
  for (std::size_t c = 0; c < kind_.size(); ++c) {
    ydot[c] += plasma_exchange_[c];
    red_cells += external_[c].red_cells;
    protein += external_[c].protein;
    bled += external_[c].bled;
  }
  const std::size_t f = at_.fluid;
  ydot[f + fluid_interstitial] = filtered - s.lymph_flow;
  ydot[f + fluid_red_cells] = red_cells - bled * s.hematocrit;
  ydot[f + fluid_protein] = protein - bled * (1.0 - s.hematocrit) * s.plasma_protein / 100.0;
  // Blood diluted (or concentrated) anywhere reaches the arteries after the central blood
  // volume's transit: the O2 curves use this haemoglobin, so that an infusion does not lower
  // the O2 capacity before its diluted blood arrives (docs/models/fluid-exchange.md).
  ydot[f + fluid_arterial_hemoglobin] =
      (s.hemoglobin - y[f + fluid_arterial_hemoglobin]) / fluid_k_.mixing_time;
}

inline fluid::FluidState ModelEvaluator::fluid_state(const double* y) const noexcept {
  double blood = 0.0;
  for (std::size_t c = 0; c < kind_.size(); ++c) blood += y[c];
  const std::size_t f = at_.fluid;
  return fluid::fluid_state(fluid_k_, blood, y[f + fluid_interstitial], y[f + fluid_red_cells],
                            y[f + fluid_protein]);
}

inline void ModelEvaluator::exchange_pressures(const double* pressure,
                                               std::vector<double>& out) const {
  const FluidExchangeBlock& b = *fluid_;
  out.resize(b.capillaries.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = exchange_pressure(i, pressure);
}

inline double ModelEvaluator::exchange_pressure(std::size_t bed,
                                                const double* pressure) const noexcept {
  const double veins = pressure[fluid_->veins[bed]];
  return veins + fluid_k_.exchange_pressure_fraction * (pressure[fluid_->capillaries[bed]] - veins);
}

inline std::pair<fluid::FluidState, double> ModelEvaluator::fluid_exchange_at(
    const double* y, const double* pressure) noexcept {
  double filtered = 0.0;
  const fluid::FluidState state = fluid_flows(y, pressure, plasma_exchange_.data(), filtered);
  return {state, filtered};
}

inline fluid::FluidState ModelEvaluator::fluid_flows(const double* y, const double* pressure,
                                                     double* exchange, double& filtered) noexcept {
  const FluidExchangeBlock& b = *fluid_;
  const fluid::FluidState s = fluid_state(y);
  std::fill(exchange, exchange + kind_.size(), 0.0);
  filtered = 0.0;
  for (std::size_t i = 0; i < b.capillaries.size(); ++i) {
    const double out = fluid::filtration(fluid_k_, s, i, exchange_pressure(i, pressure));
    exchange[b.capillaries[i]] -= out;
    filtered += out;
  }
  exchange[b.lymph_return] += s.lymph_flow;
  return s;
}

/// Blood bled leaves at its own contents. Without fluid exchange an infusion enters at the
/// site's contents too (it is blood-like: haemoglobin is a constant). With it, O2 enters only
/// with red cells, at the site's O2 per red cell (so a crystalloid dilutes the O2 content as it
/// dilutes the haemoglobin), and filtered plasma leaves without O2; CO2, carried mostly as
/// plasma bicarbonate, moves with every volume at the site's content (the dilution of the
/// bicarbonate buffer by a crystalloid is not modelled: docs/models/fluid-exchange.md).
inline void ModelEvaluator::external_gas_flows(const double* plasma_exchange,
                                               double hematocrit) noexcept {
  for (std::size_t c = 0; c < kind_.size(); ++c) {
    if (!fluid_) {
      external_o2_[c] = external_co2_[c] = external_flow_[c];
      continue;
    }
    const double with_red_cells =
        hematocrit > 0.0 ? external_[c].red_cells / hematocrit : external_[c].red_cells;
    external_o2_[c] = with_red_cells - external_[c].bled;
    external_co2_[c] = external_flow_[c] + plasma_exchange[c];
  }
}

inline void ModelEvaluator::set_hemoglobin(double hemoglobin) noexcept {
  if (hemoglobin == hemoglobin_) return;
  hemoglobin_ = hemoglobin;
  gas_.coefficients.blood = gas::dissociation_for(hemoglobin);
  // New curves: no earlier inversion may be reused for the same contents.
  for (SensedBlood& sensed : sensed_) sensed.compartment = SIZE_MAX;
}

inline void ModelEvaluator::baroreflex_derivatives(const double* y, const double* pressure,
                                                   double* ydot) noexcept {
  const std::size_t sensor = baroreflex_->sensor;
  const std::size_t first = at_.baroreflex;
  const double dp_dt = ydot[sensor] * elastance_[sensor];
  const double filtered = y[first];
  ydot[first] = (pressure[sensor] + reflex_.lead_time * dp_dt - filtered) / reflex_.lag_time;
  const auto drive =
      control::effector_drive(reflex_, filtered, chemo_sympathetic_, inspiratory_drive());
  for (std::size_t e = 0; e < control::effector_count; ++e) {
    ydot[first + 1 + e] = (drive[e] - y[first + 1 + e]) / effector_time_constant(e);
  }
}

/// Each cardiopulmonary effector lags the afferent error of the sensed chamber's transmural
/// pressure (control/cardiopulmonary_reflex.hpp).
inline void ModelEvaluator::cardiopulmonary_derivatives(const double* y, const double* pressure,
                                                        double* ydot) noexcept {
  const double error = control::cardiopulmonary_error(
      cardiopulmonary_k_, transmural_pressure(cardiopulmonary_->sensor, pressure));
  for (std::size_t i = 0; i < control::cardiopulmonary_state_count; ++i) {
    const std::size_t state = at_.cardiopulmonary + i;
    ydot[state] =
        (error - y[state]) / control::cardiopulmonary_time_constant(cardiopulmonary_k_, i);
  }
}

/// Turns the chemoreflex states in y into this evaluation's breathing pattern and
/// sympathetic drive. Limits: the muscles cannot push during inspiration, nor pull harder
/// than -40 mmHg; the rate stays within 4-60 breaths/min (the parameter's range). A paced
/// rate (respiration.paced_rate) overrides the centres' rate; their depth still acts, scaled by
/// (the centres' rate / the paced rate)^respiration.paced_depth_exponent. Exercise
/// and mental stress add to the rate and the depth (docs/models/control.md): stress's share is
/// a drive from above the brainstem, at once, not a response to the blood gases, and the
/// chemoreflex answers the lower PaCO2 it brings.
inline void ModelEvaluator::apply_chemoreflex(const double* y) noexcept {
  const auto fx = control::chemoreflex_effects(chemo_, y + at_.chemoreflex);
  const double stress_rate = reflex_.stress_level * reflex_.stress_breathing_rate;
  const double stress_depth = reflex_.stress_level * reflex_.stress_breathing_depth;
  const double spontaneous_rate = std::clamp(
      base_breathing_rate_ + fx.rate + exercise_fx_.breathing_rate + stress_rate, 4.0, 60.0);
  double depth =
      base_muscle_pressure_min_ - fx.amplitude - exercise_fx_.muscle_pressure_depth - stress_depth;
  lungs_.rate = spontaneous_rate;
  if (lungs_.paced_rate > 0.0) {  // a slower breath is taken deeper: the gases stay (control.md)
    lungs_.rate = lungs_.paced_rate;
    depth *= std::pow(spontaneous_rate / lungs_.paced_rate, lungs_.paced_depth_exponent);
  }
  lungs_.muscle_pressure_min = std::clamp(depth, -40.0, 0.0);
  chemo_sympathetic_ = fx.sympathetic;
  reflex_.hypoxic_vagal_withdrawal =
      ventilator_.mode == resp::VentilatorMode::off
          ? control::hypoxic_vagal_withdrawal(chemo_, chemoreceptor_input_.po2)
          : 0.0;
}

/// Pressure in every compartment (mmHg) for state y; also fills the activations. The
/// reflexes, exercise and the beds' local O2 tone set this evaluation's working
/// coefficients first.
inline void ModelEvaluator::compute_pressures(const double* y, double* pressure) noexcept {
  // The conductances the blocks below scale start from the parameters' values each time,
  // so that each block's factor applies once (apply_baroreflex() sets its own from there).
  for (std::size_t k : modulated_conductances_) conductance_[k] = base_conductance_[k];
  if (exercise_) apply_exercise(y);
  if (chemoreflex_) apply_chemoreflex(y);
  if (baroreflex_) apply_baroreflex(y);
  if (exercise_) dilate_active_muscle();
  if (local_oxygen_) apply_local_oxygen(y);
  if (respiration_) {
    const double u = y[at_.breath_phase] - std::floor(y[at_.breath_phase]);
    double inflow = std::nan("");
    airway_opening_pressure_ = 0.0;  // atmospheric
    if (ventilator_.mode != resp::VentilatorMode::off) {
      const auto out = resp::ventilator_output(ventilator_, u);
      airway_opening_pressure_ = out.opening_pressure;
      inflow = out.inspiratory_flow;
    }
    inflow_prescribed_ = !std::isnan(inflow);
    lung_ = resp::lung_state(lungs_, y + at_.airway_volume, u, airway_opening_pressure_,
                             chest_wall_reference_, inflow);
    if (inflow_prescribed_) {  // what the ventilator's manometer reads
      airway_opening_pressure_ =
          lung_.pressure[resp::larynx] + inflow * lungs_.resistance[resp::larynx];
    }
    external_pressure_ = lung_.pleural;
  }
  const double period = 60.0 / heart_rate_;
  const double beat_fraction = y[at_.heart_phase] - std::floor(y[at_.heart_phase]);
  for (std::size_t a = 0; a < curves_.size(); ++a) {
    if (activation_kind_[a] == ActivationKind::gaussian) {
      // Smith 2004: e = exp(-B (t - C)^2), t the time since the start of the beat.
      const double dt = beat_fraction * period - gaussian_[a].peak_time;
      activation_value_[a] = std::exp(-gaussian_[a].steepness * dt * dt);
      continue;
    }
    double u = beat_fraction - onset_[a] / period;
    u -= std::floor(u);
    activation_value_[a] = curves_[a](u);
  }
  for (std::size_t c = 0; c < kind_.size(); ++c) {
    const double transmural =
        kind_[c] == CompartmentKind::compliance
            ? (y[c] - unstressed_[c]) * elastance_[c]
            : chamber_[c].pressure(y[c], activation_value_[chamber_activation_[c]]);
    pressure[c] = transmural + thoracic_[c] * external_pressure_;
  }
  if (interaction_) {
    const std::size_t l = interaction_->left, r = interaction_->right;
    coupled_ = cardio::solve_ventricular_interaction(
        chamber_[l], chamber_[r], septum_, pericardium_, activation_value_[chamber_activation_[l]],
        y[l], y[r], coupled_.septum_volume);
    pressure[l] = coupled_.left_pressure + thoracic_[l] * external_pressure_;
    pressure[r] = coupled_.right_pressure + thoracic_[r] * external_pressure_;
  }
  if (exercise_) {
    source_pressure_[exercise_->muscle_pump] = control::muscle_pump_pressure(
        exercise_fx_.pump_pressure, transmural_pressure(exercise_->muscle_veins, pressure));
  }
}

/// Turns the baroreflex states in y (and the cardiopulmonary reflex's, which acts on the same
/// resistances and veins) into the working coefficients of this evaluation.
inline void ModelEvaluator::apply_baroreflex(const double* y) noexcept {
  const BaroreflexBlock& b = *baroreflex_;
  const auto fx = control::baroreflex_effects(reflex_, y + at_.baroreflex + 1, reflex_rest_);
  control::CardiopulmonaryEffects low{};
  if (cardiopulmonary_)
    low = control::cardiopulmonary_effects(cardiopulmonary_k_, y + at_.cardiopulmonary);
  // Central command's inotropy in exercise multiplies the reflex's (1 without exercise).
  const double inotropy = exercise_fx_.contractility_factor;
  for (std::size_t c : b.left_ventricle)
    chamber_[c].ees = base_chamber_[c].ees * fx.lv_elastance * inotropy;
  for (std::size_t c : b.right_ventricle)
    chamber_[c].ees = base_chamber_[c].ees * fx.rv_elastance * inotropy;
  for (std::size_t k : b.splanchnic_resistance)
    conductance_[k] = base_conductance_[k] / (fx.splanchnic_resistance * low.resistance);
  for (std::size_t k : b.extrasplanchnic_resistance) {
    conductance_[k] = base_conductance_[k] / (fx.extrasplanchnic_resistance * low.resistance);
  }
  // Ursino's gains are mL in a 5300 mL body, Heldt's in a 5950 mL one.
  const double low_scale =
      volume_scale_ * control::ursino_blood_volume_ml / control::heldt_blood_volume_ml;
  shift_unstressed(
      b.splanchnic_veins, splanchnic_share_,
      fx.splanchnic_volume_shift * volume_scale_ + low.splanchnic_volume_shift * low_scale);
  shift_unstressed(b.extrasplanchnic_veins, extrasplanchnic_share_,
                   fx.extrasplanchnic_volume_shift * volume_scale_ +
                       low.extrasplanchnic_volume_shift * low_scale);
  heart_rate_ =
      control::held_below_maximum(base_heart_rate_ / fx.period_ratio, reflex_.maximal_heart_rate);
}

/// Turns the exercise states in y into this evaluation's effects: central command on the
/// baroreflex's efferents (applied by apply_baroreflex()), the ventilatory drive (by
/// apply_chemoreflex()), the active muscle's O2 demand and, once the compartments' pressures
/// are known, the muscle pump (compute_pressures()).
inline void ModelEvaluator::apply_exercise(const double* y) noexcept {
  exercise_fx_ = control::exercise_effects(exercise_k_, y + at_.exercise);
  // Central command's inotropy is beta-adrenergic: a beta-blocker takes its share of it.
  exercise_fx_.contractility_factor =
      1.0 + (exercise_fx_.contractility_factor - 1.0) * (1.0 - reflex_.beta_blockade);
  reflex_.exercise_sympathetic_drive = exercise_fx_.sympathetic_drive;
  reflex_.exercise_vagal_withdrawal = exercise_fx_.vagal_withdrawal;
  reflex_.circulating_catecholamine = exercise_fx_.catecholamine_drive;
  reflex_.set_point = rest_set_point_ + exercise_fx_.set_point_shift;
  gas_.consumption[exercise_->active_muscle] =
      active_muscle_rest_demand_ + exercise_fx_.extra_o2_demand;
  for (std::size_t c : large_arteries_)
    elastance_[c] = base_elastance_[c] / exercise_fx_.compliance_factor;
}

/// Metabolic vasodilation, on top of what the reflexes set (compute_pressures() and
/// apply_baroreflex() rewrite the conductances from their parameters on every evaluation).
inline void ModelEvaluator::dilate_active_muscle() noexcept {
  for (std::size_t k : exercise_->vasodilating) conductance_[k] *= exercise_fx_.conductance_factor;
}

inline void ModelEvaluator::set_active_muscle_demand(const double* y) noexcept {
  gas_.consumption[exercise_->active_muscle] =
      active_muscle_rest_demand_ + control::extra_o2_demand(exercise_k_, y + at_.exercise);
}

/// The beds' own answer to arterial O2 (control/local_oxygen.hpp), on top of the reflexes'
/// and exercise's conductances.
inline void ModelEvaluator::apply_local_oxygen(const double* y) noexcept {
  for (std::size_t j = 0; j < control::oxygen_bed_count; ++j) {
    const double factor = control::local_oxygen_factor(y[at_.local_oxygen + j]);
    for (std::size_t k : local_oxygen_->beds[j]) conductance_[k] *= factor;
  }
}

/// Shares a change of unstressed volume among compartments in proportion to their own.
inline void ModelEvaluator::shift_unstressed(const std::vector<std::size_t>& group,
                                             const std::vector<double>& share,
                                             double shift) noexcept {
  for (std::size_t i = 0; i < group.size(); ++i) {
    unstressed_[group[i]] = std::max(0.0, base_unstressed_[group[i]] + shift * share[i]);
  }
}

}  // namespace physiotwin
