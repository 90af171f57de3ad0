// The monitor (monitor/monitor.hpp) tracking twins used as ground truth (docs/monitoring.md,
// "Validation"): a patient twin bleeds or stays, its vitals are measured as a wearable and a
// cuff would (monitor/synthetic_stream.hpp), and the monitor's ensemble, forked from the same
// twin before the change, estimates what happened.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "../helpers.hpp"
#include "physiotwin/monitor/alert_rules.hpp"
#include "physiotwin/monitor/daily_life.hpp"
#include "physiotwin/monitor/synthetic_stream.hpp"
#include "physiotwin/monitor/trend_test.hpp"

using namespace physiotwin;

namespace {

Twin resting_reference_twin() {
  return test_support::resting_reference_twin(60.0);
}

struct MonitoredRun {
  std::vector<double> minutes, truth_volume, volume, volume_sd, rate, rate_sd;
  std::vector<double> truth_output, output;  ///< cardiac output, L/min
  std::vector<double> contractility;
};

MonitoredRun monitor_bleed(double ml_per_hour, int minutes, std::size_t members,
                           monitor::MeasurementSchedule schedule) {
  const Twin twin = resting_reference_twin();
  const std::int64_t start = 1'800'000'000;
  monitor::MonitorOptions options;
  options.members = members;
  monitor::Monitor monitor(twin, start, options);
  monitor::SyntheticStream stream(twin, start, schedule);
  if (ml_per_hour > 0.0) {
    Action bleed;
    bleed.kind = ActionKind::hemorrhage;
    bleed.time = stream.truth().time();
    bleed.rate = ml_per_hour / 60.0;
    bleed.volume = ml_per_hour * minutes / 60.0;
    stream.truth().apply(bleed);
  }
  MonitoredRun run;
  for (int minute = 1; minute <= minutes; ++minute) {
    (void)monitor.observe(stream.advance(60.0));
    const auto e = monitor.estimates();
    run.minutes.push_back(minute);
    run.truth_volume.push_back(stream.truth().signal("blood.total_volume"));
    run.volume.push_back(e.mean[0]);
    run.volume_sd.push_back(e.sd[0]);
    run.rate.push_back(e.mean[1]);
    run.rate_sd.push_back(e.sd[1]);
    run.truth_output.push_back(stream.cardiac_output());
    run.output.push_back(e.derived_mean[0]);
    run.contractility.push_back(e.mean[3]);
    if (std::getenv("PHYSIOTWIN_MONITOR_TRACE")) {
      std::printf(
          "%3d truth %7.1f volume %7.1f ± %5.1f rate %7.1f ± %5.1f R %.3f C %.3f CO %.2f/%.2f\n",
          minute, run.truth_volume.back(), e.mean[0], e.sd[0], e.mean[1], e.sd[1], e.mean[2],
          e.mean[3], run.truth_output.back(), run.output.back());
    }
  }
  return run;
}

}  // namespace

// Paired: the same patient, the same measurement errors and the same ensemble, once bleeding
// and once not. What differs between the two runs is the physiology alone, so the filter must
// move the bleeding run's estimates down against the steady run's. (Unpaired, one noise
// realisation can hide a bleed for the first half hour: three cuff readings 8-10 mmHg high
// did here. docs/monitoring.md, "Validation", has the hours-long runs.)
TEST(Monitor, EstimatesABleedAgainstTheSameStreamWithout) {
  monitor::MeasurementSchedule schedule;
  schedule.every = {60.0, 60.0, 300.0, 300.0, 300.0};  // a cuff every 5 minutes
  const int minutes = 30;
  const MonitoredRun steady = monitor_bleed(0.0, minutes, 6, schedule);
  const MonitoredRun bleeding = monitor_bleed(2000.0, minutes, 6, schedule);
  const double lost = steady.truth_volume.back() - bleeding.truth_volume.back();
  EXPECT_GT(lost, 700.0);  // 1,000 mL shed, less the transcapillary refill
  // What 30 minutes of a wearable and 6 cuff readings carry is little: the model compensates
  // a 21 % loss with the heart rate up 1.5 /min, systolic pressure down 5 mmHg and cardiac
  // output down 8 % (docs/monitoring.md, "Validation"). Measured here: adaptive inflation
  // opens the bleeding run's ensemble at minute 23, and by minute 30 its estimates are 168 mL
  // of blood volume, 230 mL/h of rate and 0.21 of contractility the bleeding way (the vitals
  // cannot tell a bleed from a weaker heart). The bars are the direction, with margins well
  // inside what was measured; the hours-long runs measure the delays.
  EXPECT_LT(bleeding.volume.back() - steady.volume.back(), -30.0);
  EXPECT_LT(bleeding.rate.back() - steady.rate.back(), -20.0);
  EXPECT_LT(bleeding.contractility.back() - steady.contractility.back(), -0.025);
  EXPECT_LT(bleeding.output.back(), steady.output.back());
}

namespace {

/// The trend test's alert times (s after the stream's start) over `draws` draws of the devices'
/// errors on one truth's exact readings (examples/cpp/trend_validation.cpp does the same over
/// more draws and hours).
std::vector<std::vector<double>> trend_alerts(const Twin& twin,
                                              const std::vector<monitor::DeteriorationPattern>& p,
                                              const std::vector<monitor::Observation>& exact,
                                              std::int64_t start, int draws) {
  const monitor::MonitorOptions ensemble;
  const monitor::AlertRules rules(twin);
  // A shorter baseline and a lower h than the defaults (4 h, 8), for CI's minutes: delays
  // about as the defaults', false alarms more frequent (docs/validation.md).
  monitor::TrendOptions options;
  options.baseline_window = 1800.0;
  options.threshold = 6.0;
  std::vector<std::vector<double>> all;
  for (int d = 0; d < draws; ++d) {
    monitor::TrendTest test(rules.resting(), ensemble.observation_sd, start, options);
    test.set_patterns(p);
    std::vector<double> times;
    for (const auto& o : monitor::with_device_errors(exact, {}, 7000 + std::uint64_t(d)))
      if (test.observe(o)) times.push_back(double(o.time - start));
    all.push_back(times);
  }
  return all;
}

}  // namespace

// The patterns the trend test looks along are the twin's own compensation, and it must be the
// one patients show: after a 10 % loss, heart rate up, systolic pressure down and pulse
// pressure narrowed (in conscious men bled 3 x 333 mL, heart rate rose and pulse pressure
// narrowed, Johnson et al. 2014, J Appl Physiol 117:131; docs/research/monitor-slow-drifts.md,
// section 3); a weaker left ventricle lowers systolic and pulse pressure. Small changes: the
// bars are directions and a floor on the size the test is tuned to (below it the test could
// not tell anything from a wrist's error in hours).
TEST(Monitor, TrendPatternsAreTheTwinsCompensation) {
  const Twin twin = resting_reference_twin();
  const auto patterns = monitor::deterioration_patterns(twin);
  ASSERT_EQ(patterns.size(), 2u);
  const auto& bleed = patterns[0].change;
  const auto& heart = patterns[1].change;
  EXPECT_GT(bleed[0], 0.5);              // heart rate, /min
  EXPECT_LT(bleed[3], -2.0);             // systolic, mmHg
  EXPECT_LT(bleed[3] - bleed[4], -1.0);  // pulse pressure
  EXPECT_LT(heart[3], -2.0);             // systolic
  EXPECT_LT(heart[3] - heart[4], -1.0);  // pulse pressure
  for (const auto& p : patterns) EXPECT_LT(std::abs(p.change[1]), 1.0) << p.name;  // SpO2
}

// Issue 16's slow bleed (500 mL/h), measured as a wrist wearable and a cuff each 30 minutes
// would, with the devices' errors drawn afresh 20 times: the trend test alerts in most draws
// within 4 hours of the onset, at a median sooner than the ensemble's estimates did (191 min,
// docs/monitoring.md, "Validation"); the same patient at rest alerts in far fewer draws. The
// figures to expect are examples/cpp/trend_validation.cpp's 100-draw runs (docs/validation.md):
// with a 30-minute baseline and h 6 (for CI's minutes; the defaults are 4 h and 8), about a
// sixth of resting draws alert within hours, from the baseline's own error; the bars leave room
// for 20 draws' sampling error.
TEST(Monitor, TrendAlertSeesASlowBleedWithinHoursAndRestStaysQuieter) {
  const Twin twin = resting_reference_twin();
  const auto patterns = monitor::deterioration_patterns(twin);
  const std::int64_t start = 1'800'000'000;
  const int baseline_minutes = 30, minutes = baseline_minutes + 240;
  monitor::SyntheticStream stream(twin, start);
  std::vector<monitor::Observation> bleeding, resting;
  for (int minute = 1; minute <= minutes; ++minute) {
    if (minute == baseline_minutes + 1) {
      Action bleed;
      bleed.kind = ActionKind::hemorrhage;
      bleed.time = stream.truth().time();
      bleed.rate = 500.0 / 60.0;
      bleed.volume = 2000.0;
      stream.truth().apply(bleed);
    }
    const auto readings = stream.advance_exactly(60.0);
    bleeding.insert(bleeding.end(), readings.begin(), readings.end());
  }
  // The truth at rest: its means hold still (hourly means over 12 hours: within 0.01 of each
  // measure's unit; minute means ripple by about 0.06 /min with the breathing cycle), so the
  // resting stream repeats the baseline's mean readings, saving a second 4.5-hour run. The
  // ripple is checked on the baseline: small against the devices' errors (5 /min, 8 mmHg).
  std::array<double, monitor::streamed_measures.size()> sum{}, count{};
  for (const auto& o : bleeding) {
    if (o.time > start + 60 * baseline_minutes) continue;
    sum[monitor::streamed_index(o.measure)] += o.value;
    count[monitor::streamed_index(o.measure)] += 1.0;
  }
  for (const auto& o : bleeding) {
    const std::size_t i = monitor::streamed_index(o.measure);
    if (o.time <= start + 60 * baseline_minutes) {
      EXPECT_NEAR(o.value, sum[i] / count[i], 0.2) << spec_of(o.measure).name;
    }
    resting.push_back({o.time, o.measure, sum[i] / count[i], 0});
  }
  const double onset = 60.0 * baseline_minutes;
  const int draws = 20;
  std::vector<double> delays;
  for (const auto& times : trend_alerts(twin, patterns, bleeding, start, draws))
    if (!times.empty()) delays.push_back((times.front() - onset) / 60.0);
  std::size_t resting_alerted = 0;
  for (const auto& times : trend_alerts(twin, patterns, resting, start, draws))
    resting_alerted += !times.empty();
  ASSERT_GE(delays.size(), std::size_t(draws * 0.8)) << "draws that alerted within 4 h";
  std::sort(delays.begin(), delays.end());
  EXPECT_LT(delays[delays.size() / 2], 191.0) << "median delay after onset, min";
  EXPECT_GT(delays.front(), 20.0) << "an alert too soon to be the bleed";
  EXPECT_LE(resting_alerted, std::size_t(draws / 4)) << "of " << draws << " draws at rest";
}

// The same resting patient living two ordinary days (monitor/daily_life.hpp: sleep from 23:00
// lowering heart rate 9 /min and systolic pressure 12 mmHg, standing half the day and walking an
// hour, a wrist's heart-rate error persisting over 5 minutes; sources in
// docs/research/daily-life-in-streams.md), put on the monitor at 08:00, with the trend test's
// defaults (4-hour window, h 8). Weighing each reading as independent, the test raised 1.6
// false alarms a day in such streams, in every draw, most on waking (trend_validation ...
// daily; docs/validation.md). Blocks and the variability bring it to about 0.2 a day, nearly
// all in the first night, before the variability has seen one (100 draws: 33 alarms in 200
// days, 3 after the first night). Bars, each failing the old test: at most 10 of 20 draws
// alert (old: 20; binomial at 0.32: 10 or more in 2 % of runs), and at most 2 alarms come
// after the first night (old: most; expected about 0.3).
TEST(Monitor, TrendAlertStaysQuietThroughAPatientsDays) {
  const Twin twin = resting_reference_twin();
  const monitor::AlertRules rules(twin);
  const auto patterns = monitor::deterioration_patterns(twin);
  // The truth at rest holds still (the test above): its resting values, on the devices'
  // schedule, stand for its readings.
  const std::int64_t midnight = 1'767'225'600, start = midnight + 8 * 3600;  // 2026-01-01
  const monitor::MeasurementSchedule devices = [] {
    monitor::MeasurementSchedule d;
    d.error_correlation_time[0] = monitor::wrist_error_correlation_time;
    return d;
  }();
  const double hours = 52.0;
  std::vector<monitor::Observation> exact;
  for (std::int64_t t = 60; t <= std::int64_t(hours * 3600.0); t += 60)
    for (std::size_t i = 0; i < monitor::streamed_measures.size(); ++i)
      if (t % std::int64_t(devices.every[i]) == 0)
        exact.push_back({start + t, monitor::streamed_measures[i], rules.resting()[i], 0});
  const monitor::TrendOptions defaults;
  const monitor::MonitorOptions ensemble;
  const int draws = 20;
  // The first night ends at 10:00 of the second day: 26 hours after the start.
  const std::int64_t second_day = start + 26 * 3600;
  int alerting = 0, after_first_night = 0;
  for (int d = 0; d < draws; ++d) {
    monitor::TrendTest test(rules.resting(), ensemble.observation_sd, start, defaults);
    test.set_patterns(patterns);
    const auto lived =
        monitor::with_daily_life(exact, monitor::DailyLife{}, 500 + std::uint64_t(d));
    bool alerted = false;
    for (const auto& o : monitor::with_device_errors(lived, devices, 500 + std::uint64_t(d))) {
      if (!test.observe(o)) continue;
      alerted = true;
      after_first_night += o.time > second_day;
    }
    alerting += alerted;
  }
  EXPECT_LE(alerting, draws / 2) << "draws with a false alarm in 2 days";
  EXPECT_LE(after_first_night, 2) << "false alarms after the first night";
}
