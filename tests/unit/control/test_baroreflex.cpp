// The arterial baroreflex (control/baroreflex.hpp): the resting set point calibration gives it.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "../../helpers.hpp"
#include "physiotwin/control/baroreflex.hpp"

using namespace physiotwin;

// The resting set point puts the reflex at rest for the filtered pressures it is given, and
// the reflex's excess grows with the set point (more sympathetic drive at a higher set
// point, for the same pressures): the one answer bisection finds.
TEST(Calibration, RestingSetPointPutsTheBaroreflexAtRest) {
  const BodyModel model = test_support::reference_model();
  control::BaroreflexCoefficients c = model.baroreflex_coefficients();
  std::vector<double> filtered;
  for (int i = 0; i < 500; ++i)  // a pulsatile filtered pressure: 120 +- 40 mmHg at 1.2 Hz
    filtered.push_back(120.0 + 40.0 * std::sin(2.0 * std::numbers::pi * 1.2 * i / 50.0));
  const double set_point = control::resting_set_point(c, filtered, {}, 40.0, 200.0);
  EXPECT_GT(set_point, 100.0);
  EXPECT_LT(set_point, 140.0);
  c.set_point = set_point;
  EXPECT_NEAR(control::resting_excess(c, filtered, {}), 0.0, 1e-9);
  c.set_point = set_point + 5.0;
  EXPECT_GT(control::resting_excess(c, filtered, {}), 0.0);
  c.set_point = set_point - 5.0;
  EXPECT_LT(control::resting_excess(c, filtered, {}), 0.0);
  // A steady chemoreceptor drive excites the sympathetic neurons: the reflex rests at a
  // lower set point to make up for it.
  const std::vector<double> chemo(filtered.size(), 2.0);
  EXPECT_LT(control::resting_set_point(c, filtered, chemo, 40.0, 200.0), set_point);
}
