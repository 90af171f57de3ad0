// The beds' local O2 tone (control/local_oxygen.hpp): the stimulus's sign and zero at the
// resting PO2 whatever the PCO2, the two slopes, the first-order approach, the clamp, and
// switching it off.
#include <gtest/gtest.h>

#include <array>

#include "physiotwin/control/local_oxygen.hpp"

using namespace physiotwin;

namespace {

control::LocalOxygenCoefficients typical_coefficients() {
  control::LocalOxygenCoefficients c;
  c.hypoxic_gain = {0.12, 0.04, 0.08};
  c.hyperoxic_gain = {0.07, 0.10, 0.11};
  c.resting_po2 = 96.0;
  c.resting_blood = gas::dissociation_for(15.0);
  return c;
}

}  // namespace

// s is 0 at the resting PO2 at any PCO2 (faster breathing alone does not dilate); about
// -3 mL/dL at 12 % O2's arterial PO2 of 45 mmHg (saturation 97 -> about 82 %: 1.34 x 15 x 0.15
// = 3.0, less the dissolved 0.15) and about +1.6 mL/dL at 600 mmHg (dissolved O2, 0.003 per
// mmHg, and the last 2-3 % of saturation).
TEST(LocalOxygenLaw, StimulusIsTheArterialContentsDepartureFromRest) {
  const auto c = typical_coefficients();
  EXPECT_NEAR(control::local_oxygen_stimulus(c, 96.0, 40.0), 0.0, 1e-12);
  EXPECT_NEAR(control::local_oxygen_stimulus(c, 96.0, 30.0), 0.0, 1e-12);
  const double hypoxic = control::local_oxygen_stimulus(c, 45.0, 35.0);
  EXPECT_LT(hypoxic, -2.5);
  EXPECT_GT(hypoxic, -3.8);
  const double hyperoxic = control::local_oxygen_stimulus(c, 600.0, 40.0);
  EXPECT_GT(hyperoxic, 1.4);
  EXPECT_LT(hyperoxic, 2.5);
}

// Below rest each bed dilates by its hypoxic gain, above it constricts by its hyperoxic gain;
// continuous at 0.
TEST(LocalOxygenLaw, EachSideHasItsOwnSlope) {
  const auto c = typical_coefficients();
  for (std::size_t j = 0; j < control::oxygen_bed_count; ++j) {
    EXPECT_DOUBLE_EQ(control::local_oxygen_target(c, j, 0.0), 0.0);
    EXPECT_NEAR(control::local_oxygen_target(c, j, -2.0), 2.0 * c.hypoxic_gain[j], 1e-12);
    EXPECT_NEAR(control::local_oxygen_target(c, j, 1.5), -1.5 * c.hyperoxic_gain[j], 1e-12);
  }
}

// tau dx/dt = u - x: at the target nothing moves; from rest the tone starts towards it at u/tau.
// Switched off, the tones decay to 0.
TEST(LocalOxygenLaw, TonesApproachTheirTargetsAndRestWhenOff) {
  auto c = typical_coefficients();
  const double s = control::local_oxygen_stimulus(c, 45.0, 35.0);
  std::array<double, control::oxygen_bed_count> x{}, dx{};
  control::local_oxygen_derivatives(c, x.data(), s, dx.data());
  for (std::size_t j = 0; j < control::oxygen_bed_count; ++j)
    EXPECT_NEAR(dx[j], control::local_oxygen_target(c, j, s) / c.time_constant, 1e-12);
  for (std::size_t j = 0; j < control::oxygen_bed_count; ++j)
    x[j] = control::local_oxygen_target(c, j, s);
  control::local_oxygen_derivatives(c, x.data(), s, dx.data());
  for (double d : dx) EXPECT_NEAR(d, 0.0, 1e-12);
  c.enabled = false;
  control::local_oxygen_derivatives(c, x.data(), s, dx.data());
  for (std::size_t j = 0; j < control::oxygen_bed_count; ++j)
    EXPECT_NEAR(dx[j], -x[j] / c.time_constant, 1e-12);
}

// A bed at most halves or triples its conductance by itself.
TEST(LocalOxygenLaw, FactorIsClamped) {
  EXPECT_DOUBLE_EQ(control::local_oxygen_factor(0.0), 1.0);
  EXPECT_DOUBLE_EQ(control::local_oxygen_factor(0.3), 1.3);
  EXPECT_DOUBLE_EQ(control::local_oxygen_factor(-0.9), 0.5);
  EXPECT_DOUBLE_EQ(control::local_oxygen_factor(5.0), 3.0);
}
