// The trend test's arithmetic on hand-made patterns (monitor/trend_test.hpp): the baseline as
// the posterior mean of the patient's resting value, the CUSUM's steps, its one raise until it
// clears. The twin's own patterns and the delays over hours are in
// tests/validation/test_monitor.cpp and examples/cpp/trend_validation.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "physiotwin/core/error.hpp"
#include "physiotwin/monitor/trend_test.hpp"

using namespace physiotwin;
using namespace physiotwin::monitor;

namespace {

constexpr std::int64_t start = 1'767'225'600;  // 2026-01-01T00:00:00Z
constexpr std::array<double, 5> resting{70.0, 97.0, 14.0, 120.0, 80.0};
constexpr std::array<double, 5> error_sd{5.0, 2.0, 3.0, 8.0, 8.0};
constexpr double rounding = 1.0 / 12.0;  // a whole-unit reading's variance

TrendOptions options(double window) {
  TrendOptions o;
  o.baseline_window = window;
  o.baseline_memory = 1e12;  // no forgetting within these tests' days
  o.shift = 1.0;
  o.threshold = 6.0;
  return o;
}

/// Heart rate only: up 2 /min per reference change.
std::vector<DeteriorationPattern> heart_rate_pattern() {
  return {{"test", "a test pattern", {2.0, 0.0, 0.0, 0.0, 0.0}}};
}

}  // namespace

TEST(TrendTest, TheBaselineIsThePosteriorMeanWithTheTwinAsPrior) {
  TrendTest test(resting, error_sd, start, options(1800.0));
  // 30 heart rates of 80 in the window, no cuff: heart rate moves most of the way to 80, the
  // pressures keep the twin's values.
  for (int minute = 1; minute <= 30; ++minute)
    EXPECT_FALSE(test.observe({start + 60 * minute, Measure::heart_rate, 80.0, 0}));
  EXPECT_TRUE(test.needs_patterns_at(start + 1801));
  EXPECT_FALSE(test.needs_patterns_at(start + 1800));
  const double prior = 1.0 / (baseline_prior_sd[0] * baseline_prior_sd[0]);
  const double data = 30.0 / (error_sd[0] * error_sd[0] + rounding);
  EXPECT_NEAR(test.baseline()[0], (prior * 70.0 + data * 80.0) / (prior + data), 1e-9);
  EXPECT_GT(test.baseline()[0], 79.5);  // 30 readings outweigh a prior SD of 10 /min
  EXPECT_DOUBLE_EQ(test.baseline()[3], 120.0);
  test.set_patterns(heart_rate_pattern());
  (void)test.observe({start + 1860, Measure::systolic_pressure, 120.0, 0});
  EXPECT_DOUBLE_EQ(test.statistics()[0], 0.0);  // a measure the pattern does not move
}

TEST(TrendTest, OldObservationsWeighLessInTheBaseline) {
  TrendOptions o = options(0.0);
  o.baseline_memory = 3600.0;
  TrendTest test(resting, error_sd, start, o);
  test.set_patterns(heart_rate_pattern());
  // A day at 80, then a day at 60: the baseline follows to 60 within hours, not halfway. (An
  // hour's memory holds about 60 readings; the prior at 70 keeps 0.4 % of the weight.)
  std::int64_t t = start;
  for (int minute = 0; minute < 1440; ++minute)
    (void)test.observe({t += 60, Measure::heart_rate, 80.0, 0});
  EXPECT_NEAR(test.baseline()[0], 80.0 - 0.004 * 10.0, 0.005);
  for (int minute = 0; minute < 1440; ++minute)
    (void)test.observe({t += 60, Measure::heart_rate, 60.0, 0});
  EXPECT_NEAR(test.baseline()[0], 60.0 + 0.004 * 10.0, 0.005);
}

TEST(TrendTest, TheSumGrowsByTheLikelihoodRatioAndRaisesOnceUntilItClears) {
  // A baseline of 10,000 readings at 70 (10 s apart): the 72s after it move it by about
  // 0.0002 /min each, so each step is the textbook one within 1 %.
  TrendTest test(resting, error_sd, start, options(100'000.0));
  test.set_patterns(heart_rate_pattern());
  std::int64_t t = start;
  for (int k = 0; k < 10'000; ++k) (void)test.observe({t += 10, Measure::heart_rate, 70.0, 0});
  t = start + 100'000;
  // Readings exactly shifted by mu = 2: each step is mu^2 / (2 sigma^2).
  const double sigma2 = error_sd[0] * error_sd[0] + rounding;
  const double step = 4.0 / (2.0 * sigma2);
  const int needed = int(std::ceil(6.0 / step));
  for (int k = 1; k < needed; ++k)
    EXPECT_FALSE(test.observe({t += 60, Measure::heart_rate, 72.0, 0})) << k;
  EXPECT_NEAR(test.statistics()[0], step * (needed - 1), 0.01 * step * needed);
  const auto finding = test.observe({t += 60, Measure::heart_rate, 72.0, 0});
  ASSERT_TRUE(finding);
  EXPECT_EQ(finding->pattern, 0u);
  EXPECT_NEAR(finding->statistic, step * needed, 0.01 * step * needed);
  EXPECT_TRUE(test.raised());
  // Still past h: not raised again.
  EXPECT_FALSE(test.observe({t += 60, Measure::heart_rate, 72.0, 0}));
  // Readings below the baseline bring the sum to 0 (its floor): cleared.
  for (int k = 0; k < 20; ++k) (void)test.observe({t += 60, Measure::heart_rate, 60.0, 0});
  EXPECT_DOUBLE_EQ(test.statistics()[0], 0.0);
  EXPECT_FALSE(test.raised());
  bool again = false;
  for (int k = 0; k <= needed && !again; ++k)
    again = test.observe({t += 60, Measure::heart_rate, 72.0, 0}).has_value();
  EXPECT_TRUE(again);
}

TEST(TrendTest, ReadingsAtTheBaselineDoNotAccumulate) {
  TrendTest test(resting, error_sd, start, options(0.0));
  test.set_patterns(heart_rate_pattern());
  // At the twin's resting value (the baseline from the start) each step is -mu^2 / (2 sigma^2) < 0:
  // the sum stays at its floor.
  std::int64_t t = start;
  for (int k = 0; k < 1000; ++k)
    EXPECT_FALSE(test.observe({t += 60, Measure::heart_rate, 70.0, 0}));
  EXPECT_DOUBLE_EQ(test.statistics()[0], 0.0);
}

TEST(TrendTest, DisabledItTakesNothingAndBadOptionsAreRefused) {
  TrendOptions off = options(0.0);
  off.enabled = false;
  TrendTest test(resting, error_sd, start, off);
  EXPECT_FALSE(test.needs_patterns_at(start + 10'000));
  EXPECT_FALSE(test.observe({start + 60, Measure::heart_rate, 200.0, 0}));
  TrendOptions bad = options(0.0);
  bad.threshold = 0.0;
  EXPECT_THROW(TrendTest(resting, error_sd, start, bad), InputError);
  bad = options(-1.0);
  EXPECT_THROW(TrendTest(resting, error_sd, start, bad), InputError);
}

TEST(TrendTest, AMeasureFirstSeenAfterTheWindowGetsItsOwnWindow) {
  TrendTest test(resting, error_sd, start, options(1800.0));
  test.set_patterns(heart_rate_pattern());
  // A wearable put on at hour 2, on a patient resting at 85 /min (the twin's 70): its first
  // half hour sets the baseline instead of being tested against 70.
  std::int64_t t = start + 7200;
  for (int minute = 0; minute < 30; ++minute)
    EXPECT_FALSE(test.observe({t += 60, Measure::heart_rate, 85.0, 0}));
  EXPECT_GT(test.baseline()[0], 84.5);
  EXPECT_DOUBLE_EQ(test.statistics()[0], 0.0);
  for (int minute = 0; minute < 600; ++minute)
    EXPECT_FALSE(test.observe({t += 60, Measure::heart_rate, 85.0, 0}));
}

TEST(TrendTest, AnArtefactCountsAsThreeErrorSdsAndANonNumberAsNothing) {
  TrendTest test(resting, error_sd, start, options(0.0));
  test.set_patterns(heart_rate_pattern());
  const double sigma = std::sqrt(error_sd[0] * error_sd[0] + rounding);
  (void)test.observe({start + 60, Measure::heart_rate, 180.0, 0});  // +110 /min
  EXPECT_NEAR(test.statistics()[0], 2.0 * (3.0 * sigma - 1.0) / (sigma * sigma), 1e-9);
  const double before = test.statistics()[0];
  (void)test.observe({start + 120, Measure::heart_rate, std::nan(""), 0});
  EXPECT_DOUBLE_EQ(test.statistics()[0], before);
  EXPECT_DOUBLE_EQ(test.baseline()[0], 70.0);
}
