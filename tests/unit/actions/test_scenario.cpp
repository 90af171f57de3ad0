// Scenario files (actions/scenario.hpp): a scenario's totals are checked before anything is
// simulated (issue 11, part 5: the cases are the issue's own), and before a model is
// personalised, what no patient changes.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../../helpers.hpp"
#include "physiotwin/actions/scenario.hpp"

using namespace physiotwin;
using test_support::contains;

namespace {

/// The error of a 600 s scenario with these actions, checked as `check` says ("(no error)").
std::string guarded_scenario_error(const std::filesystem::path& folder, const BodyModel& model,
                                   const std::string& actions, ActionCheck check) {
  const auto path = folder / "scenario.json";
  std::ofstream(path) << R"({"duration": 600, "actions": [)" << actions << "]}";
  try {
    (void)load_scenario(path, model, check);
  } catch (const InputError& e) {
    return std::string(e.what());
  }
  return std::string("(no error)");
}

}  // namespace

// Five 3000 mL haemorrhages passed validation and failed 14 s later.
TEST(PhysicalGuards, ScenarioTotalsAreCheckedBeforeAnythingIsSimulated) {
  const BodyModel model = test_support::reference_model();
  const auto folder = test_support::private_folder("scenario_totals");
  auto scenario_error = [&](const std::string& actions) {
    return guarded_scenario_error(folder, model, actions, ActionCheck::complete);
  };
  std::vector<std::string> bleed;
  for (int i = 0; i < 5; ++i) {
    bleed.push_back(fmt::format(
        R"({{"time": {}, "action": "hemorrhage", "rate": 2000, "volume": 3000}})", 5 * i));
  }
  const std::string bleeds = fmt::format("{}", fmt::join(bleed, ", "));
  const std::string e = scenario_error(bleeds);
  EXPECT_TRUE(contains(e, "actions[0]: by here the scenario has taken 3000 mL of blood")) << e;
  // Infusions given back count once given: 2 x 2000 mL bleeds around 2000 mL of saline.
  EXPECT_EQ(scenario_error(R"({"time": 0, "action": "hemorrhage", "rate": 2000, "volume": 2000},
      {"time": 10, "action": "infusion", "rate": 1000, "volume": 2000, "fluid": "saline"},
      {"time": 300, "action": "hemorrhage", "rate": 2000, "volume": 2000})"),
            "(no error)");
  EXPECT_TRUE(contains(
      scenario_error(
          R"({"time": 0, "action": "infusion", "rate": 1000, "volume": 6000, "fluid": "saline"},
                        {"time": 1, "action": "infusion", "rate": 1000, "volume": 6000, "fluid": "saline"})"),
      "actions[1]: the scenario infuses 12000 mL in all by here"));
  // A change that breaks a rule only with an earlier change of the same scenario.
  EXPECT_TRUE(contains(
      scenario_error(
          R"({"time": 5, "action": "set", "parameter": "aortic_valve.max_area", "value": 0.5},
                        {"time": 9, "action": "set", "parameter": "aortic_valve.min_area", "value": 0.6})"),
      "actions[1]: aortic_valve.min_area = 0.6, with the scenario's earlier changes"));
}

// Before the model is personalised (a record read and calibrated, about a second), a scenario
// is checked for what no patient changes; what depends on the patient waits for its model.
TEST(PhysicalGuards, ScenarioNamesAndRangesAreCheckedBeforePersonalising) {
  const BodyModel model = test_support::reference_model();
  const auto folder = test_support::private_folder("scenario_early");
  auto early_error = [&](const std::string& actions) {
    return guarded_scenario_error(folder, model, actions, ActionCheck::before_personalising);
  };
  EXPECT_TRUE(contains(early_error(R"({"time": 5, "action": "set", "parameter": "heart.rte",
                                       "value": 70})"),
                       "actions[0]: unknown parameter"))
      << early_error(R"({"time": 5, "action": "set", "parameter": "heart.rte", "value": 70})");
  EXPECT_TRUE(contains(
      early_error(R"({"time": 5, "action": "set", "parameter": "heart.rate", "value": 900})"),
      "actions[0]: heart.rate = 900 1/min is outside the allowed range"));
  EXPECT_TRUE(contains(early_error(R"({"time": 5, "action": "hemorrhage", "rate": 9000,
                                       "volume": 100})"),
                       "actions[0]: rate 9000 mL/min is outside the allowed range"));
  EXPECT_TRUE(contains(early_error(R"({"time": 5, "action": "infusion", "rate": 100,
                                       "volume": 100, "fluid": "lemonade"})"),
                       "actions[0]: fluid \"lemonade\""));
  // Rules between parameters and limits set by the blood volume depend on the patient: not
  // judged on the unpersonalised model (the complete check refuses these, above).
  EXPECT_EQ(early_error(R"({"time": 5, "action": "set", "parameter": "aortic_valve.max_area",
                            "value": 0.5},
                           {"time": 9, "action": "set", "parameter": "aortic_valve.min_area",
                            "value": 0.6})"),
            "(no error)");
  EXPECT_EQ(early_error(R"({"time": 0, "action": "hemorrhage", "rate": 2000, "volume": 6000})"),
            "(no error)");
}
