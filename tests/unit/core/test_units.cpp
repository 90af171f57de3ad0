// Units at the edges (core/units.hpp): the conversions a model or patient file may use.
#include <gtest/gtest.h>

#include "physiotwin/core/units.hpp"

using namespace physiotwin;

TEST(Units, ConvertsKnownUnitsAndRejectsOthers) {
  EXPECT_DOUBLE_EQ(*units::factor("mmHg", "mmHg"), 1.0);
  EXPECT_NEAR(*units::factor("cmH2O", "mmHg"), 0.735559, 1e-9);
  EXPECT_DOUBLE_EQ(*units::factor("L", "mL"), 1000.0);
  EXPECT_FALSE(units::factor("mL", "mmHg").has_value());
  EXPECT_FALSE(units::factor("mmol", "mmHg").has_value());
}
