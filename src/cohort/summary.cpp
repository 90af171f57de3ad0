// Statistics of beat and breath metrics over windows (cohort/summary.hpp).
#include "physiotwin/cohort/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string_view>

#include "physiotwin/core/json_reader.hpp"

namespace physiotwin::cohort {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

Statistic read_statistic(const JsonView& node) {
  const std::string s = node.string();
  for (Statistic candidate :
       {Statistic::mean, Statistic::min, Statistic::max, Statistic::sd, Statistic::last})
    if (s == statistic_name(candidate)) return candidate;
  node.fail(fmt::format("unknown statistic \"{}\" (mean, min, max, sd or last)", s));
}

}  // namespace

SummarySpec read_summary_spec(const JsonView& s) {
  SummarySpec spec;
  spec.metric = s["metric"].string();
  if (s.has("statistic")) spec.statistic = read_statistic(s["statistic"]);
  const JsonView window = s["window"];
  if (window.array_size() != 2) window.fail("is [from, to] in seconds");
  spec.from = window.at_index(0).number();
  spec.to = window.at_index(1).number();
  if (!(spec.from >= 0.0 && spec.to > spec.from)) window.fail("needs 0 <= from < to");
  spec.column = s.has("name") ? s["name"].string()
                              : fmt::format("{}_{}", spec.metric, statistic_name(spec.statistic));
  return spec;
}

double summarise(const SummarySpec& spec, const std::vector<double>& times,
                 const std::vector<std::vector<double>>& events, std::size_t metric) {
  std::vector<double> values;
  for (std::size_t i = 0; i < times.size(); ++i)
    if (times[i] >= spec.from && times[i] < spec.to) values.push_back(events[i][metric]);
  if (values.empty()) return nan;
  switch (spec.statistic) {
    case Statistic::min:
      return *std::min_element(values.begin(), values.end());
    case Statistic::max:
      return *std::max_element(values.begin(), values.end());
    case Statistic::last:
      return values.back();
    case Statistic::mean:
    case Statistic::sd: {
      double mean = 0.0;
      for (double v : values) mean += v;
      mean /= double(values.size());
      if (spec.statistic == Statistic::mean) return mean;
      if (values.size() < 2) return nan;
      double squares = 0.0;
      for (double v : values) squares += (v - mean) * (v - mean);
      return std::sqrt(squares / double(values.size() - 1));  // sample standard deviation
    }
  }
  return nan;
}

std::optional<MetricSource> find_metric(const RunHeader& header, const std::string& name) {
  for (std::size_t m = 0; m < header.beat_metrics.size(); ++m)
    if (header.beat_metrics[m].name == name) return MetricSource{false, m};
  for (std::size_t m = 0; m < header.breath_metrics.size(); ++m)
    if (header.breath_metrics[m].name == name) return MetricSource{true, m};
  return std::nullopt;
}

}  // namespace physiotwin::cohort
