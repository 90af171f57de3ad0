#pragma once
// A plan's file (docs/planning.md, "The file"): the baseline and every branch in the single-twin
// layout, and the comparison table. Written whole under a temporary name and renamed, as every
// output (docs/architecture.md, "Output files"). Compiled (src/cohort/plan_output.cpp).
#include <filesystem>
#include <vector>

#include "physiotwin/cohort/plan_run.hpp"
#include "physiotwin/trust/signing_key.hpp"

namespace physiotwin::planning {

inline constexpr const char* plan_file_format_name = "physiotwin-plan-result";
inline constexpr int plan_file_format_version = 1;

/// Writes `run` of `plan` (on the twin `header` describes) and its comparison `rows` to `out`.
/// IoError if it cannot; nothing is left behind then. `signing_key`: the file is signed with it
/// before it is moved into place (docs/security.md); none: unsigned.
void write_plan_file(const std::filesystem::path& out, const Plan& plan, const RunHeader& header,
                     const PlanRun& run, const std::vector<ComparisonRow>& rows,
                     const trust::SigningKey* signing_key = nullptr);

}  // namespace physiotwin::planning
