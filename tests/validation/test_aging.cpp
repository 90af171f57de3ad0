// Age-related changes (patient/aging.hpp, docs/patient-format.md "Age"): the laws against
// their sources, and the uncalibrated twin across adult ages against the published pattern of
// blood pressure with age.
#include <gtest/gtest.h>

#include <map>

#include "../helpers.hpp"

using namespace physiotwin;

// The laws at 70 against a reference of 40 years, by hand from the published equations:
// PWV (RVASC 2010, table 6, optimal BP) 5.55 + 0.00083 * 40^2 = 6.878, * 70^2 = 9.617 m/s,
// compliance ratio (6.878 / 9.617)^2 = 0.5115; SVR (McVeigh 1999) 8.1 * 70 + 926.9 = 1493.9
// over 8.1 * 40 + 926.9 = 1250.9, 1.1943; BRS (Mukai 2003) 16.3 - 0.2025 * 39 = 8.4025 over
// 16.3 - 0.2025 * 9 = 14.4775, 0.5804; heart-period reserve at rest 72 /min, HRmax 208 - 0.7
// age (Tanaka 2001): 60/72 - 60/159 = 0.45597 s over 60/72 - 60/180 = 0.5 s, 0.9119, so the
// vagal slope takes 0.9119 / 0.5804 = 1.5713 and gain over slope falls as BRS does.
TEST(Aging, FactorsFollowThePublishedLaws) {
  const AgeFactors f = age_factors(40.0, 70.0, 72.0);
  EXPECT_NEAR(f.large_artery_compliance, 0.5115, 5e-4);
  EXPECT_NEAR(f.systemic_resistance, 1.1943, 5e-4);
  EXPECT_DOUBLE_EQ(f.lv_end_systolic_elastance, f.systemic_resistance);
  EXPECT_NEAR(f.heart_period_gain, 0.9119, 5e-4);
  EXPECT_NEAR(f.vagal_slope, 1.5713, 5e-4);
  EXPECT_NEAR(f.heart_period_gain / f.vagal_slope, 0.5804, 5e-4);
  const AgeFactors same = age_factors(40.0, 40.0, 72.0);
  EXPECT_DOUBLE_EQ(same.large_artery_compliance, 1.0);
  EXPECT_DOUBLE_EQ(same.systemic_resistance, 1.0);
  EXPECT_DOUBLE_EQ(same.vagal_slope, 1.0);
  // The youngest and oldest supported ages stay within every parameter's range.
  EXPECT_GT(age_factors(40.0, 90.0, 72.0).heart_period_gain, 0.0);
  EXPECT_GT(age_factors(40.0, 90.0, 72.0).vagal_slope, 0.0);
}

namespace {
struct Rest {
  double systolic, diastolic, pulse, heart_rate, ejection_fraction;
};
Rest uncalibrated_rest(double age) {
  Patient p = load_patient(test_support::model_path("patients/adult_male.json"));
  p.age_years = age;
  BodyModel model = load_circulation(test_support::model_path("circulation/adult.json"));
  scale_to_patient(model, p);
  test_support::RecordedTwin run(std::move(model));
  auto& [twin, rec] = run;
  twin.advance(60.0);  // the reflexes settle to the aged circulation within a minute
  auto mean = [&](const char* m) { return test_support::last_beats_mean(twin, rec, m); };
  return {mean("systolic_pressure"), mean("diastolic_pressure"), mean("pulse_pressure"),
          mean("heart_rate"), mean("lv_ejection_fraction")};
}
}  // namespace

// Franklin et al. 1997, Circulation 96:308 (Framingham, 30 years of follow-up): systolic
// pressure rises linearly from 30 to 84 years, diastolic pressure falls after 50-60, pulse
// pressure rises steeply. Chen et al. 1998, J Am Coll Cardiol 32:1221: heart rate and ejection
// fraction do not change with age. The sizes: from 40 to 70 the general population's systolic
// pressure rises by about 15-25 mmHg (Franklin's cohorts) and that of screened healthy men by
// 2 (McEniery et al. 2005, J Am Coll Cardiol 46:1753, brachial); the twin, made of the laws of
// healthy people's arteries without the fall of cardiac output, is asked to lie between.
TEST(Aging, BloodPressureAcrossAdultLifeFollowsFramingham) {
  std::map<int, Rest> rest;
  for (int age : {25, 40, 55, 70, 85}) rest[age] = uncalibrated_rest(age);
  for (auto [younger, older] : {std::pair{25, 40}, {40, 55}, {55, 70}, {70, 85}}) {
    EXPECT_GT(rest[older].systolic, rest[younger].systolic) << younger << " -> " << older;
    EXPECT_GT(rest[older].pulse, rest[younger].pulse) << younger << " -> " << older;
  }
  EXPECT_LT(rest[70].diastolic, rest[55].diastolic);
  EXPECT_LT(rest[85].diastolic, rest[70].diastolic);
  const double systolic_rise = rest[70].systolic - rest[40].systolic;
  EXPECT_GT(systolic_rise, 2.0);
  EXPECT_LT(systolic_rise, 30.0);
  for (int age : {25, 55, 70, 85}) {
    EXPECT_NEAR(rest[age].heart_rate, rest[40].heart_rate, 3.0) << age;  // Chen 1998
    // Chen 1998: EF unchanged; 0.03 covers the model's small fall as the afterload stiffens.
    EXPECT_NEAR(rest[age].ejection_fraction, rest[40].ejection_fraction, 0.03) << age;
  }
}
