#pragma once
// The figure of a plan's branches (src/cli/plan_figure.cpp; docs/planning.md, "The figure").
#include <filesystem>
#include <string>

#include "physiotwin/cohort/plan_run.hpp"

namespace physiotwin::cli {

struct PlanFigurePaths {
  std::filesystem::path svg, png;
};

/// Draws the branches of `run` overlaid with the baseline (aortic and LV pressure, the PV loop,
/// MAP and heart rate trends) to an SVG and a PNG, each written whole and renamed into place.
/// IoError if it cannot.
void write_plan_figure(const PlanFigurePaths& paths, const planning::Plan& plan,
                       const RunHeader& header, const planning::PlanRun& run,
                       const std::string& title);

}  // namespace physiotwin::cli
