// Exercise (control/exercise.hpp): the ramp, the O2 demand and its cost, the intensity and
// central command's shape, the post-exercise dilation, the ventilatory drive's two parts, the
// pump's limit, and the patient's fitness from the FRIEND registry (patient/fitness.hpp).
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "physiotwin/control/exercise.hpp"
#include "physiotwin/patient/fitness.hpp"

using namespace physiotwin;
using control::ExerciseCoefficients;

namespace {

using States = std::array<double, control::exercise_state_count>;

/// Integrates the exercise states alone by forward Euler (dt 1 ms) for `seconds`.
States run(const ExerciseCoefficients& c, States x, double seconds) {
  States dx{};
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
  EXPECT_NEAR(run(c, States{}, 20.0)[control::exercise_work_rate], 40.0, 0.1);
  const double later = run(c, States{}, 55.0)[control::exercise_work_rate];
  EXPECT_NEAR(later, 100.0, 1.0);
  EXPECT_LE(later, 100.0);
  c.work_rate = 0.0;  // and back down at the same rate
  EXPECT_NEAR(run(c, States{100, 0, 0, 0, 0}, 20.0)[control::exercise_work_rate], 60.0, 0.1);
}

// At a steady 100 W the active muscles use c W = 10.3 x 100 mL/min more O2 (Hansen et al.
// 1987: 10.29 mL/min/W); after one time constant 63 % of it.
TEST(Exercise, O2DemandFollowsTheWorkRateWithItsTimeConstant) {
  ExerciseCoefficients c;
  c.work_rate = 100.0;
  const double steady = c.o2_cost * 100.0 / 60.0;  // mL/s
  auto x = run(c, States{100, 0, 0, 0, 0}, c.o2_time_constant);
  EXPECT_NEAR(x[control::exercise_o2_demand] / steady, 1.0 - std::exp(-1.0), 0.005);
  x = run(c, States{100, 0, 0, 0, 0}, 10 * c.o2_time_constant);
  EXPECT_NEAR(control::exercise_effects(c, x.data()).extra_o2_demand, steady, 1e-3 * steady);
}

// Intensity is the commanded O2 cost over the reserve; the vagal withdrawal is V_max times its
// state, which asks for all of it from I_v; the sympathetic drive grows in proportion to the O2
// the muscles use now (so it outlasts the work); the peak work rate spends the reserve.
TEST(Exercise, CentralCommandGrowsWithTheShareOfTheReserve) {
  ExerciseCoefficients c;
  c.peak_o2_uptake = 2300.0;
  c.rest_o2_uptake = 240.0;
  c.central_sympathetic_drive = 10.0;
  c.central_vagal_withdrawal = 4.0;
  c.vagal_withdrawal_intensity = 0.25;
  EXPECT_NEAR(c.peak_work_rate(), (2300.0 - 240.0) / 10.3, 1e-9);
  const double half = c.peak_work_rate() / 2;
  const States onset{half, 0, 0, 0, 0};
  const auto fx = control::exercise_effects(c, onset.data());
  EXPECT_NEAR(fx.intensity, 0.5, 1e-12);
  EXPECT_EQ(fx.sympathetic_drive, 0.0);
  EXPECT_EQ(fx.vagal_withdrawal, 0.0);  // the withdrawal has not moved yet
  EXPECT_EQ(control::vagal_withdrawal_target(c, onset.data()), 1.0);  // beyond I_v: all of it
  const States steady{half, c.o2_cost_of(half), 0, 0, 1};
  EXPECT_NEAR(control::exercise_effects(c, steady.data()).sympathetic_drive, 5.0, 1e-12);
  EXPECT_NEAR(control::exercise_effects(c, steady.data()).vagal_withdrawal, 4.0, 1e-12);
  // Just stopped: the sympathetic drive still follows the O2 demand, the withdrawal its state
  // while it returns to nothing.
  const States stopped{0, c.o2_cost_of(half), 0, 0, 0.8};
  EXPECT_NEAR(control::exercise_effects(c, stopped.data()).sympathetic_drive, 5.0, 1e-12);
  EXPECT_NEAR(control::exercise_effects(c, stopped.data()).vagal_withdrawal, 4.0 * 0.8, 1e-12);
  EXPECT_EQ(control::vagal_withdrawal_target(c, stopped.data()), 0.0);
  const States light{c.peak_work_rate() / 10, 0, 0, 0, 0};
  EXPECT_NEAR(control::vagal_withdrawal_target(c, light.data()), 0.1 / 0.25, 1e-12);
  c.enabled = false;
  EXPECT_EQ(control::exercise_effects(c, steady.data()).sympathetic_drive, 0.0);
  EXPECT_EQ(control::exercise_effects(c, steady.data()).vagal_withdrawal, 0.0);
  EXPECT_EQ(control::exercise_effects(c, steady.data()).conductance_factor, 1.0);
}

// The vagal withdrawal follows what the work asks within seconds as the work starts (tau_on)
// and returns over tau_off when it stops; after one time constant it has gone 1 - 1/e of the
// way.
TEST(Exercise, VagalWithdrawalComesFastAndReturnsSlowly) {
  ExerciseCoefficients c;
  c.peak_o2_uptake = 2300.0;
  c.rest_o2_uptake = 240.0;
  c.vagal_withdrawal_intensity = 0.5;
  c.vagal_on_time_constant = 2.0;
  c.vagal_off_time_constant = 600.0;
  const double e = 1.0 - std::exp(-1.0);
  c.work_rate = c.peak_work_rate() / 4;  // a step to half the whole withdrawal
  States x = run(c, States{c.work_rate, 0, 0, 0, 0}, 2.0);
  EXPECT_NEAR(x[control::exercise_vagal_withdrawal], 0.5 * e, 0.002);
  c.work_rate = 0.0;
  x = run(c, States{0, 0, 0, 0, 1}, 600.0);
  EXPECT_NEAR(x[control::exercise_vagal_withdrawal], 1 - e, 0.002);
}

// The post-exercise dilation h charges towards g_h I_M with tau_c while the muscles work and
// fades with tau_d after (docs/research/post-exercise-hypotension.md): after one time constant
// of either it has gone 1 - 1/e of the way (forward Euler at 1 ms: within 0.002).
TEST(Exercise, PostExerciseDilationChargesWithTheWorkAndFadesSlowly) {
  ExerciseCoefficients c;
  c.peak_o2_uptake = 2300.0;
  c.rest_o2_uptake = 240.0;
  c.post_dilation_gain = 1.6;
  c.post_dilation_charge_time = 600.0;
  c.post_dilation_decay_time = 3000.0;
  const double e = 1.0 - std::exp(-1.0);
  const double reserve = c.o2_reserve();
  // The muscles at 60 % of the reserve, held there (x_M's own target is c W).
  c.work_rate = 0.6 * c.peak_work_rate();
  States x = run(c, States{c.work_rate, 0.6 * reserve, 0, 0, 0, 0}, 600.0);
  EXPECT_NEAR(x[control::exercise_post_dilation], 1.6 * 0.6 * e, 0.002);
  // Beyond the whole reserve the target stops at g_h.
  States high{0, 2.0 * reserve, 0, 0, 0, 0};
  EXPECT_NEAR(control::post_dilation_target(c, high.data()), 1.6, 1e-12);
  // Stopped, with the O2 demand gone: h falls with tau_d.
  c.work_rate = 0.0;
  x = run(c, States{0, 0, 0, 0, 0, 1.0}, 3000.0);
  EXPECT_NEAR(x[control::exercise_post_dilation], 1.0 - e, 0.002);
  // No work, no dilation: h stays 0 from rest.
  x = run(c, States{}, 600.0);
  EXPECT_EQ(x[control::exercise_post_dilation], 0.0);
}

// The muscle's conductance factor is 1 + max(v, h): h is hidden while the metabolic dilation v
// is larger, and only what outlasts it, h - v, lowers the baroreflex's set point, by k_s per
// unit.
TEST(Exercise, PostExerciseDilationActsOnceTheMetabolicOneHasFaded) {
  ExerciseCoefficients c;
  c.post_dilation_gain = 1.6;
  c.post_dilation_resetting = 12.0;
  const States working{0, 0, 5.0, 0, 0, 0.8, 0, 0};
  auto fx = control::exercise_effects(c, working.data());
  EXPECT_NEAR(fx.conductance_factor, 6.0, 1e-12);
  EXPECT_NEAR(fx.set_point_shift, 0.0, 1e-12);
  const States after{0, 0, 0.3, 0, 0, 0.8, 0, 0};
  fx = control::exercise_effects(c, after.data());
  EXPECT_NEAR(fx.conductance_factor, 1.8, 1e-12);
  EXPECT_NEAR(fx.set_point_shift, -12.0 * 0.5, 1e-12);
  c.enabled = false;
  EXPECT_EQ(control::exercise_effects(c, after.data()).conductance_factor, 1.0);
  EXPECT_EQ(control::exercise_effects(c, after.data()).set_point_shift, 0.0);
}

// Circulating catecholamines: the release asked for is 0 at rest, 1 at the whole reserve and
// (e^(5 I) - 1)/(e^5 - 1) between (0.0515 at 43 %, 0.1295 at 60 %, 0.8598 at 97 %: Perini et
// al. 1989's and Hagberg et al. 1979's shape, docs/research/exercise-catecholamines.md); held at
// the whole reserve, C follows through two lags, (60 s and 100 s: 1 - (100 e^(-t/100) - 60
// e^(-t/60))/40, 0.4500 after 120 s); once the work stops it still rises for a while
// before falling (0.19 of its level 5 min later); its effect is Df_C C spikes/s.
TEST(Exercise, CatecholaminesRiseSteeplyWithIntensityAndOutlastTheWork) {
  ExerciseCoefficients c;
  c.catecholamine_drive = 3.5;
  const double peak = c.o2_reserve();
  auto release = [&](double share) {
    const States x{0, share * peak, 0, 0, 0, 0, 0, 0};
    return control::catecholamine_release_target(c, x.data());
  };
  EXPECT_EQ(release(0.0), 0.0);
  EXPECT_NEAR(release(0.43), 0.0515, 1e-4);
  EXPECT_NEAR(release(0.6), 0.1295, 1e-4);
  EXPECT_NEAR(release(0.97), 0.8598, 1e-4);
  EXPECT_NEAR(release(1.5), 1.0, 1e-12);  // beyond the reserve: the peak
  // The O2 demand held at the whole reserve (the work asked for keeps it there).
  c.work_rate = c.peak_work_rate();
  States x{c.work_rate, peak, 0, 0, 0, 0, 0, 0};
  x = run(c, x, 120.0);
  const double expected = 1.0 - (100.0 * std::exp(-1.2) - 60.0 * std::exp(-2.0)) / 40.0;
  EXPECT_NEAR(x[control::exercise_catecholamine], expected, 2e-3);
  EXPECT_NEAR(control::exercise_effects(c, x.data()).catecholamine_drive,
              3.5 * x[control::exercise_catecholamine], 1e-12);
  // The work stops: C is still near its level 30 s later, and well down after 5 min.
  c.work_rate = 0.0;
  const double at_stop = x[control::exercise_catecholamine];
  const States later = run(c, x, 30.0);
  EXPECT_GT(later[control::exercise_catecholamine], 0.95 * at_stop);
  EXPECT_LT(run(c, x, 300.0)[control::exercise_catecholamine], 0.4 * at_stop);
}

// The ventilatory drive: f_fast of the CO2 the work produces at once, the rest after tau_E;
// in the steady state all of it (RQ c W).
TEST(Exercise, VentilatoryDriveHasAFastAndASlowPart) {
  ExerciseCoefficients c;
  c.work_rate = 100.0;
  c.ventilation_rate_gain = 1.0;  // breaths/min per mL/s: the drive itself
  const double produced = c.respiratory_quotient * c.o2_cost * 100.0 / 60.0;
  const States onset{100, 0, 0, 0, 0};
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

// FRIEND cycle medians (Kaminsky et al. 2017): a man of 45 has 27.1 mL/kg/min, a woman of 75
// 14.8; ages beyond the registry's 20-79 take the nearest decade. At 20-29 the table carries the
// 30-39 median back by the registry's ~10 % per decade (men 33.11, women 23.76;
// docs/research/fitness-by-age.md §2.5), not FRIEND's 41.9 and 31.0 from another sample.
TEST(Exercise, FitnessFromTheRegistryMedians) {
  EXPECT_DOUBLE_EQ(median_cycle_peak_o2_uptake("male", 45.0), 27.1);
  EXPECT_DOUBLE_EQ(median_cycle_peak_o2_uptake("female", 75.0), 14.8);
  EXPECT_NEAR(median_cycle_peak_o2_uptake("male", 25.0), 33.1, 0.05);  // the note's one decimal
  EXPECT_NEAR(median_cycle_peak_o2_uptake("female", 25.0), 23.8, 0.05);
  EXPECT_DOUBLE_EQ(median_cycle_peak_o2_uptake("male", 18.0),
                   median_cycle_peak_o2_uptake("male", 25.0));
  EXPECT_DOUBLE_EQ(median_cycle_peak_o2_uptake("female", 90.0), 14.8);
}

// Median fitness falls smoothly with age: no decade step above 15 % in either sex (the
// registry's 30-79 steps are 8-13 %; Hansen-Wasserman's cycle norm falls 9-19 % per decade
// over 25-70 years, docs/research/fitness-by-age.md §2.3-2.4). FRIEND's own 20-29 to 30-39
// step of 28-30 % would fail here.
TEST(Exercise, MedianFitnessFallsSmoothlyWithAge) {
  for (const auto* table : {&friend_cycle_median_men, &friend_cycle_median_women}) {
    for (std::size_t decade = 1; decade < table->size(); ++decade) {
      const double step = 1.0 - (*table)[decade] / (*table)[decade - 1];
      EXPECT_GT(step, 0.0) << "decade " << decade;
      EXPECT_LT(step, 0.15) << "decade " << decade;
    }
  }
}
