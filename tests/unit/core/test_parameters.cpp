// Typed parameters (core/parameters.hpp): values outside their range and unknown names are
// refused, naming the parameter, the value, the range or the closest name; every parameter
// of the reference model carries a unit, a range and a source.
#include <gtest/gtest.h>

#include "../../helpers.hpp"

using namespace physiotwin;

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
