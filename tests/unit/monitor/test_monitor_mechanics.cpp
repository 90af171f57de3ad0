// The monitor's mechanics on minutes of data (cheap enough for the sanitizer build; its
// tracking of bleeds and failing hearts over hours is tests/validation/test_monitor.cpp and
// examples/cpp/monitor_validation.cpp): what a wearable reports of a twin, intervals and
// analyses, the drifts' bounds, the alert rules and their FHIR resources, the file.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../../helpers.hpp"
#include "physiotwin/io/hdf5.hpp"
#include "physiotwin/monitor/stream_monitor.hpp"
#include "physiotwin/monitor/synthetic_stream.hpp"

using namespace physiotwin;
using namespace physiotwin::monitor;

namespace {

constexpr std::int64_t jan_2026 = 1'767'225'600;  // 2026-01-01T00:00:00Z

Twin resting_twin() {
  return test_support::resting_reference_twin(30.0);
}

/// Whether text holds a date finer than the year (dddd-dd-dd). Not std::regex: GCC 12's
/// <regex> trips -Wmaybe-uninitialized in the sanitizer build (-O1), and warnings are errors.
bool has_full_date(const std::string& text) {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  for (std::size_t i = 0; i + 10 <= text.size(); ++i) {
    bool match = true;
    for (std::size_t k = 0; k < 10 && match; ++k)
      match = (k == 4 || k == 7) ? text[i + k] == '-' : digit(text[i + k]);
    if (match) return true;
  }
  return false;
}

StreamMonitorOptions small(std::size_t members = 3) {
  StreamMonitorOptions o;
  o.ensemble.members = members;
  o.alerts.forecast_interval = 0.0;
  o.reorder_window = 0;  // each observation is assimilated as it comes
  return o;
}

}  // namespace

TEST(MonitorMechanics, RecentMetricsAreTheWindowsMeans) {
  Twin twin = resting_twin();
  RecentMetrics recent(20.0);
  MemoryRecorder all;
  all.keep_samples = false;
  twin.add_recorder(recent);
  twin.add_recorder(all);
  twin.advance(60.0);
  const std::size_t hr = twin.beats().find("heart_rate");
  double sum = 0.0;
  int n = 0;
  for (std::size_t b = 0; b < all.beats.size(); ++b) {
    if (all.beat_times[b] >= twin.time() - 20.0) {
      sum += all.beats[b][hr];
      ++n;
    }
  }
  ASSERT_GT(n, 15);  // about 24 beats at 72 /min
  EXPECT_NEAR(recent.mean(Measure::heart_rate, twin.time()), sum / n, 1e-9);
  EXPECT_NEAR(recent.mean(Measure::spo2, twin.time()), 97.0, 2.0);  // a breath's SpO2
  EXPECT_TRUE(std::isnan(recent.mean(Measure::heart_rate, twin.time() + 100.0)));
}

TEST(MonitorMechanics, GathersIntervalsAndKeepsEstimatesInTheirRanges) {
  const Twin twin = resting_twin();
  MonitorOptions o;
  o.members = 3;
  Monitor monitor(twin, jan_2026, o);
  EXPECT_EQ(monitor.time(), jan_2026);
  // An interval without observations only advances; one with them is analysed.
  auto done = monitor.observe({{jan_2026 + 30, Measure::heart_rate, 72.0, 1},
                               {jan_2026 + 50, Measure::heart_rate, 74.0, 2},
                               {jan_2026 + 170, Measure::heart_rate, 73.0, 3}});
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].time, jan_2026 + 60);
  EXPECT_EQ(done[0].count[0], 2u);
  EXPECT_DOUBLE_EQ(done[0].observed[0], 73.0);
  EXPECT_EQ(done[1].count[0], 0u);
  EXPECT_EQ(monitor.time(), jan_2026 + 120);
  EXPECT_THROW((void)monitor.observe({{jan_2026 + 100, Measure::heart_rate, 72.0, 4}}), InputError);
  const auto last = monitor.close_interval_at(jan_2026 + 180);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->count[0], 1u);
  for (const auto& v : monitor.member_values()) {
    for (std::size_t e = 0; e < estimate_count; ++e) {
      const EstimateSpec& spec = estimate_specs[e];
      const double scale = spec.relative ? monitor.initial()[e] : 1.0;
      EXPECT_GE(v[e], spec.lower * scale) << spec.name;
      EXPECT_LE(v[e], spec.upper * scale) << spec.name;
    }
  }
  // The prior is centred: the ensemble's mean starts at the twin's values (the volume moves a
  // little as the members' blood volume settles in 3 minutes).
  const EstimateSummary s = monitor.estimates();
  EXPECT_NEAR(s.mean[0], monitor.initial()[0], 0.03 * monitor.initial()[0]);
}

TEST(MonitorMechanics, QuantitiesNotEstimatedStayFixed) {
  const Twin twin = resting_twin();
  MonitorOptions o;
  o.members = 3;
  o.estimated = {true, true, false, false};
  Monitor monitor(twin, jan_2026, o);
  (void)monitor.observe({{jan_2026 + 30, Measure::systolic_pressure, 150.0, 1},
                         {jan_2026 + 90, Measure::heart_rate, 72.0, 2}});
  for (const auto& v : monitor.member_values()) {
    EXPECT_EQ(v[std::size_t(Estimate::resistance_factor)], 1.0);
    EXPECT_EQ(v[std::size_t(Estimate::contractility_factor)], 1.0);
  }
}

TEST(MonitorMechanics, AVitalSignOutsideItsBandIsRaisedOnceAsAFhirDetectedIssue) {
  const Twin twin = resting_twin();
  StreamMonitor monitor(twin, small());
  std::vector<Alert> raised;
  for (int minute = 1; minute <= 14; ++minute) {
    const double hr = minute < 5 ? 72.0 : 125.0;
    const auto out =
        monitor.observe({{jan_2026 + minute * 60, Measure::heart_rate, hr, std::size_t(minute)}});
    for (const Alert& a : out.alerts)
      if (a.kind == AlertKind::vital_sign) raised.push_back(a);
  }
  ASSERT_EQ(raised.size(), 1u);
  const Alert& a = raised[0];
  EXPECT_EQ(a.code, "vital-sign-above-band");
  EXPECT_EQ(a.subject, "heart_rate");
  EXPECT_NEAR(a.threshold, monitor.rules().resting()[0] + 25.0, 1e-9);
  // The median of the last 10 minutes passes the band once more than half are high: after
  // the minute-5 observation, 4 lows and 5 highs at the earliest.
  EXPECT_GE(a.time - jan_2026, 8 * 60);

  const nlohmann::json r = nlohmann::json::parse(detected_issue_json(a, monitor.start()));
  EXPECT_EQ(r["resourceType"], "DetectedIssue");
  EXPECT_EQ(r["identifiedDateTime"], "2026");  // Safe Harbor: the year only
  EXPECT_FALSE(has_full_date(r.dump()));
  EXPECT_EQ(r["extension"][0]["valueQuantity"]["value"].get<double>(),
            double(a.time - monitor.start()));
}

// A band alert needs the readings that put its margin band_confidence_z of the median's SDs
// (1.2533 sigma / sqrt(n)) from the resting value. With the defaults' wrist and cuff: heart rate
// 3 (the rule's own minimum), SpO2 5, breathing rate 5, systolic 3, diastolic 6; a chest strap
// reading breathing within 1 /min needs the rule's 2. A breathing rate read every 5 minutes
// then needs 5 readings, 20 minutes (it alerted on 2 before, and the wrist's error alone did so
// twice in 40 monitored hours: docs/monitoring.md).
TEST(MonitorMechanics, ABandAlertNeedsTheReadingsTheDevicesErrorAsksFor) {
  const MonitorOptions defaults;
  std::vector<std::size_t> needed;
  for (const VitalBandRule& rule : vital_band_rules)
    needed.push_back(
        band_readings_needed(rule, defaults.observation_sd[streamed_index(rule.measure)]));
  EXPECT_EQ(needed, (std::vector<std::size_t>{3, 5, 5, 3, 6}));
  EXPECT_EQ(band_readings_needed(vital_band_rules[2], 1.0), 2u);

  const Twin twin = resting_twin();
  StreamMonitor monitor(twin, small());
  std::vector<std::int64_t> raised_at;
  for (int reading = 1; reading <= 6; ++reading) {
    const std::int64_t at = jan_2026 + reading * 300;
    for (const Alert& a :
         monitor.observe({{at, Measure::respiratory_rate, 4.0, std::size_t(reading)}}).alerts)
      if (a.kind == AlertKind::vital_sign) raised_at.push_back(a.time - jan_2026);
  }
  (void)monitor.finish();
  ASSERT_EQ(raised_at.size(), 1u);
  // Assimilated at the end of the minute after the 5th reading (1500 s), not after the 2nd.
  EXPECT_GE(raised_at[0], 1500);
  EXPECT_LT(raised_at[0], 1800);
}

TEST(MonitorMechanics, ANormalStreamRaisesNothing) {
  const Twin twin = resting_twin();
  StreamMonitor monitor(twin, small(4));
  SyntheticStream stream(twin, jan_2026);
  std::size_t alerts = 0;
  for (int minute = 0; minute < 8; ++minute)
    alerts += monitor.observe(stream.advance(60.0)).alerts.size();
  alerts += monitor.finish().alerts.size();
  EXPECT_EQ(alerts, 0u);
  EXPECT_GE(monitor.analyses().size(), 7u);
}

TEST(MonitorMechanics, AForecastSeesAPressureFallComing) {
  // The patient is already bleeding fast when monitoring starts: every member carries the
  // bleed, and the forecast (the member nearest the mean, 20 minutes ahead) sees the mean
  // arterial pressure fall below 65 mmHg before the vitals do.
  Twin twin = resting_twin();
  Action bleed;
  bleed.kind = ActionKind::hemorrhage;
  bleed.time = twin.time();
  bleed.rate = 200.0;  // 3 L in 15 minutes: the model's MAP reaches 65 mmHg after 12 minutes
  bleed.volume = 3000.0;
  twin.apply(bleed);
  StreamMonitorOptions o = small();
  o.alerts.forecast_interval = 60.0;
  o.alerts.forecast_horizon = 1200.0;
  StreamMonitor monitor(twin, o);
  std::vector<Alert> forecasts;
  for (int minute = 1; minute <= 3; ++minute) {
    for (const Alert& a :
         monitor.observe({{jan_2026 + minute * 60, Measure::heart_rate, 75.0, std::size_t(minute)}})
             .alerts)
      if (a.kind == AlertKind::forecast) forecasts.push_back(a);
  }
  ASSERT_EQ(forecasts.size(), 1u);
  EXPECT_EQ(forecasts[0].subject, "mean_arterial_pressure");
  EXPECT_LT(forecasts[0].value, 65.0);
  EXPECT_GT(forecasts[0].lead_time, 0.0);
  EXPECT_LE(forecasts[0].lead_time, 1200.0);
}

TEST(MonitorMechanics, TheFileHoldsEstimatesObservationsAlertsAndBands) {
  const Twin twin = resting_twin();
  StreamMonitor monitor(twin, small());
  const auto folder = test_support::private_folder("monitor_file");
  EXPECT_THROW(write_monitor_file(folder / "none.h5", monitor), InputError);
  for (int minute = 1; minute <= 3; ++minute)
    (void)monitor.observe({{jan_2026 + minute * 60, Measure::heart_rate, 72.0, 1}});
  (void)monitor.finish();
  const auto path = folder / "monitor.h5";
  write_monitor_file(path, monitor);
  // Its contents are read with h5py in tests/cli/test_monitor_cli.sh.
  EXPECT_EQ(io::read_file_format(path).name, "physiotwin-monitor");
  EXPECT_EQ(test_support::names_in(folder), std::vector<std::string>{"monitor.h5"});
  std::filesystem::remove_all(folder);
}
