#pragma once
// Running a cohort's members (docs/cohorts.md, "Running"): a plan made once (the model read,
// the population drawn, scenarios and summary columns checked, so that a bad description fails
// before anything runs), then each member personalised, simulated and summarised on its own.
// Members share nothing mutable, so a member's result is the same on any thread, in any order,
// with any number of threads, in any process (OpenMP here; MPI ranks and Dask workers run the
// same run_member()).
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "physiotwin/cohort/cohort_description.hpp"
#include "physiotwin/cohort/population.hpp"
#include "physiotwin/core/cancellation.hpp"
#include "physiotwin/io/recorder.hpp"
#include "physiotwin/io/run_header.hpp"
#include "physiotwin/twin.hpp"

namespace physiotwin::cohort {

/// A column of the summary besides the metrics: what each member was made from.
struct InputColumn {
  std::string name;  ///< "age_years", "height_cm", "weight_kg", or a parameter's name
  std::string unit;
  std::string description;
};

/// What every member needs, prepared once.
struct CohortPlan {
  CohortDescription description;
  BodyModel model;                              ///< as loaded, not personalised
  std::vector<VirtualMember> virtual_members;   ///< a population's members, drawn
  std::map<std::string, std::size_t> rejected;  ///< draws rejected, by reason
  std::size_t design_points = 0;                ///< design points used, rejected ones included
  std::vector<InputColumn> inputs;              ///< body, then drawn parameters
  std::vector<SummarySpec> summaries;           ///< the description's, or the defaults
  std::vector<MetricInfo> summary_metrics;      ///< each summary's metric (name, unit, text)
  TwinOptions twin_options;
  /// A sensitivity analysis's design (one of them): its points are the virtual members.
  std::optional<SaltelliDesign> saltelli;
  std::optional<MorrisDesign> morris;

  [[nodiscard]] std::size_t size() const noexcept { return description.size(); }
};

/// Prepares `description` (model: its own, else `default_model`). InputError for anything
/// wrong that is not one member's own: a parameter the model lacks, a scenario that does not
/// fit the model, a summary of a metric the model does not have.
[[nodiscard]] CohortPlan plan_cohort(CohortDescription description,
                                     const std::filesystem::path& default_model);

enum class MemberStatus { ok, input_error, solver_error, failed };
[[nodiscard]] const char* status_name(MemberStatus s) noexcept;

/// One member, run.
struct MemberResult {
  std::size_t index = 0;
  MemberStatus status = MemberStatus::failed;
  std::string error;            ///< one line; the library's messages never quote a record's values
  Patient patient;              ///< de-identified (a record's member: its random code)
  std::vector<double> inputs;   ///< per CohortPlan::inputs (body values; NaN: not drawn)
  std::vector<double> summary;  ///< per CohortPlan::summaries (NaN: no event in the window)
  std::optional<RunHeader> header;  ///< the run as it began (members that ran)
  MemoryRecorder record;            ///< beats, breaths, actions; samples if kept
  /// The applied actions as the file stores them: name and details (JSON), per action_times.
  std::vector<std::string> action_names, action_details;
  double simulated = 0.0;  ///< s
  double seconds = 0.0;    ///< wall-clock, this member

  [[nodiscard]] bool ok() const noexcept { return status == MemberStatus::ok; }
};

/// Personalises, simulates and summarises member `index`. Never throws for the member's own
/// failures (a bad record, a solver failure): they are its status and error. Throws Cancelled
/// when `cancel` is set.
[[nodiscard]] MemberResult run_member(const CohortPlan& plan, std::size_t index,
                                      CancellationFlag cancel = nullptr);

/// Runs `members` (indices into the plan) on `threads` threads (OpenMP; 0: as many as the
/// machine has), dynamically scheduled. `finished` receives each result as it completes, one
/// at a time (never concurrently), in completion order. An exception from `finished` or a set
/// `cancel` stops the members not yet started; it is rethrown once the running ones end.
void run_members(const CohortPlan& plan, const std::vector<std::size_t>& members, int threads,
                 const std::function<void(MemberResult&&)>& finished,
                 CancellationFlag cancel = nullptr);

/// One input's sensitivity for one output (one summary column).
struct SensitivityRow {
  std::string output, input;
  SobolIndices sobol;    ///< method sobol
  MorrisEffects morris;  ///< method morris
  std::size_t used = 0;  ///< Sobol: base samples all of whose runs succeeded
};

/// The indices or effects of every summary column on every input of a sensitivity plan;
/// `summaries` holds each member's summary values (MemberResult::summary), in member order.
/// A column whose output does not vary, or with too few successful runs, is left out with a
/// note in `skipped`.
[[nodiscard]] std::vector<SensitivityRow> analyse_sensitivity(
    const CohortPlan& plan, const std::vector<std::vector<double>>& summaries,
    std::vector<std::string>& skipped);

/// The threads run_members() uses for `threads` (0: OpenMP's default for this machine).
[[nodiscard]] int cohort_threads(int threads);

}  // namespace physiotwin::cohort
