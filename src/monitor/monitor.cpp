// The monitor's ensemble (include/physiotwin/monitor/monitor.hpp), compiled into
// physiotwin::cohort (OpenMP: the members advance in parallel).
#include "physiotwin/monitor/monitor.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "physiotwin/actions/action.hpp"
#include "physiotwin/core/error.hpp"
#include "physiotwin/model/parameter_groups.hpp"
#include "physiotwin/monitor/ensemble_kalman.hpp"

namespace physiotwin::monitor {

namespace {

constexpr std::size_t volume = std::size_t(Estimate::blood_volume);
constexpr std::size_t rate = std::size_t(Estimate::volume_rate);
constexpr std::size_t resistance = std::size_t(Estimate::resistance_factor);
constexpr std::size_t contractility = std::size_t(Estimate::contractility_factor);
constexpr std::size_t npos = std::numeric_limits<std::size_t>::max();

/// Rates (mL/min) at which an analysis moves a member's blood volume to its analysed value:
/// below the actions' limits (2,000 mL/min bleeding, 1,500 infusing), and fast, so that a
/// correction of tens of millilitres is done within seconds of the next interval.
constexpr double correction_bleed_rate = 1800.0, correction_infusion_rate = 1200.0;

/// The largest volume correction of one analysis, as a fraction of the twin's blood volume.
constexpr double largest_correction = 0.1;

/// Volume changes smaller than this (mL) are not applied: below what an analysis can tell.
constexpr double smallest_volume_change = 0.05;

std::size_t metric_index(const std::vector<MetricInfo>& metrics, std::string_view name) {
  for (std::size_t i = 0; i < metrics.size(); ++i)
    if (metrics[i].name == name) return i;
  return npos;
}

/// Blood taken from (change < 0) or given to (change > 0) a twin from now, `change` mL at
/// `ml_per_min`: as bleeding, or as a transfusion of whole blood.
void change_blood_volume(Twin& twin, double change, double ml_per_min, const char* origin) {
  Action a;
  a.kind = change < 0.0 ? ActionKind::hemorrhage : ActionKind::infusion;
  a.fluid = change < 0.0 ? "" : "blood";
  a.time = twin.time();
  a.volume = std::abs(change);
  a.rate = ml_per_min;
  a.origin = origin;
  twin.apply(std::move(a));
}

/// The twin's last beat's or breath's value of a streamed measure.
double last_value(const Twin& twin, Measure measure) {
  const std::string_view name = spec_of(measure).name;
  const std::size_t beat = metric_index(twin.beats().metrics(), name);
  if (beat != npos) return twin.beats().last_beat()[beat];
  if (twin.breaths()) {
    const std::size_t breath = metric_index(twin.breaths()->metrics(), name);
    if (breath != npos) return twin.breaths()->last_breath()[breath];
  }
  throw InputError(fmt::format("the twin does not compute {}", name));
}

}  // namespace

std::size_t streamed_index(Measure m) {
  for (std::size_t i = 0; i < streamed_measures.size(); ++i)
    if (streamed_measures[i] == m) return i;
  throw InputError(fmt::format("{} is not a measure the monitor takes", spec_of(m).name));
}

namespace {
/// InputError unless `sd` is an error SD the monitor takes for measure `i`.
void check_observation_sd(std::size_t i, double sd) {
  if (!(sd >= min_observation_sd && sd <= max_observation_sd)) {
    const MeasureSpec& spec = spec_of(streamed_measures[i]);
    throw InputError(fmt::format("observation SD of {} {:g}: allowed range [{:g}, {:g}] {}",
                                 spec.name, sd, min_observation_sd, max_observation_sd, spec.unit));
  }
}
}  // namespace

void set_observation_sd(MonitorOptions& options, std::string_view measure, double sd) {
  std::vector<std::string_view> names;
  for (std::size_t i = 0; i < streamed_measures.size(); ++i) {
    if (spec_of(streamed_measures[i]).name == measure) {
      check_observation_sd(i, sd);
      options.observation_sd[i] = sd;
      return;
    }
    names.push_back(spec_of(streamed_measures[i]).name);
  }
  throw InputError(fmt::format("observation SD of \"{}\": not a measure the monitor takes ({})",
                               measure, fmt::join(names, ", ")));
}

// ---- RecentMetrics ----

void RecentMetrics::begin(const RunHeader& header) {
  beat_metrics_ = header.beat_metrics;
  breath_metrics_ = header.breath_metrics;
  beats_.clear();
  breaths_.clear();
}

void RecentMetrics::beat(double t, std::span<const double> metrics) {
  beats_.push_back({t, {metrics.begin(), metrics.end()}});
  forget_before(beats_, t - window_);
}

void RecentMetrics::breath(double t, std::span<const double> metrics) {
  breaths_.push_back({t, {metrics.begin(), metrics.end()}});
  forget_before(breaths_, t - window_);
}

void RecentMetrics::forget_before(std::vector<Entry>& entries, double t) {
  auto first_recent =
      std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.time >= t; });
  entries.erase(entries.begin(), first_recent);
}

double RecentMetrics::mean_of(const std::vector<Entry>& entries, std::size_t metric, double from,
                              double to) {
  double sum = 0.0;
  std::size_t n = 0;
  for (const Entry& e : entries) {
    if (e.time < from || e.time > to) continue;
    sum += e.metrics[metric];
    ++n;
  }
  return n == 0 ? std::nan("") : sum / double(n);
}

double RecentMetrics::mean(std::string_view metric, double now) const {
  if (const std::size_t i = metric_index(beat_metrics_, metric); i != npos)
    return mean_of(beats_, i, now - window_, now);
  if (const std::size_t i = metric_index(breath_metrics_, metric); i != npos)
    return mean_of(breaths_, i, now - window_, now);
  throw InputError(fmt::format("the twin does not compute {}", metric));
}

double RecentMetrics::mean(Measure measure, double now) const {
  (void)streamed_index(measure);  // a measure the monitor takes
  return mean(spec_of(measure).name, now);
}

// ---- Monitor ----

Monitor::Monitor(const Twin& twin, std::int64_t start, MonitorOptions options)
    : start_(start), options_(options), rng_(options.seed) {
  if (options_.members < 2) throw InputError("a monitor needs at least 2 members");
  for (std::size_t i = 0; i < streamed_measures.size(); ++i)
    check_observation_sd(i, options_.observation_sd[i]);
  if (!(options_.analysis_interval >= 1.0 && options_.analysis_interval <= 3600.0)) {
    throw InputError(
        fmt::format("analysis interval {:g} s is outside [1, 3600] s", options_.analysis_interval));
  }
  const BodyModel& model = twin.model();
  if (!model.baroreflex)
    throw InputError("the monitor needs a model with a baroreflex (its resistance vessels)");
  for (const auto* group :
       {&model.baroreflex->splanchnic_resistance, &model.baroreflex->extrasplanchnic_resistance}) {
    for (std::size_t k : *group) {
      const std::string name = model.connections[k].name + ".resistance";
      resistances_.emplace_back(name, model.parameters.value(name));
    }
  }
  const std::optional<std::size_t> elastance = lv_end_systolic_elastance(model);
  if (!elastance) throw InputError("the monitor needs a model with a left ventricle");
  const Parameter& lv = model.parameters.all()[*elastance];
  elastances_.emplace_back(lv.name, lv.value);
  for (std::size_t e = 0; e < estimate_count; ++e) initial_[e] = estimate_specs[e].initial;
  initial_[volume] = twin.signal("blood.total_volume");

  members_.assign(options_.members, twin);
  for (Twin& member : members_) {
    recent_.push_back(std::make_unique<RecentMetrics>(options_.analysis_interval));
    member.add_recorder(*recent_.back());
  }
  values_.assign(options_.members, initial_);
  pending_.assign(options_.members, {});
  // The prior: each estimated quantity drawn around its starting value, the draws centred so
  // that the ensemble's mean starts at the twin's values (a small ensemble's mean would
  // otherwise start a sampling error away: 51 mL of blood volume with 8 members).
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<std::array<double, estimate_count>> draws(members_.size());
  std::array<double, estimate_count> mean_draw{};
  for (auto& d : draws) {
    for (std::size_t e = 0; e < estimate_count; ++e) {
      d[e] = options_.estimated[e] ? normal(rng_) : 0.0;
      mean_draw[e] += d[e] / double(draws.size());
    }
  }
  for (std::size_t m = 0; m < members_.size(); ++m) {
    std::array<double, estimate_count> v = initial_;
    for (std::size_t e = 0; e < estimate_count; ++e) {
      const EstimateSpec& spec = estimate_specs[e];
      v[e] = std::clamp(v[e] + spec.prior_sd * scale_of(e) * (draws[m][e] - mean_draw[e]),
                        spec.lower * scale_of(e), spec.upper * scale_of(e));
    }
    impose(m, v);
  }
}

Monitor::Monitor(Monitor&&) noexcept = default;
Monitor& Monitor::operator=(Monitor&&) noexcept = default;
Monitor::~Monitor() = default;

double Monitor::scale_of(std::size_t e) const noexcept {
  return estimate_specs[e].relative ? initial_[e] : 1.0;
}

std::array<double, estimate_count> Monitor::values_of(std::size_t m) const {
  std::array<double, estimate_count> v = values_[m];
  v[volume] = members_[m].signal("blood.total_volume") + undelivered(m);
  return v;
}

std::vector<std::array<double, estimate_count>> Monitor::member_values() const {
  std::vector<std::array<double, estimate_count>> all;
  for (std::size_t m = 0; m < members_.size(); ++m) all.push_back(values_of(m));
  return all;
}

void Monitor::apply_volume_rate(Twin& twin, double rate_ml_per_hour, double seconds) {
  const double change = rate_ml_per_hour * seconds / 3600.0;
  if (std::abs(change) < smallest_volume_change || seconds <= 0.0) return;
  change_blood_volume(twin, change, std::abs(rate_ml_per_hour) / 60.0,
                      "monitor: estimated volume rate");
}

void Monitor::impose(std::size_t m, const std::array<double, estimate_count>& v) {
  Twin& twin = members_[m];
  // At most a tenth of the blood volume per correction: the analysis of a widely inflated
  // ensemble may ask for litres at once, which no circulation survives in seconds.
  const double largest = largest_correction * initial_[volume];
  const double change = std::clamp(v[volume] - (twin.signal("blood.total_volume") + undelivered(m)),
                                   -largest, largest);
  if (std::abs(change) >= smallest_volume_change) {
    const double ml_per_min = change < 0.0 ? correction_bleed_rate : correction_infusion_rate;
    const double now = twin.time();
    pending_[m].push_back({now, now + std::abs(change) / ml_per_min * 60.0, change});
    change_blood_volume(twin, change, ml_per_min, "monitor: analysis");
  }
  if (v[resistance] != values_[m][resistance]) {
    for (const auto& [name, base] : resistances_) twin.set_parameter(name, base * v[resistance]);
  }
  if (v[contractility] != values_[m][contractility]) {
    for (const auto& [name, base] : elastances_) twin.set_parameter(name, base * v[contractility]);
  }
  values_[m] = v;
}

double Monitor::undelivered(std::size_t m) const {
  const double now = members_[m].time();
  double left = 0.0;
  for (const VolumeChange& c : pending_[m]) {
    if (now >= c.end) continue;
    left += c.volume * (c.end - std::max(now, c.start)) / (c.end - c.start);
  }
  return left;
}

void Monitor::drift(double hours) {
  if (hours <= 0.0) return;
  std::normal_distribution<double> normal(0.0, 1.0);
  for (std::size_t m = 0; m < members_.size(); ++m) {
    std::array<double, estimate_count> v = values_of(m);
    for (std::size_t e = 0; e < estimate_count; ++e) {
      if (!options_.estimated[e]) continue;
      const EstimateSpec& spec = estimate_specs[e];
      const double scale = scale_of(e), centre = initial_[e];
      // Ornstein-Uhlenbeck over `hours`, exactly (a random walk without reversion).
      double decay = 1.0, spread = spec.drift_per_hour * std::sqrt(hours);
      if (spec.reversion_hours > 0.0) {
        decay = std::exp(-hours / spec.reversion_hours);
        spread =
            spec.drift_per_hour * std::sqrt((1.0 - decay * decay) * spec.reversion_hours / 2.0);
      }
      v[e] = std::clamp(centre + (v[e] - centre) * decay + spread * scale * normal(rng_),
                        spec.lower * scale, spec.upper * scale);
    }
    impose(m, v);
  }
}

void Monitor::advance_to(double target) {
  if (target <= elapsed_) return;
  const double step = target - elapsed_;
  drift(step / 3600.0);
  for (std::size_t m = 0; m < members_.size(); ++m) {
    apply_volume_rate(members_[m], values_[m][rate], step);
    // The volume the rate moves is the member's own from now on: its estimate follows it.
  }
  const long count = long(members_.size());
  // A member whose solver fails (values the analysis drew that its circulation cannot live
  // with: a vein emptied) is replaced below; an exception must not leave the parallel loop.
  std::vector<char> failed(members_.size(), 0);
  std::vector<std::string> reasons(members_.size());
#pragma omp parallel for schedule(dynamic, 1)
  for (long m = 0; m < count; ++m) {
    try {
      members_[std::size_t(m)].advance(step);
    } catch (const SolverError& e) {
      failed[std::size_t(m)] = 1;
      reasons[std::size_t(m)] = e.what();
    }
  }
  elapsed_ = target;
  replace_failed(failed, reasons);
  for (std::size_t m = 0; m < members_.size(); ++m) {  // forget the corrections done
    const double now = members_[m].time();
    std::erase_if(pending_[m], [&](const VolumeChange& c) { return c.end <= now; });
  }
}

void Monitor::replace_failed(const std::vector<char>& failed,
                             const std::vector<std::string>& reasons) {
  std::vector<std::size_t> alive;
  for (std::size_t m = 0; m < members_.size(); ++m)
    if (!failed[m]) alive.push_back(m);
  if (alive.size() == members_.size()) return;
  if (alive.empty()) {
    throw SolverError(
        fmt::format(
            "every member of the monitor's ensemble failed {:.0f} s after monitoring began; the "
            "first: {}",
            elapsed_, reasons.front().substr(0, 300)),
        elapsed_);
  }
  // Each failed member becomes a copy of a surviving one drawn at random: the ensemble keeps
  // its size, and the values no circulation could live with are dropped (as a particle
  // filter drops a particle of no weight).
  std::uniform_int_distribution<std::size_t> pick(0, alive.size() - 1);
  for (std::size_t m = 0; m < members_.size(); ++m) {
    if (!failed[m]) continue;
    const std::size_t source = alive[pick(rng_)];
    members_[m] = members_[source];
    members_[m].add_recorder(*recent_[m]);
    *recent_[m] = *recent_[source];
    values_[m] = values_[source];
    pending_[m] = pending_[source];
    ++replaced_;
  }
}

void Monitor::analyse(Analysis& analysis) {
  std::vector<std::size_t> observed;  // streamed measures with observations this interval
  for (std::size_t i = 0; i < streamed_measures.size(); ++i)
    if (analysis.count[i] > 0) observed.push_back(i);
  std::vector<std::size_t> estimated;
  for (std::size_t e = 0; e < estimate_count; ++e)
    if (options_.estimated[e]) estimated.push_back(e);
  if (observed.empty() || estimated.empty()) return;

  const auto n = Eigen::Index(estimated.size()), members = Eigen::Index(members_.size());
  const auto k = Eigen::Index(observed.size());
  Eigen::MatrixXd x(n, members), predicted(k, members);
  Eigen::VectorXd y(k), variance(k), lower(n), upper(n);
  std::vector<std::array<double, estimate_count>> before(members_.size());
  for (Eigen::Index j = 0; j < members; ++j) {
    const std::size_t m = std::size_t(j);
    before[m] = values_of(m);
    for (Eigen::Index r = 0; r < n; ++r) x(r, j) = before[m][estimated[std::size_t(r)]];
    const double now = members_[m].time();
    for (Eigen::Index i = 0; i < k; ++i) {
      const Measure measure = streamed_measures[observed[std::size_t(i)]];
      double p = recent_[m]->mean(measure, now);
      if (std::isnan(p)) p = last_value(members_[m], measure);  // nothing completed in it
      predicted(i, j) = p;
    }
  }
  for (Eigen::Index i = 0; i < k; ++i) {
    const std::size_t s = observed[std::size_t(i)];
    y[i] = analysis.observed[s];
    const double sd = options_.observation_sd[s];
    variance[i] = sd * sd / double(analysis.count[s]);
  }
  for (Eigen::Index r = 0; r < n; ++r) {
    const std::size_t e = estimated[std::size_t(r)];
    lower[r] = estimate_specs[e].lower * scale_of(e);
    upper[r] = estimate_specs[e].upper * scale_of(e);
  }
  const double variance_inflation = adaptive_inflation(predicted, y, variance);
  analysis.inflation = variance_inflation;
  ensemble_analysis(x, predicted, y, variance, rng_,
                    {.inflation = options_.inflation * std::sqrt(variance_inflation)}, lower,
                    upper);
  for (Eigen::Index j = 0; j < members; ++j) {
    std::array<double, estimate_count> v = before[std::size_t(j)];
    for (Eigen::Index r = 0; r < n; ++r) v[estimated[std::size_t(r)]] = x(r, j);
    impose(std::size_t(j), v);
  }
}

double Monitor::adaptive_inflation(const Eigen::MatrixXd& predicted, const Eigen::VectorXd& y,
                                   const Eigen::VectorXd& variance) {
  if (options_.adaptive_window == 0) return 1.0;
  InnovationSums sums;
  const double members = double(predicted.cols());
  for (Eigen::Index i = 0; i < predicted.rows(); ++i) {
    const double mean = predicted.row(i).mean();
    const double spread = (predicted.row(i).array() - mean).square().sum() / (members - 1.0);
    const double d = y[i] - mean;
    sums.consistency += d * d / (variance[i] + spread);
    sums.innovation += d * d / variance[i];
    sums.spread += spread / variance[i];
    ++sums.count;
  }
  recent_innovations_.push_back(sums);
  if (recent_innovations_.size() > options_.adaptive_window)
    recent_innovations_.erase(recent_innovations_.begin());
  InnovationSums total;
  for (const InnovationSums& s : recent_innovations_) {
    total.consistency += s.consistency;
    total.innovation += s.innovation;
    total.spread += s.spread;
    total.count += s.count;
  }
  const double k = double(total.count);
  // The chi-square's 99.7th percentile, by its normal approximation (k is tens).
  if (total.consistency <= k + 3.0 * std::sqrt(2.0 * k) || total.spread <= 0.0) return 1.0;
  recent_innovations_.clear();  // judged again from innovations of the inflated ensemble
  return std::clamp((total.innovation - k) / total.spread, 1.0, options_.max_adaptive);
}

std::optional<Analysis> Monitor::close_interval_at(std::int64_t time) {
  const double target = double(time - start_);
  if (target < elapsed_) {
    throw InputError(
        fmt::format("an interval cannot close {} s before the monitor's time", elapsed_ - target));
  }
  if (target == elapsed_) return std::nullopt;
  advance_to(target);
  Analysis analysis;
  analysis.time = time;
  for (std::size_t i = 0; i < streamed_measures.size(); ++i) {
    analysis.count[i] = count_[i];
    analysis.observed[i] = count_[i] == 0 ? std::nan("") : sum_[i] / double(count_[i]);
  }
  analyse(analysis);
  sum_.fill(0.0);
  count_.fill(0);
  analysis.estimates = estimates();
  return analysis;
}

std::vector<Analysis> Monitor::observe(const std::vector<Observation>& observations) {
  std::vector<Analysis> done;
  const double interval = options_.analysis_interval;
  for (const Observation& o : observations) {
    const double t = double(o.time - start_);
    if (t < elapsed_) {
      throw InputError(fmt::format(
          "line {}: the observation is before the interval the monitor is gathering", o.line));
    }
    // The interval the observation belongs to ends at the first multiple of the interval at
    // or after it; every interval before that one is closed first.
    const double end = std::max(interval, std::ceil(t / interval) * interval);
    while (end - elapsed_ > interval * (1.0 + 1e-9)) {
      if (auto a = close_interval_at(start_ + std::int64_t(elapsed_ + interval))) {
        done.push_back(*a);
      }
    }
    const std::size_t i = streamed_index(o.measure);
    sum_[i] += o.value;
    ++count_[i];
  }
  return done;
}

std::vector<std::array<double, derived_count>> Monitor::member_derived() const {
  std::vector<std::array<double, derived_count>> all(members_.size());
  for (std::size_t m = 0; m < members_.size(); ++m)
    for (std::size_t d = 0; d < derived_count; ++d)
      all[m][d] = recent_[m]->mean(derived_specs[d].name, members_[m].time());
  return all;
}

namespace {

/// Mean and SD over members of each column.
template <std::size_t N>
void summarise(const std::vector<std::array<double, N>>& all, std::array<double, N>& mean,
               std::array<double, N>& sd) {
  const double count = double(all.size());
  mean.fill(0.0);
  sd.fill(0.0);
  for (const auto& v : all)
    for (std::size_t e = 0; e < N; ++e) mean[e] += v[e] / count;
  for (const auto& v : all)
    for (std::size_t e = 0; e < N; ++e)
      sd[e] += (v[e] - mean[e]) * (v[e] - mean[e]) / (count - 1.0);
  for (double& x : sd) x = std::sqrt(x);
}

}  // namespace

EstimateSummary Monitor::estimates() const {
  EstimateSummary s;
  summarise(member_values(), s.mean, s.sd);
  summarise(member_derived(), s.derived_mean, s.derived_sd);
  return s;
}

Twin Monitor::central_member() const {
  const EstimateSummary s = estimates();
  std::size_t best = 0;
  double best_distance = std::numeric_limits<double>::infinity();
  for (std::size_t m = 0; m < members_.size(); ++m) {
    const auto v = values_of(m);
    double d = 0.0;
    for (std::size_t e = 0; e < estimate_count; ++e) {
      if (!options_.estimated[e]) continue;
      const double unit = estimate_specs[e].prior_sd * scale_of(e);
      d += (v[e] - s.mean[e]) * (v[e] - s.mean[e]) / (unit * unit);
    }
    if (d < best_distance) {
      best_distance = d;
      best = m;
    }
  }
  return members_[best];
}

}  // namespace physiotwin::monitor
