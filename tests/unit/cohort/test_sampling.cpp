// Sampling designs (cohort/sampling.hpp): the properties that define them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <physiotwin/cohort/sampling.hpp>
#include <set>

using namespace physiotwin::cohort;

// McKay et al. 1979: in a Latin hypercube of n points, each of the n equal strata of every
// dimension holds exactly one point.
TEST(Sampling, LatinHypercubeHitsEveryStratumOnce) {
  const std::size_t n = 97, dims = 5;
  const auto points = unit_design(SamplingDesign::latin_hypercube, n, dims, 42);
  ASSERT_EQ(points.size(), n);
  for (std::size_t d = 0; d < dims; ++d) {
    std::set<std::size_t> strata;
    for (const auto& p : points) {
      ASSERT_GT(p[d], 0.0);
      ASSERT_LT(p[d], 1.0);
      strata.insert(std::size_t(p[d] * double(n)));
    }
    EXPECT_EQ(strata.size(), n) << "dimension " << d;
  }
}

// A Sobol sequence's first 2^k points are a (0, k, s)-net in base 2 in its first dimensions:
// in one dimension, each interval [j/2^k, (j+1)/2^k) holds exactly one point. A shift modulo
// 1 moves every interval's point into the shifted interval, so the count per interval of
// (u - shift) mod 1 is the same: checked without knowing the shift through the differences
// from point 0, which do not depend on it (up to rounding at the 2^-53 level).
TEST(Sampling, SobolPointsAreANetWhateverTheSeed) {
  for (std::uint64_t seed : {1u, 7u, 2026u}) {
    const std::size_t n = 256;
    const auto points = unit_design(SamplingDesign::sobol, n, 3, seed);
    for (std::size_t d = 0; d < 3; ++d) {
      std::set<long> cells;
      for (const auto& p : points) {
        double u = p[d] - points[0][d];
        if (u < 0.0) u += 1.0;
        cells.insert(std::lround(std::floor(u * double(n) + 1e-9)) % long(n));
      }
      EXPECT_EQ(cells.size(), n) << "seed " << seed << ", dimension " << d;
    }
  }
}

// Reproducible: the same seed gives the same points; another seed others; a later start
// continues the same sequence.
TEST(Sampling, DesignsAreReproducibleAndContinue) {
  for (auto design : {SamplingDesign::sobol, SamplingDesign::latin_hypercube}) {
    EXPECT_EQ(unit_design(design, 16, 4, 5), unit_design(design, 16, 4, 5));
    EXPECT_NE(unit_design(design, 16, 4, 5), unit_design(design, 16, 4, 6));
  }
  const auto whole = unit_design(SamplingDesign::sobol, 32, 2, 9);
  const auto later = unit_design(SamplingDesign::sobol, 16, 2, 9, 16);
  for (std::size_t i = 0; i < 16; ++i) EXPECT_EQ(later[i], whole[16 + i]);
}

// Low discrepancy: the mean of a smooth function over 1024 Sobol points is far nearer its
// integral than Monte Carlo's: its standard error here is sqrt(2 x 7/144)/sqrt(1024) = 0.0097
// (the variance of x1 x2 is 1/9 - 1/16 = 7/144); asked: under a third of it.
TEST(Sampling, SobolIntegratesBetterThanRandomPoints) {
  const auto points = unit_design(SamplingDesign::sobol, 1024, 4, 3);
  double sum = 0.0;
  for (const auto& p : points) sum += p[0] * p[1] + p[2] * p[3];  // integral 0.5
  EXPECT_NEAR(sum / 1024.0, 0.5, 0.003);
}
