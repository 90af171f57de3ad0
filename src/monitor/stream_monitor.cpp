// The monitor over a stream, and its file (include/physiotwin/monitor/stream_monitor.hpp).
#include "physiotwin/monitor/stream_monitor.hpp"

#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <system_error>

#include "io/audit_writer.hpp"
#include "io/hdf5_handles.hpp"
#include "physiotwin/build_info.hpp"
#include "physiotwin/core/atomic_file.hpp"
#include "physiotwin/core/error.hpp"
#include "physiotwin/core/temporary_files.hpp"
#include "physiotwin/io/hdf5_signature.hpp"

namespace physiotwin::monitor {

StreamMonitor::StreamMonitor(const Twin& twin, StreamMonitorOptions options)
    : twin_(twin),
      options_(options),
      reader_(0),
      buffer_(options.reorder_window),
      rules_(twin, options.alerts) {
  if (options_.reorder_window < 0 || options_.reorder_window > 3600) {
    throw InputError(
        fmt::format("reorder window {} s is outside [0, 3600] s", options_.reorder_window));
  }
}

std::int64_t StreamMonitor::start() const {
  if (!monitor_) throw InputError("the monitor has not started: no observation yet");
  return monitor_->start();
}

MonitorOutput StreamMonitor::read_line(std::string_view line, std::size_t number,
                                       std::int64_t now) {
  reader_.set_now(now);
  LineReading reading = reader_.read(line, number);
  MonitorOutput out = observe(reading.observations);
  out.warnings.insert(out.warnings.begin(), reading.warnings.begin(), reading.warnings.end());
  warning_count_ += reading.warnings.size();
  return out;
}

MonitorOutput StreamMonitor::observe(const std::vector<Observation>& observations) {
  MonitorOutput out;
  for (const Observation& o : observations) {
    std::string warning = buffer_.push(o);
    if (!warning.empty()) {
      out.warnings.push_back(std::move(warning));
      ++warning_count_;
    }
  }
  MonitorOutput done = assimilate(buffer_.release());
  out.alerts = std::move(done.alerts);
  return out;
}

MonitorOutput StreamMonitor::finish() {
  MonitorOutput out = assimilate(buffer_.flush());
  if (!monitor_) return out;
  // The interval under way ends at its boundary, or at the last observation if earlier.
  const double interval = options_.ensemble.analysis_interval;
  const std::int64_t end = monitor_->time() + std::int64_t(std::llround(interval));
  if (!gathering_.empty()) {
    if (auto analysis = monitor_->close_interval_at(end)) {
      analyses_.push_back(*analysis);
      auto raised = rules_.check(gathering_, *analysis, *monitor_);
      gathering_.clear();
      out.alerts.insert(out.alerts.end(), raised.begin(), raised.end());
      alerts_.insert(alerts_.end(), raised.begin(), raised.end());
    }
  }
  auto raised = rules_.end_of_stream();
  out.alerts.insert(out.alerts.end(), raised.begin(), raised.end());
  alerts_.insert(alerts_.end(), raised.begin(), raised.end());
  return out;
}

MonitorOutput StreamMonitor::assimilate(const std::vector<Observation>& ordered) {
  MonitorOutput out;
  for (const Observation& o : ordered) {
    if (!monitor_) {
      const std::int64_t interval = std::int64_t(std::llround(options_.ensemble.analysis_interval));
      monitor_.emplace(twin_, o.time - interval, options_.ensemble);
    }
    // Observation by observation: an interval it closes is checked before it is gathered.
    for (const Analysis& analysis : monitor_->observe({o})) {
      analyses_.push_back(analysis);
      auto raised = rules_.check(gathering_, analysis, *monitor_);
      gathering_.clear();
      out.alerts.insert(out.alerts.end(), raised.begin(), raised.end());
      alerts_.insert(alerts_.end(), raised.begin(), raised.end());
    }
    gathering_.push_back(o);
  }
  return out;
}

// ---- the file ----

namespace {

namespace h5 = io::detail;
using h5::Handle;

/// One value of each analysis, in order.
template <typename Of>
std::vector<double> per_analysis(const StreamMonitor& monitor, Of of) {
  std::vector<double> out;
  for (const Analysis& a : monitor.analyses()) out.push_back(of(a));
  return out;
}

std::vector<double> analysis_times(const StreamMonitor& monitor) {
  return per_analysis(monitor, [&](const Analysis& a) { return double(a.time - monitor.start()); });
}

/// /estimates/<name>: the ensemble's mean and SD after each analysis, and what they are.
void write_quantity(hid_t group, std::string_view name, std::string_view unit,
                    std::string_view description, std::vector<double> mean, std::vector<double> sd,
                    bool estimated, double initial) {
  Handle quantity = h5::create_group(group, std::string(name));
  h5::write_double_array(quantity, "mean", mean);
  h5::write_double_array(quantity, "sd", sd);
  h5::write_string_attribute(quantity, "unit", std::string(unit));
  h5::write_string_attribute(quantity, "description", std::string(description));
  h5::write_int_attribute(quantity, "estimated", estimated ? 1 : 0);
  h5::write_double_attribute(quantity, "initial", initial);
}

void write_estimates(hid_t file, const StreamMonitor& monitor) {
  Handle group = h5::create_group(file, "estimates");
  h5::write_double_array(group, "time", analysis_times(monitor));
  for (std::size_t e = 0; e < estimate_count; ++e) {
    const EstimateSpec& spec = estimate_specs[e];
    write_quantity(group, spec.name, spec.unit, spec.description,
                   per_analysis(monitor, [e](const Analysis& a) { return a.estimates.mean[e]; }),
                   per_analysis(monitor, [e](const Analysis& a) { return a.estimates.sd[e]; }),
                   monitor.options().ensemble.estimated[e], monitor.ensemble()->initial()[e]);
  }
  for (std::size_t d = 0; d < derived_count; ++d) {
    const DerivedSpec& spec = derived_specs[d];
    write_quantity(
        group, spec.name, spec.unit, spec.description,
        per_analysis(monitor, [d](const Analysis& a) { return a.estimates.derived_mean[d]; }),
        per_analysis(monitor, [d](const Analysis& a) { return a.estimates.derived_sd[d]; }), false,
        monitor.rules().resting_derived()[d]);
  }
  h5::write_double_array(group, "inflation",
                         per_analysis(monitor, [](const Analysis& a) { return a.inflation; }));
  h5::write_string_attribute(group, "time_unit", "s since monitoring began");
}

void write_observations(hid_t file, const StreamMonitor& monitor) {
  Handle group = h5::create_group(file, "observations");
  h5::write_double_array(group, "time", analysis_times(monitor));
  for (std::size_t i = 0; i < streamed_measures.size(); ++i) {
    const MeasureSpec& spec = spec_of(streamed_measures[i]);
    std::vector<double> mean, count;
    for (const Analysis& a : monitor.analyses()) {
      mean.push_back(a.observed[i]);
      count.push_back(double(a.count[i]));
    }
    Handle measure = h5::create_group(group, std::string(spec.name));
    h5::write_double_array(measure, "mean", mean);
    h5::write_double_array(measure, "count", count);
    h5::write_string_attribute(measure, "unit", std::string(spec.unit));
    // The device's error SD the monitor assumed (MonitorOptions::observation_sd).
    h5::write_double_attribute(measure, "error_sd", monitor.options().ensemble.observation_sd[i]);
  }
  h5::write_string_attribute(group, "description",
                             "each analysis interval's mean observation of each measure (NaN: "
                             "none), and how many; time: the interval's end");
}

void write_alerts(hid_t file, const StreamMonitor& monitor) {
  Handle group = h5::create_group(file, "alerts");
  std::vector<double> time, value, threshold, probability, lead_time;
  std::vector<std::string> kind, code, subject, unit, severity, detail, resource;
  for (const Alert& a : monitor.alerts()) {
    time.push_back(double(a.time - monitor.start()));
    value.push_back(a.value);
    threshold.push_back(a.threshold);
    probability.push_back(a.probability);
    lead_time.push_back(a.lead_time);
    kind.emplace_back(alert_kind_name(a.kind));
    code.push_back(a.code);
    subject.push_back(a.subject);
    unit.push_back(a.unit);
    severity.push_back(a.severity);
    detail.push_back(a.detail);
    resource.push_back(detected_issue_json(a, monitor.start()));
  }
  h5::write_double_array(group, "time", time);
  h5::write_string_array(group, "kind", kind);
  h5::write_string_array(group, "code", code);
  h5::write_string_array(group, "subject", subject);
  h5::write_string_array(group, "unit", unit);
  h5::write_double_array(group, "value", value);
  h5::write_double_array(group, "threshold", threshold);
  h5::write_double_array(group, "probability", probability);
  h5::write_double_array(group, "lead_time", lead_time);
  h5::write_string_array(group, "severity", severity);
  h5::write_string_array(group, "detail", detail);
  h5::write_string_array(group, "fhir", resource);
}

void write_bands(hid_t file, const StreamMonitor& monitor) {
  Handle group = h5::create_group(file, "bands");
  std::vector<std::string> measure;
  std::vector<double> resting, lower, upper, readings_needed;
  for (const VitalBandRule& rule : vital_band_rules) {
    const std::size_t i = streamed_index(rule.measure);
    measure.emplace_back(spec_of(rule.measure).name);
    resting.push_back(monitor.rules().resting()[i]);
    lower.push_back(monitor.rules().resting()[i] - rule.below);
    upper.push_back(monitor.rules().resting()[i] + rule.above);
    readings_needed.push_back(
        double(band_readings_needed(rule, monitor.options().ensemble.observation_sd[i])));
  }
  h5::write_string_array(group, "measure", measure);
  h5::write_double_array(group, "resting", resting);
  h5::write_double_array(group, "lower", lower);
  h5::write_double_array(group, "upper", upper);
  h5::write_double_array(group, "readings_needed", readings_needed);
}

/// /trend: the trend test's baseline, patterns and sums after each analysis (trend_test.hpp).
void write_trend(hid_t file, const StreamMonitor& monitor) {
  const AlertRules& rules = monitor.rules();
  if (!rules.trend() || !rules.options().trend.enabled) return;
  const TrendTest& test = *rules.trend();
  Handle group = h5::create_group(file, "trend");
  std::vector<std::string> measures;
  for (Measure m : streamed_measures) measures.emplace_back(spec_of(m).name);
  h5::write_string_array(group, "measure", measures);
  h5::write_double_array(group, "baseline",
                         std::vector<double>(test.baseline().begin(), test.baseline().end()));
  const auto variability = test.variability();
  h5::write_double_array(group, "variability",
                         std::vector<double>(variability.begin(), variability.end()));
  h5::write_double_array(group, "time", analysis_times(monitor));
  for (std::size_t p = 0; p < test.patterns().size(); ++p) {
    const DeteriorationPattern& pattern = test.patterns()[p];
    Handle g = h5::create_group(group, std::string(pattern.key));
    std::vector<double> statistic;
    for (const auto& sums : rules.trend_history())
      statistic.push_back(sums.empty() ? 0.0 : sums[p]);
    h5::write_double_array(g, "statistic", statistic);
    h5::write_double_array(g, "change",
                           std::vector<double>(pattern.change.begin(), pattern.change.end()));
    h5::write_string_attribute(g, "description", std::string(pattern.name));
  }
  const TrendOptions& options = rules.options().trend;
  h5::write_double_attribute(group, "threshold", options.threshold);
  h5::write_double_attribute(group, "shift", options.shift);
  h5::write_double_attribute(group, "baseline_window", options.baseline_window);
  h5::write_string_attribute(
      group, "description",
      "the trend test (docs/monitoring.md, \"Trend alert\"): the patient's baseline of each "
      "measure at the end (the posterior mean, the twin's resting value as prior) and the "
      "variability of a block's mean beyond white device error (SD), each "
      "pattern's change of each measure per reference deterioration, and its CUSUM after each "
      "analysis (0 before the test runs; an alert when one passes the threshold); no pattern "
      "group: the stream ended within the baseline window");
  h5::write_double_attribute(group, "block", options.block);
}

}  // namespace

void write_monitor_file(const std::filesystem::path& path, const StreamMonitor& monitor,
                        const trust::SigningKey* signing_key) {
  if (!monitor.started()) throw InputError("no observation was assimilated: nothing to write");
  h5::silence_hdf5_errors();
  const std::filesystem::path temporary = temporary_name_for(path);
  RegisteredTemporary registered(temporary);
  try {
    {
      Handle file = h5::create_new_file(temporary, path, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18);
      h5::write_string_attribute(file, "format", "physiotwin-monitor");
      h5::write_int_attribute(file, "format_version", 1);
      h5::write_string_attribute(file, "library_version", library_version);
      const MonitorOptions& ensemble = monitor.options().ensemble;
      h5::write_int_attribute(file, "members", (long long)ensemble.members);
      h5::write_double_attribute(file, "analysis_interval", ensemble.analysis_interval);
      h5::write_int64_attribute(file, "seed", (long long)ensemble.seed);
      h5::write_double_attribute(file, "duration",
                                 double(monitor.ensemble()->time() - monitor.start()));
      h5::write_int_attribute(file, "warnings", (long long)monitor.warning_count());
      h5::write_int_attribute(file, "replaced_members",
                              (long long)monitor.ensemble()->replaced_members());
      write_estimates(file, monitor);
      write_observations(file, monitor);
      write_alerts(file, monitor);
      write_bands(file, monitor);
      write_trend(file, monitor);
      io::AuditTrail trail = io::AuditTrail::started();
      trail.add({{"entry", "monitor"},
                 {"members", ensemble.members},
                 {"seed", ensemble.seed},
                 {"observations_warned", monitor.warning_count()}});
      trail.add({{"entry", "output"}, {"format", "physiotwin monitor file"}});
      h5::write_audit_trail(file, trail);
    }
    if (signing_key) io::sign_hdf5_file(temporary, *signing_key);
    move_into_place(temporary, path);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw;
  }
}

}  // namespace physiotwin::monitor
