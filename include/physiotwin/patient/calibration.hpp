#pragma once
// Calibration: the parameters of a model already scaled to a patient's body are adjusted so
// that the twin as it runs (closed loop, every reflex on), once it has settled
// (steady_state.hpp), shows the patient's measured heart rate, blood pressure, breathing
// rate, SpO2 and ejection fraction (docs/patient-records.md, "Calibration").
//
// 1. The rates are set: heart.rate and respiration.rate to the measured rates.
// 2. The pressures and the ejection fraction are fitted on the mechanics alone (reflexes off,
//    no gases: the same mechanics at a third less cost), to settled twins: log factors on the
//    organ beds' arteriolar resistances (mean pressure), the large arteries' compliances
//    (pulse pressure) and the left ventricle's end-systolic elastance (ejection fraction),
//    by Newton's method with a Jacobian of settled twins and Broyden updates, each twin
//    started from the last settled state.
// 3. The reflexes are put at rest there, as baroreceptors reset to a person's chronic
//    pressure: the baroreflex set point is solved (control::resting_set_point()) so that its
//    mean sympathetic drive over the settled fit's filtered pressures is its resting drive:
//    then the resistances, elastances and venous volumes it controls keep the fitted values,
//    and the closed loop settles where the fit did. heart.rate is divided by the heart-period
//    ratio the vagal drive still leaves.
// 4. The whole twin (reflexes, breathing, gases) is settled closed loop and compared with
//    every target; what remains is corrected (the fit's Jacobian for the pressures, the set
//    point solved again with the closed loop's own chemoreceptor drive, the rates scaled,
//    the shunt fraction from the lungs' O2 balance for SpO2) and settled again, warm.
// The calibrated model keeps the last settled state as its start_state: a twin made from it
// (and a stored twin parameter file) starts at rest and does not drift. A target the model
// cannot reach gets the closest value and a warning naming it.
#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "physiotwin/gas/blood_gas.hpp"
#include "physiotwin/model/parameter_groups.hpp"
#include "physiotwin/patient/body.hpp"
#include "physiotwin/steady_state.hpp"

namespace physiotwin {

struct CalibrationResult {
  std::string target;  ///< e.g. "systolic_pressure"
  std::string unit;
  double measured = 0.0;  ///< the patient's value
  double twin = 0.0;      ///< the calibrated twin's settled value (closed loop)
  double tolerance = 0.0;
  std::string parameter;  ///< what was adjusted for it
  [[nodiscard]] bool reached() const noexcept { return std::abs(twin - measured) <= tolerance; }
};

struct CalibrationReport {
  std::vector<CalibrationResult> results;
  std::vector<std::string> warnings;
  int simulations = 0;     ///< settled twins computed
  double simulated = 0.0;  ///< s of simulated time, all of them
  double seconds = 0.0;    ///< wall-clock time
  RestingValues settled;   ///< the calibrated twin at rest
};

struct CalibrationOptions {
  [[nodiscard]] static SteadyStateOptions settling(double max_time) {
    SteadyStateOptions o;
    o.max_time = max_time;
    return o;
  }
  /// The first settling of the mechanics, from the model's built initial state.
  SteadyStateOptions first_fit = settling(300.0);
  /// The first settling of the whole twin (gases and reflexes start from the model's rest).
  SteadyStateOptions first_closed_loop = settling(600.0);
  /// Every later settling, warm-started from the last settled state.
  SteadyStateOptions warm = settling(300.0);
  int max_fit_iterations = 8;
  int max_closed_loop_passes = 4;
  /// The fit stops once every target is within this fraction of its tolerance ...
  double stop_fraction = 0.2;
  /// Set (e.g. by a signal handler), calibration stops with Cancelled within one window.
  CancellationFlag cancel = nullptr;
  /// ... and the closed loop within this one (its window means scatter by about 0.2 mmHg
  /// from one settling to the next: docs/patient-records.md, "Calibration").
  double closed_loop_fraction = 0.4;
};

namespace detail {

/// A log factor on a group of parameters (their values before calibration times e^value).
struct FactorGroup {
  std::string name;
  std::vector<std::size_t> parameters;
  std::vector<double> base;
  Measure target = Measure::count;  ///< the measurement it answers (for the first step)
  double value = 0.0;
};

/// Sets every group's parameters (clamped to their ranges; a clamped value is reported).
inline void apply_factors(CirculationModel& model, const std::vector<FactorGroup>& groups,
                          std::vector<std::string>* clamped = nullptr) {
  for (const FactorGroup& g : groups) {
    for (std::size_t i = 0; i < g.parameters.size(); ++i) {
      const Parameter& p = model.parameters.at(g.parameters[i]);
      const double wanted = g.base[i] * std::exp(g.value);
      const double value = std::clamp(wanted, p.min, p.max);
      if (clamped != nullptr && value != wanted) {
        clamped->push_back(fmt::format("{}: {} would need {:.4g} {}, outside its range {}", g.name,
                                       p.name, wanted, p.unit, describe_range(p)));
      }
      model.parameters.set_derived(g.parameters[i], value, "calibration");
    }
  }
  model.refresh();
}

/// Sets one parameter, clamped to its range; a clamped value is reported.
inline void set_clamped(CirculationModel& model, const char* name, double wanted, const char* what,
                        std::vector<std::string>& warnings) {
  const std::size_t i = model.parameters.index_of(name);
  const Parameter& p = model.parameters.at(i);
  const double value = std::clamp(wanted, p.min, p.max);
  if (value != wanted) {
    // Not the wanted value: it is the record's measurement (or derived from it).
    warnings.push_back(
        fmt::format("{}: {} would need a value outside its range {}; set to the "
                    "nearest limit",
                    what, name, describe_range(p)));
  }
  model.parameters.set_derived(i, value, "calibration");
  model.refresh();
}

/// The model's mechanics alone: both reflexes switched off, and without the gases (which
/// act on the mechanics only through the chemoreflex). A different state layout: states
/// move between the two by name (transfer_state()).
[[nodiscard]] inline CirculationModel open_loop_mechanics(const CirculationModel& model) {
  CirculationModel m = model;
  for (const char* reflex : {"baroreflex.enabled", "chemoreflex.enabled"}) {
    if (m.parameters.contains(reflex)) m.parameters.set(reflex, 0.0);
  }
  m.chemoreflex.reset();
  m.gas_exchange.reset();
  m.start_state.clear();
  m.finalise();
  return m;
}

/// `to`'s initial state with every state `from` also has taken from y (by name), except the
/// baroreflex's effectors, which stay at `to`'s (its rest, when it has no initial state).
[[nodiscard]] inline std::vector<double> transfer_state(const CirculationModel& from,
                                                        std::span<const double> y,
                                                        const CirculationModel& to) {
  std::vector<double> out(to.state_size());
  CirculationModel built = to;
  built.start_state.clear();
  built.initial_state(out);
  const auto& names = from.state_names();
  const auto& target = to.state_names();
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i].starts_with("baroreflex.") && target[i] != "baroreflex.filtered_pressure")
      continue;
    const auto it = std::find(names.begin(), names.end(), target[i]);
    if (it != names.end()) out[i] = y[std::size_t(it - names.begin())];
  }
  return out;
}

/// SpO2 through the shunt fraction, from the lungs' steady O2 balance
/// C_a = C_c'(P_A) - s VO2 / (CO (1 - s)) solved for s, with a settled twin's alveolar PO2,
/// arterial PCO2, cardiac output and O2 consumption.
[[nodiscard]] inline double shunt_for_spo2(const CirculationModel& model, const RestingValues& v,
                                           double spo2) {
  const auto& d = gas::dissociation_for(model.parameters.value("gas.hemoglobin"));
  const double end_capillary = gas::blood_content(d, v.alveolar_po2, v.arterial_pco2).o2;
  double lo = 0.0, hi = 700.0;  // the PO2 with the target saturation (bisection)
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (gas::blood_content(d, mid, v.arterial_pco2).saturation * 100.0 < spo2 ? lo : hi) = mid;
  }
  const double arterial = gas::blood_content(d, 0.5 * (lo + hi), v.arterial_pco2).o2;
  const double gap = (end_capillary - arterial) * v.cardiac_output * 1000.0;  // mL O2/min
  return gap / (v.o2_consumption + gap);
}

/// The settled value a measurement is compared with.
[[nodiscard]] inline double settled_value(Measure m, const RestingValues& v) {
  switch (m) {
    case Measure::systolic_pressure:
      return v.systolic;
    case Measure::diastolic_pressure:
      return v.diastolic;
    case Measure::lv_ejection_fraction:
      return v.ejection_fraction;
    case Measure::heart_rate:
      return v.heart_rate;
    case Measure::respiratory_rate:
      return v.respiratory_rate;
    case Measure::spo2:
      return v.spo2;
    default:
      return std::nan("");
  }
}

/// Calibration's tolerance for each target (issue 4): the report's "within".
[[nodiscard]] inline double calibration_tolerance(Measure m) {
  switch (m) {
    case Measure::heart_rate:
    case Measure::respiratory_rate:
      return 1.0;  // 1/min
    case Measure::spo2:
      return 1.0;  // %
    default:
      return 2.0;  // mmHg for pressures, percentage points for the ejection fraction
  }
}

/// The chemoreceptors' drive on the sympathetic neurons over a settled window, from its kept
/// samples of the peripheral chemoreceptors' firing (empty: not kept, or no chemoreflex).
[[nodiscard]] inline std::vector<double> chemoreceptor_drive(const CirculationModel& model,
                                                             const SteadyState& settled) {
  std::vector<double> drive;
  if (settled.kept.size() < 2 || !model.chemoreflex) return drive;
  for (double firing : settled.kept[1]) {
    double x[control::chemoreflex_state_count] = {firing, 0, 0, 0, 0};
    drive.push_back(control::chemoreflex_effects(model.chemoreflex_coefficients(), x).sympathetic);
  }
  return drive;
}

/// The set point at which the baroreflex rests for the kept samples of a settled window
/// (filtered pressure, and the peripheral chemoreceptors' firing if kept).
[[nodiscard]] inline double resting_set_point(const CirculationModel& model,
                                              const SteadyState& settled) {
  const Parameter& p = model.parameters.get("baroreflex.set_point");
  return control::resting_set_point(model.baroreflex_coefficients(), settled.kept[0],
                                    chemoreceptor_drive(model, settled), p.min, p.max);
}

/// Puts the baroreflex's set point at `value` (within its range), as calibration derived it.
inline void set_reflex_set_point(CirculationModel& model, double value) {
  const std::size_t i = model.parameters.index_of("baroreflex.set_point");
  const Parameter& p = model.parameters.at(i);
  model.parameters.set_derived(i, std::clamp(value, p.min, p.max),
                               "calibration: the reflex rests at the calibrated pressure");
  model.refresh();
}

/// How far the baroreflex is from rest over a settled window (control::resting_excess()).
[[nodiscard]] inline double resting_excess(const CirculationModel& model,
                                           const SteadyState& settled) {
  return control::resting_excess(model.baroreflex_coefficients(), settled.kept[0],
                                 chemoreceptor_drive(model, settled));
}

/// The gas values the shunt for an SpO2 is computed from (shunt_for_spo2()), before any gas
/// has been simulated: the model's resting alveolar PO2 and arterial PCO2 (its built initial
/// state), the O2 consumption its tissues' parameters ask for, and a cardiac output.
[[nodiscard]] inline RestingValues resting_gas_values(const CirculationModel& model,
                                                      double cardiac_output) {
  RestingValues v;
  CirculationModel built = model;
  built.start_state.clear();
  std::vector<double> y(built.state_size());
  built.initial_state(y);
  v.alveolar_po2 = built.airway_gas_pressures(y.data(), resp::alveoli).po2;
  v.arterial_pco2 = built.blood_gas_pressures(y.data(), built.gas_exchange->arterial_site).pco2;
  v.cardiac_output = cardiac_output;
  v.o2_consumption = 0.0;
  for (std::size_t i = 0; i < model.gas_exchange->tissues.size(); ++i)
    v.o2_consumption += model.parameters.at(model.gas_exchange->tissue_first_parameter[i]).value;
  return v;
}

/// Heart period ratio the baroreflex leaves at the reflex's set point: 1 when its vagal
/// drive rests too (the heart rate is heart.rate divided by it).
[[nodiscard]] inline double resting_period_ratio(const CirculationModel& model,
                                                 const SteadyState& settled) {
  const auto& c = model.baroreflex_coefficients();
  const auto mean = control::mean_effector_drive(c, settled.kept[0], {});
  return control::baroreflex_effects(c, mean.data(), control::effector_drive(c, c.set_point))
      .period_ratio;
}

}  // namespace detail

/// Calibrates `model` (scaled to `patient` by scale_to_patient()) to the patient's measured
/// vitals and leaves the calibrated twin's settled state in model.start_state. Targets the
/// patient lacks are left at the model's values and not reported.
inline CalibrationReport calibrate(CirculationModel& model, const Patient& patient,
                                   const CalibrationOptions& options = {}) {
  using detail::FactorGroup;
  const auto start = std::chrono::steady_clock::now();
  CalibrationReport report;
  auto measured = [&](Measure m) { return patient.measurement(m); };
  auto has = [&](Measure m) { return !std::isnan(measured(m)); };
  auto settle = [&](const CirculationModel& m, SteadyStateOptions o) {
    o.cancel = options.cancel;
    SteadyState s = settle_to_steady_state(m, o);
    ++report.simulations;
    report.simulated += s.simulated;
    return s;
  };

  // ---- 1. the rates ----
  if (has(Measure::heart_rate)) {
    detail::set_clamped(model, "heart.rate", measured(Measure::heart_rate), "heart_rate",
                        report.warnings);
  }
  if (has(Measure::respiratory_rate) && model.respiration) {
    detail::set_clamped(model, "respiration.rate", measured(Measure::respiratory_rate),
                        "respiratory_rate", report.warnings);
  }

  // ---- 2. the pressures and the ejection fraction, on the mechanics ----
  std::vector<FactorGroup> groups;
  std::vector<Measure> targets;
  auto group = [&](std::string name, std::vector<std::size_t> parameters, Measure target) {
    FactorGroup g{std::move(name), std::move(parameters), {}, target, 0.0};
    for (std::size_t i : g.parameters) g.base.push_back(model.parameters.at(i).value);
    groups.push_back(std::move(g));
  };
  const auto resistances = organ_bed_resistances(model);
  const auto compliances = large_artery_compliances(model);
  // A pulse pressure a heart makes (10 mmHg and more), or the two pressures are not fitted: a
  // systolic not above the diastolic is a record's error, not a patient.
  const bool pressures =
      has(Measure::systolic_pressure) && has(Measure::diastolic_pressure) &&
      measured(Measure::systolic_pressure) >= measured(Measure::diastolic_pressure) + 10.0;
  if (has(Measure::systolic_pressure) && has(Measure::diastolic_pressure) && !pressures) {
    report.warnings.push_back(
        "systolic_pressure, diastolic_pressure: not calibrated to: the systolic pressure is not "
        "10 mmHg or more above the diastolic");
  }
  // What the closed loop corrects and the report judges: pressures only where fitted.
  auto targeted = [&](Measure m) {
    const bool pressure = m == Measure::systolic_pressure || m == Measure::diastolic_pressure;
    return pressure ? pressures : has(m);
  };
  if (pressures && !resistances.empty() && !compliances.empty()) {
    group("arteriolar resistances", resistances, Measure::diastolic_pressure);
    group("arterial compliance", compliances, Measure::systolic_pressure);
    targets = {Measure::diastolic_pressure, Measure::systolic_pressure};
  }
  const auto lv = lv_end_systolic_elastance(model);
  if (has(Measure::lv_ejection_fraction) && lv) {
    group("lv end-systolic elastance", {*lv}, Measure::lv_ejection_fraction);
    targets.push_back(Measure::lv_ejection_fraction);
  }
  const Eigen::Index n = Eigen::Index(groups.size());
  CirculationModel open = detail::open_loop_mechanics(model);
  SteadyStateOptions keep_filtered = options.warm;
  if (model.baroreflex) keep_filtered.keep = {"baroreflex.filtered_pressure"};
  SteadyStateOptions first = options.first_fit;
  first.keep = keep_filtered.keep;
  SteadyState fit = settle(open, first);
  auto residual_of = [&](const RestingValues& v) {
    Eigen::VectorXd r(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const Measure m = targets[std::size_t(i)];
      r[i] = (detail::settled_value(m, v) - measured(m)) / detail::calibration_tolerance(m);
    }
    return r;
  };
  auto fit_at = [&](const std::vector<FactorGroup>& at, SteadyState* out) {
    CirculationModel trial = open;
    detail::apply_factors(trial, at);
    trial.start_state = fit.state;
    *out = settle(trial, keep_filtered);
    return residual_of(out->values);
  };
  auto within = [&](const Eigen::VectorXd& r) {
    return r.size() == 0 || r.cwiseAbs().maxCoeff() <= options.stop_fraction;
  };
  Eigen::MatrixXd jacobian = Eigen::MatrixXd::Zero(n, n);
  if (n > 0) {
    // A first step from what the physiology says: the resistances scale the mean pressure,
    // the compliance the pulse pressure inversely, the elastance the ejection fraction
    // (EF = Ees / (Ees + Ea): dEF / d ln Ees = EF (1 - EF)).
    const RestingValues& v = fit.values;
    for (FactorGroup& g : groups) {
      if (g.target == Measure::diastolic_pressure) {
        const double target_mean =
            measured(Measure::diastolic_pressure) +
            (measured(Measure::systolic_pressure) - measured(Measure::diastolic_pressure)) / 3.0;
        g.value = std::log(target_mean / v.mean_pressure);
      } else if (g.target == Measure::systolic_pressure) {
        g.value = std::log((v.systolic - v.diastolic) / (measured(Measure::systolic_pressure) -
                                                         measured(Measure::diastolic_pressure)));
      } else {
        const double ef = v.ejection_fraction / 100.0;
        g.value = (measured(Measure::lv_ejection_fraction) / 100.0 - ef) / (ef * (1.0 - ef));
      }
      g.value = std::isfinite(g.value) ? std::clamp(g.value, -1.0, 1.0) : 0.0;
    }
    SteadyState s;
    Eigen::VectorXd residual = fit_at(groups, &s);
    fit = s;
    for (Eigen::Index j = 0; j < n; ++j) {  // the Jacobian, by steps of 2 %
      std::vector<FactorGroup> perturbed = groups;
      perturbed[std::size_t(j)].value += 0.02;
      SteadyState p;
      jacobian.col(j) = (fit_at(perturbed, &p) - residual) / 0.02;
    }
    for (int iteration = 0; iteration < options.max_fit_iterations && !within(residual);
         ++iteration) {
      Eigen::VectorXd step = -jacobian.colPivHouseholderQr().solve(residual);
      if (!step.allFinite()) break;              // a singular Jacobian: keep the best so far
      step = step.cwiseMax(-0.5).cwiseMin(0.5);  // the Jacobian is local
      if (step.squaredNorm() < 1e-12) break;
      std::vector<FactorGroup> trial = groups;
      for (Eigen::Index j = 0; j < n; ++j) trial[std::size_t(j)].value += step[j];
      SteadyState t;
      const Eigen::VectorXd next = fit_at(trial, &t);
      if (!next.allFinite()) break;  // a twin without beats: nothing to update with
      jacobian += (next - residual - jacobian * step) * step.transpose() / step.squaredNorm();
      if (next.norm() < residual.norm()) {
        groups = trial;
        residual = next;
        fit = t;
      }
    }
  }
  {
    std::vector<std::string> clamped;
    detail::apply_factors(model, groups, &clamped);
    for (auto& c : clamped) report.warnings.push_back(std::move(c));
  }

  // ---- 3. the reflexes at rest where the fit settled ----
  const bool reflex = model.baroreflex && model.parameters.value("baroreflex.enabled") >= 0.5;
  const double heart_rate_target = has(Measure::heart_rate) ? measured(Measure::heart_rate)
                                                            : model.parameters.value("heart.rate");
  if (reflex) {
    // Without samples to solve on (a fit that never settled), the set point stays.
    if (const double set_point = detail::resting_set_point(model, fit); std::isfinite(set_point)) {
      detail::set_reflex_set_point(model, set_point);
      const double ratio = detail::resting_period_ratio(model, fit);
      if (std::isfinite(ratio) && ratio > 0.0) {
        detail::set_clamped(model, "heart.rate", heart_rate_target * ratio, "heart_rate",
                            report.warnings);
      }
    }
    model.baroreflex->initial_state.clear();  // the effectors start at their rest
  }

  // ---- 4. the whole twin, settled closed loop; corrections ----
  const bool spo2 = has(Measure::spo2) && model.gas_exchange;
  // SpO2 through the shunt fraction; what it cannot reach is said with the limit.
  std::string spo2_limit;
  auto set_shunt = [&](const RestingValues& v) {
    const double shunt = detail::shunt_for_spo2(model, v, measured(Measure::spo2));
    const Parameter& p = model.parameters.get("gas.shunt_fraction");
    spo2_limit.clear();
    if (!(shunt >= p.min)) {
      spo2_limit = fmt::format(
          "spo2: above what the lungs give with no shunt at this alveolar PO2 ({:.0f} mmHg)",
          v.alveolar_po2);
    } else if (shunt > p.max) {
      spo2_limit = fmt::format(
          "spo2: below what the model reaches with its largest shunt fraction ({:g})", p.max);
    }
    model.parameters.set_derived(model.parameters.index_of("gas.shunt_fraction"),
                                 std::clamp(std::isfinite(shunt) ? shunt : p.min, p.min, p.max),
                                 "calibration");
    model.refresh();
  };
  if (spo2) set_shunt(detail::resting_gas_values(model, fit.values.cardiac_output));
  SteadyStateOptions closed_options = options.first_closed_loop;
  if (model.baroreflex) closed_options.keep = {"baroreflex.filtered_pressure"};
  if (model.baroreflex && model.chemoreflex)
    closed_options.keep.push_back("chemoreflex.peripheral_activity");
  model.start_state = detail::transfer_state(open, fit.state, model);
  SteadyState closed = settle(model, closed_options);
  closed_options.max_time = options.warm.max_time;
  // "At rest": the reflex changes the resistances it controls by under 2 % (about 1 mmHg of
  // set point; the warm settlings' slow effector drift alone gives up to 1 %).
  constexpr double rest_tolerance = 0.02;
  for (int pass = 0; pass < options.max_closed_loop_passes; ++pass) {
    const RestingValues& v = closed.values;
    auto off = [&](Measure m) {
      return targeted(m) && std::abs(detail::settled_value(m, v) - measured(m)) >
                                options.closed_loop_fraction * detail::calibration_tolerance(m);
    };
    double excess = reflex ? detail::resting_excess(model, closed) : 0.0;
    if (!std::isfinite(excess)) excess = 0.0;  // nothing to judge the reflex on
    const bool pressures_off = off(Measure::systolic_pressure) ||
                               off(Measure::diastolic_pressure) ||
                               off(Measure::lv_ejection_fraction);
    const bool reflex_off = std::abs(excess) > rest_tolerance;
    const bool rates_off =
        off(Measure::heart_rate) || (model.respiration && off(Measure::respiratory_rate));
    if (!pressures_off && !reflex_off && !rates_off && !(spo2 && off(Measure::spo2))) break;
    if (reflex_off) {
      // The reflex first, back at rest: its resistances and volumes then keep the fitted
      // values. The solution for the window's filtered pressures; the pressures then move
      // with the set point (less than it), which the next pass sees.
      const double set_point = model.parameters.value("baroreflex.set_point");
      const double solved = detail::resting_set_point(model, closed);
      if (std::isfinite(solved)) {
        detail::set_reflex_set_point(model, std::clamp(solved, set_point - 10.0, set_point + 10.0));
      }
    } else if (pressures_off && n > 0) {
      // With the reflex at rest, the closed loop's pressures move as the fit's did.
      const Eigen::VectorXd step =
          (-jacobian.colPivHouseholderQr().solve(residual_of(v))).cwiseMax(-0.5).cwiseMin(0.5);
      if (step.allFinite()) {
        for (Eigen::Index j = 0; j < n; ++j) groups[std::size_t(j)].value += step[j];
        detail::apply_factors(model, groups);
      }
    }
    if (off(Measure::heart_rate) && v.heart_rate > 0.0) {
      detail::set_clamped(model, "heart.rate",
                          model.parameters.value("heart.rate") * heart_rate_target / v.heart_rate,
                          "heart_rate", report.warnings);
    }
    if (model.respiration && off(Measure::respiratory_rate) && std::isfinite(v.respiratory_rate)) {
      detail::set_clamped(model, "respiration.rate",
                          model.parameters.value("respiration.rate") +
                              measured(Measure::respiratory_rate) - v.respiratory_rate,
                          "respiratory_rate", report.warnings);
    }
    if (spo2 && off(Measure::spo2)) set_shunt(v);
    model.start_state = closed.state;
    closed = settle(model, closed_options);
  }
  // The limit is said only when the target was in the end not reached.
  if (!spo2_limit.empty() && !(std::abs(closed.values.spo2 - measured(Measure::spo2)) <=
                               detail::calibration_tolerance(Measure::spo2))) {
    report.warnings.push_back(
        fmt::format("{}: the twin's SpO2 is {:.1f} %", spo2_limit, closed.values.spo2));
  }
  // Targets this model cannot show.
  if (has(Measure::respiratory_rate) && !model.respiration)
    report.warnings.push_back("respiratory_rate: not calibrated to: the model does not breathe");
  if (has(Measure::spo2) && !model.gas_exchange)
    report.warnings.push_back("spo2: not calibrated to: the model has no gas exchange");
  if (has(Measure::lv_ejection_fraction) && !lv) {
    report.warnings.push_back(
        "lv_ejection_fraction: not calibrated to: the model has no left ventricle");
  }

  // ---- the calibrated model: its settled state, the report ----
  model.start_state = closed.state;
  report.settled = closed.values;
  if (!closed.converged) {
    report.warnings.push_back(fmt::format(
        "the calibrated twin had not settled within {:g} s of simulation; its values are those "
        "of the last window",
        closed_options.max_time));
  }
  auto report_target = [&](Measure m, const char* parameter) {
    if (!targeted(m)) return;
    CalibrationResult r{std::string(measure_specs[std::size_t(m)].name),
                        std::string(measure_specs[std::size_t(m)].unit),
                        measured(m),
                        detail::settled_value(m, closed.values),
                        detail::calibration_tolerance(m),
                        parameter};
    if (!r.reached()) {
      report.warnings.push_back(fmt::format("{}: the twin reaches {:.4g} {} (tolerance {:g})",
                                            r.target, r.twin, r.unit, r.tolerance));
    }
    report.results.push_back(r);
  };
  report_target(Measure::heart_rate, "heart.rate");
  report_target(Measure::systolic_pressure, "arteriolar resistances, arterial compliance");
  report_target(Measure::diastolic_pressure, "arteriolar resistances, arterial compliance");
  if (model.respiration) report_target(Measure::respiratory_rate, "respiration.rate");
  if (model.gas_exchange) report_target(Measure::spo2, "gas.shunt_fraction");
  report_target(Measure::lv_ejection_fraction, "lv end-systolic elastance");
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace physiotwin
