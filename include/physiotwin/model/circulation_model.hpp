#pragma once
// A closed-loop circulation assembled from blocks (model/block_types.hpp): compartments
// (compliant vessels and heart chambers) hold blood volume; connections (resistances,
// inertances, valves) move it between two compartments. Every flow leaves one compartment
// and enters another, so total blood volume is conserved by construction.
//
// The block list is read once (model/model_loader.hpp) and flattened into arrays of plain
// numbers (refresh()), so rhs() is a few tight loops with no allocation, no virtual call
// and no exception: as fast as hand-written code for one fixed model.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "physiotwin/cardio/activation.hpp"
#include "physiotwin/cardio/valve.hpp"
#include "physiotwin/core/parameters.hpp"
#include "physiotwin/core/signals.hpp"
#include "physiotwin/model/block_types.hpp"

namespace physiotwin {

enum class CompartmentKind { compliance, chamber };
enum class ConnectionKind { resistance, inertance, valve };

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
  std::size_t first_parameter = 0;
};

/// The body the model file's values describe; patients are scaled relative to it.
struct ReferenceBody {
  std::string sex = "male";
  double height_cm = 175.0;
  double weight_kg = 70.0;
  std::string source;
};

/// Which compartments play the roles the clinical metrics need (any may be absent).
struct MetricRoles {
  std::optional<std::size_t> left_ventricle, right_ventricle, left_atrium, right_atrium, aorta,
      pulmonary_artery, central_veins;
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
  ParameterSet parameters;
  MetricRoles roles;

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
        ChamberCoefficients& ch = chamber_[c];
        ch.ees = p.at(i).value;
        ch.vd = p.at(i + 1).value;
        ch.p0 = p.at(i + 2).value;
        ch.lambda = p.at(i + 3).value;
        ch.v0 = p.at(i + 4).value;
      }
    }
    for (std::size_t k = 0; k < connections.size(); ++k) {
      const Connection& con = connections[k];
      const std::size_t i = con.first_parameter;
      switch (con.kind) {
        case ConnectionKind::resistance:
          conductance_[k] = 1.0 / p.at(i).value;
          break;
        case ConnectionKind::inertance:
          conductance_[k] = p.at(i).value;  // R, used with 1/L below
          inverse_inertance_[k] = 1.0 / p.at(i + 1).value;
          break;
        case ConnectionKind::valve:
          valve_[k] = {p.at(i).value, p.at(i + 1).value, p.at(i + 2).value, p.at(i + 3).value,
                       p.at(i + 4).value};
          break;
      }
    }
  }

  /// Changes one parameter by name, with range checking, and refreshes the arrays.
  void set_parameter(std::string_view parameter, double value) {
    parameters.set(parameter, value);
    refresh();
  }

  // ---- state vector ----
  [[nodiscard]] std::size_t state_size() const noexcept { return state_names_.size(); }
  [[nodiscard]] const std::vector<std::string>& state_names() const noexcept {
    return state_names_;
  }
  [[nodiscard]] std::size_t phase_state() const noexcept { return phase_state_; }
  [[nodiscard]] std::size_t flow_state(std::size_t connection) const noexcept {
    return flow_state_[connection];
  }

  /// Initial state: compliant compartments at their initial pressures, chambers at their
  /// initial volumes, all shifted by one common pressure so that the total equals
  /// blood.volume exactly; valves closed and at rest; phase zero.
  void initial_state(std::span<double> y) const {
    std::fill(y.begin(), y.end(), 0.0);
    double total = 0.0, total_compliance = 0.0;
    for (std::size_t c = 0; c < compartments.size(); ++c) {
      const Compartment& comp = compartments[c];
      if (comp.kind == CompartmentKind::compliance) {
        y[c] = unstressed_[c] + comp.initial_pressure / elastance_[c];
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
  }

  /// Scales chamber initial volumes with the patient's blood volume (see patient/body.hpp).
  void set_initial_volume_scale(double scale) noexcept { initial_volume_scale_ = scale; }

  // ---- dynamics ----
  /// Pressure in every compartment (mmHg) for state y; also fills the activations.
  void compute_pressures(const double* y, double* pressure) noexcept {
    const double period = 60.0 / heart_rate_;
    const double beat_fraction = y[phase_state_] - std::floor(y[phase_state_]);
    for (std::size_t a = 0; a < curves_.size(); ++a) {
      double u = beat_fraction - onset_[a] / period;
      u -= std::floor(u);
      activation_value_[a] = curves_[a](u);
    }
    for (std::size_t c = 0; c < compartments.size(); ++c) {
      const double v = y[c];
      double transmural;
      if (kind_[c] == CompartmentKind::compliance) {
        transmural = (v - unstressed_[c]) * elastance_[c];
      } else {
        const ChamberCoefficients& ch = chamber_[c];
        const double e = activation_value_[chamber_activation_[c]];
        // Cap the exponent: beyond exp(30) the chamber is ruptured, and an overflow would
        // hide the real failure from the solver's error message.
        const double passive = ch.p0 * (std::exp(std::min(ch.lambda * (v - ch.v0), 30.0)) - 1.0);
        transmural = e * ch.ees * (v - ch.vd) + (1.0 - e) * passive;
      }
      pressure[c] = transmural + thoracic_[c] * external_pressure_;
    }
  }

  /// dy/dt. No allocation, no exception, no virtual dispatch.
  void rhs(double /*t*/, const double* y, double* ydot) noexcept {
    double* pressure = pressure_.data();
    compute_pressures(y, pressure);
    std::fill(ydot, ydot + state_size(), 0.0);
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
        case ConnectionKind::valve: {
          q = y[flow_state_[k]];
          const auto d =
              cardio::valve_derivatives(valve_[k], blood_density_, dp, q, y[opening_state_[k]]);
          ydot[flow_state_[k]] = d.dflow;
          ydot[opening_state_[k]] = d.dopening;
          break;
        }
      }
      ydot[from] -= q;
      ydot[to] += q;
    }
    ydot[phase_state_] = heart_rate_ / 60.0;
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
  void jacobian(const double* y, Entry&& entry) noexcept {
    double* pressure = pressure_.data();
    compute_pressures(y, pressure);
    double* slope = pressure_slope_.data();  // dP_c/dV_c
    for (std::size_t c = 0; c < compartments.size(); ++c) {
      if (kind_[c] == CompartmentKind::compliance) {
        slope[c] = elastance_[c];
      } else {
        const ChamberCoefficients& ch = chamber_[c];
        const double e = activation_value_[chamber_activation_[c]];
        const double x = ch.lambda * (y[c] - ch.v0);
        const double passive_slope = x < 30.0 ? ch.p0 * ch.lambda * std::exp(x) : 0.0;
        slope[c] = e * ch.ees + (1.0 - e) * passive_slope;
      }
    }
    for (std::size_t k = 0; k < connections.size(); ++k) {
      const std::size_t f = from_[k], t = to_[k];
      const double dp = pressure[f] - pressure[t];
      switch (connection_kind_[k]) {
        case ConnectionKind::resistance: {
          const double g = conductance_[k];
          entry(f, f) -= g * slope[f];
          entry(f, t) += g * slope[t];
          entry(t, f) += g * slope[f];
          entry(t, t) -= g * slope[t];
          break;
        }
        case ConnectionKind::inertance: {
          const std::size_t s = flow_state_[k];
          entry(f, s) -= 1.0;
          entry(t, s) += 1.0;
          entry(s, f) += slope[f] * inverse_inertance_[k];
          entry(s, t) -= slope[t] * inverse_inertance_[k];
          entry(s, s) -= conductance_[k] * inverse_inertance_[k];
          break;
        }
        case ConnectionKind::valve: {
          const std::size_t s = flow_state_[k], z = opening_state_[k];
          const auto d = cardio::valve_partials(valve_[k], blood_density_, dp, y[s], y[z]);
          entry(f, s) -= 1.0;
          entry(t, s) += 1.0;
          entry(s, f) += d.dflow_ddp * slope[f];
          entry(s, t) -= d.dflow_ddp * slope[t];
          entry(s, s) += d.dflow_dq;
          entry(s, z) += d.dflow_dzeta;
          entry(z, f) += d.dopening_ddp * slope[f];
          entry(z, t) -= d.dopening_ddp * slope[t];
          entry(z, z) += d.dopening_dzeta;
          break;
        }
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

  /// Sparse Jacobian: the values of sparsity_pattern()'s entries, in its order, overwritten.
  void sparse_jacobian(const double* y, double* values) noexcept {
    std::fill(values, values + pattern_.row_indices.size(), 0.0);
    const std::size_t n = state_size();
    jacobian(y, [&](std::size_t row, std::size_t col) -> double& {
      return values[entry_index_[col * n + row]];
    });
  }

  /// Compressed-sparse-column pattern of the Jacobian plus the whole diagonal (CVODE forms
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
      }
    }
    for (std::size_t a = 0; a < activations.size(); ++a) out[s++] = activation_value_[a];
    out[s++] = total_volume;
    out[s++] = external_pressure_;
  }

  [[nodiscard]] const SignalRegistry& signals() const noexcept { return signals_; }

  /// Fraction of the current beat at which each activation curve starts (onset / period).
  [[nodiscard]] double activation_onset_fraction(std::size_t a) const noexcept {
    return onset_[a] * heart_rate_ / 60.0;
  }
  [[nodiscard]] double heart_rate() const noexcept { return heart_rate_; }

  /// Pleural pressure, mmHg: the thorax.pressure parameter until a lung model drives it.
  void set_external_pressure(double mmHg) noexcept { external_pressure_ = mmHg; }

 private:
  struct ChamberCoefficients {
    double ees = 0, vd = 0, p0 = 0, lambda = 0, v0 = 0;
  };

  [[nodiscard]] double connection_flow(std::size_t k, const double* y,
                                       const double* pressure) const noexcept {
    if (connection_kind_[k] == ConnectionKind::resistance) {
      return (pressure[from_[k]] - pressure[to_[k]]) * conductance_[k];
    }
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
    pressure_slope_.assign(nc, 0.0);
    elastance_.assign(nc, 0.0);
    unstressed_.assign(nc, 0.0);
    thoracic_.assign(nc, 0.0);
    chamber_.assign(nc, {});
    conductance_.assign(nk, 0.0);
    inverse_inertance_.assign(nk, 0.0);
    valve_.assign(nk, {});
    curves_.assign(activations.size(), {});
    onset_.assign(activations.size(), 0.0);
    activation_value_.assign(activations.size(), 0.0);
  }

  /// Records every entry jacobian() touches (it touches the same entries for any state),
  /// adds the diagonal, and numbers them in column order.
  void build_sparsity_pattern() {
    const std::size_t n = state_size();
    std::vector<char> used(n * n, 0);
    for (std::size_t i = 0; i < n; ++i) used[i * n + i] = 1;
    std::vector<double> y(n, 0.0);
    initial_state(y);
    double scratch = 0.0;
    jacobian(y.data(), [&](std::size_t row, std::size_t col) -> double& {
      used[col * n + row] = 1;
      return scratch;
    });
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
    for (const auto& a : activations) {
      signals_.add({a.name + ".activation", "1",
                    "normalised contractile activation of the " + a.name + " (0 relaxed, 1 peak)",
                    "heart"});
    }
    signals_.add({"blood.total_volume", "mL", "total blood volume in all compartments", "body"});
    signals_.add({"pleural.pressure", "mmHg",
                  "pleural pressure acting on the thoracic compartments", "thorax"});
  }

  // state layout
  std::vector<std::string> state_names_;
  SparsityPattern pattern_;
  std::vector<std::size_t> entry_index_;  ///< (col * n + row) -> position in the sparse values
  std::vector<std::size_t> flow_state_, opening_state_;
  std::size_t phase_state_ = 0;
  SignalRegistry signals_;

  // flat arrays used by rhs()
  double heart_rate_ = 72.0, external_pressure_ = 0.0, blood_density_ = 1.06;
  double initial_volume_scale_ = 1.0;
  std::vector<CompartmentKind> kind_;
  std::vector<std::size_t> chamber_activation_;
  std::vector<ConnectionKind> connection_kind_;
  std::vector<std::size_t> from_, to_;
  std::vector<double> pressure_, pressure_slope_, elastance_, unstressed_, thoracic_;
  std::vector<ChamberCoefficients> chamber_;
  std::vector<double> conductance_, inverse_inertance_;
  std::vector<cardio::ValveCoefficients> valve_;
  std::vector<cardio::DoubleHill> curves_;
  std::vector<double> onset_, activation_value_;
};

}  // namespace physiotwin
