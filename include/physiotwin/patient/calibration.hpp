#pragma once
// Calibration: the parameters of a model already scaled to a patient's body are adjusted so
// that the twin at rest reproduces the patient's measured heart rate, blood pressure,
// breathing rate, SpO2 and ejection fraction (docs/patient-records.md, "Calibration").
//
// - Heart rate and breathing rate set `heart.rate` and `respiration.rate` directly: with the
//   reflexes at their operating point (below) the resting rates are these parameters.
// - Systolic and diastolic pressure and ejection fraction: Levenberg-Marquardt (Eigen's
//   unsupported NonLinearOptimization module) over log-scale factors of the systemic
//   arteriolar resistances (mean pressure), the large arteries' compliance (pulse pressure)
//   and the left ventricle's end-systolic elastance (ejection fraction), each evaluation a
//   simulation of the mechanics with the reflexes switched off (the reflexes would otherwise
//   pull the pressure back to their set point), from the model's resting state.
// - SpO2: the shunt fraction, directly from the steady-state O2 balance of the lungs:
//   C_a = C_c'(P_A) - s VO2 / (CO (1 - s))  solved for s.
// - Then the baroreflex's set point is moved to the calibrated pressure at its sensor, as
//   baroreceptors reset to a person's chronic pressure, so that the reflex rests there.
//
// A target the model cannot reach (e.g. SpO2 above what the alveolar PO2 allows) gets the
// closest value and a warning naming it.
#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <string>
#include <unsupported/Eigen/NonLinearOptimization>
#include <vector>

#include "physiotwin/gas/blood_gas.hpp"
#include "physiotwin/model/parameter_groups.hpp"
#include "physiotwin/patient/body.hpp"
#include "physiotwin/twin.hpp"

namespace physiotwin {

struct CalibrationResult {
  std::string target;  ///< e.g. "systolic_pressure"
  std::string unit;
  double measured = 0.0;  ///< the patient's value
  double twin = 0.0;      ///< the calibrated twin's value at rest
  double tolerance = 0.0;
  std::string parameter;  ///< what was adjusted for it
  [[nodiscard]] bool reached() const noexcept { return std::abs(twin - measured) <= tolerance; }
};

struct CalibrationReport {
  std::vector<CalibrationResult> results;
  std::vector<std::string> warnings;
  int simulations = 0;
  double seconds = 0.0;  ///< wall-clock time
};

struct CalibrationOptions {
  double settle_time = 20.0;  ///< s simulated per evaluation (periodic steady state: < 20 s)
  int max_simulations = 40;
};

namespace detail {

/// The resting values a calibration compares, from a twin run.
struct RestingValues {
  double systolic = 0, diastolic = 0, ejection_fraction = 0, cardiac_output = 0;
  double heart_rate = 0, respiratory_rate = 0, spo2 = 0, sensor_pressure = 0;
  double alveolar_po2 = 0, arterial_pco2 = 0, o2_consumption = 0;
};

/// Mean of column `column` over the last n rows; NaN if there are none or no such column
/// (a metric the model lacks: BeatAnalyzer::find() returns the metric count).
inline double mean_of_last(const std::vector<std::vector<double>>& rows, std::size_t column,
                           std::size_t n) {
  n = std::min(n, rows.size());
  if (n == 0 || column >= rows.back().size()) return std::nan("");
  double sum = 0.0;
  for (std::size_t i = rows.size() - n; i < rows.size(); ++i) sum += rows[i][column];
  return sum / double(n);
}

/// Simulates `duration` seconds from the model's resting state; the means of the last beats,
/// breaths and 5 s of samples.
inline RestingValues rest(const CirculationModel& model, double duration) {
  TwinOptions options;
  options.sample_rate = 10.0;
  Twin twin(CirculationModel(model), options);
  MemoryRecorder rec;
  twin.add_recorder(rec);
  twin.advance(duration);
  RestingValues v;
  const auto& beats = twin.beats();
  v.systolic = mean_of_last(rec.beats, beats.find("systolic_pressure"), 3);
  v.diastolic = mean_of_last(rec.beats, beats.find("diastolic_pressure"), 3);
  v.ejection_fraction = 100.0 * mean_of_last(rec.beats, beats.find("lv_ejection_fraction"), 3);
  v.cardiac_output = mean_of_last(rec.beats, beats.find("cardiac_output"), 3);
  v.heart_rate = mean_of_last(rec.beats, beats.find("heart_rate"), 3);
  auto sample_mean = [&](const std::string& signal) {
    const auto index = twin.signals().find(signal);
    if (!index) return std::nan("");
    double sum = 0.0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < rec.times.size(); ++i) {
      if (rec.times[i] <= duration - 5.0) continue;
      sum += rec.samples[i][*index];
      ++n;
    }
    return n > 0 ? sum / double(n) : std::nan("");
  };
  if (model.baroreflex) {
    v.sensor_pressure =
        sample_mean(model.compartments[model.baroreflex->sensor].name + ".pressure");
  }
  v.spo2 = sample_mean("spo2");
  v.alveolar_po2 = sample_mean("alveolar.po2");
  v.arterial_pco2 = sample_mean("arterial.pco2");
  v.o2_consumption = sample_mean("tissues.o2_consumption");
  v.respiratory_rate = mean_of_last(rec.breaths, 0, 3);
  return v;
}

/// The parameters the pressure fit scales, with their scaled model's base values.
struct ScaledGroup {
  std::vector<std::size_t> parameters;
  std::vector<double> base;
};

inline void apply_scale(CirculationModel& model, const ScaledGroup& group, double factor) {
  for (std::size_t i = 0; i < group.parameters.size(); ++i) {
    const Parameter& p = model.parameters.at(group.parameters[i]);
    const double value = std::clamp(group.base[i] * factor, p.min, p.max);
    model.parameters.set_derived(group.parameters[i], value, "calibration");
  }
}

}  // namespace detail

/// Calibrates `model` (scaled to `patient` by scale_to_patient()) to the patient's measured
/// vitals. Targets the patient lacks are left at the model's values and not reported.
inline CalibrationReport calibrate(CirculationModel& model, const Patient& patient,
                                   const CalibrationOptions& options = {}) {
  const auto start = std::chrono::steady_clock::now();
  CalibrationReport report;
  auto measured = [&](Measure m) { return patient.measurement(m); };
  auto has = [&](Measure m) { return !std::isnan(measured(m)); };
  auto set_direct = [&](Measure m, const char* parameter) {
    if (!has(m) || !model.parameters.contains(parameter)) return;
    const Parameter& p = model.parameters.get(parameter);
    const double value = std::clamp(measured(m), p.min, p.max);
    if (value != measured(m)) {
      report.warnings.push_back(fmt::format("{} {:g}: outside {}'s range {}, set to {:g}",
                                            measure_specs[std::size_t(m)].name, measured(m),
                                            parameter, describe_range(p), value));
    }
    model.parameters.set_derived(model.parameters.index_of(parameter), value, "calibration");
  };
  set_direct(Measure::heart_rate, "heart.rate");
  set_direct(Measure::respiratory_rate, "respiration.rate");
  model.refresh();

  // The pressure fit runs with the reflexes off: they would pull pressure back to their
  // set point, which is what is being found.
  CirculationModel open_loop = model;
  for (const char* reflex : {"baroreflex.enabled", "chemoreflex.enabled"}) {
    if (open_loop.parameters.contains(reflex)) open_loop.set_parameter(reflex, 0.0);
  }
  detail::ScaledGroup resistance, compliance, elastance;
  resistance.parameters = organ_bed_resistances(model);
  compliance.parameters = large_artery_compliances(model);
  if (const auto lv = lv_end_systolic_elastance(model)) elastance.parameters.push_back(*lv);
  for (auto* g : {&resistance, &compliance, &elastance}) {
    for (std::size_t i : g->parameters) g->base.push_back(model.parameters.at(i).value);
  }

  // Unknowns (log factors) and residuals (in units of their tolerance).
  std::vector<detail::ScaledGroup*> groups;
  std::vector<Measure> targets;
  const bool pressures = has(Measure::systolic_pressure) && has(Measure::diastolic_pressure) &&
                         !resistance.parameters.empty() && !compliance.parameters.empty();
  if (pressures) {
    groups = {&resistance, &compliance};
    targets = {Measure::systolic_pressure, Measure::diastolic_pressure};
  }
  if (has(Measure::lv_ejection_fraction) && !elastance.parameters.empty()) {
    groups.push_back(&elastance);
    targets.push_back(Measure::lv_ejection_fraction);
  }
  constexpr double tolerance = 2.0;  // mmHg for pressures, percentage points for EF
  detail::RestingValues last{};
  auto evaluate = [&](const Eigen::VectorXd& x, Eigen::VectorXd& residual) {
    CirculationModel trial = open_loop;
    for (std::size_t i = 0; i < groups.size(); ++i)
      detail::apply_scale(trial, *groups[i], std::exp(x[Eigen::Index(i)]));
    trial.refresh();
    last = detail::rest(trial, options.settle_time);
    ++report.simulations;
    for (std::size_t i = 0; i < targets.size(); ++i) {
      const double twin = targets[i] == Measure::systolic_pressure    ? last.systolic
                          : targets[i] == Measure::diastolic_pressure ? last.diastolic
                                                                      : last.ejection_fraction;
      residual[Eigen::Index(i)] = (twin - measured(targets[i])) / tolerance;
    }
  };
  Eigen::VectorXd x = Eigen::VectorXd::Zero(Eigen::Index(groups.size()));
  if (!groups.empty()) {
    struct Functor {
      std::function<void(const Eigen::VectorXd&, Eigen::VectorXd&)> f;
      int n;
      [[nodiscard]] int inputs() const { return n; }
      [[nodiscard]] int values() const { return n; }
      int operator()(const Eigen::VectorXd& x, Eigen::VectorXd& r) const {
        f(x, r);
        return 0;
      }
      // Forward differences with a step of 1 % (not machine precision: each evaluation is a
      // simulation accurate to about 1e-5).
      int df(const Eigen::VectorXd& x, Eigen::MatrixXd& jac) const {
        Eigen::VectorXd r0(n), r1(n);
        f(x, r0);
        for (int j = 0; j < n; ++j) {
          Eigen::VectorXd xh = x;
          xh[j] += 0.01;
          f(xh, r1);
          jac.col(j) = (r1 - r0) / 0.01;
        }
        return 0;
      }
    } functor{evaluate, int(groups.size())};
    Eigen::LevenbergMarquardt<Functor> lm(functor);
    lm.parameters.maxfev = options.max_simulations;
    lm.parameters.xtol = 1e-3;
    lm.parameters.ftol = 1e-4;
    using Status = Eigen::LevenbergMarquardtSpace::Status;
    Status status = lm.minimizeInit(x);  // NotStarted when the input is proper
    while (status == Status::NotStarted || status == Status::Running) {
      status = lm.minimizeOneStep(x);
      // lm.fvec holds the residuals at the accepted x: stop once every target is within a quarter
      // of its tolerance, or when the simulation budget is spent.
      if (lm.fvec.cwiseAbs().maxCoeff() < 0.25 || report.simulations >= options.max_simulations) {
        break;
      }
    }
    for (std::size_t i = 0; i < groups.size(); ++i)
      detail::apply_scale(model, *groups[i], std::exp(x[Eigen::Index(i)]));
    model.refresh();
  }

  // SpO2 through the shunt fraction: C_a = C_c' - s VO2 / (CO (1 - s)).
  if (has(Measure::spo2) && model.gas_exchange) {
    if (groups.empty()) last = detail::rest(open_loop, options.settle_time);
    const auto& d = gas::dissociation_for(model.parameters.value("gas.hemoglobin"));
    const double end_capillary = gas::blood_content(d, last.alveolar_po2, last.arterial_pco2).o2;
    double lo = 0.0, hi = 700.0;  // P_O2 with the target saturation (bisection)
    for (int i = 0; i < 200; ++i) {
      const double mid = 0.5 * (lo + hi);
      (gas::blood_content(d, mid, last.arterial_pco2).saturation * 100.0 < measured(Measure::spo2)
           ? lo
           : hi) = mid;
    }
    const double arterial = gas::blood_content(d, 0.5 * (lo + hi), last.arterial_pco2).o2;
    const double gap = (end_capillary - arterial) * last.cardiac_output * 1000.0;  // mL O2/min
    double shunt = gap / (last.o2_consumption + gap);
    const Parameter& p = model.parameters.get("gas.shunt_fraction");
    if (!(shunt >= p.min)) {
      report.warnings.push_back(fmt::format(
          "spo2 {:g} %: above what the lungs give at an alveolar PO2 of {:.0f} mmHg with no shunt",
          measured(Measure::spo2), last.alveolar_po2));
      shunt = p.min;
    }
    shunt = std::min(shunt, p.max);
    model.parameters.set_derived(model.parameters.index_of("gas.shunt_fraction"), shunt,
                                 "calibration");
    model.refresh();
  }

  // The calibrated twin with its reflexes: the baroreflex rests at the calibrated pressure.
  const detail::RestingValues open = detail::rest(
      [&] {
        CirculationModel m = model;
        for (const char* reflex : {"baroreflex.enabled", "chemoreflex.enabled"}) {
          if (m.parameters.contains(reflex)) m.set_parameter(reflex, 0.0);
        }
        return m;
      }(),
      options.settle_time);
  ++report.simulations;
  detail::RestingValues final_values{};
  if (model.baroreflex && std::isfinite(open.sensor_pressure)) {
    // The set point at which the reflex rests is near, not at, the mean sensor pressure (the
    // afferent filter's lead amplifies the pulse, and its sigmoid is curved): start there and
    // correct it by the closed loop's remaining offset, twice.
    const std::size_t i = model.parameters.index_of("baroreflex.set_point");
    const Parameter& p = model.parameters.at(i);
    double set_point = open.sensor_pressure;
    model.baroreflex->initial_state.clear();  // the reflex starts at its operating point
    for (int pass = 0; pass < 3; ++pass) {
      model.parameters.set_derived(i, std::clamp(set_point, p.min, p.max),
                                   "calibration: the reflex rests at the calibrated pressure");
      model.refresh();
      final_values = detail::rest(model, options.settle_time);
      ++report.simulations;
      const double offset = final_values.sensor_pressure - open.sensor_pressure;
      if (std::abs(offset) < 0.25 || pass == 2) break;
      set_point -= offset;
    }
  } else {
    final_values = detail::rest(model, options.settle_time);
    ++report.simulations;
  }
  auto report_target = [&](Measure m, double twin, const char* parameter, double tol) {
    if (!has(m)) return;
    CalibrationResult r{std::string(measure_specs[std::size_t(m)].name),
                        std::string(measure_specs[std::size_t(m)].unit),
                        measured(m),
                        twin,
                        tol,
                        parameter};
    if (!r.reached()) {
      report.warnings.push_back(fmt::format("{}: measured {:g} {}, the twin reaches {:.4g}",
                                            r.target, r.measured, r.unit, r.twin));
    }
    report.results.push_back(r);
  };
  report_target(Measure::heart_rate, final_values.heart_rate, "heart.rate", 1.0);
  report_target(Measure::systolic_pressure, final_values.systolic,
                "arteriolar resistances, arterial compliance", 2.0);
  report_target(Measure::diastolic_pressure, final_values.diastolic,
                "arteriolar resistances, arterial compliance", 2.0);
  report_target(Measure::respiratory_rate, final_values.respiratory_rate, "respiration.rate", 1.0);
  report_target(Measure::spo2, final_values.spo2, "gas.shunt_fraction", 1.0);
  report_target(Measure::lv_ejection_fraction, final_values.ejection_fraction,
                "lv end-systolic elastance", 2.0);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace physiotwin
