// Actions while running: haemorrhage, infusion, parameter changes, scenario files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../helpers.hpp"
#include "physiotwin/actions/action_details.hpp"

using namespace physiotwin;

namespace {
Action hemorrhage(double time, double rate, double volume) {
  Action a;
  a.kind = ActionKind::hemorrhage;
  a.time = time;
  a.rate = rate;
  a.volume = volume;
  return a;
}
Action infusion(double time, double rate, double volume, std::string fluid = "saline") {
  Action a = hemorrhage(time, rate, volume);
  a.kind = ActionKind::infusion;
  a.fluid = std::move(fluid);
  return a;
}
std::string scenario_error(const std::string& json) {
  const auto path = std::filesystem::temp_directory_path() / "physiotwin_scenario.json";
  std::ofstream(path) << json;
  try {
    (void)load_scenario(path, test_support::reference_model());
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

// Blood volume is conserved apart from what haemorrhage and infusion remove and add (issue 3):
// total volume minus the recorded external volume stays at the initial blood volume to 1e-9,
// and the external volume is exactly the prescribed amounts once they are over.
TEST(Actions, HemorrhageAndInfusionMoveExactlyTheirVolumes) {
  test_support::RecordedTwin twin_run(test_support::reference_model());
  auto& [twin, rec] = twin_run;
  const double blood = twin.model().parameters.value("blood.volume");
  twin.schedule(hemorrhage(10.0, 100.0, 500.0));  // 10 to 310 s
  twin.schedule(infusion(400.0, 50.0, 250.0));    // 400 to 700 s
  twin.advance(800.0);
  const std::size_t total = twin.signals().index_of("blood.total_volume");
  const std::size_t external = twin.signals().index_of("blood.external_volume");
  for (const auto& s : rec.samples) ASSERT_NEAR((s[total] - s[external]) / blood, 1.0, 1e-9);
  EXPECT_NEAR(rec.samples[31000][external], -500.0, 1e-6);  // t = 310 s
  EXPECT_NEAR(rec.samples.back()[external], -250.0, 1e-6);
  EXPECT_NEAR(twin.signal("blood.total_volume"), blood - 250.0, 1e-6);
  ASSERT_EQ(rec.actions.size(), 2u);
  EXPECT_EQ(rec.action_times[0], 10.0);
  EXPECT_STREQ(action_name(rec.actions[1].kind), "infusion");
  const auto details = nlohmann::json::parse(action_details(rec.actions[1]));
  EXPECT_EQ(details.at("fluid"), "saline");
  EXPECT_EQ(details.at("volume"), 250.0);
}

// Without reflexes (issue 3 adds them) a 10 % haemorrhage lowers mean arterial pressure
// clearly (here by about 10 %), and an equal infusion brings it back: the direction any
// circulation model must show. The size depends on the baroreflex and is validated with it.
TEST(Actions, HemorrhageLowersPressureAndInfusionRestoresIt) {
  test_support::RecordedTwin twin_run(test_support::reference_model());
  auto& [twin, rec] = twin_run;
  twin.schedule(hemorrhage(30.0, 100.0, 482.4));  // 10 % of the reference man's blood volume
  twin.schedule(infusion(400.0, 100.0, 482.4));
  twin.advance(30.0);
  const double baseline = test_support::last_beats_mean(twin, rec, "mean_arterial_pressure");
  twin.advance(370.0);
  const double bled = test_support::last_beats_mean(twin, rec, "mean_arterial_pressure");
  twin.advance(400.0);
  const double restored = test_support::last_beats_mean(twin, rec, "mean_arterial_pressure");
  EXPECT_LT(bled, 0.95 * baseline);
  EXPECT_NEAR(restored, baseline, 0.01 * baseline);
}

// With the baroreflex switched off (itself a parameter), the heart rate follows the
// heart.rate parameter exactly.
TEST(Actions, SetChangesAParameterAtItsTime) {
  BodyModel model = test_support::reference_model();
  model.set_parameter("baroreflex.enabled", 0.0);
  test_support::RecordedTwin twin_run(std::move(model));
  auto& [twin, rec] = twin_run;
  Action faster;
  faster.kind = ActionKind::set_parameter;
  faster.time = 10.0;
  faster.parameter = "heart.rate";
  faster.value = 90.0;
  twin.schedule(faster);
  twin.advance(20.0);
  EXPECT_NEAR(rec.beats.back()[twin.beats().find("heart_rate")], 90.0, 1e-6);
  EXPECT_EQ(twin.model().parameters.value("heart.rate"), 90.0);
}

TEST(Actions, ResultDoesNotDependOnHowTimeIsChunked) {
  Twin whole(test_support::reference_model()), frames(test_support::reference_model());
  for (Twin* t : {&whole, &frames}) t->schedule(hemorrhage(0.5, 600.0, 10.0));  // 0.5 to 1.5 s
  whole.advance(2.0);
  for (int i = 0; i < 180; ++i) frames.advance(2.0 / 180.0);
  for (std::size_t i = 0; i < whole.signal_values().size(); ++i) {
    EXPECT_NEAR(whole.signal_values()[i], frames.signal_values()[i],
                1e-9 * (1.0 + std::abs(whole.signal_values()[i])))
        << whole.signals().at(i).name;
  }
}

TEST(Actions, BadActionsAreRefusedWithTheirFieldAndRange) {
  Twin twin(test_support::reference_model());
  EXPECT_THROW(twin.schedule(hemorrhage(1.0, -5.0, 100.0)), InputError);
  EXPECT_THROW(twin.schedule(hemorrhage(1.0, 100.0, 99999.0)), InputError);
  EXPECT_THROW(twin.schedule(infusion(1.0, 100.0, 100.0, "whisky")), InputError);
  twin.advance(2.0);
  try {
    twin.schedule(hemorrhage(1.0, 100.0, 100.0));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("before the twin's current time 2 s"), std::string::npos)
        << e.what();
  }
}

TEST(Scenario, ErrorsNameTheJsonPath) {
  EXPECT_NE(scenario_error(R"({"duration": 60, "actions": [{"time": 1, "action": "transfusion"}]})")
                .find("actions[0].action: unknown action \"transfusion\""),
            std::string::npos);
  EXPECT_NE(
      scenario_error(
          R"({"duration": 60, "actions": [{"time": 1, "action": "hemorrhage", "rate": 100, "volume": -5}]})")
          .find("actions[0]: volume -5 mL is outside the allowed range (0, 4824"),
      std::string::npos)
      << scenario_error(
             R"({"duration": 60, "actions": [{"time": 1, "action": "hemorrhage", "rate": 100, "volume": -5}]})");
  EXPECT_NE(
      scenario_error(
          R"({"duration": 60, "actions": [{"time": 90, "action": "set", "parameter": "heart.rate", "value": 80}]})")
          .find("actions[0].time: time 90 s is after the end of the scenario (60 s)"),
      std::string::npos);
  EXPECT_NE(
      scenario_error(
          R"({"duration": 60, "actions": [{"time": 1, "action": "set", "parameter": "heart.rate", "value": 400}]})")
          .find("heart.rate = 400 1/min is outside the allowed range [25, 220] 1/min"),
      std::string::npos);
  EXPECT_NE(
      scenario_error(
          R"({"duration": 60, "actions": [{"time": 1, "action": "inspired_gas", "fio2": 1.2}]})")
          .find("actions[0]: fio2 1.2 is outside the allowed range [0, 1]"),
      std::string::npos);
  EXPECT_NE(
      scenario_error(
          R"({"duration": 60, "actions": [{"time": 1, "action": "inspired_gas", "fico2": -0.05}]})")
          .find("actions[0]: fico2 -0.05 is outside the allowed range [0, 1]"),
      std::string::npos);
  EXPECT_NE(
      scenario_error(
          R"({"duration": 60, "actions": [{"time": 1, "action": "inspired_gas", "fio2": 0.9, "fico2": 0.2}]})")
          .find("add up to more than the whole gas"),
      std::string::npos);
  EXPECT_NE(
      scenario_error(R"({"duration": 60, "actions": [{"time": 1, "action": "inspired_gas"}]})")
          .find("give fio2, fico2 or both"),
      std::string::npos);
  EXPECT_NE(
      scenario_error(
          R"({"duration": 60, "actions": [{"time": 1, "action": "inspired_gas", "fio2": 0.12, "n2o": 0.5}]})")
          .find("actions[0]: unknown member \"n2o\""),
      std::string::npos);
  EXPECT_NE(scenario_error(R"({"duration": 60, "actions": [{"time": 1, "action": "sneeze"}]})")
                .find("actions[0].action: unknown action \"sneeze\""),
            std::string::npos);
  EXPECT_NE(
      scenario_error(
          R"({"duration": 60, "actions": [{"time": 1, "action": "infusion", "rate": 10, "volume": 5}]})")
          .find("actions[0]: missing required member \"fluid\""),
      std::string::npos);
  EXPECT_NE(scenario_error("{\"duration\": 60,\n \"actions\": [,]}").find("not valid JSON"),
            std::string::npos);
}

TEST(Scenario, ShippedScenarioLoads) {
  const Scenario s = load_scenario(test_support::model_path("scenarios/hemorrhage_500ml.json"),
                                   test_support::reference_model());
  EXPECT_EQ(s.duration, 1260.0);
  ASSERT_EQ(s.actions.size(), 2u);
  EXPECT_EQ(s.actions[0].compartment, "systemic_arteries");
}
