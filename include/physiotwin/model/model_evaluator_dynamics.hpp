#pragma once
// Part of ModelEvaluator (model/model_evaluator.hpp, which includes this file): the
// right-hand side of everything but the gases, and how the reflexes turn their states into
// the working coefficients of an evaluation (docs/models/control.md).
#include "physiotwin/model/model_evaluator.hpp"

namespace physiotwin {

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
        q = dp * conductance_[k];
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
  if (baroreflex_) baroreflex_derivatives(y, pressure, ydot);
  if (respiration_) {
    const auto& q = lung_.flow;
    const std::size_t v = at_.airway_volume;
    ydot[v + resp::larynx] = q[resp::larynx] - q[resp::trachea];
    ydot[v + resp::trachea] = q[resp::trachea] - q[resp::bronchi];
    ydot[v + resp::bronchi] = q[resp::bronchi] - q[resp::alveoli];
    ydot[v + resp::alveoli] = q[resp::alveoli];
    ydot[at_.breath_phase] = breathing_rate() / 60.0;
  }
  if (chemoreflex_) {
    control::chemoreflex_derivatives(chemo_, y + at_.chemoreflex, arterial.po2, arterial.pco2,
                                     ydot + at_.chemoreflex);
  }
}

inline void ModelEvaluator::baroreflex_derivatives(const double* y, const double* pressure,
                                                   double* ydot) noexcept {
  const std::size_t sensor = baroreflex_->sensor;
  const std::size_t first = at_.baroreflex;
  const double dp_dt = ydot[sensor] * elastance_[sensor];
  const double filtered = y[first];
  ydot[first] = (pressure[sensor] + reflex_.lead_time * dp_dt - filtered) / reflex_.lag_time;
  const auto drive = control::effector_drive(reflex_, filtered, chemo_sympathetic_);
  for (std::size_t e = 0; e < control::effector_count; ++e) {
    ydot[first + 1 + e] = (drive[e] - y[first + 1 + e]) / effector_time_constant(e);
  }
}

/// Turns the chemoreflex states in y into this evaluation's breathing pattern and
/// sympathetic drive. Limits: the muscles cannot push during inspiration, nor pull harder
/// than -40 mmHg; the rate stays within 4-60 breaths/min (the parameter's range).
inline void ModelEvaluator::apply_chemoreflex(const double* y) noexcept {
  const auto fx = control::chemoreflex_effects(chemo_, y + at_.chemoreflex);
  lungs_.rate = std::clamp(base_breathing_rate_ + fx.rate, 4.0, 60.0);
  lungs_.muscle_pressure_min = std::clamp(base_muscle_pressure_min_ - fx.amplitude, -40.0, 0.0);
  chemo_sympathetic_ = fx.sympathetic;
}

/// Turns the baroreflex states in y into the working coefficients of this evaluation.
inline void ModelEvaluator::apply_baroreflex(const double* y) noexcept {
  const BaroreflexBlock& b = *baroreflex_;
  const auto fx = control::baroreflex_effects(reflex_, y + at_.baroreflex + 1, reflex_rest_);
  for (std::size_t c : b.left_ventricle) chamber_[c].ees = base_chamber_[c].ees * fx.lv_elastance;
  for (std::size_t c : b.right_ventricle) chamber_[c].ees = base_chamber_[c].ees * fx.rv_elastance;
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

/// Shares a change of unstressed volume among compartments in proportion to their own.
inline void ModelEvaluator::shift_unstressed(const std::vector<std::size_t>& group,
                                             const std::vector<double>& share,
                                             double shift) noexcept {
  for (std::size_t i = 0; i < group.size(); ++i) {
    unstressed_[group[i]] = std::max(0.0, base_unstressed_[group[i]] + shift * share[i]);
  }
}

}  // namespace physiotwin
