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
// The stages are compiled (src/patient/calibration.cpp, calibration_steps.hpp beside it).
#include <cmath>
#include <string>
#include <vector>

#include "physiotwin/core/cancellation.hpp"
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
  /// 8: a tachycardic old patient (85 years, 135 /min) needs 8, because re-resting the
  /// hypoxic vagal withdrawal moves its heart rate by up to 4 /min in the same pass as the
  /// rate's own correction (docs/patient-records.md, "Closed-loop corrections").
  int max_closed_loop_passes = 8;
  /// The fit stops once every target is within this fraction of its tolerance ...
  double stop_fraction = 0.2;
  /// Set (e.g. by a signal handler), calibration stops with Cancelled within one window.
  CancellationFlag cancel = nullptr;
  /// ... and the closed loop within this one (its window means scatter by about 0.2 mmHg
  /// from one settling to the next: docs/patient-records.md, "Calibration").
  double closed_loop_fraction = 0.4;
};

/// Calibrates `model` (scaled to `patient` by scale_to_patient()) to the patient's measured
/// vitals and leaves the calibrated twin's settled state in model.start_state. Targets the
/// patient lacks are left at the model's values and not reported. The four stages are those
/// of this file's opening comment.
CalibrationReport calibrate(BodyModel& model, const Patient& patient,
                            const CalibrationOptions& options = {});

}  // namespace physiotwin
