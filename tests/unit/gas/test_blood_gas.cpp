// Blood O2 and CO2 dissociation (gas/blood_gas.hpp) against standard human blood curves.
#include <gtest/gtest.h>

#include <physiotwin/gas/blood_gas.hpp>

using namespace physiotwin::gas;

namespace {
/// Severinghaus 1979 (J Appl Physiol 46:599) standard human O2 dissociation curve, pH 7.4,
/// PCO2 40 mmHg, 37 degC: S = 1 / (1 + 23400 / (P^3 + 150 P)).
double severinghaus(double po2) {
  return 1.0 / (1.0 + 23400.0 / (po2 * po2 * po2 + 150.0 * po2));
}

double p50(const DissociationCoefficients& d, double pco2) {
  double lo = 1.0, hi = 100.0;
  for (int i = 0; i < 100; ++i) {
    const double mid = 0.5 * (lo + hi);
    (blood_content(d, mid, pco2).saturation < 0.5 ? lo : hi) = mid;
  }
  return lo;
}
}  // namespace

// Spencer's curve, as used here, against Severinghaus's standard curve: within 3.5
// saturation points from 20 to 150 mmHg, P50 within 1.5 mmHg of the standard 26.8 mmHg.
// The two are fits to different data; Spencer's P50 (25.5 mmHg) lies 1.3 mmHg to the left,
// which makes the largest difference, 3.2 points, at 30 mmHg.
TEST(BloodGas, OxygenSaturationFollowsTheStandardCurve) {
  const auto d = dissociation_for(15.0);
  for (double po2 : {20.0, 30.0, 40.0, 50.0, 60.0, 80.0, 100.0, 150.0}) {
    EXPECT_NEAR(blood_content(d, po2, 40.0).saturation, severinghaus(po2), 0.035) << po2;
  }
  EXPECT_NEAR(p50(d, 40.0), 26.8, 1.5);
}

// Contents of normal arterial (95-100/40 mmHg) and mixed venous (40/46 mmHg) blood with
// Hb 15 g/dL: O2 about 20 and 15 mL/dL, CO2 about 48 and 52 mL/dL (Guyton & Hall, Textbook
// of Medical Physiology, transport of O2 and CO2). Within 1 and 2 mL/dL.
TEST(BloodGas, ContentsOfArterialAndVenousBlood) {
  const auto d = dissociation_for(15.0);
  const auto arterial = blood_content(d, 97.0, 40.0), venous = blood_content(d, 40.0, 46.0);
  EXPECT_NEAR(100.0 * arterial.o2, 20.0, 1.0);
  EXPECT_NEAR(100.0 * venous.o2, 15.0, 1.0);
  EXPECT_NEAR(100.0 * arterial.co2, 48.0, 2.0);
  EXPECT_NEAR(100.0 * venous.co2, 52.0, 2.0);
}

// Bohr effect: CO2 shifts the O2 curve to the right (P50 rises with PCO2). Haldane effect:
// deoxygenated blood holds more CO2 at the same PCO2, about 2 mL/dL between arterial and
// venous saturation (Guyton & Hall: about half of the normal 4 mL/dL CO2 exchange).
TEST(BloodGas, BohrAndHaldaneEffects) {
  const auto d = dissociation_for(15.0);
  EXPECT_GT(p50(d, 60.0), p50(d, 40.0) + 2.0);
  EXPECT_LT(p50(d, 20.0), p50(d, 40.0) - 2.0);
  const double haldane =
      100.0 * (blood_content(d, 40.0, 40.0).co2 - blood_content(d, 100.0, 40.0).co2);
  EXPECT_GT(haldane, 1.0);
  EXPECT_LT(haldane, 4.0);
}

// O2 capacity follows haemoglobin: anaemic blood at the same PO2 is as saturated but holds
// less O2, in proportion.
TEST(BloodGas, CapacityScalesWithHaemoglobin) {
  const auto normal = blood_content(dissociation_for(15.0), 97.0, 40.0);
  const auto anaemic = blood_content(dissociation_for(7.5), 97.0, 40.0);
  EXPECT_NEAR(anaemic.saturation, normal.saturation, 0.01);
  EXPECT_NEAR(anaemic.o2 / normal.o2, 0.5, 0.01);
}

// Above Spencer's fitted range (120 mmHg) the content keeps rising by the dissolved O2,
// 0.003 mL/dL per mmHg, and is continuous where the continuation starts.
TEST(BloodGas, DissolvedOxygenAboveTheFittedRange) {
  const auto d = dissociation_for(15.0);
  const double at_limit = blood_content(d, 120.0, 40.0).o2;
  EXPECT_NEAR(blood_content(d, 120.0 + 1e-9, 40.0).o2, at_limit, 1e-10);
  const double rise = blood_content(d, 600.0, 40.0).o2 - blood_content(d, 500.0, 40.0).o2;
  EXPECT_NEAR(rise, 100.0 * 0.003 / 100.0, 0.1 * 0.003);
}

// partial_pressures() inverts blood_content() from any starting guess, from deep hypoxia
// to hyperoxia, to 1e-8 relative.
TEST(BloodGas, InversionRecoversThePartialPressures) {
  const auto d = dissociation_for(13.0);
  for (double po2 : {3.0, 25.0, 40.0, 95.0, 130.0, 640.0}) {
    for (double pco2 : {15.0, 40.0, 80.0}) {
      const auto b = blood_content(d, po2, pco2);
      for (PartialPressures guess :
           {PartialPressures{95, 40}, PartialPressures{600, 10}, PartialPressures{5, 90}}) {
        const auto p = partial_pressures(d, b.o2, b.co2, guess);
        EXPECT_NEAR(p.po2, po2, 1e-8 * po2) << po2 << " " << pco2;
        EXPECT_NEAR(p.pco2, pco2, 1e-8 * pco2) << po2 << " " << pco2;
      }
    }
  }
}
