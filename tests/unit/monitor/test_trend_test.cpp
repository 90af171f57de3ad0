// The trend test's arithmetic on hand-made patterns (monitor/trend_test.hpp): the baseline as
// the posterior mean of the patient's resting value, the CUSUM's steps, its one raise until it
// clears. The twin's own patterns and the delays over hours are in
// tests/validation/test_monitor.cpp and examples/cpp/trend_validation.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

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

// The lag queue: a reading after the window is learnt into the baseline only once the stream
// has moved `baseline_lag` (3 h) past it, so the hours the test weighs never pull the baseline
// towards themselves; it is then learnt as one more reading of the posterior mean.
TEST(TrendTest, AReadingIsLearntOnlyOnceItIsOlderThanTheLag) {
  TrendTest test(resting, error_sd, start, options(1800.0));
  test.set_patterns(heart_rate_pattern());
  std::int64_t t = start;
  for (int minute = 1; minute <= 30; ++minute)
    (void)test.observe({t += 60, Measure::heart_rate, 70.0, 0});
  EXPECT_DOUBLE_EQ(test.baseline()[0], 70.0);  // prior and readings agree
  const std::int64_t first_after = t + 60;
  const double lag = TrendOptions{}.baseline_lag;
  ASSERT_EQ(lag, 3.0 * 3600.0);
  // Readings of 80 each minute for just under 3 hours: none is old enough yet.
  for (t = first_after; double(t - first_after) < lag; t += 60) {
    (void)test.observe({t, Measure::heart_rate, 80.0, 0});
    ASSERT_DOUBLE_EQ(test.baseline()[0], 70.0)
        << "learnt at " << (t - first_after) / 60 << " min, before the lag";
  }
  // This reading is 3 hours after the first: the first is learnt now, and only it.
  (void)test.observe({t, Measure::heart_rate, 80.0, 0});
  const double prior = 1.0 / (baseline_prior_sd[0] * baseline_prior_sd[0]);
  const double reading = 1.0 / (error_sd[0] * error_sd[0] + rounding);
  EXPECT_NEAR(test.baseline()[0], 70.0 + 10.0 * reading / (prior + 31.0 * reading), 1e-9);
  // A minute on, the second.
  (void)test.observe({t + 60, Measure::heart_rate, 80.0, 0});
  EXPECT_NEAR(test.baseline()[0], 70.0 + 20.0 * reading / (prior + 32.0 * reading), 1e-9);
}

TEST(TrendTest, TheSumGrowsByTheLikelihoodRatioAndRaisesOnceUntilItClears) {
  // A baseline of 10,000 readings at 70 (10 s apart), exactly: no variability beyond the
  // device's, and the 72s after it are not learnt within the 3-hour lag.
  TrendTest test(resting, error_sd, start, options(100'000.0));
  test.set_patterns(heart_rate_pattern());
  std::int64_t t = start;
  for (int k = 0; k < 10'000; ++k) (void)test.observe({t += 10, Measure::heart_rate, 70.0, 0});
  EXPECT_DOUBLE_EQ(test.variability()[0], 0.0);
  // Readings exactly shifted by mu = 2: a block of n adds n mu^2 / (2 sigma^2) when the next
  // block's first reading arrives.
  const double sigma2 = error_sd[0] * error_sd[0] + rounding;
  const double step = 4.0 / (2.0 * sigma2);
  const auto block_of = [](std::int64_t time) { return (time - start) / 900; };
  t = start + 100'000;
  std::vector<std::int64_t> times;
  std::optional<TrendFinding> finding;
  while (!finding) {
    t += 60;
    finding = test.observe({t, Measure::heart_rate, 72.0, 0});
    const auto closed = std::count_if(times.begin(), times.end(), [&](std::int64_t before) {
      return block_of(before) < block_of(t);
    });
    times.push_back(t);
    EXPECT_NEAR(test.statistics()[0], step * double(closed), 1e-9);
    EXPECT_EQ(finding.has_value(), step * double(closed) >= 6.0) << closed;
    ASSERT_LT(times.size(), 200u);
  }
  EXPECT_EQ(finding->pattern, 0u);
  EXPECT_TRUE(test.raised());
  // Still past h: not raised again.
  for (int k = 0; k < 30; ++k) EXPECT_FALSE(test.observe({t += 60, Measure::heart_rate, 72.0, 0}));
  // Readings below the baseline bring the sum to 0 (its floor): cleared.
  for (int k = 0; k < 40; ++k) (void)test.observe({t += 60, Measure::heart_rate, 60.0, 0});
  EXPECT_DOUBLE_EQ(test.statistics()[0], 0.0);
  EXPECT_FALSE(test.raised());
  bool again = false;
  for (int k = 0; k < 200 && !again; ++k)
    again = test.observe({t += 60, Measure::heart_rate, 72.0, 0}).has_value();
  EXPECT_TRUE(again);
}

TEST(TrendTest, ThePatientsOwnVariabilityWidensTheTest) {
  // Two 8-hour windows of heart rate each minute: one flat at 70, one whose quarter hours
  // alternate between 64 and 76 (a day's standing and sitting). Then 3 hours at 72 (mu = 2).
  const auto run = [](bool swinging) {
    TrendTest test(resting, error_sd, start, options(8 * 3600.0));
    test.set_patterns(heart_rate_pattern());
    std::int64_t t = start;
    for (int minute = 1; minute <= 8 * 60; ++minute) {
      const double swing = (minute / 15) % 2 == 0 ? -6.0 : 6.0;  // the blocks' quarter hours
      (void)test.observe({t += 60, Measure::heart_rate, 70.0 + (swinging ? swing : 0.0), 0});
    }
    bool raised = false;
    for (int minute = 0; minute < 3 * 60; ++minute)
      raised = test.observe({t += 60, Measure::heart_rate, 72.0, 0}).has_value() || raised;
    return std::pair(test.variability()[0], raised);
  };
  // The variability is learnt from each block's deviation from the baseline as the block
  // began: unbiased for blocks that vary at random; this swing's first blocks deviate more
  // than 6 from a baseline still forming (the second, 12), so it reads a little high.
  const auto [flat_sd, flat_raised] = run(false);
  const auto [swinging_sd, swinging_raised] = run(true);
  EXPECT_DOUBLE_EQ(flat_sd, 0.0);
  EXPECT_GT(swinging_sd, 5.5);
  EXPECT_LT(swinging_sd, 6.6);
  // Flat: 3 hours of +2 /min pass h 6 (12 blocks of 15 readings, 1.2 each). Swinging: each
  // block adds about 2 (2 - 1) / (1.7 + 38), and the sum stays far below.
  EXPECT_TRUE(flat_raised);
  EXPECT_FALSE(swinging_raised);
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
  bad = options(0.0);
  bad.block = 30.0;
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
  (void)test.observe({start + 120, Measure::heart_rate, std::nan(""), 0});
  EXPECT_DOUBLE_EQ(test.statistics()[0], 0.0);  // its block is still open
  // The next block's first reading (a measure the pattern does not move) closes it: the one
  // reading counts as 3 SDs.
  (void)test.observe({start + 960, Measure::systolic_pressure, 120.0, 0});
  EXPECT_NEAR(test.statistics()[0], 2.0 * (3.0 * sigma - 1.0) / (sigma * sigma), 1e-9);
  EXPECT_DOUBLE_EQ(test.baseline()[0], 70.0);
}

TEST(TrendTest, TheStreamsEndCountsTheBlockUnderWay) {
  TrendTest test(resting, error_sd, start, options(0.0));
  test.set_patterns(heart_rate_pattern());
  // Ten minutes at 85 /min (15 above the baseline, 3 SDs): within one block, so nothing yet;
  // the stream's end counts them, 10 readings' worth, past h 6.
  std::int64_t t = start;
  for (int minute = 0; minute < 10; ++minute)
    EXPECT_FALSE(test.observe({t += 60, Measure::heart_rate, 85.0, 0}));
  EXPECT_DOUBLE_EQ(test.statistics()[0], 0.0);
  EXPECT_EQ(test.last_tested_time(), t);
  const double sigma2 = error_sd[0] * error_sd[0] + rounding;
  const auto finding = test.end_of_stream();
  ASSERT_TRUE(finding);
  EXPECT_NEAR(finding->statistic, 2.0 * (15.0 - 1.0) / (sigma2 / 10.0), 1e-9);
  EXPECT_FALSE(test.end_of_stream());  // nothing under way any more
  // The stream has ended: a later reading is not taken (it would count its block twice).
  EXPECT_FALSE(test.observe({t + 60, Measure::heart_rate, 85.0, 0}));
  EXPECT_FALSE(test.end_of_stream());
  EXPECT_EQ(test.last_tested_time(), t);
}

TEST(TrendTest, AnArtefactInTheWindowDoesNotWidenTheTest) {
  // Four hours at 70 /min with one reading of 180 (a wrist's artefact) in the third hour:
  // limited to 3 SDs as the test limits it, it leaves the variability near 0 (unlimited, the
  // block's mean would be 7 /min off and the variability 1.3 /min for a day).
  TrendTest test(resting, error_sd, start, options(4 * 3600.0));
  std::int64_t t = start;
  for (int minute = 1; minute <= 240; ++minute)
    (void)test.observe({t += 60, Measure::heart_rate, minute == 150 ? 180.0 : 70.0, 0});
  EXPECT_LT(test.variability()[0], 0.5);
}
