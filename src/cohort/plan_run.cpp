// Running a plan (cohort/plan_run.hpp). The branches are forks of one twin (Twin's copy: the
// past shared bit for bit), so their differences are the interventions' and nothing else's.
#include "physiotwin/cohort/plan_run.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>

#include "physiotwin/cohort/summary.hpp"
#include "physiotwin/metrics/normal_ranges.hpp"

namespace physiotwin::planning {

namespace {

/// Advances in pieces of at most 1 s of simulated time, so that an interruption stops a run
/// within a second (the pieces do not change the result: outputs come from the interpolant).
void advance_to(Twin& twin, double end, CancellationFlag cancel) {
  while (twin.time() < end) {
    check_cancelled(cancel);
    twin.advance(std::min(1.0, end - twin.time()));
  }
}

double measure(const cohort::SummarySpec& spec, const RunHeader& header,
               const MemoryRecorder& record) {
  const auto source = cohort::find_metric(header, spec.metric);
  if (!source) return std::numeric_limits<double>::quiet_NaN();
  return source->breath
             ? cohort::summarise(spec, record.breath_times, record.breaths, source->index)
             : cohort::summarise(spec, record.beat_times, record.beats, source->index);
}

}  // namespace

cohort::SummarySpec baseline_window(const Outcome& outcome, double baseline_end) {
  cohort::SummarySpec spec = outcome.summary;
  const double length = spec.to - spec.from;
  spec.from = std::max(0.0, baseline_end - length);
  spec.to = baseline_end;
  return spec;
}

std::vector<ComparisonRow> compare(const Plan& plan, const RunHeader& header, const PlanRun& run,
                                   const std::string& sex) {
  std::vector<ComparisonRow> rows;
  for (std::size_t o = 0; o < plan.outcomes.size(); ++o) {
    const Outcome& outcome = plan.outcomes[o];
    ComparisonRow row;
    row.outcome = &outcome;
    if (const auto source = cohort::find_metric(header, outcome.summary.metric)) {
      row.unit = source->breath ? header.breath_metrics[source->index].unit
                                : header.beat_metrics[source->index].unit;
    }
    row.baseline = run.baseline_outcomes[o];
    for (const BranchRun& branch : run.branches) row.values.push_back(branch.outcomes[o]);
    // A normal range describes a mean over beats, not a variability: none beside an sd.
    if (outcome.summary.statistic != cohort::Statistic::sd) {
      if (const auto normal = normal_range(outcome.summary.metric, sex)) {
        row.normal_low = normal->low;
        row.normal_high = normal->high;
        row.normal_source = std::string(normal->source);
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

PlanRun run_plan(const Plan& plan, Session& session, int threads, CancellationFlag cancel) {
  PlanRun run;
  Twin& twin = session.twin();
  const RunHeader& header = session.header();
  run.baseline.keep_samples = true;
  session.add_recorder(run.baseline);
  for (const Action& a : plan.baseline_actions) twin.schedule(a);
  advance_to(twin, plan.baseline_duration, cancel);
  for (const Outcome& o : plan.outcomes) {
    run.baseline_outcomes.push_back(
        measure(baseline_window(o, plan.baseline_duration), header, run.baseline));
  }

  run.branches.resize(plan.branches.size());
  std::exception_ptr first_error;
  std::mutex errors;
  const long count = long(plan.branches.size());
#pragma omp parallel for schedule(dynamic, 1) \
    num_threads(threads > 0 ? threads : omp_get_max_threads())
  for (long i = 0; i < count; ++i) {
    const Branch& branch = plan.branches[std::size_t(i)];
    BranchRun& out = run.branches[std::size_t(i)];
    try {
      Twin fork(twin);  // the past shared; recorders are not copied
      fork.add_recorder(out.record, header);
      for (const Action& a : branch.actions) fork.schedule(a);
      try {
        advance_to(fork, plan.baseline_duration + branch.duration, cancel);
      } catch (const SolverError& e) {  // the branch's own failure: reported with the others
        out.error = e.what();
      }
      // A branch that failed is not measured: its partial record could look like a target met.
      for (const Outcome& o : plan.outcomes) {
        out.outcomes.push_back(out.error.empty() ? measure(o.summary, header, out.record)
                                                 : std::numeric_limits<double>::quiet_NaN());
      }
    } catch (...) {  // nothing may leave an OpenMP region: kept, rethrown below
      const std::lock_guard<std::mutex> lock(errors);
      if (!first_error) first_error = std::current_exception();
    }
  }
  if (first_error) std::rethrow_exception(first_error);
  check_cancelled(cancel);
  return run;
}

}  // namespace physiotwin::planning
