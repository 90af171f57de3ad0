// What validations add to a twin's exact readings (monitor/daily_life.hpp, and the devices'
// persistent errors in monitor/synthetic_stream.hpp): sleep on the clock, bouts of activity at
// their stated rate and only while awake, and an error that persists with the stated
// correlation and keeps its SD. Hand-made readings; no twin.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "physiotwin/monitor/daily_life.hpp"
#include "physiotwin/monitor/synthetic_stream.hpp"

using namespace physiotwin;
using namespace physiotwin::monitor;

namespace {

constexpr std::int64_t midnight = 1'767'225'600;  // 2026-01-01T00:00:00Z

/// One reading of `measure` a minute at `value` for `days` days from midnight.
std::vector<Observation> flat(Measure measure, double value, int days) {
  std::vector<Observation> out;
  for (std::int64_t minute = 1; minute <= days * 1440; ++minute)
    out.push_back({midnight + 60 * minute, measure, value, 0});
  return out;
}

double clock(double hour) {
  return double(midnight) + 86400.0 + hour * 3600.0;
}

}  // namespace

TEST(DailyLife, SleepFollowsTheClockWithItsTransitions) {
  const DailyLife life;  // 23:00 to 07:00, an hour from 10 % to 90 %
  EXPECT_NEAR(asleep_fraction(life, clock(15.0)), 0.0, 1e-6);
  EXPECT_NEAR(asleep_fraction(life, clock(3.0)), 1.0, 1e-6);
  EXPECT_NEAR(asleep_fraction(life, clock(23.0)), 0.5, 1e-6);
  EXPECT_NEAR(asleep_fraction(life, clock(7.0)), 0.5, 1e-6);
  EXPECT_NEAR(asleep_fraction(life, clock(22.5)), 0.1, 1e-6);
  EXPECT_NEAR(asleep_fraction(life, clock(23.5)), 0.9, 1e-6);
  EXPECT_NEAR(asleep_fraction(life, clock(7.5)), 0.1, 1e-6);
  // A night that does not cross midnight, and one of a night worker.
  DailyLife late = life;
  late.sleep_hour = 1.0;
  late.wake_hour = 9.0;
  EXPECT_NEAR(asleep_fraction(late, clock(5.0)), 1.0, 1e-6);
  EXPECT_NEAR(asleep_fraction(late, clock(23.0)), 0.0, 1e-6);
  DailyLife day_sleeper = life;
  day_sleeper.sleep_hour = 8.0;
  day_sleeper.wake_hour = 16.0;
  EXPECT_NEAR(asleep_fraction(day_sleeper, clock(12.0)), 1.0, 1e-6);
  EXPECT_NEAR(asleep_fraction(day_sleeper, clock(3.0)), 0.0, 1e-6);
}

TEST(DailyLife, NightsLowerTheReadingsAndBoutsRaiseThemWhileAwake) {
  const DailyLife life;
  const int days = 40;
  const auto heart = with_daily_life(flat(Measure::heart_rate, 70.0, days), life, 5);
  const auto systolic = with_daily_life(flat(Measure::systolic_pressure, 120.0, days), life, 5);
  const auto spo2 = with_daily_life(flat(Measure::spo2, 97.0, days), life, 5);
  std::array<double, 2> heart_sum{}, systolic_sum{};  // asleep, awake
  std::array<int, 2> count{};
  for (std::size_t k = 0; k < heart.size(); ++k) {
    const double f = asleep_fraction(life, double(heart[k].time));
    // SpO2 has the night's level and no bout.
    EXPECT_NEAR(spo2[k].value, 97.0 + life.asleep_change[1] * f, 1e-9);
    if (f > 0.999 || f < 0.001) {
      const std::size_t awake = f < 0.001 ? 1 : 0;
      heart_sum[awake] += heart[k].value;
      systolic_sum[awake] += systolic[k].value;
      ++count[awake];
    }
  }
  // Asleep no bout starts: the night's level.
  EXPECT_NEAR(heart_sum[0] / count[0], 70.0 + life.asleep_change[0], 0.01);
  EXPECT_NEAR(systolic_sum[0] / count[0], 120.0 + life.asleep_change[3], 0.01);
  // Awake, each kind adds its change times the mean number of its bouts under way, rate times
  // mean duration (a Poisson process's): 5.8 /min and 3.0 mmHg here. Forty days hold about
  // 2,500 bouts; the relative SD of their sum is about 3 %, the tolerance 10 %.
  double heart_rise = 0.0, systolic_rise = 0.0;
  for (const ActivityKind& kind : life.activities) {
    heart_rise += kind.per_awake_hour / 3600.0 * kind.mean_duration * kind.change[0];
    systolic_rise += kind.per_awake_hour / 3600.0 * kind.mean_duration * kind.change[3];
  }
  EXPECT_NEAR(heart_sum[1] / count[1] - 70.0, heart_rise, 0.1 * heart_rise);
  EXPECT_NEAR(systolic_sum[1] / count[1] - 120.0, systolic_rise, 0.1 * systolic_rise);
  // Each draw its own day; the same seed the same day.
  const auto day_sum = [&](std::uint64_t seed) {
    double sum = 0.0;
    for (const Observation& o : with_daily_life(flat(Measure::heart_rate, 70.0, 1), life, seed))
      sum += o.value;
    return sum;
  };
  EXPECT_NE(day_sum(5), day_sum(6));
  EXPECT_EQ(day_sum(5), day_sum(5));
}

// A validation that knows when the patient was active (trend_validation's steps gate) asks
// activity_bouts() with the readings' span and seed: each awake reading must then be the
// night's level plus exactly the bouts' shares of its minute, and no bout may start asleep.
TEST(DailyLife, ActivityBoutsAreTheOnesAddedToTheReadings) {
  const DailyLife life;
  const auto exact = flat(Measure::heart_rate, 70.0, 3);
  const auto lived = with_daily_life(exact, life, 9);
  const auto bouts = activity_bouts(life, double(exact.front().time), double(exact.back().time), 9);
  ASSERT_GT(bouts.size(), 100u);  // about 4 an awake hour over 3 days
  for (std::size_t k = 0; k + 1 < bouts.size(); ++k) {
    EXPECT_LE(bouts[k].start, bouts[k + 1].start);
    EXPECT_LT(asleep_fraction(life, bouts[k].start), 0.5);
  }
  int active_minutes = 0;
  for (std::size_t k = 0; k < lived.size(); ++k) {
    const double t = double(lived[k].time);
    double expected = 70.0 + life.asleep_change[0] * asleep_fraction(life, t);
    for (const ActivityBout& b : bouts)
      expected += b.kind->change[0] *
                  std::max(0.0, std::min(t, b.end) - std::max(t - 60.0, b.start)) / 60.0;
    EXPECT_NEAR(lived[k].value, expected, 1e-9) << k;
    active_minutes += lived[k].value > 70.0 + life.asleep_change[0] * asleep_fraction(life, t);
  }
  EXPECT_GT(active_minutes, 500);  // about 34 of 60 awake minutes hold a bout
  // Another seed, other bouts.
  const auto others =
      activity_bouts(life, double(exact.front().time), double(exact.back().time), 10);
  EXPECT_NE(others.front().start, bouts.front().start);
}

TEST(DeviceErrors, PersistentErrorsKeepTheirSdAndHaveTheStatedCorrelation) {
  const auto exact = flat(Measure::heart_rate, 70.3, 30);  // 43,200 readings a minute apart
  MeasurementSchedule schedule;
  const double sd = schedule.error_sd[0];
  for (const double tau : {0.0, 300.0}) {
    schedule.error_correlation_time[0] = tau;
    const auto shown = with_device_errors(exact, schedule, 11);
    double sum = 0.0, square = 0.0, lagged = 0.0;
    for (std::size_t k = 0; k < shown.size(); ++k) {
      const double e = shown[k].value - 70.3;
      sum += e;
      square += e * e;
      if (k > 0) lagged += e * (shown[k - 1].value - 70.3);
    }
    const double n = double(shown.size());
    const double variance = square / n - (sum / n) * (sum / n);
    // Rounding to whole units adds about 1/12 to the variance; the SD of a variance estimate
    // over 43,200 readings is under 1 % (white), about 1.5 % with a correlation of 0.82.
    EXPECT_NEAR(std::sqrt(variance), std::sqrt(sd * sd + 1.0 / 12.0), 0.05 * sd) << tau;
    const double correlation = (lagged / (n - 1.0)) / (square / n);
    EXPECT_NEAR(correlation,
                tau > 0.0 ? std::exp(-60.0 / tau) * sd * sd / (sd * sd + 1.0 / 12.0) : 0.0, 0.03)
        << tau;
  }
}
