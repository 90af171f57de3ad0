#pragma once
// One statistic of a beat or breath metric over a window of simulated time: a cohort's summary
// column (docs/cohorts.md) and a plan's outcome (docs/planning.md) alike. Compiled
// (src/cohort/summary.cpp, library physiotwin::cohort).
#include <optional>
#include <string>
#include <vector>

#include "physiotwin/cohort/cohort_description.hpp"
#include "physiotwin/io/run_header.hpp"

namespace physiotwin {
class JsonView;
}  // namespace physiotwin

namespace physiotwin::cohort {

/// {"metric", "statistic" (default mean), "window": [from, to], "name"}; the column's name is
/// "<metric>_<statistic>" unless named. The caller rejects members it does not know (a plan's
/// outcome has a threshold too); InputError naming the JSON path for a bad value.
[[nodiscard]] SummarySpec read_summary_spec(const JsonView& node);

/// The statistic over the events starting in [from, to); NaN without one (or, for sd, with one).
[[nodiscard]] double summarise(const SummarySpec& spec, const std::vector<double>& times,
                               const std::vector<std::vector<double>>& events, std::size_t metric);

/// Where a metric comes from: the beats' or the breaths' metrics, and its index there.
struct MetricSource {
  bool breath = false;
  std::size_t index = 0;
};
[[nodiscard]] std::optional<MetricSource> find_metric(const RunHeader& header,
                                                      const std::string& name);

}  // namespace physiotwin::cohort
