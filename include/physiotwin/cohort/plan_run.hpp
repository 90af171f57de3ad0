#pragma once
// Running a plan (cohort/plan.hpp, docs/planning.md): the twin through the baseline once, then
// one fork per branch, the branches in parallel (OpenMP), each with its interventions; every
// outcome measured per branch and over the baseline's own last seconds.
#include <cmath>
#include <string>
#include <vector>

#include "physiotwin/cohort/plan.hpp"
#include "physiotwin/core/cancellation.hpp"
#include "physiotwin/io/recorder.hpp"
#include "physiotwin/session.hpp"

namespace physiotwin::planning {

/// One branch, run from the fork on.
struct BranchRun {
  MemoryRecorder record;         ///< samples, beats, breaths and actions from the fork on
  std::vector<double> outcomes;  ///< per plan outcome; NaN without an event in its window
  std::string error;             ///< a solver failure: when and in which state; empty if none
};

struct PlanRun {
  MemoryRecorder baseline;                ///< the shared past, from the start to the fork
  std::vector<double> baseline_outcomes;  ///< each outcome's statistic over the baseline's end
  std::vector<BranchRun> branches;        ///< in the plan's order
};

/// One outcome across the branches: the comparison table's row.
struct ComparisonRow {
  const Outcome* outcome = nullptr;
  std::string unit;            ///< the metric's
  double baseline = 0.0;       ///< over the baseline's end (baseline_window())
  std::vector<double> values;  ///< per branch
  double normal_low = std::nan(""), normal_high = std::nan("");  ///< NaN: no published range
  std::string normal_source;
};

/// The comparison table of a run plan, one row per outcome; normal ranges for `sex`.
[[nodiscard]] std::vector<ComparisonRow> compare(const Plan& plan, const RunHeader& header,
                                                 const PlanRun& run, const std::string& sex);

/// The window of the baseline an outcome is compared with: as long as the outcome's window,
/// ending where the baseline does (shorter if the baseline is).
[[nodiscard]] cohort::SummarySpec baseline_window(const Outcome& outcome, double baseline_end);

/// Runs `plan` on `session`'s twin (fresh, at its start; check_plan() passed). `threads` 0:
/// OpenMP's default. A branch whose solver fails keeps its error and the others run on; an
/// interruption (`cancel`) throws Cancelled.
[[nodiscard]] PlanRun run_plan(const Plan& plan, Session& session, int threads,
                               CancellationFlag cancel);

}  // namespace physiotwin::planning
