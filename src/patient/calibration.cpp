// Calibration's four stages (patient/calibration.hpp says what each does and why).
#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "patient/calibration_steps.hpp"
#include "physiotwin/patient/calibration.hpp"

namespace physiotwin {

namespace detail {

/// What calibrate()'s stages share: the model being calibrated, the patient's measurements,
/// the options, and the report every settling is counted in.
struct Calibration {
  BodyModel& model;
  const Patient& patient;
  const CalibrationOptions& options;
  CalibrationReport& report;
  /// Systolic and diastolic pressure are fitted: both measured, with a pulse pressure a heart
  /// makes (10 mmHg and more; a systolic not above the diastolic is a record's error).
  bool pressures = false;
  /// The heart rate the twin is to show: the measured one, else the model's once the rates
  /// are set (fixed then: stage 3 divides heart.rate by the vagal period ratio).
  double heart_rate_target = 0.0;

  [[nodiscard]] double measured(Measure m) const { return patient.measurement(m); }
  [[nodiscard]] bool has(Measure m) const { return !std::isnan(measured(m)); }
  /// What the closed loop corrects and the report judges: pressures only where fitted.
  [[nodiscard]] bool targeted(Measure m) const {
    const bool pressure = m == Measure::systolic_pressure || m == Measure::diastolic_pressure;
    return pressure ? pressures : has(m);
  }
  /// Whether the settled value of `m` is further from the measurement than `fraction` of its
  /// tolerance (a target only).
  [[nodiscard]] bool off(Measure m, const RestingValues& v, double fraction) const {
    return targeted(m) &&
           std::abs(settled_value(m, v) - measured(m)) > fraction * calibration_tolerance(m);
  }
  SteadyState settle(const BodyModel& m, SteadyStateOptions o) {
    o.cancel = options.cancel;
    SteadyState s = settle_to_steady_state(m, o);
    ++report.simulations;
    report.simulated += s.simulated;
    return s;
  }
};

/// Stage 2's result: the factor groups at their fitted values, the targets they answer, the
/// fit's Jacobian (residuals in tolerances per unit of log factor), the mechanics-only model
/// and its settled state.
struct MechanicsFit {
  std::vector<FactorGroup> groups;
  std::vector<Measure> targets;
  Eigen::MatrixXd jacobian;
  BodyModel open;
  SteadyState settled;

  [[nodiscard]] Eigen::VectorXd residual(const Calibration& c, const RestingValues& v) const {
    Eigen::VectorXd r(Eigen::Index(targets.size()));
    for (std::size_t i = 0; i < targets.size(); ++i) {
      r[Eigen::Index(i)] = (settled_value(targets[i], v) - c.measured(targets[i])) /
                           calibration_tolerance(targets[i]);
    }
    return r;
  }
};

/// The share of the sinus node's ceiling below which it leaves a resting rate as it is
/// (within 0.01 /min: control::held_below_maximum()).
inline constexpr double resting_share_of_ceiling = 0.85;

/// A record's resting rate so fast that the ceiling (the patient's age-predicted maximum) would
/// hold it down raises the ceiling: the record is what the twin must rest at.
inline void keep_ceiling_above_resting_rate(Calibration& c) {
  const char* name = "baroreflex.maximal_heart_rate";
  if (!c.has(Measure::heart_rate) || !c.model.parameters.contains(name)) return;
  const double needed = c.measured(Measure::heart_rate) / resting_share_of_ceiling;
  if (needed <= c.model.parameters.value(name)) return;
  c.report.warnings.push_back(fmt::format(
      "heart_rate: the measured resting rate is above {:g} % of the maximal heart rate for the "
      "patient's age; {} was raised to keep the resting rate below its ceiling",
      100.0 * resting_share_of_ceiling, name));
  set_clamped(c.model, name, needed, "heart_rate", c.report.warnings);
}

/// 1. The rates: heart.rate and respiration.rate to the measured rates.
inline void set_rates(Calibration& c) {
  keep_ceiling_above_resting_rate(c);
  if (c.has(Measure::heart_rate)) {
    set_clamped(c.model, "heart.rate", c.measured(Measure::heart_rate), "heart_rate",
                c.report.warnings);
  }
  if (c.has(Measure::respiratory_rate) && c.model.respiration) {
    set_clamped(c.model, "respiration.rate", c.measured(Measure::respiratory_rate),
                "respiratory_rate", c.report.warnings);
  }
}

/// The first step of the fit, from what the physiology says: the resistances scale the mean
/// pressure, the compliance the pulse pressure inversely, the elastance the ejection fraction
/// (EF = Ees / (Ees + Ea): dEF / d ln Ees = EF (1 - EF)).
inline void first_step(const Calibration& c, const RestingValues& v,
                       std::vector<FactorGroup>& groups) {
  const double systolic = c.measured(Measure::systolic_pressure);
  const double diastolic = c.measured(Measure::diastolic_pressure);
  for (FactorGroup& g : groups) {
    if (g.target == Measure::diastolic_pressure) {
      g.value = std::log((diastolic + (systolic - diastolic) / 3.0) / v.mean_pressure);
    } else if (g.target == Measure::systolic_pressure) {
      g.value = std::log((v.systolic - v.diastolic) / (systolic - diastolic));
    } else {
      const double ef = v.ejection_fraction / 100.0;
      g.value = (c.measured(Measure::lv_ejection_fraction) / 100.0 - ef) / (ef * (1.0 - ef));
    }
    g.value = std::isfinite(g.value) ? std::clamp(g.value, -1.0, 1.0) : 0.0;
  }
}

/// 2. The pressures and the ejection fraction, fitted on the mechanics alone (reflexes off, no
/// gases) to settled twins: Newton's method with a Jacobian of settled twins and Broyden
/// updates, each twin started from the last settled state. The fitted factors are applied to
/// the model (a clamped parameter is a warning).
inline MechanicsFit fit_mechanics(Calibration& c) {
  MechanicsFit fit;
  auto group = [&](std::string name, std::vector<std::size_t> parameters, Measure target) {
    FactorGroup g{std::move(name), std::move(parameters), {}, target, 0.0};
    for (std::size_t i : g.parameters) g.base.push_back(c.model.parameters.at(i).value);
    fit.groups.push_back(std::move(g));
  };
  const auto resistances = organ_bed_resistances(c.model);
  const auto compliances = large_artery_compliances(c.model);
  if (c.pressures && !resistances.empty() && !compliances.empty()) {
    group("arteriolar resistances", resistances, Measure::diastolic_pressure);
    group("arterial compliance", compliances, Measure::systolic_pressure);
    fit.targets = {Measure::diastolic_pressure, Measure::systolic_pressure};
  }
  if (const auto lv = lv_end_systolic_elastance(c.model);
      c.has(Measure::lv_ejection_fraction) && lv) {
    group("lv end-systolic elastance", {*lv}, Measure::lv_ejection_fraction);
    fit.targets.push_back(Measure::lv_ejection_fraction);
  }
  const Eigen::Index n = Eigen::Index(fit.groups.size());
  fit.open = open_loop_mechanics(c.model);
  SteadyStateOptions keep_filtered = c.options.warm;
  if (c.model.baroreflex) keep_filtered.keep = {"baroreflex.filtered_pressure"};
  SteadyStateOptions first = c.options.first_fit;
  first.keep = keep_filtered.keep;
  fit.settled = c.settle(fit.open, first);
  fit.jacobian = Eigen::MatrixXd::Zero(n, n);
  auto fit_at = [&](const std::vector<FactorGroup>& at, SteadyState* out) {
    BodyModel trial = fit.open;
    apply_factors(trial, at);
    trial.start_state = fit.settled.state;
    *out = c.settle(trial, keep_filtered);
    return fit.residual(c, out->values);
  };
  auto within = [&](const Eigen::VectorXd& r) {
    return r.size() == 0 || r.cwiseAbs().maxCoeff() <= c.options.stop_fraction;
  };
  if (n > 0) {
    first_step(c, fit.settled.values, fit.groups);
    SteadyState s;
    Eigen::VectorXd residual = fit_at(fit.groups, &s);
    fit.settled = s;
    for (Eigen::Index j = 0; j < n; ++j) {  // the Jacobian, by steps of 2 %
      std::vector<FactorGroup> perturbed = fit.groups;
      perturbed[std::size_t(j)].value += 0.02;
      SteadyState p;
      fit.jacobian.col(j) = (fit_at(perturbed, &p) - residual) / 0.02;
    }
    for (int iteration = 0; iteration < c.options.max_fit_iterations && !within(residual);
         ++iteration) {
      Eigen::VectorXd step = -fit.jacobian.colPivHouseholderQr().solve(residual);
      if (!step.allFinite()) break;              // a singular Jacobian: keep the best so far
      step = step.cwiseMax(-0.5).cwiseMin(0.5);  // the Jacobian is local
      if (step.squaredNorm() < 1e-12) break;
      std::vector<FactorGroup> trial = fit.groups;
      for (Eigen::Index j = 0; j < n; ++j) trial[std::size_t(j)].value += step[j];
      SteadyState t;
      const Eigen::VectorXd next = fit_at(trial, &t);
      if (!next.allFinite()) break;  // a twin without beats: nothing to update with
      fit.jacobian +=
          (next - residual - fit.jacobian * step) * step.transpose() / step.squaredNorm();
      if (next.norm() < residual.norm()) {
        fit.groups = trial;
        residual = next;
        fit.settled = t;
      }
    }
  }
  std::vector<std::string> clamped;
  apply_factors(c.model, fit.groups, &clamped);
  for (auto& w : clamped) c.report.warnings.push_back(std::move(w));
  return fit;
}

/// 3. The reflexes at rest where the fit settled: the baroreflex set point solved for the
/// fit's filtered pressures, heart.rate divided by the heart-period ratio the vagal drive
/// still leaves there, the effectors starting at their rest.
inline void rest_reflexes(Calibration& c, const MechanicsFit& fit) {
  BodyModel& model = c.model;
  if (!model.baroreflex || model.parameters.value("baroreflex.enabled") < 0.5) return;
  // Without samples to solve on (a fit that never settled), the set point stays.
  if (const double set_point = resting_set_point(model, fit.settled); std::isfinite(set_point)) {
    set_reflex_set_point(model, set_point);
    const double ratio = resting_period_ratio(model, fit.settled);
    if (std::isfinite(ratio) && ratio > 0.0) {
      set_clamped(model, "heart.rate", c.heart_rate_target * ratio, "heart_rate",
                  c.report.warnings);
    }
  }
  model.baroreflex->initial_state.clear();
}

/// SpO2 through the shunt fraction (shunt_for_spo2()); returns what it cannot reach, with the
/// limit (empty: reachable).
inline std::string set_shunt(Calibration& c, const RestingValues& v) {
  BodyModel& model = c.model;
  const double shunt = shunt_for_spo2(model, v, c.measured(Measure::spo2));
  const Parameter& p = model.parameters.get("gas.shunt_fraction");
  std::string limit;
  if (!(shunt >= p.min)) {
    limit = fmt::format(
        "spo2: above what the lungs give with no shunt at this alveolar PO2 ({:.0f} mmHg)",
        v.alveolar_po2);
  } else if (shunt > p.max) {
    limit = fmt::format("spo2: below what the model reaches with its largest shunt fraction ({:g})",
                        p.max);
  }
  model.parameters.set_derived(model.parameters.index_of("gas.shunt_fraction"),
                               std::clamp(std::isfinite(shunt) ? shunt : p.min, p.min, p.max),
                               "calibration");
  model.refresh();
  return limit;
}

/// 4. The whole twin (reflexes, breathing, gases), settled closed loop and compared with every
/// target; what remains is corrected and settled again, warm: the reflex back at rest first,
/// else the pressures by the fit's Jacobian; the rates scaled; the shunt for SpO2. Returns the
/// last settling and the longest it was allowed (for the report).
inline std::pair<SteadyState, double> close_the_loop(Calibration& c, MechanicsFit& fit) {
  BodyModel& model = c.model;
  const bool reflex = model.baroreflex && model.parameters.value("baroreflex.enabled") >= 0.5;
  const bool spo2 = c.has(Measure::spo2) && model.gas_exchange;
  std::string spo2_limit;
  if (spo2) {
    const RestingValues gases = resting_gas_values(model, fit.settled.values.cardiac_output);
    spo2_limit = set_shunt(c, gases);
    // A hypoxaemic patient rests hypoxaemic: its heart rate is not an acute hypoxia's.
    rest_at_arterial_po2(
        model, po2_for_saturation(model, c.measured(Measure::spo2), gases.arterial_pco2), 0.0);
  }
  SteadyStateOptions options = c.options.first_closed_loop;
  if (model.baroreflex) options.keep = {"baroreflex.filtered_pressure"};
  if (model.baroreflex && model.chemoreflex)
    options.keep.push_back("chemoreflex.peripheral_activity");
  if (model.cardiopulmonary) options.keep.push_back("cardiopulmonary.sensed_pressure");  // last
  model.start_state = transfer_state(fit.open, fit.settled.state, model);
  SteadyState closed = c.settle(model, options);
  double allowed = options.max_time;
  options.max_time = c.options.warm.max_time;
  // "At rest": the reflex changes the resistances it controls by under 2 % (about 1 mmHg of
  // set point; the warm settlings' slow effector drift alone gives up to 1 %).
  constexpr double rest_tolerance = 0.02;
  const double fraction = c.options.closed_loop_fraction;
  for (int pass = 0; pass < c.options.max_closed_loop_passes; ++pass) {
    const RestingValues& v = closed.values;
    auto off = [&](Measure m) { return c.off(m, v, fraction); };
    double excess = reflex ? resting_excess(model, closed) : 0.0;
    if (!std::isfinite(excess)) excess = 0.0;  // nothing to judge the reflex on
    // The cardiopulmonary reflex rests where the right atrium settled (within 0.2 mmHg: its
    // resistance effect is then under 0.3 %); put there, it needs one more pass.
    const bool low_pressure_moved = rest_cardiopulmonary_reflex(model, closed, 0.2);
    // Hypoxia's vagal withdrawal and the beds' local O2 tone rest at the settled arterial PO2
    // (within about 0.2 /min and 0.5 % of a bed's conductance).
    const bool hypoxic_rest_moved = rest_at_arterial_po2(model, v.arterial_po2, 0.03);
    const bool pressures_off = off(Measure::systolic_pressure) ||
                               off(Measure::diastolic_pressure) ||
                               off(Measure::lv_ejection_fraction);
    const bool reflex_off = std::abs(excess) > rest_tolerance;
    const bool rates_off =
        off(Measure::heart_rate) || (model.respiration && off(Measure::respiratory_rate));
    if (!pressures_off && !reflex_off && !rates_off && !low_pressure_moved && !hypoxic_rest_moved &&
        !(spo2 && off(Measure::spo2)))
      break;
    if (reflex_off) {
      // The reflex first, back at rest: its resistances and volumes then keep the fitted
      // values. The solution for the window's filtered pressures; the pressures then move
      // with the set point (less than it), which the next pass sees.
      const double set_point = model.parameters.value("baroreflex.set_point");
      const double solved = resting_set_point(model, closed);
      if (std::isfinite(solved)) {
        set_reflex_set_point(model, std::clamp(solved, set_point - 10.0, set_point + 10.0));
      }
    } else if (pressures_off && !fit.groups.empty()) {
      // With the reflex at rest, the closed loop's pressures move as the fit's did.
      const Eigen::VectorXd step = (-fit.jacobian.colPivHouseholderQr().solve(fit.residual(c, v)))
                                       .cwiseMax(-0.5)
                                       .cwiseMin(0.5);
      if (step.allFinite()) {
        for (std::size_t j = 0; j < fit.groups.size(); ++j)
          fit.groups[j].value += step[Eigen::Index(j)];
        apply_factors(model, fit.groups);
      }
    }
    if (off(Measure::heart_rate) && v.heart_rate > 0.0) {
      set_clamped(model, "heart.rate",
                  model.parameters.value("heart.rate") * c.heart_rate_target / v.heart_rate,
                  "heart_rate", c.report.warnings);
    }
    if (model.respiration && off(Measure::respiratory_rate) && std::isfinite(v.respiratory_rate)) {
      set_clamped(model, "respiration.rate",
                  model.parameters.value("respiration.rate") +
                      c.measured(Measure::respiratory_rate) - v.respiratory_rate,
                  "respiratory_rate", c.report.warnings);
    }
    if (spo2 && off(Measure::spo2)) spo2_limit = set_shunt(c, v);
    model.start_state = closed.state;
    closed = c.settle(model, options);
    allowed = options.max_time;
  }
  // The limit is said only when the target was in the end not reached.
  if (!spo2_limit.empty() && !(std::abs(closed.values.spo2 - c.measured(Measure::spo2)) <=
                               calibration_tolerance(Measure::spo2))) {
    c.report.warnings.push_back(
        fmt::format("{}: the twin's SpO2 is {:.1f} %", spo2_limit, closed.values.spo2));
  }
  return {std::move(closed), allowed};
}

/// The report: every target against the calibrated twin's settled values, a warning for each
/// missed, and for each measurement this model cannot show.
inline void report_targets(Calibration& c, const SteadyState& closed, double allowed) {
  const BodyModel& model = c.model;
  CalibrationReport& report = c.report;
  if (c.has(Measure::respiratory_rate) && !model.respiration)
    report.warnings.push_back("respiratory_rate: not calibrated to: the model does not breathe");
  if (c.has(Measure::spo2) && !model.gas_exchange)
    report.warnings.push_back("spo2: not calibrated to: the model has no gas exchange");
  if (c.has(Measure::lv_ejection_fraction) && !lv_end_systolic_elastance(model)) {
    report.warnings.push_back(
        "lv_ejection_fraction: not calibrated to: the model has no left ventricle");
  }
  report.settled = closed.values;
  if (!closed.converged) {
    report.warnings.push_back(fmt::format(
        "the calibrated twin had not settled within {:g} s of simulation; its values are those "
        "of the last window",
        allowed));
  }
  auto report_target = [&](Measure m, const char* parameter) {
    if (!c.targeted(m)) return;
    CalibrationResult r{std::string(measure_specs[std::size_t(m)].name),
                        std::string(measure_specs[std::size_t(m)].unit),
                        c.measured(m),
                        settled_value(m, closed.values),
                        calibration_tolerance(m),
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
}

}  // namespace detail

CalibrationReport calibrate(BodyModel& model, const Patient& patient,
                            const CalibrationOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  CalibrationReport report;
  detail::Calibration c{model, patient, options, report};
  detail::set_rates(c);
  c.heart_rate_target = c.has(Measure::heart_rate) ? c.measured(Measure::heart_rate)
                                                   : model.parameters.value("heart.rate");
  const double systolic = c.measured(Measure::systolic_pressure);
  const double diastolic = c.measured(Measure::diastolic_pressure);
  c.pressures = c.has(Measure::systolic_pressure) && c.has(Measure::diastolic_pressure) &&
                systolic >= diastolic + 10.0;
  if (c.has(Measure::systolic_pressure) && c.has(Measure::diastolic_pressure) && !c.pressures) {
    report.warnings.push_back(
        "systolic_pressure, diastolic_pressure: not calibrated to: the systolic pressure is not "
        "10 mmHg or more above the diastolic");
  }
  detail::MechanicsFit fit = detail::fit_mechanics(c);
  detail::rest_reflexes(c, fit);
  auto [closed, allowed] = detail::close_the_loop(c, fit);
  model.start_state = closed.state;
  detail::report_targets(c, closed, allowed);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace physiotwin
