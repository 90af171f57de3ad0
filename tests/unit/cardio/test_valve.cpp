// The Mynard valve (cardio/valve.hpp): Bernoulli at steady flow, opening and closing.
#include <gtest/gtest.h>

#include <physiotwin/cardio/valve.hpp>

using namespace physiotwin::cardio;

// With steady flow (dQ/dt = 0) the Mynard valve reduces to Bernoulli's orifice law,
// dP = rho v^2 / 2, which clinicians use as dP[mmHg] = 4 v[m/s]^2 (Hatle et al. 1978,
// Br Heart J 40:131). 100 mL/s through 1 cm^2 is v = 1 m/s: 4 mmHg by the clinical rule,
// 3.975 mmHg with rho = 1.06 g/mL exactly (the rule rounds rho/2 per mmHg to 4).
TEST(Valve, SteadyFlowObeysBernoulli) {
  const ValveCoefficients open{1.0, 0.0, 1.0, 20.0, 20.0};
  const double q = 100.0;
  const double dp = 1.06 * q * q / (2.0 * 1.0 * dyn_per_cm2_per_mmHg);
  EXPECT_NEAR(dp, 4.0, 0.03);
  const auto d = valve_derivatives(open, 1.06, dp, q, 1.0);
  EXPECT_NEAR(d.dflow, 0.0, 1e-9);
  EXPECT_DOUBLE_EQ(d.dopening, 0.0);  // fully open with forward pressure: stays open
}

TEST(Valve, OpensOnForwardPressureAndClosesOnReverse) {
  const ValveCoefficients v{3.5, 0.0, 1.5, 16.0, 16.0};
  EXPECT_GT(valve_derivatives(v, 1.06, 5.0, 0.0, 0.2).dopening, 0.0);
  EXPECT_LT(valve_derivatives(v, 1.06, -5.0, 0.0, 0.2).dopening, 0.0);
  // Mynard eq. (6): the rate is (1 - zeta) K_vo dP when opening.
  EXPECT_DOUBLE_EQ(valve_derivatives(v, 1.06, 5.0, 0.0, 0.2).dopening, 0.8 * 16.0 * 5.0);
  EXPECT_DOUBLE_EQ(valve_effective_area(v, 0.5), 1.75);
  EXPECT_DOUBLE_EQ(valve_effective_area(v, 0.0), closed_area_floor);
}
