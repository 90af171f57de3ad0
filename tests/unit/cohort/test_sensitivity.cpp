// The sensitivity estimators (cohort/sensitivity.hpp) against analytic indices, before they
// touch the model.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <physiotwin/cohort/sensitivity.hpp>
#include <physiotwin/core/error.hpp>

using namespace physiotwin::cohort;

namespace {

// Ishigami & Homma 1990, with a = 7, b = 0.1 over [-pi, pi]^3. Analytic variances (Saltelli
// et al., Global Sensitivity Analysis: The Primer, 2008, section 4.9; Sobol & Levitan 1999):
// V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8, V3 = 0,
// V13 = b^2 pi^8 (1/18 - 1/50); so S1 = 0.3139, S2 = 0.4424, S3 = 0, ST1 = 0.5576,
// ST2 = 0.4424, ST3 = 0.2437.
double ishigami(const std::vector<double>& x) {
  return std::sin(x[0]) + 7.0 * std::pow(std::sin(x[1]), 2) +
         0.1 * std::pow(x[2], 4) * std::sin(x[0]);
}

struct Analytic {
  double s[3], st[3];
};

Analytic ishigami_indices() {
  const double pi = std::numbers::pi, a = 7.0, b = 0.1;
  const double v = a * a / 8 + b * std::pow(pi, 4) / 5 + b * b * std::pow(pi, 8) / 18 + 0.5;
  const double v1 = 0.5 * std::pow(1 + b * std::pow(pi, 4) / 5, 2), v2 = a * a / 8;
  const double v13 = b * b * std::pow(pi, 8) * (1.0 / 18 - 1.0 / 50);
  return {{v1 / v, v2 / v, 0.0}, {(v1 + v13) / v, v2 / v, v13 / v}};
}

std::vector<SensitivityInput> ishigami_inputs() {
  const double pi = std::numbers::pi;
  return {{"x1", -pi, pi}, {"x2", -pi, pi}, {"x3", -pi, pi}};
}

}  // namespace

TEST(Sensitivity, AnalyticIshigamiIndices) {
  // The published values (Primer, table 4.3 style: S1 0.314, S2 0.442, ST3 0.244).
  const Analytic exact = ishigami_indices();
  EXPECT_NEAR(exact.s[0], 0.3139, 1e-4);
  EXPECT_NEAR(exact.s[1], 0.4424, 1e-4);
  EXPECT_NEAR(exact.st[0], 0.5576, 1e-4);
  EXPECT_NEAR(exact.st[2], 0.2437, 1e-4);
}

// Jansen's estimators over Saltelli's design recover the indices. Tolerance 0.03: with
// N = 8192 base samples of a Sobol design, the estimators' error on Ishigami is about 0.01
// (Saltelli et al. 2010, figure 3, Jansen's estimators at N(k+2) = 40,000 runs); the bootstrap
// interval must hold the exact value.
TEST(Sensitivity, SobolIndicesOfIshigami) {
  const SaltelliDesign design = saltelli_design(ishigami_inputs(), 8192, 17);
  ASSERT_EQ(design.size(), 8192u * 5);
  std::vector<double> y;
  for (const auto& x : design.points) y.push_back(ishigami(x));
  const SobolResult r = sobol_indices(design, y, 300, 3);
  const Analytic exact = ishigami_indices();
  ASSERT_EQ(r.indices.size(), 3u);
  EXPECT_EQ(r.used, 8192u);
  for (std::size_t i = 0; i < 3; ++i) {
    const SobolIndices& s = r.indices[i];
    EXPECT_NEAR(s.first, exact.s[i], 0.03) << "S" << i + 1;
    EXPECT_NEAR(s.total, exact.st[i], 0.03) << "ST" << i + 1;
    EXPECT_LE(s.first_low, exact.s[i] + 0.01) << "S" << i + 1;
    EXPECT_GE(s.first_high, exact.s[i] - 0.01) << "S" << i + 1;
    EXPECT_LE(s.total_low, exact.st[i] + 0.01) << "ST" << i + 1;
    EXPECT_GE(s.total_high, exact.st[i] - 0.01) << "ST" << i + 1;
    EXPECT_LT(s.first_high - s.first_low, 0.1) << "a wide interval at N = 8192";
  }
}

// Failed runs (NaN) leave their base samples out, and the estimate stands on the rest.
TEST(Sensitivity, FailedRunsAreLeftOut) {
  const SaltelliDesign design = saltelli_design(ishigami_inputs(), 2048, 5);
  std::vector<double> y;
  for (const auto& x : design.points) y.push_back(ishigami(x));
  for (std::size_t j = 0; j < 100; ++j) y[2 * 2048 + j * 7] = std::nan("");  // in A_B^(1)
  const SobolResult r = sobol_indices(design, y, 100, 3);
  EXPECT_EQ(r.used, 2048u - 100u);
  EXPECT_NEAR(r.indices[1].first, ishigami_indices().s[1], 0.06);
}

// Morris's elementary effects of a linear function are its coefficients times the ranges,
// exactly, with no spread; an interaction gives a spread; an input that does nothing, zero.
TEST(Sensitivity, MorrisEffectsOfKnownFunctions) {
  const std::vector<SensitivityInput> inputs{
      {"a", 0.0, 2.0}, {"b", 10.0, 20.0}, {"c", -1.0, 1.0}, {"d", 0.0, 1.0}};
  const MorrisDesign design = morris_design(inputs, 20, 4, 9);
  ASSERT_EQ(design.points.size(), 20u * 5);
  std::vector<double> linear, interacting;
  for (const auto& x : design.points) {
    linear.push_back(3.0 * x[0] - 0.5 * x[1] + 0.0 * x[2] + x[3]);
    interacting.push_back(x[0] * x[3]);
  }
  const auto e = morris_effects(design, linear);
  EXPECT_NEAR(e[0].mu, 3.0 * 2.0, 1e-9);
  EXPECT_NEAR(e[1].mu, -0.5 * 10.0, 1e-9);
  EXPECT_NEAR(e[1].mu_star, 5.0, 1e-9);
  EXPECT_NEAR(e[2].mu_star, 0.0, 1e-12);
  for (const auto& m : e) {
    EXPECT_NEAR(m.sigma, 0.0, 1e-9);
    EXPECT_EQ(m.effects, 20u);
  }
  const auto f = morris_effects(design, interacting);
  EXPECT_GT(f[0].sigma, 0.1);  // the effect of a depends on d
  EXPECT_NEAR(f[1].mu_star, 0.0, 1e-12);
}

TEST(Sensitivity, BadDesignsAreRefused) {
  EXPECT_THROW((void)saltelli_design({{"x", 1.0, 1.0}}, 64, 1), physiotwin::InputError);
  EXPECT_THROW((void)saltelli_design({{"x", 0.0, 1.0}}, 4, 1), physiotwin::InputError);
  EXPECT_THROW((void)morris_design({{"x", 0.0, 1.0}}, 10, 3, 1), physiotwin::InputError);
  const SaltelliDesign d = saltelli_design({{"x", 0.0, 1.0}}, 16, 1);
  EXPECT_THROW((void)sobol_indices(d, std::vector<double>(d.size(), 1.0)), physiotwin::InputError);
}
