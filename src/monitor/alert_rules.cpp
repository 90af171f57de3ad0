// The monitor's alerts (include/physiotwin/monitor/alert_rules.hpp).
#include "physiotwin/monitor/alert_rules.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>

#include "physiotwin/core/error.hpp"
#include "physiotwin/io/recorder.hpp"

namespace physiotwin::monitor {

namespace {

/// s of the twin's resting run whose means are the band's centres.
constexpr double resting_run = 60.0;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

std::string minutes_text(double seconds) {
  return fmt::format("{:.0f} min", seconds / 60.0);
}

}  // namespace

bool Agreement::due(double fraction, const AlertOptions& options) noexcept {
  if (fraction >= options.agreement) {
    ++running;
  } else {
    running = 0;
    if (fraction < 0.5) raised = false;  // cleared: it may be raised again
  }
  if (running < options.persistence || raised) return false;
  raised = true;
  return true;
}

std::size_t band_readings_needed(const VitalBandRule& rule, double error_sd) noexcept {
  // The median of n normal readings has SD sqrt(pi / 2) sigma / sqrt(n) for large n.
  const double median_sd_factor = std::sqrt(std::numbers::pi / 2.0);
  const double margin = std::min(rule.below, rule.above);
  const double ratio = band_confidence_z * median_sd_factor * error_sd / margin;
  return std::max(rule.minimum_count, std::size_t(std::ceil(ratio * ratio)));
}

std::string_view alert_kind_name(AlertKind kind) noexcept {
  switch (kind) {
    case AlertKind::vital_sign:
      return "vital_sign";
    case AlertKind::estimate:
      return "estimate";
    case AlertKind::derived:
      return "derived";
    case AlertKind::forecast:
      return "forecast";
    case AlertKind::trend:
      return "trend";
  }
  return "unknown";
}

AlertRules::AlertRules(const Twin& twin, AlertOptions options) : options_(options) {
  if (!(options_.band_window > 0.0) || !(options_.band_reach >= options_.band_window) ||
      !(options_.agreement > 0.5 && options_.agreement <= 1.0) || options_.persistence == 0 ||
      options_.forecast_interval < 0.0 ||
      !(options_.forecast_horizon > 0.0 && options_.forecast_horizon <= 6.0 * 3600.0)) {
    throw InputError(
        "alert options outside their ranges: band window > 0 s, band reach >= band window, "
        "agreement in (0.5, 1], persistence >= 1, forecast interval >= 0 s, forecast horizon in "
        "(0, 6] h");
  }
  check_trend_options(options_.trend);
  Twin resting = twin;
  RecentMetrics recent(resting_run);
  resting.add_recorder(recent);
  resting.advance(resting_run);
  for (std::size_t i = 0; i < streamed_measures.size(); ++i)
    resting_[i] = recent.mean(streamed_measures[i], resting.time());
  for (std::size_t d = 0; d < derived_count; ++d)
    resting_derived_[d] = recent.mean(derived_specs[d].name, resting.time());
  if (options_.trend.enabled) twin_at_rest_ = twin;
}

std::vector<Alert> AlertRules::check(const std::vector<Observation>& observations,
                                     const Analysis& analysis, const Monitor& monitor) {
  for (const Observation& o : observations) recent_[streamed_index(o.measure)].push_back(o);
  std::vector<Alert> out;
  check_vital_signs(analysis.time, monitor, out);
  check_estimates(analysis.time, monitor, out);
  check_derived(analysis.time, monitor, out);
  check_forecast(analysis.time, monitor, out);
  check_trend(observations, monitor, out);
  return out;
}

void AlertRules::check_vital_signs(std::int64_t now, const Monitor& monitor,
                                   std::vector<Alert>& out) {
  for (std::size_t r = 0; r < vital_band_rules.size(); ++r) {
    const VitalBandRule& rule = vital_band_rules[r];
    const std::size_t i = streamed_index(rule.measure);
    auto& recent = recent_[i];
    while (!recent.empty() && double(now - recent.front().time) > options_.band_reach)
      recent.pop_front();
    // The band window's readings, or the last `needed` if the window holds fewer.
    const std::size_t needed = band_readings_needed(rule, monitor.options().observation_sd[i]);
    const auto in_window =
        std::size_t(std::count_if(recent.begin(), recent.end(), [&](const Observation& o) {
          return double(now - o.time) <= options_.band_window;
        }));
    const std::size_t used = std::max(in_window, needed);
    if (recent.size() < used || std::isnan(resting_[i])) continue;
    const auto first = recent.end() - std::ptrdiff_t(used);
    std::vector<double> values;
    for (auto o = first; o != recent.end(); ++o) values.push_back(o->value);
    const double span = std::max(options_.band_window, double(now - first->time));
    const double middle = median(values);
    const double low = resting_[i] - rule.below, high = resting_[i] + rule.above;
    const bool outside = middle < low || middle > high;
    if (outside && !band_raised_[r]) {
      const MeasureSpec& spec = spec_of(rule.measure);
      const bool below = middle < low;
      Alert a;
      a.time = now;
      a.kind = AlertKind::vital_sign;
      a.code = below ? "vital-sign-below-band" : "vital-sign-above-band";
      a.subject = std::string(spec.name);
      a.unit = std::string(spec.unit);
      a.value = middle;
      a.threshold = below ? low : high;
      a.severity = "moderate";
      const std::string evidence =
          fmt::format("{}: median {:.1f} {} of {} observations over the last {}", spec.name, middle,
                      spec.unit, values.size(), minutes_text(span));
      a.detail = std::isinf(high)
                     ? fmt::format(
                           "{}, below the patient's band (from {:.1f} {}, the resting "
                           "{:.1f} less {:.0f})",
                           evidence, low, spec.unit, resting_[i], rule.below)
                     : fmt::format(
                           "{}, {} the patient's band ({:.1f} to {:.1f} {} around the "
                           "resting {:.1f})",
                           evidence, below ? "below" : "above", low, high, spec.unit, resting_[i]);
      out.push_back(std::move(a));
    }
    band_raised_[r] = outside;
  }
}

void AlertRules::check_estimates(std::int64_t now, const Monitor& monitor,
                                 std::vector<Alert>& out) {
  const auto members = monitor.member_values();
  const EstimateSummary summary = monitor.estimates();
  for (std::size_t r = 0; r < estimate_rules.size(); ++r) {
    const EstimateRule& rule = estimate_rules[r];
    const std::size_t e = std::size_t(rule.estimate);
    if (!monitor.options().estimated[e]) continue;
    const EstimateSpec& spec = estimate_specs[e];
    const double threshold = spec.relative ? rule.threshold * monitor.initial()[e] : rule.threshold;
    std::size_t past = 0;
    for (const auto& v : members) past += rule.below ? v[e] < threshold : v[e] > threshold;
    const double fraction = double(past) / double(members.size());
    if (!estimate_agreement_[r].due(fraction, options_)) continue;
    Alert a;
    a.time = now;
    a.kind = AlertKind::estimate;
    a.code = rule.below ? "estimate-below-threshold" : "estimate-above-threshold";
    a.subject = std::string(spec.name);
    a.unit = std::string(spec.unit);
    a.value = summary.mean[e];
    a.threshold = threshold;
    a.probability = fraction;
    a.severity = rule.estimate == Estimate::volume_rate || rule.estimate == Estimate::blood_volume
                     ? "high"
                     : "moderate";
    a.detail = fmt::format(
        "{}: {}; estimate {:.3g} ± {:.2g} {} ({:.0f} % of the ensemble {} {:.3g} {} for the "
        "last {} analyses)",
        spec.name, rule.meaning, summary.mean[e], summary.sd[e], spec.unit, 100.0 * fraction,
        rule.below ? "below" : "above", threshold, spec.unit, estimate_agreement_[r].running);
    out.push_back(std::move(a));
  }
}

void AlertRules::check_derived(std::int64_t now, const Monitor& monitor, std::vector<Alert>& out) {
  const auto members = monitor.member_derived();
  const EstimateSummary summary = monitor.estimates();
  for (std::size_t r = 0; r < derived_rules.size(); ++r) {
    const DerivedRule& rule = derived_rules[r];
    const DerivedSpec& spec = derived_specs[rule.derived];
    const double threshold = rule.fraction * resting_derived_[rule.derived];
    std::size_t past = 0;
    for (const auto& v : members) past += v[rule.derived] < threshold;
    const double fraction = double(past) / double(members.size());
    if (!derived_agreement_[r].due(fraction, options_)) continue;
    Alert a;
    a.time = now;
    a.kind = AlertKind::derived;
    a.code = "derived-below-threshold";
    a.subject = std::string(spec.name);
    a.unit = std::string(spec.unit);
    a.value = summary.derived_mean[rule.derived];
    a.threshold = threshold;
    a.probability = fraction;
    a.severity = "high";
    a.detail = fmt::format(
        "{}: {}; estimate {:.2f} ± {:.2f} {} against {:.2f} at rest ({:.0f} % of the ensemble "
        "below {:.2f} {} for the last {} analyses)",
        spec.name, rule.meaning, summary.derived_mean[rule.derived],
        summary.derived_sd[rule.derived], spec.unit, resting_derived_[rule.derived],
        100.0 * fraction, threshold, spec.unit, derived_agreement_[r].running);
    out.push_back(std::move(a));
  }
}

void AlertRules::check_forecast(std::int64_t now, const Monitor& monitor, std::vector<Alert>& out) {
  if (options_.forecast_interval <= 0.0) return;
  if (last_forecast_ && double(now - *last_forecast_) < options_.forecast_interval) return;
  if (!last_forecast_ && double(now - monitor.start()) < options_.forecast_interval) return;
  last_forecast_ = now;
  Twin ahead = monitor.central_member();
  MemoryRecorder record;
  record.keep_samples = false;
  ahead.add_recorder(record);
  const double from = ahead.time();
  const double rate = monitor.estimates().mean[std::size_t(Estimate::volume_rate)];
  Monitor::apply_volume_rate(ahead, rate, options_.forecast_horizon);
  try {
    ahead.advance(options_.forecast_horizon);
  } catch (const SolverError&) {
    // The member's future is one its circulation cannot live through: what it recorded until
    // then is the forecast (a pressure falling below every threshold before the failure).
  }
  for (std::size_t r = 0; r < forecast_rules.size(); ++r) {
    const ForecastRule& rule = forecast_rules[r];
    const std::size_t m = ahead.beats().find(std::string(rule.metric));
    // Minute means of the metric: the first minute past the threshold is the crossing.
    std::optional<double> crossing;
    double extreme = rule.below ? no_limit : -no_limit;
    for (double minute = 0.0; minute < options_.forecast_horizon; minute += 60.0) {
      double sum = 0.0;
      std::size_t n = 0;
      for (std::size_t b = 0; b < record.beats.size(); ++b) {
        const double t = record.beat_times[b] - from;
        if (t >= minute && t < minute + 60.0) {
          sum += record.beats[b][m];
          ++n;
        }
      }
      if (n == 0) continue;
      const double mean = sum / double(n);
      extreme = rule.below ? std::min(extreme, mean) : std::max(extreme, mean);
      const bool past = rule.below ? mean < rule.threshold : mean > rule.threshold;
      if (past && !crossing) crossing = minute + 60.0;
    }
    if (!crossing) {
      forecast_raised_[r] = false;
      continue;
    }
    if (forecast_raised_[r]) continue;
    forecast_raised_[r] = true;
    Alert a;
    a.time = now;
    a.kind = AlertKind::forecast;
    a.code = rule.below ? "forecast-below-threshold" : "forecast-above-threshold";
    a.subject = std::string(rule.metric);
    a.unit = std::string(rule.unit);
    a.value = extreme;
    a.threshold = rule.threshold;
    a.lead_time = *crossing;
    a.severity = "high";
    a.detail = fmt::format(
        "{}: forecast {} within {} ({} ahead, the estimated volume rate {:.0f} mL/h "
        "continuing; lowest minute mean {:.1f} {})",
        rule.metric, rule.meaning, minutes_text(*crossing), minutes_text(options_.forecast_horizon),
        rate, extreme, rule.unit);
    out.push_back(std::move(a));
  }
}

void AlertRules::check_trend(const std::vector<Observation>& observations, const Monitor& monitor,
                             std::vector<Alert>& out) {
  if (!trend_) {
    trend_.emplace(resting_, monitor.options().observation_sd, monitor.start(), options_.trend);
  }
  for (const Observation& o : observations) {
    if (trend_->needs_patterns_at(o.time)) {
      trend_->set_patterns(deterioration_patterns(*twin_at_rest_));
      twin_at_rest_.reset();
    }
    if (const auto finding = trend_->observe(o)) out.push_back(trend_alert(*finding, o.time));
  }
  trend_history_.push_back(trend_->statistics());
}

std::vector<Alert> AlertRules::end_of_stream() {
  std::vector<Alert> out;
  if (!trend_) return out;
  if (const auto finding = trend_->end_of_stream())
    out.push_back(trend_alert(*finding, trend_->last_tested_time()));
  if (!trend_history_.empty()) trend_history_.back() = trend_->statistics();
  return out;
}

Alert AlertRules::trend_alert(const TrendFinding& finding, std::int64_t time) const {
  const DeteriorationPattern& pattern = trend_->patterns()[finding.pattern];
  // The evidence: each measure's recent mean against the patient's baseline.
  std::string moves;
  for (std::size_t i = 0; i < streamed_measures.size(); ++i) {
    if (recent_[i].empty() || std::isnan(trend_->baseline()[i])) continue;
    double sum = 0.0;
    for (const Observation& r : recent_[i]) sum += r.value;
    const MeasureSpec& spec = spec_of(streamed_measures[i]);
    moves += fmt::format("{}{} {:+.1f} {}", moves.empty() ? "" : ", ", spec.name,
                         sum / double(recent_[i].size()) - trend_->baseline()[i], spec.unit);
  }
  Alert a;
  a.time = time;
  a.kind = AlertKind::trend;
  a.code = "trend-deterioration";
  a.subject = "circulation";
  a.unit = "1";
  a.value = finding.statistic;
  a.threshold = options_.trend.threshold;
  a.severity = "moderate";
  a.detail = fmt::format(
      "circulation: over the last hours the vital signs have moved along the twin's pattern of "
      "losing blood or of a weakening heart, which they cannot tell apart (the sum along {} "
      "is the larger, {:.1f}, past {:.1f}); a sustained change, not a diagnosis: one cause "
      "may be another (fever, activity, a device's error); the last {}'s means against the "
      "patient's baseline, each noisier than the change tested for: {}",
      pattern.name, finding.statistic, options_.trend.threshold, minutes_text(options_.band_window),
      moves);
  return a;
}

std::string detected_issue_json(const Alert& alert, std::int64_t start) {
  using nlohmann::json;
  const auto year =
      std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(
                                      std::chrono::sys_seconds(std::chrono::seconds(alert.time))))
          .year();
  const double elapsed = double(alert.time - start);
  json evidence = {{"subject", alert.subject},
                   {"unit", alert.unit},
                   {"value", alert.value},
                   {"threshold", alert.threshold}};
  if (!std::isnan(alert.probability)) evidence["probability"] = alert.probability;
  if (!std::isnan(alert.lead_time)) evidence["lead_time_s"] = alert.lead_time;
  json resource = {
      {"resourceType", "DetectedIssue"},
      {"status", "preliminary"},
      {"severity", alert.severity},
      {"code",
       {{"coding", json::array({{{"system", "urn:physiotwin:monitor-alert"},
                                 {"code", alert.code},
                                 {"display", std::string(alert_kind_name(alert.kind))}}})},
        {"text", alert.subject}}},
      {"identifiedDateTime", fmt::format("{}", int(year))},
      {"detail", fmt::format("{} after monitoring began: {}", minutes_text(elapsed), alert.detail)},
      {"extension", json::array({{{"url", "urn:physiotwin:monitoring-elapsed-time"},
                                  {"valueQuantity",
                                   {{"value", elapsed},
                                    {"unit", "s"},
                                    {"system", "http://unitsofmeasure.org"},
                                    {"code", "s"}}}},
                                 {{"url", "urn:physiotwin:monitor-evidence"},
                                  {"valueString", evidence.dump()}}})},
  };
  return resource.dump();
}

}  // namespace physiotwin::monitor
