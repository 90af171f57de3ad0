// The monitor's validation with twins as ground truth (docs/validation.md, "Remote
// monitoring"): a reference adult's twin is the patient; it bleeds, its heart fails, or it
// stays; a wearable and a home cuff measure it with their errors (monitor/synthetic_stream.hpp);
// the monitor, forked from the same twin before anything happens, assimilates the stream.
//   monitor_validation SCENARIO MODELS_DIR OUT_PREFIX [MEMBERS] [DRAW]
// SCENARIO: bleed (500 mL/h from 30 min on, 4 hours), heart (contractility falling 30 % over an
// hour from 30 min on, then held; 3 hours), steady (12 hours of nothing), fast (3 L shed in
// 30 minutes from minute 10, a cuff every 5 minutes; 1 hour: the README's example stream). Writes
// OUT_PREFIX.csv (the stream, the tool's CSV), OUT_PREFIX_track.csv (truth and estimates each
// minute) and OUT_PREFIX_alerts.ndjson (the alerts), and prints each alert and the summary.
// DRAW k (0, the default: the documented runs) moves both seeds, the devices' errors' and the
// ensemble's, by k: the same truth read and assimilated anew, for the spread over draws.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include <physiotwin/model/model_loader.hpp>
#include <physiotwin/model/parameter_groups.hpp>
#include <physiotwin/monitor/stream_monitor.hpp>
#include <physiotwin/monitor/synthetic_stream.hpp>
#include <physiotwin/patient/body.hpp>
#include <physiotwin/patient/personalise.hpp>

#include "reference_monitor_twin.hpp"

using namespace physiotwin;

namespace {

/// 2026-01-01T00:00:00Z: the streams' clock starts here.
constexpr std::int64_t stream_start = 1'767'225'600;

std::string iso_time(std::int64_t t) {
  const auto day =
      std::chrono::floor<std::chrono::days>(std::chrono::sys_seconds(std::chrono::seconds(t)));
  const std::chrono::year_month_day date(day);
  const std::chrono::hh_mm_ss clock(std::chrono::sys_seconds(std::chrono::seconds(t)) - day);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z", int(date.year()),
                     unsigned(date.month()), unsigned(date.day()), clock.hours().count(),
                     clock.minutes().count(), clock.seconds().count());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(
        stderr,
        "usage: monitor_validation bleed|heart|steady|fast MODELS_DIR OUT_PREFIX [MEMBERS] "
        "[DRAW]\n");
    return 2;
  }
  const std::string scenario = argv[1];
  const std::string models = argv[2], prefix = argv[3];
  const std::size_t members = argc > 4 ? std::size_t(std::atoi(argv[4])) : 16;
  const std::uint64_t draw = argc > 5 ? std::uint64_t(std::atoi(argv[5])) : 0;
  const bool fast = scenario == "fast";
  const double onset = fast ? 600.0 : 1800.0;
  const double hours = scenario == "steady" ? 12.0 : scenario == "bleed" ? 4.0 : fast ? 1.0 : 3.0;
  try {
    Twin twin = reference_monitor_twin(models);  // settled as `physiotwin monitor` does

    monitor::StreamMonitorOptions monitor_options;
    monitor_options.ensemble.members = members;
    monitor_options.ensemble.seed += draw;
    monitor::StreamMonitor monitor(twin, monitor_options);
    monitor::MeasurementSchedule schedule;
    if (fast) schedule.every = {60.0, 60.0, 300.0, 300.0, 300.0};
    schedule.seed += draw;
    monitor::SyntheticStream stream(twin, stream_start, schedule);
    Twin& truth = stream.truth();
    const Parameter& lv = truth.model().parameters.all()[*lv_end_systolic_elastance(truth.model())];
    const std::string elastance = lv.name;
    const double elastance_at_rest = lv.value;

    std::ofstream csv(prefix + ".csv"), track(prefix + "_track.csv"),
        alerts(prefix + "_alerts.ndjson");
    csv << "time,measure,value,unit\n";
    track << "minute,truth_volume,truth_contractility,volume,volume_sd,volume_rate,"
             "volume_rate_sd,resistance_factor,contractility_factor,contractility_sd,truth_cardiac_"
             "output,"
             "cardiac_output,cardiac_output_sd,inflation\n";
    double contractility = 1.0;
    for (int minute = 1; minute <= int(hours * 60.0); ++minute) {
      const double t = truth.time();
      if ((scenario == "bleed" || fast) && minute == int(onset / 60.0) + 1) {
        Action bleed;
        bleed.kind = ActionKind::hemorrhage;
        bleed.time = t;
        bleed.rate = fast ? 100.0 : 500.0 / 60.0;
        bleed.volume = fast ? 3000.0 : 500.0 * (hours * 3600.0 - onset) / 3600.0;
        truth.apply(bleed);
      }
      if (scenario == "heart" && minute > int(onset / 60.0) && contractility > 0.7 + 1e-9) {
        contractility = std::max(0.7, contractility - 0.3 / 60.0);
        truth.set_parameter(elastance, elastance_at_rest * contractility);
      }
      const std::vector<monitor::Observation> observations = stream.advance(60.0);
      for (const monitor::Observation& o : observations) {
        const MeasureSpec& spec = spec_of(o.measure);
        csv << fmt::format("{},{},{:g},{}\n", iso_time(o.time), spec.name, o.value,
                           spec.units[0].ucum);
      }
      csv.flush();
      const monitor::MonitorOutput out = monitor.observe(observations);
      for (const monitor::Alert& a : out.alerts) {
        const std::string json = monitor::detected_issue_json(a, monitor.start());
        alerts << json << "\n";
        std::printf("minute %4d  %s  %s\n", minute, a.code.c_str(), a.detail.c_str());
      }
      if (monitor.ensemble()) {
        const auto e = monitor.ensemble()->estimates();
        track << fmt::format(
            "{},{:.1f},{:.3f},{:.1f},{:.1f},{:.1f},{:.1f},"
            "{:.4f},{:.4f},{:.4f},{:.3f},{:.3f},{:.3f},{:.3f}\n",
            minute, truth.signal("blood.total_volume"), contractility, e.mean[0], e.sd[0],
            e.mean[1], e.sd[1], e.mean[2], e.mean[3], e.sd[3], stream.cardiac_output(),
            e.derived_mean[0], e.derived_sd[0],
            monitor.analyses().empty() ? 1.0 : monitor.analyses().back().inflation);
        track.flush();
      }
      std::fflush(stdout);
    }
    (void)monitor.finish();
    std::printf("%s: %zu analyses, %zu alerts\n", scenario.c_str(), monitor.analyses().size(),
                monitor.alerts().size());
    monitor::write_monitor_file(prefix + ".h5", monitor);
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "monitor_validation: %s\n", e.what());
    return 2;
  }
}
