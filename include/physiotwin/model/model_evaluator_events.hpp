#pragma once
// Ideal valves as solver events: what ModelEvaluator declares under "events" (the
// declarations carry the documentation).
#include "physiotwin/model/model_evaluator.hpp"

namespace physiotwin {

inline void ModelEvaluator::event_functions(const double* y, double* g) noexcept {
  double* pressure = pressure_.data();
  compute_pressures(y, pressure);
  for (std::size_t i = 0; i < ideal_valves_.size(); ++i) {
    const std::size_t k = ideal_valves_[i];
    g[i] = valve_open_[k] ? y[at_.flow[k]] : pressure[from_[k]] - pressure[to_[k]];
  }
}

inline void ModelEvaluator::event_directions(int* direction) const noexcept {
  for (std::size_t i = 0; i < ideal_valves_.size(); ++i) {
    direction[i] = valve_open_[ideal_valves_[i]] ? -1 : 1;
  }
}

inline void ModelEvaluator::apply_events(const int* fired, double* y) noexcept {
  for (std::size_t i = 0; i < ideal_valves_.size(); ++i) {
    if (fired[i] == 0) continue;
    const std::size_t k = ideal_valves_[i];
    valve_open_[k] = !valve_open_[k];
    if (!valve_open_[k]) y[at_.flow[k]] = 0.0;
  }
  settle_valves(y);
}

inline void ModelEvaluator::settle_valves(double* y) noexcept {
  double* pressure = pressure_.data();
  compute_pressures(y, pressure);
  for (std::size_t k : ideal_valves_) {
    const double dp = pressure[from_[k]] - pressure[to_[k]];
    if (!valve_open_[k] && dp > 0.0) valve_open_[k] = 1;
    if (valve_open_[k] && y[at_.flow[k]] < 0.0) {
      valve_open_[k] = 0;
      y[at_.flow[k]] = 0.0;
    }
  }
}

}  // namespace physiotwin
