#pragma once
// What a model file describes: the body's blocks (compartments, connections, activations,
// the ventricular interaction, lungs, gases and reflexes), their parameters and the body the
// values are for. The loader (model/model_loader.hpp) fills it; `settle`, twin parameter
// files and the HDF5 writer write it back. Plain data: the state layout
// (model/state_layout.hpp), the equations (model/model_evaluator.hpp) and the signals
// (model/observables.hpp) are built from it.
//
// The block vocabulary (kind names as they are written in files) is declared here once and
// read by the loader and the writers.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "physiotwin/control/local_oxygen.hpp"
#include "physiotwin/core/error.hpp"
#include "physiotwin/core/parameters.hpp"
#include "physiotwin/gas/blood_gas.hpp"
#include "physiotwin/model/anatomy.hpp"
#include "physiotwin/resp/lung_mechanics.hpp"

namespace physiotwin {

enum class CompartmentKind { compliance, chamber };
enum class ConnectionKind { resistance, inertance, valve, ideal_valve, distensible_resistance };
enum class ActivationKind { double_hill, gaussian };

/// Names of the kinds as model and output files write them (enum order).
inline constexpr std::array<std::string_view, 2> compartment_kind_names{"compliance", "chamber"};
inline constexpr std::array<std::string_view, 5> connection_kind_names{
    "resistance", "inertance", "valve", "ideal_valve", "distensible_resistance"};
/// Whether a connection of this kind carries its flow as a state (resistances compute theirs
/// from the pressures).
[[nodiscard]] constexpr bool has_flow_state(ConnectionKind kind) noexcept {
  return kind != ConnectionKind::resistance && kind != ConnectionKind::distensible_resistance;
}

[[nodiscard]] constexpr std::string_view name_of(CompartmentKind kind) noexcept {
  return compartment_kind_names[static_cast<std::size_t>(kind)];
}
[[nodiscard]] constexpr std::string_view name_of(ConnectionKind kind) noexcept {
  return connection_kind_names[static_cast<std::size_t>(kind)];
}
/// The connection kind a file names, if it names one.
[[nodiscard]] constexpr std::optional<ConnectionKind> connection_kind_named(
    std::string_view name) noexcept {
  for (std::size_t k = 0; k < connection_kind_names.size(); ++k) {
    if (connection_kind_names[k] == name) return static_cast<ConnectionKind>(k);
  }
  return std::nullopt;
}

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
  std::optional<Anatomy> anatomy;   ///< where it is in the body (model file's "anatomy")
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

/// The cardiopulmonary reflex (control/cardiopulmonary_reflex.hpp); needs a baroreflex, whose
/// resistances and veins it acts on. Senses a heart chamber's transmural pressure.
struct CardiopulmonaryBlock {
  std::size_t sensor = 0;  ///< a chamber (the right atrium)
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

/// Fluid exchange between the blood and the interstitium (fluid/fluid_exchange.hpp); needs
/// gas exchange (the red cells carry its haemoglobin). Per capillary bed: the compartment
/// fluid filters from, its veins (the exchange pressure lies between the two) and its share
/// of the filtration coefficient; lymph returns to one compartment.
struct FluidExchangeBlock {
  std::vector<std::size_t> capillaries, veins;  ///< compliance compartments, per bed
  std::vector<double> share;                    ///< per bed, summing to 1
  std::size_t lymph_return = 0;                 ///< compartment
  std::size_t first_parameter = 0;
};

/// Dynamic exercise (control/exercise.hpp); needs a baroreflex (central command acts through
/// it) and gas exchange (the active muscle's O2 demand). The respiratory centres' drive acts
/// when the model has a chemoreflex.
struct ExerciseBlock {
  std::size_t active_muscle = 0;          ///< tissue compartment whose O2 demand rises
  std::vector<std::size_t> vasodilating;  ///< its arterioles: resistance connections
  std::size_t muscle_pump = 0;            ///< resistance connection: its venous return
  std::size_t muscle_veins = 0;           ///< compliance the pump squeezes (muscle_pump's from)
  std::size_t first_parameter = 0;
};

/// The resistance vessels' own response to arterial O2 (control/local_oxygen.hpp); needs a
/// chemoreflex (whose arterial gases and resting PO2 it reads).
struct LocalOxygenBlock {
  /// Each bed's resistance connections (its arterioles and venules), control::LocalOxygenBed
  /// order.
  std::array<std::vector<std::size_t>, control::oxygen_bed_count> beds;
  std::size_t first_parameter = 0;
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

/// A whole model file, read.
struct ModelDescription {
  std::string name;
  std::string description;
  std::string source_file;
  std::string source_digest;  ///< SHA-256 (hex) of the model file's bytes as the loader read them
  ReferenceBody reference_body;
  std::vector<Compartment> compartments;
  std::vector<Connection> connections;
  std::vector<ActivationCurve> activations;
  std::optional<VentricularInteractionBlock> interaction;
  std::optional<BaroreflexBlock> baroreflex;
  std::optional<CardiopulmonaryBlock> cardiopulmonary;
  std::optional<RespirationBlock> respiration;
  std::optional<GasExchangeBlock> gas_exchange;
  std::optional<ChemoreflexBlock> chemoreflex;
  std::optional<FluidExchangeBlock> fluid_exchange;
  std::optional<ExerciseBlock> exercise;
  std::optional<LocalOxygenBlock> local_oxygen;
  ParameterSet parameters;
  CompartmentRoles roles;
  /// A complete state (state_names() order) that twins of this model start from instead of
  /// the one built from the description: a calibrated patient's settled resting state
  /// (patient/calibration.hpp), stored with twin parameter files. Empty: built.
  std::vector<double> start_state;

  [[nodiscard]] std::size_t compartment_index(std::string_view compartment) const {
    for (std::size_t c = 0; c < compartments.size(); ++c) {
      if (compartments[c].name == compartment) return c;
    }
    throw InputError(fmt::format("no compartment named \"{}\"", compartment));
  }
  /// The large arteries: the compartments the organ beds are fed from, and the aorta (each
  /// once, in the order first met).
  [[nodiscard]] std::vector<std::size_t> large_artery_compartments() const {
    std::vector<std::size_t> out;
    auto add = [&](std::size_t c) {
      if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    };
    for (const auto& k : connections) {
      if (!k.organ_bed.empty() && k.kind == ConnectionKind::resistance) add(k.from);
    }
    if (roles.aorta) add(*roles.aorta);
    return out;
  }
};

}  // namespace physiotwin
