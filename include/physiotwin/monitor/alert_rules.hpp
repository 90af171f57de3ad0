#pragma once
// When the monitor raises an alert (issue 16, remote monitoring; docs/monitoring.md, "Alerts"),
// declared once: the docs' table, the file's /alerts and the FHIR resources read these.
// Four kinds:
// - a vital sign leaving the patient's own band: the median of the last observations of a
//   measure outside the twin's resting value plus or minus a margin;
// - an estimate past its threshold: most members agree, for several analyses running;
// - a derived quantity (cardiac output) fallen from rest, likewise;
// - a forecast: the member nearest the ensemble's mean, run on over a horizon with its volume
//   rate continuing, crosses a threshold;
// - a trend: the vitals moving together, over hours, the way the twin's do when it loses blood
//   or its heart weakens (monitor/trend_test.hpp), by a sequential test that needs no ensemble.
// Each rule raises its alert once, and again only after its condition has cleared.
#include <array>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "physiotwin/monitor/monitor.hpp"
#include "physiotwin/monitor/trend_test.hpp"

namespace physiotwin::monitor {

enum class AlertKind { vital_sign, estimate, derived, forecast, trend };
[[nodiscard]] std::string_view alert_kind_name(AlertKind kind) noexcept;

inline constexpr double no_limit = std::numeric_limits<double>::infinity();

/// A band around the patient's resting value (the twin's, over its first minute), and how many
/// observations within `window` the median needs.
struct VitalBandRule {
  Measure measure;
  double below, above;  ///< margins below and above the resting value, in the measure's unit
  std::size_t minimum_count;
};
// Margins: about the changes the National Early Warning Score 2 (Royal College of Physicians
// 2017) scores as a first step away from a typical adult's normal (heart rate 51-90 /min,
// breathing rate 12-20 /min, systolic pressure 111-219 mmHg, SpO2 >= 96 %), set around the
// patient's own resting value instead of population limits (docs/monitoring.md, "Alerts").
inline constexpr std::array<VitalBandRule, 5> vital_band_rules{{
    {Measure::heart_rate, 20.0, 25.0, 3},
    {Measure::spo2, 4.0, no_limit, 3},
    {Measure::respiratory_rate, 6.0, 8.0, 2},
    {Measure::systolic_pressure, 20.0, 40.0, 2},
    {Measure::diastolic_pressure, 15.0, 25.0, 2},
}};

/// How sure a band alert must be that the patient, not the device's error, left the band. The
/// median of n readings whose errors have SD sigma scatters by about 1.2533 sigma / sqrt(n)
/// (its large-sample SD; for n of 2-5 the exact SD is smaller, so this errs on the safe side).
/// A band alert needs at least the readings that put the band's nearer margin z such SDs from
/// the resting value: at rest the median then leaves the band on the device's error alone in
/// about 3 checks in 10,000 (one-sided, z = 3.4): at most about 0.1 a day for a measure read
/// each 5 minutes (288 new medians a day, overlapping, so fewer). Before this, the breathing rate's
/// two wrist readings (SD 3 /min, margin 6) sat 2.8 SDs inside and alerted twice in 40 monitored
/// hours (docs/monitoring.md).
inline constexpr double band_confidence_z = 3.4;

/// The readings a band's median needs with a device whose reading error has SD `error_sd` in
/// the measure's unit: the rule's own minimum, or more when the device is noisy for the band.
[[nodiscard]] std::size_t band_readings_needed(const VitalBandRule& rule, double error_sd) noexcept;

/// An estimate past a threshold (relative estimates: a fraction of the starting value).
struct EstimateRule {
  Estimate estimate;
  bool below;  ///< true: alert below the threshold; false: above
  double threshold;
  std::string_view meaning;
};
inline constexpr std::array<EstimateRule, 5> estimate_rules{{
    {Estimate::volume_rate, true, -250.0, "blood is being lost (a bleed of more than 250 mL/h)"},
    {Estimate::blood_volume, true, 0.9, "blood volume has fallen by more than 10 %"},
    {Estimate::contractility_factor, true, 0.8,
     "the heart's contractility has fallen by more than 20 %"},
    {Estimate::resistance_factor, true, 0.7,
     "the systemic resistance has fallen by more than 30 %"},
    {Estimate::resistance_factor, false, 1.4,
     "the systemic resistance has risen by more than 40 %"},
}};

/// A derived quantity (estimates.hpp, derived_specs) below a fraction of the patient's resting
/// value, most members agreeing (as for the estimates).
struct DerivedRule {
  std::size_t derived;  ///< index into derived_specs
  double fraction;      ///< of the resting value
  std::string_view meaning;
};
inline constexpr std::array<DerivedRule, 1> derived_rules{{
    {0, 0.85,
     "cardiac output has fallen by more than 15 % from rest: a low-output state (bleeding or a "
     "failing heart; the vitals cannot tell which)"},
}};

/// A forecast's threshold on a beat metric's minute mean.
struct ForecastRule {
  std::string_view metric, unit;
  bool below;
  double threshold;
  std::string_view meaning;
};
inline constexpr std::array<ForecastRule, 1> forecast_rules{{
    {"mean_arterial_pressure", "mmHg", true, 65.0,
     "mean arterial pressure below 65 mmHg, the target in shock (Surviving Sepsis Campaign 2021)"},
}};

struct AlertOptions {
  double band_window = 600.0;  ///< s of observations a vital sign's median is over
  /// s: when the band window holds fewer readings than a band needs (band_readings_needed), the
  /// median takes the last ones needed from up to this far back (a breathing rate read each 5
  /// minutes needs about 20); none older.
  double band_reach = 3600.0;
  double agreement = 0.9;            ///< fraction of members past an estimate's threshold
  std::size_t persistence = 3;       ///< analyses running the agreement must hold
  double forecast_interval = 900.0;  ///< s between forecasts (0: none)
  double forecast_horizon = 1800.0;  ///< s a forecast looks ahead
  TrendOptions trend;
};

/// Whether most members agree, for long enough, that a threshold is passed: the rule of the
/// estimate and derived alerts.
struct Agreement {
  std::size_t running = 0;  ///< analyses running with at least `agreement` of the members past
  bool raised = false;      ///< raised, and not cleared since (fewer than half past)
  /// Takes this analysis's fraction of members past; true when the alert is due now.
  bool due(double fraction, const AlertOptions& options) noexcept;
};

struct Alert {
  std::int64_t time = 0;  ///< stream clock, s since the epoch
  AlertKind kind = AlertKind::vital_sign;
  std::string code;     ///< e.g. "vital-sign-below-band": the kind and the direction
  std::string subject;  ///< the measure, estimate or metric
  std::string unit;
  double value = 0.0;      ///< the median, the estimate's mean, or the forecast's extreme
  double threshold = 0.0;  ///< the limit it passed
  /// Estimates: the fraction of members past the threshold; forecasts: s from now until the
  /// crossing. NaN otherwise. (A trend's value and threshold: the CUSUM and h.)
  double probability = std::numeric_limits<double>::quiet_NaN();
  double lead_time = std::numeric_limits<double>::quiet_NaN();
  std::string severity;  ///< FHIR DetectedIssue.severity: high, moderate
  std::string detail;    ///< one sentence with the evidence
};

class AlertRules {
 public:
  /// `twin`: the patient's twin as the monitor starts from it (its resting vitals set the
  /// bands; a copy runs one minute to measure them).
  AlertRules(const Twin& twin, AlertOptions options = {});

  /// After each analysis: the observations gathered in it, and the monitor as it now is.
  /// Returns the alerts raised.
  std::vector<Alert> check(const std::vector<Observation>& observations, const Analysis& analysis,
                           const Monitor& monitor);
  /// When the stream has ended (after its last analysis's check): the trend test's blocks
  /// under way count now. Returns the alert that raises, if any.
  std::vector<Alert> end_of_stream();

  /// The patient's resting value of each streamed measure (the band's centre).
  [[nodiscard]] const std::array<double, streamed_measures.size()>& resting() const noexcept {
    return resting_;
  }
  /// The patient's resting value of each derived quantity.
  [[nodiscard]] const std::array<double, derived_count>& resting_derived() const noexcept {
    return resting_derived_;
  }
  [[nodiscard]] const AlertOptions& options() const noexcept { return options_; }
  /// The trend test (nullopt before the first analysis).
  [[nodiscard]] const std::optional<TrendTest>& trend() const noexcept { return trend_; }
  /// Each analysis's trend sums, one per pattern (empty until the test runs).
  [[nodiscard]] const std::vector<std::vector<double>>& trend_history() const noexcept {
    return trend_history_;
  }

 private:
  void check_vital_signs(std::int64_t now, const Monitor& monitor, std::vector<Alert>& out);
  void check_estimates(std::int64_t now, const Monitor& monitor, std::vector<Alert>& out);
  void check_derived(std::int64_t now, const Monitor& monitor, std::vector<Alert>& out);
  void check_forecast(std::int64_t now, const Monitor& monitor, std::vector<Alert>& out);
  void check_trend(const std::vector<Observation>& observations, const Monitor& monitor,
                   std::vector<Alert>& out);
  [[nodiscard]] Alert trend_alert(const TrendFinding& finding, std::int64_t time) const;

  AlertOptions options_;
  std::array<double, streamed_measures.size()> resting_{};
  std::array<double, derived_count> resting_derived_{};
  std::array<Agreement, derived_rules.size()> derived_agreement_{};
  std::array<std::deque<Observation>, streamed_measures.size()> recent_;
  std::array<bool, vital_band_rules.size()> band_raised_{};
  std::array<Agreement, estimate_rules.size()> estimate_agreement_{};
  std::array<bool, forecast_rules.size()> forecast_raised_{};
  std::optional<std::int64_t> last_forecast_;
  /// The twin as the monitor starts from it, kept until the trend test's patterns are made.
  std::optional<Twin> twin_at_rest_;
  std::optional<TrendTest> trend_;
  std::vector<std::vector<double>> trend_history_;
};

/// The alert as a FHIR R4 DetectedIssue resource, one line of JSON. Its time is given as the
/// year (HIPAA Safe Harbor: no date finer than the year leaves the tool) and as the time since
/// monitoring began, `start` (an extension, and in the detail).
[[nodiscard]] std::string detected_issue_json(const Alert& alert, std::int64_t start);

}  // namespace physiotwin::monitor
