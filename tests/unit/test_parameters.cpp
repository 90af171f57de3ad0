#include <gtest/gtest.h>

#include "../helpers.hpp"

using namespace physiotwin;

TEST(Units, ConvertsKnownUnitsAndRejectsOthers) {
  EXPECT_DOUBLE_EQ(*units::factor("mmHg", "mmHg"), 1.0);
  EXPECT_NEAR(*units::factor("cmH2O", "mmHg"), 0.735559, 1e-9);
  EXPECT_DOUBLE_EQ(*units::factor("L", "mL"), 1000.0);
  EXPECT_FALSE(units::factor("mL", "mmHg").has_value());
  EXPECT_FALSE(units::factor("mmol", "mmHg").has_value());
}

TEST(ParameterSet, RejectsValuesOutsideTheRangeWithNameValueAndRange) {
  BodyModel model = test_support::reference_model();
  try {
    model.set_parameter("aortic_valve.max_area", 50.0);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("aortic_valve.max_area"), std::string::npos) << m;
    EXPECT_NE(m.find("50"), std::string::npos) << m;
    EXPECT_NE(m.find("[0.05, 15] cm2"), std::string::npos) << m;
  }
}

TEST(ParameterSet, UnknownNameSuggestsTheClosestParameter) {
  BodyModel model = test_support::reference_model();
  try {
    model.set_parameter("aortic_valve.max_aera", 1.0);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean \"aortic_valve.max_area\""),
              std::string::npos)
        << e.what();
  }
}

TEST(ParameterSet, EveryParameterHasUnitRangeAndSource) {
  const BodyModel model = test_support::reference_model();
  ASSERT_GT(model.parameters.size(), 100u);
  for (const Parameter& p : model.parameters.all()) {
    EXPECT_FALSE(p.unit.empty()) << p.name;
    EXPECT_FALSE(p.source.empty()) << p.name;
    EXPECT_LT(p.min, p.max) << p.name;
    EXPECT_GE(p.value, p.min) << p.name;
    EXPECT_LE(p.value, p.max) << p.name;
  }
}
