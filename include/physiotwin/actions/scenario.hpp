#pragma once
// Scenario files: a duration and a timeline of actions (docs/scenarios.md). Compiled
// (src/files/scenario_file.cpp, library physiotwin::physiotwin).
//   {"duration": 600, "actions": [{"time": 60, "action": "hemorrhage", "rate": 100, "volume":
//   500}]}
#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "physiotwin/actions/action.hpp"

namespace physiotwin {

class JsonView;  // core/json_reader.hpp

struct Scenario {
  double duration = 0.0;  ///< s
  std::vector<Action> actions;
};

/// Reads one action of the scenario format (docs/scenarios.md) from a JSON object; without
/// "time", at `default_time` (NaN: "time" is required). Not yet checked against a model:
/// validate_action() or Twin::schedule() does that.
[[nodiscard]] Action parse_action(const JsonView& node, double default_time = std::nan(""));

/// Most blood a scenario may take, net of what it gives back, as a fraction of the patient's
/// blood volume. ATLS class IV (life-threatening) starts at 40 %; at half the blood volume the
/// twin's mean pressure is under 30 mmHg (exsanguination), and beyond it the heart empties and
/// the twin fails within minutes (measured: 55 % fails at 5 min, 50 % runs; docs/scenarios.md).
inline constexpr double max_net_blood_loss_fraction = 0.5;
/// Most fluid a scenario may infuse in all, mL (a day's resuscitation; docs/scenarios.md).
inline constexpr double max_total_infusion_ml = 10000.0;

/// Checks what a scenario does in sum, in time order: the net loss of blood (each haemorrhage
/// counted in full from its start, each infusion only once given in full) against the blood
/// volume, every parameter change against the rules between parameters as they stand then,
/// and the total infused. Each refusal names the action's JSON path.
void check_scenario_totals(const Scenario& scenario, const BodyModel& model);

/// Reads a scenario file and checks every action against the model (`check`: all of it, or
/// before personalising only what no patient changes); an error names the file and JSON path
/// ("scenario.json: actions[2].volume: ..."). Nothing is simulated before all of it is valid.
[[nodiscard]] Scenario load_scenario(const std::filesystem::path& file, const BodyModel& model,
                                     ActionCheck check = ActionCheck::complete);

}  // namespace physiotwin
