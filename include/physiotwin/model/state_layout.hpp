#pragma once
// Which entry of a model's state vector is what: its name, its kind (which sets the solver's
// absolute tolerance for it) and where each block's states start; and the sparsity pattern of
// the solver states' Jacobian. Built once from a ModelDescription.
//
// Order: compartment volumes, connection flows, valve openings, heart phase, external volume,
// airway volumes and breath phase, chemoreflex, baroreflex, cardiopulmonary reflex, fluid
// exchange, exercise, local O2 tone; then the gases, which the solver does not integrate (they are
// stepped alongside it: docs/solver.md).
#include <cstddef>
#include <string>
#include <vector>

#include "physiotwin/control/baroreflex.hpp"
#include "physiotwin/control/chemoreflex.hpp"
#include "physiotwin/control/exercise.hpp"
#include "physiotwin/control/local_oxygen.hpp"
#include "physiotwin/model/model_description.hpp"
#include "physiotwin/resp/lung_mechanics.hpp"

namespace physiotwin {

/// What a state measures. The solver's absolute tolerances are chosen by kind (twin.hpp).
enum class StateKind {
  blood_volume,     ///< mL in a compartment
  blood_flow,       ///< mL/s through an inertance or valve
  valve_opening,    ///< 0 closed .. 1 open
  cycle_phase,      ///< beats or breaths counted (crosses an integer at each start)
  external_volume,  ///< mL given minus lost since the start
  airway_volume,    ///< mL of gas in an airway
  chemoreflex,      ///< a chemoreflex state (firing or a change of breathing)
  baroreflex,       ///< a baroreflex state (filtered pressure or an effector; mmHg-sized)
  gas_amount,       ///< mL of O2 or CO2 (STPD) in a compartment or an airway
  body_fluid,       ///< mL of interstitial fluid or of red cells
  protein_mass,     ///< g of plasma protein
  exercise,         ///< an exercise state (W, mL/s of O2 or CO2, or a relative dilation)
  vascular_tone,    ///< a bed's local tone: its relative change of conductance
};

/// The fluid exchange's states (fluid/fluid_exchange.hpp), in order from StateIndices::fluid.
enum FluidStateIndex : std::size_t {
  fluid_interstitial,
  fluid_red_cells,
  fluid_protein,
  fluid_arterial_hemoglobin,  ///< g/dL reaching the arteries (the dissociation curves')
};

/// Compressed-sparse-column pattern of the solver states' Jacobian plus the whole diagonal
/// (CVODE forms I - gamma J in place). About 150 entries for the default model against 1369
/// dense.
struct SparsityPattern {
  std::vector<long long> column_starts;  ///< n + 1 offsets into row_indices
  std::vector<long long> row_indices;
};

/// Where each block's states start: numbers only, cheap to keep beside the equations.
struct StateIndices {
  std::size_t count = 0;                   ///< states in all
  std::vector<std::size_t> flow, opening;  ///< per connection: its flow and opening state
  std::size_t heart_phase = 0, external_volume = 0;
  std::size_t airway_volume = 0, breath_phase = 0;  ///< first airway volume (resp::Airway order)
  std::size_t chemoreflex = 0;      ///< first chemoreflex state (control::chemoreflex_state_names)
  std::size_t baroreflex = 0;       ///< filtered pressure, then the effectors (control::Effector)
  std::size_t cardiopulmonary = 0;  ///< control::CardiopulmonaryState order
  std::size_t fluid = 0;            ///< interstitial volume, red cells, plasma protein, arterial Hb
  std::size_t exercise = 0;         ///< control::ExerciseState order
  std::size_t local_oxygen = 0;     ///< control::LocalOxygenBed order
  std::size_t solver_size = 0;      ///< states the solver integrates (all but the gases)
  std::size_t gas_blood = 0;        ///< O2 and CO2 per compartment, then
  std::size_t gas_air = 0;          ///< O2 and CO2 per airway
};

struct StateLayout : StateIndices {
  std::vector<std::string> names;
  std::vector<StateKind> kinds;
  SparsityPattern pattern;
  /// (col * n + row) -> position in the sparse values; outside_pattern for an entry the
  /// pattern does not hold.
  std::vector<std::size_t> entry_index;
  static constexpr std::size_t outside_pattern = static_cast<std::size_t>(-1);

  [[nodiscard]] std::size_t size() const noexcept { return names.size(); }

  [[nodiscard]] static StateLayout of(const ModelDescription& model) {
    StateLayout l;
    auto add = [&](std::string name, StateKind kind) {
      l.names.push_back(std::move(name));
      l.kinds.push_back(kind);
      return l.names.size() - 1;
    };
    const std::size_t nk = model.connections.size();
    for (const auto& c : model.compartments) add(c.name + ".volume", StateKind::blood_volume);
    l.flow.assign(nk, 0);
    l.opening.assign(nk, 0);
    for (std::size_t k = 0; k < nk; ++k) {
      if (has_flow_state(model.connections[k].kind)) {
        l.flow[k] = add(model.connections[k].name + ".flow", StateKind::blood_flow);
      }
    }
    for (std::size_t k = 0; k < nk; ++k) {
      if (model.connections[k].kind == ConnectionKind::valve) {
        l.opening[k] = add(model.connections[k].name + ".opening", StateKind::valve_opening);
      }
    }
    l.heart_phase = add("heart.phase", StateKind::cycle_phase);
    l.external_volume = add("blood.external_volume", StateKind::external_volume);
    if (model.respiration) {
      l.airway_volume = l.size();
      for (std::string_view airway : resp::airway_names) {
        add("respiration." + std::string(airway) + "_volume", StateKind::airway_volume);
      }
      l.breath_phase = add("respiration.phase", StateKind::cycle_phase);
    }
    if (model.chemoreflex) {
      l.chemoreflex = l.size();
      for (auto state : control::chemoreflex_state_names) {
        add("chemoreflex." + std::string(state), StateKind::chemoreflex);
      }
    }
    if (model.baroreflex) {
      l.baroreflex = add("baroreflex.filtered_pressure", StateKind::baroreflex);
      for (auto effector : control::effector_names) {
        add("baroreflex." + std::string(effector), StateKind::baroreflex);
      }
    }
    if (model.cardiopulmonary) {
      l.cardiopulmonary = add("cardiopulmonary.resistance_response", StateKind::baroreflex);
      add("cardiopulmonary.venous_response", StateKind::baroreflex);
    }
    if (model.fluid_exchange) {
      l.fluid = add("fluid.interstitial_volume", StateKind::body_fluid);
      add("fluid.red_cell_volume", StateKind::body_fluid);
      add("fluid.plasma_protein", StateKind::protein_mass);
      add("fluid.arterial_hemoglobin", StateKind::body_fluid);
    }
    if (model.exercise) {
      l.exercise = l.size();
      for (auto state : control::exercise_state_names) {
        add("exercise." + std::string(state), StateKind::exercise);
      }
    }
    if (model.local_oxygen) {
      l.local_oxygen = l.size();
      for (auto bed : control::local_oxygen_bed_names) {
        add("local_oxygen." + std::string(bed) + "_tone", StateKind::vascular_tone);
      }
    }
    l.solver_size = l.size();
    if (model.gas_exchange) {
      l.gas_blood = l.size();
      for (const auto& c : model.compartments) {
        add("gas." + c.name + ".o2", StateKind::gas_amount);
        add("gas." + c.name + ".co2", StateKind::gas_amount);
      }
      l.gas_air = l.size();
      for (std::string_view airway : resp::airway_names) {
        add("gas." + std::string(airway) + ".o2", StateKind::gas_amount);
        add("gas." + std::string(airway) + ".co2", StateKind::gas_amount);
      }
    }
    l.count = l.size();
    return l;
  }

  /// Fills the sparsity pattern: `visit_entries(record)` must call `record(row, col)` (which
  /// returns a double& to write to) for every entry the Jacobian of the solver states touches.
  /// The whole diagonal is added; entries are numbered in column order.
  template <typename Visit>
  void record_sparsity_pattern(Visit&& visit_entries) {
    const std::size_t n = solver_size;
    std::vector<char> used(n * n, 0);
    for (std::size_t i = 0; i < n; ++i) used[i * n + i] = 1;
    double scratch = 0.0;
    visit_entries([&](std::size_t row, std::size_t col) -> double& {
      used[col * n + row] = 1;
      return scratch;
    });
    pattern.column_starts.assign(n + 1, 0);
    pattern.row_indices.clear();
    entry_index.assign(n * n, outside_pattern);
    for (std::size_t col = 0; col < n; ++col) {
      for (std::size_t row = 0; row < n; ++row) {
        if (!used[col * n + row]) continue;
        entry_index[col * n + row] = pattern.row_indices.size();
        pattern.row_indices.push_back(static_cast<long long>(row));
      }
      pattern.column_starts[col + 1] = static_cast<long long>(pattern.row_indices.size());
    }
  }
};

}  // namespace physiotwin
