#pragma once
// Part of ModelEvaluator (model/model_evaluator.hpp, which includes this file): copying a
// description's topology into flat arrays (prepare) and its parameters into coefficients
// (refresh), each block's through model/block_coefficients.hpp.
#include "physiotwin/model/model_evaluator.hpp"

namespace physiotwin {

inline void ModelEvaluator::prepare(const ModelDescription& model, const StateIndices& at) {
  at_ = at;
  const std::size_t nc = model.compartments.size(), nk = model.connections.size();
  const std::size_t na = model.activations.size();
  kind_.resize(nc);
  chamber_activation_.assign(nc, 0);
  compartment_first_parameter_.assign(nc, 0);
  for (std::size_t c = 0; c < nc; ++c) {
    kind_[c] = model.compartments[c].kind;
    chamber_activation_[c] = model.compartments[c].activation;
    compartment_first_parameter_[c] = model.compartments[c].first_parameter;
  }
  connection_kind_.resize(nk);
  connection_first_parameter_.assign(nk, 0);
  from_.resize(nk);
  to_.resize(nk);
  ideal_valves_.clear();
  for (std::size_t k = 0; k < nk; ++k) {
    connection_kind_[k] = model.connections[k].kind;
    connection_first_parameter_[k] = model.connections[k].first_parameter;
    from_[k] = model.connections[k].from;
    to_[k] = model.connections[k].to;
    if (connection_kind_[k] == ConnectionKind::ideal_valve) ideal_valves_.push_back(k);
  }
  activation_kind_.resize(na);
  activation_first_parameter_.assign(na, 0);
  for (std::size_t a = 0; a < na; ++a) {
    activation_kind_[a] = model.activations[a].kind;
    activation_first_parameter_[a] = model.activations[a].first_parameter;
  }
  interaction_ = model.interaction;
  baroreflex_ = model.baroreflex;
  cardiopulmonary_ = model.cardiopulmonary;
  respiration_ = model.respiration;
  gas_exchange_ = model.gas_exchange;
  chemoreflex_ = model.chemoreflex;
  fluid_ = model.fluid_exchange;
  exercise_ = model.exercise;
  local_oxygen_ = model.local_oxygen;
  if (exercise_) large_arteries_ = model.large_artery_compartments();
  modulated_conductances_.clear();
  if (exercise_) modulated_conductances_ = exercise_->vasodilating;
  if (local_oxygen_) {
    for (const auto& bed : local_oxygen_->beds)
      modulated_conductances_.insert(modulated_conductances_.end(), bed.begin(), bed.end());
  }
  // The active muscle's connections are also a local O2 bed's: each is reset once.
  // (Iterator algorithms, not std::ranges: clang 14 with libstdc++ 12, the fuzz build's
  // pair, cannot form the subrange that std::ranges::unique returns.)
  std::sort(modulated_conductances_.begin(), modulated_conductances_.end());
  modulated_conductances_.erase(
      std::unique(modulated_conductances_.begin(), modulated_conductances_.end()),
      modulated_conductances_.end());
  if (gas_exchange_) {
    gas_.compartment_count = nc;
    gas_.blood_state = at.gas_blood;
    gas_.air_state = at.gas_air;
    gas_.air_volume_state = at.airway_volume;
    gas_.from = from_;
    gas_.to = to_;
    gas_.exchange = gas_exchange_->exchange;
    gas_.prepare();
  }

  source_pressure_.assign(nk, 0.0);
  pressure_.assign(nc, 0.0);
  flow_.assign(nk, 0.0);
  k1_.assign(at.count, 0.0);
  gas_flow_.assign(nk, 0.0);
  k2_.assign(at.count, 0.0);
  external_flow_.assign(nc, 0.0);
  external_.assign(nc, {});
  external_o2_.assign(nc, 0.0);
  external_co2_.assign(nc, 0.0);
  plasma_exchange_.assign(nc, 0.0);
  gas_plasma_exchange_.assign(nc, 0.0);
  pressure_slope_.assign(nc, 0.0);
  elastance_.assign(nc, 0.0);
  unstressed_.assign(nc, 0.0);
  thoracic_.assign(nc, 0.0);
  chamber_.assign(nc, {});
  conductance_.assign(nk, 0.0);
  inverse_inertance_.assign(nk, 0.0);
  valve_.assign(nk, {});
  distensible_.assign(nk, {});
  curves_.assign(na, {});
  gaussian_.assign(na, {});
  valve_open_.assign(nk, 0);
  onset_.assign(na, 0.0);
  activation_value_.assign(na, 0.0);
  for (std::size_t c = 0; c < nc; ++c) thoracic_[c] = model.compartments[c].thoracic ? 1.0 : 0.0;
}

inline void ModelEvaluator::refresh(const ParameterSet& p) {
  heart_rate_ = p.value("heart.rate");
  external_pressure_ = p.value("thorax.pressure");
  blood_density_ = p.value("blood.density");
  for (std::size_t a = 0; a < activation_kind_.size(); ++a) {
    const std::size_t first = activation_first_parameter_[a];
    if (activation_kind_[a] == ActivationKind::gaussian) {
      onset_[a] = 0.0;
      gaussian_[a] = coefficients::gaussian(p, first);
      continue;
    }
    onset_[a] = coefficients::activation_onset(p, first);
    curves_[a] = coefficients::double_hill(p, first);
  }
  for (std::size_t c = 0; c < kind_.size(); ++c) {
    const std::size_t first = compartment_first_parameter_[c];
    if (kind_[c] == CompartmentKind::compliance) {
      const blocks::BlockValues<blocks::compliance> v(p, first);
      elastance_[c] = 1.0 / v.get<"compliance">();
      unstressed_[c] = v.get<"unstressed_volume">();
    } else {
      chamber_[c] = coefficients::chamber_wall(p, first);
    }
  }
  if (interaction_) {
    septum_ = coefficients::septum_wall(p, interaction_->first_parameter);
    pericardium_ = coefficients::pericardium(p, interaction_->first_parameter);
  }
  for (std::size_t k = 0; k < connection_kind_.size(); ++k) {
    const std::size_t first = connection_first_parameter_[k];
    switch (connection_kind_[k]) {
      case ConnectionKind::resistance:
        conductance_[k] = coefficients::conductance(p, first);
        break;
      case ConnectionKind::distensible_resistance: {
        const auto d = coefficients::distensible(p, first);
        conductance_[k] = d.conductance;  // at the reference pressure
        distensible_[k] = d.vessel;
        break;
      }
      case ConnectionKind::inertance:
      case ConnectionKind::ideal_valve: {
        const auto inertial = coefficients::inertial(p, first);
        conductance_[k] = inertial.resistance;  // R, used with 1/L
        inverse_inertance_[k] = inertial.inverse_inertance;
        break;
      }
      case ConnectionKind::valve:
        valve_[k] = coefficients::valve(p, first);
        break;
    }
  }
  if (baroreflex_) read_baroreflex_coefficients(p);
  if (cardiopulmonary_) {
    cardiopulmonary_k_ = coefficients::cardiopulmonary(p, cardiopulmonary_->first_parameter);
  }
  if (respiration_) {
    coefficients::lungs(p, respiration_->first_parameter, lungs_);
    chest_wall_reference_ = lungs_.chest_wall_reference_volume();
  }
  if (fluid_) fluid_k_ = coefficients::fluid_exchange(p, fluid_->first_parameter, fluid_->share);
  if (gas_exchange_) read_gas_coefficients(p);
  if (chemoreflex_) {
    chemo_ = coefficients::chemoreflex(p, chemoreflex_->first_parameter);
    base_breathing_rate_ = lungs_.rate;
    base_muscle_pressure_min_ = lungs_.muscle_pressure_min;
  }
  if (respiration_ && lungs_.paced_rate > 0.0) lungs_.rate = lungs_.paced_rate;
  if (exercise_) read_exercise_coefficients(p);
  if (local_oxygen_) {
    local_oxygen_k_ = coefficients::local_oxygen(p, local_oxygen_->first_parameter);
    local_oxygen_k_.resting_po2 = chemo_.resting_po2;
    // The haemoglobin the twin starts with, not the one fluid exchange moves: see
    // control/local_oxygen.hpp.
    local_oxygen_k_.resting_blood = gas::dissociation_for(p.value("gas.hemoglobin"));
    local_oxygen_input_ = {std::nan(""), std::nan("")};  // new coefficients: a new stimulus
  }
  base_chamber_ = chamber_;
  base_unstressed_ = unstressed_;
  base_conductance_ = conductance_;
  base_elastance_ = elastance_;
  base_heart_rate_ = heart_rate_;
  if (baroreflex_) {
    splanchnic_share_ = unstressed_shares(baroreflex_->splanchnic_veins);
    extrasplanchnic_share_ = unstressed_shares(baroreflex_->extrasplanchnic_veins);
  }
}

inline void ModelEvaluator::set_ventilator(const resp::VentilatorSettings& settings,
                                           const ParameterSet& parameters) {
  ventilator_ = settings;
  lungs_.spontaneous = settings.mode == resp::VentilatorMode::off;
  if (gas_exchange_) read_gas_coefficients(parameters);
}

inline void ModelEvaluator::read_gas_coefficients(const ParameterSet& p) {
  gas::GasCoefficients& c = gas_.coefficients;
  coefficients::gas_exchange(p, gas_exchange_->first_parameter, c);
  // With fluid exchange the red cells set haemoglobin once the twin runs (gas.hemoglobin is
  // where it starts): a parameter change keeps the one the states gave.
  if (fluid_ && !std::isnan(hemoglobin_)) c.blood = gas::dissociation_for(hemoglobin_);
  // New curves: no earlier inversion may be reused for the same contents (they stay the
  // next inversions' starting points).
  for (SensedBlood& sensed : sensed_) sensed.compartment = SIZE_MAX;
  if (ventilator_.mode != resp::VentilatorMode::off) {
    // The ventilator's blender delivers dry O2 in air, without CO2.
    c.inspired_fraction = {ventilator_.fio2, 0.0};
  }
  const std::size_t nc = kind_.size();
  gas_.tissue_volume.assign(nc, 0.0);
  gas_.consumption.assign(nc, 0.0);
  const GasExchangeBlock& b = *gas_exchange_;
  for (std::size_t i = 0; i < b.tissues.size(); ++i) {
    gas_.consumption[b.tissues[i]] =
        coefficients::tissue_o2_consumption(p, b.tissue_first_parameter[i]);
    gas_.tissue_volume[b.tissues[i]] = coefficients::tissue_volume(p, b.tissue_first_parameter[i]);
  }
}

inline void ModelEvaluator::read_baroreflex_coefficients(const ParameterSet& p) {
  reflex_ = coefficients::baroreflex(p, baroreflex_->first_parameter);
  reflex_rest_ = control::effector_drive(control::without_stress(reflex_), reflex_.set_point);
  rest_set_point_ = reflex_.set_point;
  volume_scale_ = p.value("blood.volume") / control::ursino_blood_volume_ml;
}

/// The exercise's coefficients, with the resting O2 uptake and respiratory quotient of the
/// gas exchange (read before it).
inline void ModelEvaluator::read_exercise_coefficients(const ParameterSet& p) {
  exercise_k_ = coefficients::exercise(p, exercise_->first_parameter);
  double rest = 0.0;  // mL/s
  for (double c : gas_.consumption) rest += c;
  exercise_k_.rest_o2_uptake = rest * 60.0;
  exercise_k_.respiratory_quotient = gas_.coefficients.respiratory_quotient;
  active_muscle_rest_demand_ = gas_.consumption[exercise_->active_muscle];
}

/// Each compartment's share of its group's unstressed volume (set by refresh()).
inline std::vector<double> ModelEvaluator::unstressed_shares(
    const std::vector<std::size_t>& group) const {
  double total = 0.0;
  for (std::size_t c : group) total += base_unstressed_[c];
  std::vector<double> share;
  for (std::size_t c : group) share.push_back(base_unstressed_[c] / total);
  return share;
}

}  // namespace physiotwin
