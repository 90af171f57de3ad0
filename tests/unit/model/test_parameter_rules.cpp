// The rules between parameters (model/parameter_rules.hpp; issue 11, part 5): they hold
// wherever a parameter changes.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "../../helpers.hpp"
#include "physiotwin/model/parameter_rules.hpp"

using namespace physiotwin;
using test_support::contains;

// Cross-field rules: checked by set_parameter() (every --set and binding call goes through it),
// by actions (scenarios, Twin::set_parameter) and by the model loader, with the JSON path.
TEST(PhysicalGuards, RulesBetweenParametersHoldWhereverAParameterChanges) {
  BodyModel model = test_support::reference_model();
  const double before = model.parameters.value("aortic_valve.min_area");
  try {
    model.set_parameter("aortic_valve.min_area", 4.0);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.what(),
                         "aortic_valve.min_area (4 cm2) must be below "
                         "aortic_valve.max_area"))
        << e.what();
  }
  EXPECT_EQ(model.parameters.value("aortic_valve.min_area"), before);  // undone
  EXPECT_TRUE(model.parameters.changes().empty());
  // A heart rate whose period is shorter than the ventricles' onset (0.16 s: fine at 220 /min;
  // 0.3 s is not).
  model.set_parameter("heart.rate", 220.0);
  model.set_parameter("heart.rate", 72.0);
  model.set_parameter("ventricles.onset", 0.3);
  try {
    model.set_parameter("heart.rate", 220.0);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.what(), "ventricles.onset (0.3 s) must be within the heart period"))
        << e.what();
  }
  Twin twin{BodyModel(model)};
  EXPECT_THROW(twin.set_parameter("mitral_valve.min_area", 5.0), InputError);  // = max_area
  // The loader, naming the JSON path of the value.
  nlohmann::json file = read_json_file(test_support::model_path("circulation/adult.json"));
  for (auto& c : file["connections"]) {
    if (c["name"] == "aortic_valve") c["parameters"]["min_area"]["value"] = 4.0;
  }
  const auto path = test_support::private_folder("rules") / "bad_valve.json";
  std::ofstream(path) << file.dump();
  try {
    (void)load_circulation(path);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.what(),
                         ".parameters.min_area.value: aortic_valve.min_area (4 cm2) "
                         "must be below"))
        << e.what();
  }
}
