#pragma once
// What a model lets you observe: the signals (name, unit, description, body region) a model
// description has, registered once, and their values for a state. The HDF5 writer, the
// bindings, the C ABI and docs/signals.md all read the registry, so a signal's name and
// unit are declared here and nowhere else.
#include <string>

#include "physiotwin/core/signals.hpp"
#include "physiotwin/model/model_description.hpp"
#include "physiotwin/model/model_evaluator.hpp"

namespace physiotwin {

namespace detail {

inline void register_gas_signals(const ModelDescription& model, SignalRegistry& signals) {
  const GasExchangeBlock& b = *model.gas_exchange;
  const auto& compartments = model.compartments;
  for (const auto& c : compartments) {
    signals.add({c.name + ".o2_content", "mL/dL",
                 "O2 content of the blood leaving the " + c.description, c.region});
  }
  auto region = [&](std::size_t c) { return compartments[c].region; };
  const std::string arterial = " (" + compartments[b.arterial_site].name + ")";
  signals.add(
      {"arterial.po2", "mmHg", "arterial O2 partial pressure" + arterial, region(b.arterial_site)});
  signals.add({"arterial.pco2", "mmHg", "arterial CO2 partial pressure" + arterial,
               region(b.arterial_site)});
  signals.add({"arterial.so2", "%", "arterial haemoglobin O2 saturation" + arterial,
               region(b.arterial_site)});
  signals.add(
      {"arterial.o2_content", "mL/dL", "arterial O2 content" + arterial, region(b.arterial_site)});
  const std::string venous = " (" + compartments[b.mixed_venous_site].name + ")";
  signals.add({"venous.po2", "mmHg", "mixed venous O2 partial pressure" + venous,
               region(b.mixed_venous_site)});
  signals.add({"venous.pco2", "mmHg", "mixed venous CO2 partial pressure" + venous,
               region(b.mixed_venous_site)});
  signals.add({"venous.so2", "%", "mixed venous haemoglobin O2 saturation" + venous,
               region(b.mixed_venous_site)});
  signals.add({"spo2", "%",
               "O2 saturation where a pulse oximeter reads it (" +
                   compartments[b.oximetry_site].name + "; no instrument averaging)",
               region(b.oximetry_site)});
  signals.add({"alveolar.po2", "mmHg", "alveolar O2 partial pressure", "thorax"});
  signals.add({"alveolar.pco2", "mmHg", "alveolar CO2 partial pressure", "thorax"});
  signals.add({"etco2", "mmHg",
               "CO2 partial pressure at the airway opening (the capnogram; its value at the "
               "end of expiration is the end-tidal CO2)",
               "head"});
  signals.add(
      {"lungs.o2_uptake", "mL/min", "O2 taken up by pulmonary capillary blood (STPD)", "thorax"});
  signals.add({"lungs.co2_output", "mL/min", "CO2 given off by pulmonary capillary blood (STPD)",
               "thorax"});
  signals.add({"tissues.o2_consumption", "mL/min", "O2 consumed by all tissues (STPD)", "body"});
  signals.add({"tissues.co2_production", "mL/min", "CO2 produced by all tissues (STPD)", "body"});
}

}  // namespace detail

/// Every signal of `model`, in the order observe() writes them.
[[nodiscard]] inline SignalRegistry register_signals(const ModelDescription& model) {
  SignalRegistry signals;
  const auto& compartments = model.compartments;
  for (const auto& c : compartments) {
    signals.add({c.name + ".pressure", "mmHg", "blood pressure in the " + c.description, c.region});
    signals.add({c.name + ".volume", "mL", "blood volume of the " + c.description, c.region});
  }
  for (const auto& k : model.connections) {
    signals.add({k.name + ".flow", "mL/s",
                 "blood flow through the " + k.description + " (positive from " +
                     compartments[k.from].name + " to " + compartments[k.to].name + ")",
                 k.region});
    if (k.kind == ConnectionKind::ideal_valve) {
      signals.add({k.name + ".opening", "1",
                   "state of the " + k.description + " (0 closed, 1 open)", k.region});
    }
    if (k.kind == ConnectionKind::valve) {
      signals.add({k.name + ".opening", "1",
                   "opening state of the " + k.description + " (0 closed, 1 fully open)",
                   k.region});
      signals.add({k.name + ".velocity", "m/s",
                   "blood velocity through the effective orifice of the " + k.description +
                       " (what continuous-wave Doppler measures)",
                   k.region});
    }
  }
  if (model.interaction) {
    signals.add({model.interaction->name + ".septum_volume", "mL",
                 "septal volume: its displacement towards the right ventricle", "heart"});
  }
  for (const auto& a : model.activations) {
    signals.add({a.name + ".activation", "1",
                 "normalised contractile activation of the " + a.name + " (0 relaxed, 1 peak)",
                 "heart"});
  }
  signals.add({"blood.total_volume", "mL", "total blood volume in all compartments", "body"});
  signals.add({"blood.external_volume", "mL",
               "net volume given (infusions) minus lost (haemorrhage) since the start", "body"});
  signals.add({"pleural.pressure", "mmHg", "pleural pressure acting on the thoracic compartments",
               "thorax"});
  signals.add({"heart.instantaneous_rate", "1/min",
               "heart rate now (the heart.rate parameter as modulated by the reflexes)", "heart"});
  if (model.respiration) {
    signals.add({"lungs.volume", "mL", "gas volume of the airways and alveoli", "thorax"});
    signals.add({"airway.pressure", "mmHg", "pressure at the airway opening (mouth or ventilator)",
                 "head"});
    signals.add(
        {"airway.flow", "mL/s", "gas flow at the airway opening (positive inspiratory)", "head"});
    signals.add({"alveolar.pressure", "mmHg", "alveolar gas pressure", "thorax"});
    signals.add({"respiratory_muscle.pressure", "mmHg",
                 "pressure generated by the respiratory muscles", "thorax"});
  }
  if (model.gas_exchange) detail::register_gas_signals(model, signals);
  if (model.chemoreflex) {
    signals.add({"chemoreflex.peripheral_activity", "1/s",
                 "peripheral (carotid body) chemoreceptor afferent firing", "neck"});
    signals.add({"respiration.drive_rate", "1/min",
                 "breathing rate now: the respiratory centres' (or a paced one)", "head"});
    signals.add({"respiration.drive_pressure", "mmHg",
                 "most negative respiratory muscle pressure of a breath, as the respiratory "
                 "centres set it now",
                 "thorax"});
  }
  if (model.fluid_exchange) {
    signals.add({"blood.hemoglobin", "g/dL",
                 "haemoglobin concentration of the blood (its red cells, diluted or not)", "body"});
    signals.add({"blood.hematocrit", "%", "red-cell volume over blood volume", "body"});
    signals.add({"plasma.volume", "mL", "plasma volume: blood volume less its red cells", "body"});
    signals.add({"plasma.protein", "g/dL", "total plasma protein concentration", "body"});
    signals.add({"plasma.oncotic_pressure", "mmHg",
                 "plasma colloid osmotic pressure (Landis-Pappenheimer)", "body"});
    signals.add({"interstitial.volume", "mL", "interstitial fluid volume", "body"});
    signals.add({"interstitial.pressure", "mmHg", "interstitial fluid pressure", "body"});
    signals.add({"capillaries.filtration", "mL/min",
                 "net fluid filtered out of the systemic capillaries (negative: absorbed)",
                 "body"});
    signals.add({"lymph.flow", "mL/min", "lymph returned to the veins", "body"});
  }
  if (model.baroreflex) {
    signals.add({"baroreflex.filtered_pressure", "mmHg",
                 "carotid sinus pressure as the baroreceptors see it (lead-lag filtered)", "neck"});
    signals.add(
        {"baroreflex.sympathetic_activity", "1/s", "sympathetic efferent firing rate", "body"});
    signals.add({"baroreflex.vagal_activity", "1/s", "vagal efferent firing rate", "heart"});
  }
  if (model.cardiopulmonary) {
    signals.add({"cardiopulmonary.sensed_pressure", "mmHg",
                 "transmural pressure the cardiopulmonary receptors sense (right atrium)",
                 "heart"});
  }
  if (model.exercise) {
    signals.add({"exercise.work_rate", "W", "external work on the cycle ergometer now", "limbs"});
    signals.add({"exercise.intensity", "%",
                 "work rate's O2 cost as a share of the O2 uptake reserve (VO2peak - VO2rest)",
                 "limbs"});
    signals.add({"exercise.muscle_pump_pressure", "mmHg",
                 "pressure the contracting muscles add to their venous return", "limbs"});
  }
  if (model.local_oxygen) {
    constexpr std::array<std::string_view, control::oxygen_bed_count> region{"limbs", "head",
                                                                             "heart"};
    for (std::size_t j = 0; j < control::oxygen_bed_count; ++j) {
      const std::string bed(control::local_oxygen_bed_names[j]);
      signals.add({"local_oxygen." + bed + "_tone", "%",
                   "the " + bed +
                       " bed's own change of conductance with arterial O2 (hypoxic dilation, "
                       "hyperoxic constriction)",
                   std::string(region[j])});
    }
  }
  return signals;
}

namespace detail {

inline std::size_t observe_gases(const ModelDescription& model, ModelEvaluator& eval,
                                 const double* y, const double* pressure, double* out,
                                 std::size_t s) noexcept {
  using gas::co2, gas::o2;
  const gas::GasTransport& gases = eval.gases();
  for (std::size_t c = 0; c < model.compartments.size(); ++c) {
    out[s++] = 100.0 * gases.content(y, c, o2);
  }
  const GasExchangeBlock& b = *model.gas_exchange;
  const auto arterial = eval.blood_pressures(y, b.arterial_site, ModelEvaluator::arterial_site);
  out[s++] = arterial.po2;
  out[s++] = arterial.pco2;
  out[s++] = 100.0 * arterial.saturation;
  out[s++] = 100.0 * gases.content(y, b.arterial_site, o2);
  const auto venous =
      eval.blood_pressures(y, b.mixed_venous_site, ModelEvaluator::mixed_venous_site);
  out[s++] = venous.po2;
  out[s++] = venous.pco2;
  out[s++] = 100.0 * venous.saturation;
  const auto oximeter = eval.blood_pressures(y, b.oximetry_site, ModelEvaluator::oximetry_site);
  out[s++] = 100.0 * oximeter.saturation;
  out[s++] = gases.air_pressure(y, resp::alveoli, o2);
  out[s++] = gases.air_pressure(y, resp::alveoli, co2);
  // The capnograph samples at the airway opening: expired gas leaves the larynx;
  // during inspiration it sees the inspired gas.
  out[s++] = eval.lung_state().flow[resp::larynx] < 0.0 ? gases.air_pressure(y, resp::larynx, co2)
                                                        : gases.coefficients.inspired_pressure(co2);
  const auto fx = gases.fluxes(y, eval.flows_at(y, pressure));
  out[s++] = 60.0 * fx.uptake[o2];
  out[s++] = -60.0 * fx.uptake[co2];
  out[s++] = 60.0 * fx.metabolism[o2];
  out[s++] = 60.0 * fx.metabolism[co2];
  return s;
}

}  // namespace detail

/// Every signal of register_signals(model), in its order, for state y.
inline void observe(const ModelDescription& model, const StateIndices& at, ModelEvaluator& eval,
                    const double* y, double* out) noexcept {
  // The signals read the chemoreceptors' input from y's own arterial gases: the solver's,
  // from its last gas grid point, is ahead of y when the solver stepped past y's time, and
  // would make the signals depend on how time was chunked. The solver's is put back at the end.
  const gas::PartialPressures solver_input = eval.chemoreceptor_input();
  if (model.chemoreflex && model.gas_exchange) {
    eval.chemoreceptor_input() =
        eval.blood_pressures(y, model.gas_exchange->arterial_site, ModelEvaluator::arterial_site);
  }
  double* pressure = eval.pressure_scratch();
  eval.compute_pressures(y, pressure);
  std::size_t s = 0;
  double total_volume = 0.0;
  for (std::size_t c = 0; c < model.compartments.size(); ++c) {
    out[s++] = pressure[c];
    out[s++] = y[c];
    total_volume += y[c];
  }
  for (std::size_t k = 0; k < model.connections.size(); ++k) {
    out[s++] = eval.connection_flow(k, y, pressure);
    const ConnectionKind kind = model.connections[k].kind;
    if (kind == ConnectionKind::valve) {
      out[s++] = y[at.opening[k]];
      out[s++] = cardio::valve_velocity(eval.valve(k), y[at.flow[k]], y[at.opening[k]]);
    } else if (kind == ConnectionKind::ideal_valve) {
      out[s++] = eval.ideal_valve_open(k) ? 1.0 : 0.0;
    }
  }
  if (model.interaction) out[s++] = eval.septum_volume();
  for (std::size_t a = 0; a < model.activations.size(); ++a) out[s++] = eval.activation(a);
  out[s++] = total_volume;
  out[s++] = y[at.external_volume];
  out[s++] = eval.external_pressure();
  out[s++] = eval.heart_rate();
  if (model.respiration) {
    const resp::LungState& lung = eval.lung_state();
    double gas = 0.0;
    for (std::size_t a = 0; a < resp::airway_count; ++a) gas += y[at.airway_volume + a];
    out[s++] = gas;
    out[s++] = eval.airway_opening_pressure();
    out[s++] = lung.flow[resp::larynx];
    out[s++] = lung.pressure[resp::alveoli];
    out[s++] = lung.muscle;
  }
  if (model.gas_exchange) s = detail::observe_gases(model, eval, y, pressure, out, s);
  if (model.chemoreflex) {
    out[s++] = y[at.chemoreflex + control::peripheral_activity];
    out[s++] = eval.lungs().rate;
    out[s++] = eval.lungs().muscle_pressure_min;
  }
  if (model.fluid_exchange) {
    const auto [fluid, filtered] = eval.fluid_exchange_at(y, pressure);
    out[s++] = fluid.hemoglobin;
    out[s++] = 100.0 * fluid.hematocrit;
    out[s++] = fluid.plasma_volume;
    out[s++] = fluid.plasma_protein;
    out[s++] = fluid.plasma_oncotic_pressure;
    out[s++] = y[at.fluid + fluid_interstitial];
    out[s++] = fluid.interstitial_pressure;
    out[s++] = 60.0 * filtered;
    out[s++] = 60.0 * fluid.lymph_flow;
  }
  if (model.baroreflex) {
    const auto& reflex = eval.baroreflex();
    const double f_cs = control::afferent_rate(reflex, y[at.baroreflex]);
    out[s++] = y[at.baroreflex];
    out[s++] = control::sympathetic_rate(reflex, f_cs, eval.chemoreceptor_sympathetic_drive());
    out[s++] = control::vagal_rate(reflex, f_cs, eval.inspiratory_drive());
  }
  if (model.cardiopulmonary)
    out[s++] = eval.transmural_pressure(model.cardiopulmonary->sensor, pressure);
  if (model.exercise) {
    out[s++] = y[at.exercise + control::exercise_work_rate];
    out[s++] = 100.0 * eval.exercise_effects().intensity;
    out[s++] = eval.source_pressure(model.exercise->muscle_pump);
  }
  if (model.local_oxygen) {
    for (std::size_t j = 0; j < control::oxygen_bed_count; ++j)
      out[s++] = 100.0 * (control::local_oxygen_factor(y[at.local_oxygen + j]) - 1.0);
  }
  eval.chemoreceptor_input() = solver_input;
}

}  // namespace physiotwin
