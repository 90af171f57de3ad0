#pragma once
// Part of ModelEvaluator (model/model_evaluator.hpp, which includes this file): the analytic
// Jacobian df/dy. `entry(row, col)` returns a reference to where a partial derivative goes:
// the dense and sparse forms (BodyModel) and the sparsity pattern (StateLayout) share this
// one derivation, and it touches the same entries for any state.
//
// Each connection adds its flow's partials to the row of the compartment it leaves and
// subtracts them from the row it enters, so every column of the volume rows sums to exactly
// zero: Newton's corrections then keep total blood volume to round-off, which a
// difference-quotient Jacobian (column sums ~1e-8) does not. The dependence of the
// activation on the cardiac phase is left out: a Newton matrix may be approximate.
#include "physiotwin/model/model_evaluator.hpp"

namespace physiotwin {

template <typename Entry>
void ModelEvaluator::jacobian(const double* y, Entry&& entry, bool include_gases) noexcept {
  double* pressure = pressure_.data();
  compute_pressures(y, pressure);
  double* slope = pressure_slope_.data();  // dP_c/dV_c
  for (std::size_t c = 0; c < kind_.size(); ++c) {
    slope[c] = kind_[c] == CompartmentKind::compliance
                   ? elastance_[c]
                   : chamber_[c].slope(y[c], activation_value_[chamber_activation_[c]]);
  }
  if (interaction_) {  // coupled ventricles: each pressure depends on both volumes
    slope[interaction_->left] = coupled_.dleft_dleft;
    slope[interaction_->right] = coupled_.dright_dright;
  }
  // Adds coefficient * dP_c/dV to row `row`, for every volume V that P_c depends on.
  auto pressure_partials = [&](std::size_t row, std::size_t c, double coefficient) {
    entry(row, c) += coefficient * slope[c];
    if (interaction_ && c == interaction_->left) {
      entry(row, interaction_->right) += coefficient * coupled_.dleft_dright;
    } else if (interaction_ && c == interaction_->right) {
      entry(row, interaction_->left) += coefficient * coupled_.dright_dleft;
    }
  };
  if (respiration_) lung_jacobian(entry);
  if (gas_exchange_ && include_gases) {
    for (std::size_t k = 0; k < connection_kind_.size(); ++k)
      flow_[k] = connection_flow(k, y, pressure);
    double filtered = 0.0;
    if (fluid_)
      hematocrit_ = fluid_flows(y, pressure, plasma_exchange_.data(), filtered).hematocrit;
    external_gas_flows(plasma_exchange_.data(), hematocrit_);
    gas_.jacobian_diagonal(y, flow_.data(), external_o2_.data(), external_co2_.data(), lung_,
                           entry);
  }
  if (chemoreflex_) {
    for (std::size_t i = 0; i < control::chemoreflex_state_count; ++i) {
      entry(at_.chemoreflex + i, at_.chemoreflex + i) -= 1.0 / control::chemoreflex_time(chemo_, i);
    }
  }
  if (baroreflex_) {
    // The reflex is slow (time constants of seconds against steps of milliseconds): its
    // own decay is enough for Newton. Leaving out its coupling to the volumes also keeps
    // the volume rows' column sums at exactly zero.
    const std::size_t first = at_.baroreflex;
    entry(first, first) -= 1.0 / reflex_.lag_time;
    for (std::size_t e = 0; e < control::effector_count; ++e) {
      entry(first + 1 + e, first + 1 + e) -= 1.0 / effector_time_constant(e);
    }
  }
  if (local_oxygen_) {  // its input is the last gas step's: its own decay only
    for (std::size_t j = 0; j < control::oxygen_bed_count; ++j)
      entry(at_.local_oxygen + j, at_.local_oxygen + j) -= 1.0 / local_oxygen_k_.time_constant;
  }
  if (cardiopulmonary_) {  // slow as well: its own decay only
    for (std::size_t i = 0; i < control::cardiopulmonary_state_count; ++i) {
      entry(at_.cardiopulmonary + i, at_.cardiopulmonary + i) -=
          1.0 / control::cardiopulmonary_time_constant(cardiopulmonary_k_, i);
    }
  }
  if (exercise_) {  // the ramp's own decay, and the work rate driving the others
    const std::size_t first = at_.exercise;
    for (std::size_t i = 0; i < control::exercise_state_count; ++i) {
      entry(first + i, first + i) += control::exercise_decay(exercise_k_, y + first, i);
    }
    const double cost = exercise_k_.o2_cost / 60.0;  // mL/s of O2 per W
    const std::size_t w = first + control::exercise_work_rate;
    entry(first + control::exercise_o2_demand, w) += cost / exercise_k_.o2_time_constant;
    entry(first + control::exercise_ventilation, w) +=
        (1.0 - exercise_k_.ventilation_fast_fraction) * exercise_k_.respiratory_quotient * cost /
        exercise_k_.ventilation_time_constant;
    // The vasodilation, the vagal withdrawal and the post-exercise dilation follow piecewise
    // targets (exercise.hpp); both columns are written every time, so the pattern recorded at rest
    // holds either.
    const std::size_t demand = first + control::exercise_o2_demand;
    const auto add_coupling = [&](std::size_t row, control::ExerciseCoupling coupling) {
      entry(first + row, w) += coupling.work_rate;
      entry(first + row, demand) += coupling.o2_demand;
    };
    add_coupling(control::exercise_vasodilation,
                 control::vasodilation_coupling(exercise_k_, y + first));
    add_coupling(control::exercise_vagal_withdrawal,
                 control::vagal_withdrawal_coupling(exercise_k_, y + first));
    add_coupling(control::exercise_post_dilation,
                 control::post_dilation_coupling(exercise_k_, y + first));
  }
  if (fluid_) {
    // Filtration's dependence on the beds' pressures, as the resistances' (each term leaves a
    // capillary compartment and enters the interstitium: the columns still sum to zero), and
    // the interstitium's own decay (its pressure pushing filtration down and lymph up). Left
    // out, being slow (rates below 1e-3 /s) and dense: the couplings through plasma protein
    // and haematocrit, which depend on every compartment's volume.
    const FluidExchangeBlock& b = *fluid_;
    const std::size_t interstitium = at_.fluid + fluid_interstitial;
    const double fraction = fluid_k_.exchange_pressure_fraction;
    for (std::size_t i = 0; i < b.capillaries.size(); ++i) {
      const double g = fluid_k_.filtration_coefficient * fluid_k_.share[i];
      pressure_partials(b.capillaries[i], b.capillaries[i], -g * fraction);
      pressure_partials(b.capillaries[i], b.veins[i], -g * (1.0 - fraction));
      pressure_partials(interstitium, b.capillaries[i], g * fraction);
      pressure_partials(interstitium, b.veins[i], g * (1.0 - fraction));
    }
    entry(interstitium, interstitium) -=
        (fluid_k_.filtration_coefficient + fluid_k_.lymph_conductance) /
        fluid_k_.interstitial_compliance;
    const std::size_t arterial = at_.fluid + fluid_arterial_hemoglobin;
    entry(arterial, arterial) -= 1.0 / fluid_k_.mixing_time;
  }
  for (std::size_t k = 0; k < connection_kind_.size(); ++k) {
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
      case ConnectionKind::distensible_resistance: {
        // Q = (dp + s) G(P), P the mean end pressure: dQ/dP_f = G + (dp + s) G'/2, and
        // dQ/dP_t = -G + (dp + s) G'/2.
        const double mean = 0.5 * (pressure[f] + pressure[t]);
        const double g = conductance_[k] * distensible_[k].conductance_factor(mean);
        const double half_dg = 0.5 * (dp + source_pressure_[k]) * conductance_[k] *
                               distensible_[k].conductance_factor_slope(mean);
        pressure_partials(f, f, -(g + half_dg));
        pressure_partials(f, t, g - half_dg);
        pressure_partials(t, f, g + half_dg);
        pressure_partials(t, t, -(g - half_dg));
        break;
      }
      case ConnectionKind::inertance:
      case ConnectionKind::ideal_valve: {
        // A closed ideal valve contributes zeros (its entries stay in the pattern).
        const double on =
            connection_kind_[k] == ConnectionKind::inertance || valve_open_[k] ? 1.0 : 0.0;
        const std::size_t s = at_.flow[k];
        entry(f, s) -= on;
        entry(t, s) += on;
        pressure_partials(s, f, on * inverse_inertance_[k]);
        pressure_partials(s, t, -on * inverse_inertance_[k]);
        entry(s, s) -= on * conductance_[k] * inverse_inertance_[k];
        break;
      }
      case ConnectionKind::valve: {
        const std::size_t s = at_.flow[k], z = at_.opening[k];
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

/// Exact partial derivatives of the airway volumes' derivatives: the upper airways are
/// stiff (time constants of about a millisecond), so Newton needs them. The pleural
/// pressure's effect on the circulation is left out of the matrix (it is slow and small:
/// 1/C_cw is under 0.01 mmHg/mL).
template <typename Entry>
void ModelEvaluator::lung_jacobian(Entry&& entry) noexcept {
  constexpr std::size_t n = resp::airway_count;
  const std::size_t v = at_.airway_volume;
  double dp[n][n] = {};  // dP_a/dV_k
  dp[resp::larynx][resp::larynx] = 1.0 / lungs_.compliance[resp::larynx];
  for (std::size_t a = resp::trachea; a < n; ++a) {
    for (std::size_t k = resp::trachea; k < n; ++k) dp[a][k] = 1.0 / lungs_.chest_wall_compliance;
    dp[a][a] += 1.0 / lungs_.compliance[a];
  }
  for (std::size_t f = 0; f < n; ++f) {          // flow f goes from node f-1 (opening for f=0) to f
    if (f == 0 && inflow_prescribed_) continue;  // a flow-driven ventilator: no dependence
    for (std::size_t k = 0; k < n; ++k) {
      const double upstream = f == 0 ? 0.0 : dp[f - 1][k];
      const double g = (upstream - dp[f][k]) / lungs_.resistance[f];
      if (f > 0) entry(v + f - 1, v + k) -= g;
      entry(v + f, v + k) += g;
    }
  }
}

}  // namespace physiotwin
