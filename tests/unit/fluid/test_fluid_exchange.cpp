// The fluid exchange's equations (fluid/fluid_exchange.hpp): the Landis-Pappenheimer colloid
// osmotic pressure, the quantities a state gives, the balanced start and the fluids' table.
#include "physiotwin/fluid/fluid_exchange.hpp"

#include <gtest/gtest.h>

using namespace physiotwin::fluid;

namespace {
FluidCoefficients reference() {
  FluidCoefficients k;
  k.filtration_coefficient = 11.7 / 60.0;
  k.reflection_coefficient = 1.0;
  k.interstitial_volume = 12000.0;
  k.interstitial_pressure = -6.0;
  k.interstitial_compliance = 500.0;
  k.interstitial_oncotic_pressure = 4.1;
  k.lymph_flow = 2.0 / 60.0;
  k.lymph_conductance = 4.0 / 60.0;
  k.red_cell_hemoglobin = 33.0;
  k.share = {0.5, 0.3, 0.2};
  return k;
}
}  // namespace

// Landis & Pappenheimer 1963: 7 g/dL of plasma protein, 2.1 x 7 + 0.16 x 49 + 0.009 x 343 =
// 25.6 mmHg (normal plasma colloid osmotic pressure 25-28 mmHg).
TEST(FluidExchangeEquations, LandisPappenheimer) {
  EXPECT_NEAR(colloid_osmotic_pressure(7.0), 25.627, 1e-3);
  EXPECT_EQ(colloid_osmotic_pressure(0.0), 0.0);
  EXPECT_EQ(colloid_osmotic_pressure(-1.0), 0.0);
}

TEST(FluidExchangeEquations, AStateGivesHaematocritHaemoglobinAndPlasma) {
  const FluidCoefficients k = reference();
  // 5,000 mL of blood with 2,250 mL of red cells and 192.5 g of protein in 2,750 mL of plasma.
  const FluidState s = fluid_state(k, 5000.0, 12000.0, 2250.0, 192.5);
  EXPECT_DOUBLE_EQ(s.hematocrit, 0.45);
  EXPECT_DOUBLE_EQ(s.hemoglobin, 0.45 * 33.0);
  EXPECT_DOUBLE_EQ(s.plasma_volume, 2750.0);
  EXPECT_DOUBLE_EQ(s.plasma_protein, 7.0);
  EXPECT_DOUBLE_EQ(s.interstitial_pressure, -6.0);
  EXPECT_DOUBLE_EQ(s.interstitial_oncotic_pressure, 4.1);
  EXPECT_DOUBLE_EQ(s.lymph_flow, 2.0 / 60.0);
  // 500 mL more interstitial fluid: +1 mmHg, oncotic pressure diluted, lymph up by G_L.
  const FluidState wet = fluid_state(k, 5000.0, 12500.0, 2250.0, 192.5);
  EXPECT_DOUBLE_EQ(wet.interstitial_pressure, -5.0);
  EXPECT_DOUBLE_EQ(wet.interstitial_oncotic_pressure, 4.1 * 12000.0 / 12500.0);
  EXPECT_DOUBLE_EQ(wet.lymph_flow, 6.0 / 60.0);
}

// The start: filtration at the beds' exchange pressures equals lymph flow. Higher exchange
// pressures fill the interstitium further.
TEST(FluidExchangeEquations, TheStartIsInBalance) {
  const FluidCoefficients k = reference();
  const FluidState s = fluid_state(k, 5000.0, 12000.0, 2250.0, 192.5);
  const std::vector<double> exchange{15.8, 15.8, 15.8};
  const double volume = balanced_interstitial_volume(k, s, exchange);
  FluidState at = fluid_state(k, 5000.0, volume, 2250.0, 192.5);
  double filtered = 0.0;
  for (std::size_t b = 0; b < 3; ++b) filtered += filtration(k, at, b, exchange[b]);
  EXPECT_NEAR(filtered, at.lymph_flow, 1e-9);
  EXPECT_GT(balanced_interstitial_volume(k, s, {18.0, 18.0, 18.0}), volume + 100.0);
}

TEST(FluidExchangeEquations, TheFluidsCarryWhatTheirTableSays) {
  ASSERT_NE(infusion_fluid("ringer_lactate"), nullptr);
  EXPECT_EQ(infusion_fluid("ringer_lactate")->red_cell_fraction, 0.0);
  EXPECT_EQ(infusion_fluid("ringer_lactate")->protein_g_per_dl, 0.0);
  EXPECT_GT(infusion_fluid("blood")->red_cell_fraction, 0.3);
  EXPECT_GT(infusion_fluid("packed_red_cells")->red_cell_fraction,
            infusion_fluid("blood")->red_cell_fraction);
  EXPECT_EQ(infusion_fluid("lemonade"), nullptr);
}
