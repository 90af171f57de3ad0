// Exercise (control/exercise.hpp): the ramp, the O2 demand and its cost, the intensity and
// central command's shape, the ventilatory drive's two parts, the pump's limit, and the
// patient's fitness from the FRIEND registry (patient/fitness.hpp).
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "physiotwin/control/exercise.hpp"
#include "physiotwin/patient/fitness.hpp"

using namespace physiotwin;
using control::ExerciseCoefficients;

namespace {

/// Integrates the exercise states alone by forward Euler (dt 1 ms) for `seconds`.
std::array<double, control::exercise_state_count> run(const ExerciseCoefficients& c,
                                                      std::array<double, 4> x, double seconds) {
  std::array<double, control::exercise_state_count> dx{};
  const double dt = 1e-3;
  for (int i = 0; i < int(seconds / dt); ++i) {
    control::exercise_derivatives(c, x.data(), dx.data());
    for (std::size_t k = 0; k < x.size(); ++k) x[k] += dt * dx[k];
  }
  return x;
}

}  // namespace

// A ramp of 2 W/s from 0 to 100 W: 40 W after 20 s (linear), within 1 W of 100 W after 55 s,
// never beyond it.
TEST(Exercise, WorkRateRampsLinearlyToWhatIsAsked) {
  ExerciseCoefficients c;
  c.work_rate = 100.0;
  c.ramp_rate = 2.0;
  EXPECT_NEAR(run(c, {0, 0, 0, 0}, 20.0)[control::exercise_work_rate], 40.0, 0.1);
  const double later = run(c, {0, 0, 0, 0}, 55.0)[control::exercise_work_rate];
  EXPECT_NEAR(later, 100.0, 1.0);
  EXPECT_LE(later, 100.0);
  c.work_rate = 0.0;  // and back down at the same rate
  EXPECT_NEAR(run(c, {100, 0, 0, 0}, 20.0)[control::exercise_work_rate], 60.0, 0.1);
}

// At a steady 100 W the active muscles use c W = 10.3 x 100 mL/min more O2 (Hansen et al.
// 1987: 10.29 mL/min/W); after one time constant 63 % of it.
TEST(Exercise, O2DemandFollowsTheWorkRateWithItsTimeConstant) {
  ExerciseCoefficients c;
  c.work_rate = 100.0;
  const double steady = c.o2_cost * 100.0 / 60.0;  // mL/s
  auto x = run(c, {100, 0, 0, 0}, c.o2_time_constant);
  EXPECT_NEAR(x[control::exercise_o2_demand] / steady, 1.0 - std::exp(-1.0), 0.005);
  x = run(c, {100, 0, 0, 0}, 10 * c.o2_time_constant);
  EXPECT_NEAR(control::exercise_effects(c, x.data()).extra_o2_demand, steady, 1e-3 * steady);
}

// Intensity is the commanded O2 cost over the reserve; the vagal withdrawal, immediate, is
// complete at I_v; the sympathetic drive grows in proportion to the O2 the muscles use now (so
// it outlasts the work); the peak work rate spends the reserve.
TEST(Exercise, CentralCommandGrowsWithTheShareOfTheReserve) {
  ExerciseCoefficients c;
  c.peak_o2_uptake = 2300.0;
  c.rest_o2_uptake = 240.0;
  c.central_sympathetic_drive = 10.0;
  c.central_vagal_withdrawal = 4.0;
  c.vagal_withdrawal_intensity = 0.25;
  EXPECT_NEAR(c.peak_work_rate(), (2300.0 - 240.0) / 10.3, 1e-9);
  const std::array<double, 4> x{c.peak_work_rate() / 2, 0, 0, 0};  // at the onset
  const auto fx = control::exercise_effects(c, x.data());
  EXPECT_NEAR(fx.intensity, 0.5, 1e-12);
  EXPECT_EQ(fx.sympathetic_drive, 0.0);
  EXPECT_NEAR(fx.vagal_withdrawal, 4.0, 1e-12);
  const std::array<double, 4> steady{c.peak_work_rate() / 2, c.o2_cost_of(c.peak_work_rate() / 2),
                                     0, 0};
  EXPECT_NEAR(control::exercise_effects(c, steady.data()).sympathetic_drive, 5.0, 1e-12);
  const std::array<double, 4> stopped{0, c.o2_cost_of(c.peak_work_rate() / 2), 0, 0};
  EXPECT_EQ(control::exercise_effects(c, stopped.data()).vagal_withdrawal, 0.0);
  EXPECT_NEAR(control::exercise_effects(c, stopped.data()).sympathetic_drive, 5.0, 1e-12);
  const std::array<double, 4> light{c.peak_work_rate() / 10, 0, 0, 0};
  EXPECT_NEAR(control::exercise_effects(c, light.data()).vagal_withdrawal, 4.0 * 0.1 / 0.25, 1e-12);
  c.enabled = false;
  EXPECT_EQ(control::exercise_effects(c, x.data()).sympathetic_drive, 0.0);
  EXPECT_EQ(control::exercise_effects(c, x.data()).conductance_factor, 1.0);
}

// The ventilatory drive: f_fast of the CO2 the work produces at once, the rest after tau_E;
// in the steady state all of it (RQ c W).
TEST(Exercise, VentilatoryDriveHasAFastAndASlowPart) {
  ExerciseCoefficients c;
  c.work_rate = 100.0;
  c.ventilation_rate_gain = 1.0;  // breaths/min per mL/s: the drive itself
  const double produced = c.respiratory_quotient * c.o2_cost * 100.0 / 60.0;
  const std::array<double, 4> onset{100, 0, 0, 0};
  EXPECT_NEAR(control::exercise_effects(c, onset.data()).breathing_rate,
              c.ventilation_fast_fraction * produced, 1e-12);
  const auto x = run(c, onset, 12 * c.ventilation_time_constant);
  EXPECT_NEAR(control::exercise_effects(c, x.data()).breathing_rate, produced, 1e-3 * produced);
}

// The pump cannot squeeze veins below their unstressed volume; well filled, nearly all of it.
TEST(Exercise, MusclePumpNeedsFilledVeins) {
  EXPECT_EQ(control::muscle_pump_pressure(20.0, 0.0), 0.0);
  EXPECT_EQ(control::muscle_pump_pressure(20.0, -3.0), 0.0);
  EXPECT_NEAR(control::muscle_pump_pressure(20.0, 1.0), 10.0, 1e-12);
  EXPECT_NEAR(control::muscle_pump_pressure(20.0, 19.0), 19.0, 1e-12);
}

// FRIEND cycle medians (Kaminsky et al. 2017): a man of 45 has 27.1 mL/kg/min, a woman of 25
// 31.0; ages beyond the registry's 20-79 take the nearest decade.
TEST(Exercise, FitnessFromTheRegistryMedians) {
  EXPECT_DOUBLE_EQ(median_cycle_peak_o2_uptake("male", 45.0), 27.1);
  EXPECT_DOUBLE_EQ(median_cycle_peak_o2_uptake("female", 25.0), 31.0);
  EXPECT_DOUBLE_EQ(median_cycle_peak_o2_uptake("male", 18.0), 41.9);
  EXPECT_DOUBLE_EQ(median_cycle_peak_o2_uptake("female", 90.0), 14.8);
}
