// The cardiopulmonary reflex (control/cardiopulmonary_reflex.hpp): Heldt et al. 2002's
// saturating afferent, the effects' signs and the resting set point calibration solves.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "physiotwin/control/cardiopulmonary_reflex.hpp"

using namespace physiotwin;

// s = S atan((P - P_set)/S): zero at the set point, the slope 1 there, bounded by S pi/2.
TEST(CardiopulmonaryReflex, AfferentSaturatesAtSPiOverTwo) {
  control::CardiopulmonaryCoefficients c;
  c.set_point = 6.0;
  c.saturation = 5.0;
  EXPECT_DOUBLE_EQ(control::cardiopulmonary_error(c, 6.0), 0.0);
  EXPECT_NEAR(control::cardiopulmonary_error(c, 6.01), 0.01, 1e-6);
  EXPECT_NEAR(control::cardiopulmonary_error(c, -1000.0), -5.0 * std::numbers::pi / 2, 0.03);
  EXPECT_NEAR(control::cardiopulmonary_error(c, 1.0), -5.0 * std::atan(1.0), 1e-12);
}

// An unloaded atrium (negative error) constricts and moves unstressed volume out of the
// veins (a negative shift); at rest nothing changes; switched off nothing changes.
TEST(CardiopulmonaryReflex, UnloadingConstrictsAndMobilisesVenousBlood) {
  control::CardiopulmonaryCoefficients c;
  const double rest[2] = {0.0, 0.0};
  const auto at_rest = control::cardiopulmonary_effects(c, rest);
  EXPECT_DOUBLE_EQ(at_rest.resistance, 1.0);
  EXPECT_DOUBLE_EQ(at_rest.splanchnic_volume_shift, 0.0);
  const double unloaded[2] = {-4.0, -4.0};
  const auto fx = control::cardiopulmonary_effects(c, unloaded);
  EXPECT_NEAR(fx.resistance, 1.0 + 4.0 * c.resistance_gain, 1e-12);
  EXPECT_NEAR(fx.splanchnic_volume_shift, -4.0 * c.splanchnic_volume_gain, 1e-12);
  EXPECT_NEAR(fx.extrasplanchnic_volume_shift, -4.0 * c.extrasplanchnic_volume_gain, 1e-12);
  c.enabled = false;
  EXPECT_DOUBLE_EQ(control::cardiopulmonary_effects(c, unloaded).resistance, 1.0);
}

// The resting set point makes the mean error over the samples zero: for a symmetric swing
// it is the mean pressure; for a skewed one it lies between the mean and the median.
TEST(CardiopulmonaryReflex, RestingSetPointZeroesTheMeanError) {
  control::CardiopulmonaryCoefficients c;
  std::vector<double> swing;
  for (int i = 0; i < 400; ++i) swing.push_back(6.0 + 3.0 * std::sin(0.05 * i));
  const double symmetric = control::resting_cardiopulmonary_set_point(c, swing);
  double mean = 0.0;
  for (double p : swing) mean += p / double(swing.size());
  EXPECT_NEAR(symmetric, mean, 0.05);
  std::vector<double> skewed(300, 4.0);
  skewed.insert(skewed.end(), 100, 12.0);
  c.set_point = control::resting_cardiopulmonary_set_point(c, skewed);
  double error = 0.0;
  for (double p : skewed) error += control::cardiopulmonary_error(c, p);
  EXPECT_NEAR(error / double(skewed.size()), 0.0, 1e-6);
  EXPECT_GT(c.set_point, 4.0);
  EXPECT_LT(c.set_point, 6.0);  // the mean; the arctangent weighs the far samples less
  EXPECT_TRUE(std::isnan(control::resting_cardiopulmonary_set_point(c, {})));
}
