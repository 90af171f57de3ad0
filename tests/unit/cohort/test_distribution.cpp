// Population distributions (cohort/distribution.hpp) against their defining properties.
#include <gtest/gtest.h>

#include <cmath>
#include <physiotwin/cohort/distribution.hpp>

using namespace physiotwin::cohort;

TEST(Distribution, QuantilesOfTheStandardShapes) {
  Distribution normal{DistributionKind::normal};
  normal.mean = 170.0;
  normal.sd = 7.0;
  EXPECT_NEAR(quantile(normal, 0.5), 170.0, 1e-9);
  // Phi^-1(0.975) = 1.959964 (Abramowitz & Stegun, table 26.5).
  EXPECT_NEAR(quantile(normal, 0.975), 170.0 + 1.959964 * 7.0, 1e-4);
  Distribution lognormal{DistributionKind::lognormal};
  lognormal.median = 80.0;
  lognormal.sigma = 0.2;
  EXPECT_NEAR(quantile(lognormal, 0.5), 80.0, 1e-9);
  EXPECT_NEAR(quantile(lognormal, 0.975), 80.0 * std::exp(1.959964 * 0.2), 1e-3);
  Distribution uniform{DistributionKind::uniform};
  uniform.min = 20.0;
  uniform.max = 90.0;
  EXPECT_DOUBLE_EQ(quantile(uniform, 0.25), 37.5);
}

// Truncated: the distribution conditioned on [min, max]; its median lies where the original
// distribution's cumulative probability is halfway between those of the bounds.
TEST(Distribution, TruncationConditionsOnTheRange) {
  Distribution d{DistributionKind::normal};
  d.mean = 0.0;
  d.sd = 1.0;
  d.min = 0.0;  // the half-normal: its median is Phi^-1(0.75) = 0.674490
  EXPECT_NEAR(quantile(d, 0.5), 0.674490, 1e-5);
  for (double u : {1e-12, 0.3, 0.999999999}) EXPECT_GE(quantile(d, u), 0.0);
  d.max = 1.0;
  for (double u : {1e-12, 0.5, 1.0 - 1e-12}) {
    EXPECT_GE(quantile(d, u), 0.0);
    EXPECT_LE(quantile(d, u), 1.0);
  }
}

TEST(Distribution, ImpossibleDistributionsAreNamed) {
  Distribution d{DistributionKind::normal};
  d.mean = 1.0;
  d.sd = -1.0;
  ASSERT_TRUE(distribution_problem(d));
  EXPECT_NE(distribution_problem(d)->find("standard deviation must be positive"),
            std::string::npos);
  Distribution empty{DistributionKind::uniform};
  empty.min = 5.0;
  empty.max = 5.0;
  ASSERT_TRUE(distribution_problem(empty));
  EXPECT_NE(distribution_problem(empty)->find("empty"), std::string::npos);
  Distribution far{DistributionKind::normal};
  far.mean = 0.0;
  far.sd = 1.0;
  far.min = 50.0;  // 50 standard deviations out: no probability left
  EXPECT_TRUE(distribution_problem(far));
  Distribution fine{DistributionKind::lognormal};
  fine.median = 80.0;
  fine.sigma = 0.2;
  EXPECT_FALSE(distribution_problem(fine));
}
