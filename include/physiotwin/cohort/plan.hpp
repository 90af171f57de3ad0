#pragma once
// A plan (docs/planning.md): one patient's twin through a baseline, then forked into named
// branches, each a timeline of interventions, compared by outcomes with clinical thresholds.
// Read by src/cohort/plan_file.cpp, run by src/cohort/plan_run.cpp (library physiotwin::cohort).
//   {"format": "physiotwin-plan", "version": 1, "patient": "...", "baseline": {"duration": 120},
//    "branches": [{"name": "tavr", "duration": 180, "interventions": [{"time": 150, "action":
//    "aortic_valve_replacement", "effective_orifice_area": 1.8}]}],
//    "outcomes": [{"metric": "aortic_valve_mean_gradient", "window": [240, 300],
//                  "threshold": {"below": 20, "source": "VARC-3"}}]}
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "physiotwin/actions/action.hpp"
#include "physiotwin/cohort/cohort_description.hpp"
#include "physiotwin/io/run_header.hpp"
#include "physiotwin/model/body_model.hpp"

namespace physiotwin::planning {

inline constexpr const char* plan_format_name = "physiotwin-plan";
inline constexpr int plan_format_version = 1;
/// The most branches a plan may have: each runs on its own and is kept in memory until written.
inline constexpr std::size_t max_branches = 16;

/// A clinical threshold an outcome is judged by: "at_least" 65 (MAP >= 65 mmHg), "below" 20
/// (mean aortic gradient < 20 mmHg), "above", "at_most".
struct Threshold {
  enum class Kind { at_least, above, at_most, below };
  Kind kind = Kind::at_least;
  double value = 0.0;
  std::string source;  ///< where the threshold comes from ("VARC-3 2021", "SSC 2021")
  [[nodiscard]] bool met(double x) const noexcept;
  /// "< 20", ">= 65": for tables.
  [[nodiscard]] std::string text() const;
};

/// One outcome to compare: a statistic of a beat or breath metric over a window of simulated
/// time (s since the twin started; within the branches), with the threshold it is judged by.
struct Outcome {
  cohort::SummarySpec summary;
  std::optional<Threshold> threshold;
  std::string path;  ///< its JSON path, for messages ("plan.json: outcomes[2]")
};

/// A branch: from the end of the baseline, `duration` seconds with its interventions (times in
/// s since the twin started, so not before the baseline ends).
struct Branch {
  std::string name;
  std::string description;
  double duration = 0.0;
  std::vector<Action> actions;     ///< the interventions, as the twin applies them
  std::string interventions_json;  ///< as the plan gave them, for the output file
};

struct Plan {
  std::filesystem::path file;
  std::string description;
  std::filesystem::path model;    ///< empty: the default model
  std::filesystem::path patient;  ///< a patient file, FHIR record or twin file; empty: none
  std::vector<std::pair<std::string, double>> settings;  ///< `set`: the patient's condition
  double sample_rate = 100.0;                            ///< Hz, of every branch's time series
  double baseline_duration = 0.0;                        ///< s
  std::vector<Action> baseline_actions;
  std::vector<Branch> branches;
  std::vector<Outcome> outcomes;
};

/// Reads and checks a plan's structure; paths are made relative to the plan's folder. Actions
/// are checked against the model later (check_plan_actions()). InputError naming the file and
/// JSON path ("plan.json: branches[1].interventions[0].time: ...").
[[nodiscard]] Plan load_plan(const std::filesystem::path& file);

/// The plan's `set` as "NAME=VALUE" texts, as `--set` gives them (a run's parameter_overrides).
[[nodiscard]] std::vector<std::string> setting_texts(const Plan& plan);

/// Applies the plan's `set` (the patient's condition) to its personalised model; InputError
/// naming the plan and `set.NAME` for an unknown parameter or a value out of its range.
void apply_plan_settings(const Plan& plan, BodyModel& model);

/// Every branch is held in memory until the file is written (docs/planning.md): a plan whose
/// samples (`signals` series and the time, baseline and branches) exceed this is refused.
inline constexpr double max_plan_memory_bytes = 8e9;
/// The bytes of samples a plan holds in memory.
[[nodiscard]] double plan_memory_bytes(const Plan& plan, std::size_t signals);
/// InputError naming the plan when plan_memory_bytes() exceeds max_plan_memory_bytes.
void check_plan_memory(const Plan& plan, std::size_t signals);

/// Checks the plan against the personalised twin before anything is simulated: every action
/// against its model (parameters, ranges, sites, blood taken in sum, baseline and branch as one
/// timeline), every outcome's metric against its beat and breath metrics, and every outcome's
/// window against each branch's end. InputError naming the JSON path.
void check_plan(const Plan& plan, const RunHeader& twin);

}  // namespace physiotwin::planning
