// Age-related changes (patient/aging.hpp): applied by scale_to_patient() to the groups of
// parameters that age, and to no other. The laws themselves against their sources:
// tests/validation/test_aging.cpp.
#include <gtest/gtest.h>

#include "../../helpers.hpp"
#include "physiotwin/patient/aging.hpp"

using namespace physiotwin;

TEST(Aging, OnlyTheAgeingGroupsChange) {
  BodyModel reference = test_support::reference_model("adult_male");
  Patient old = load_patient(test_support::model_path("patients/adult_male.json"));
  old.age_years = 70.0;
  BodyModel aged = load_circulation(test_support::model_path("circulation/adult.json"));
  scale_to_patient(aged, old);
  const double c =
      aged.parameters.value("aorta.compliance") / reference.parameters.value("aorta.compliance");
  EXPECT_NEAR(c, age_factors(40.0, 70.0, 72.0).large_artery_compliance, 1e-12);
  EXPECT_NEAR(aged.parameters.value("brain_arterioles.resistance") /
                  reference.parameters.value("brain_arterioles.resistance"),
              age_factors(40.0, 70.0, 72.0).systemic_resistance, 1e-12);
  EXPECT_EQ(aged.parameters.value("heart.rate"), reference.parameters.value("heart.rate"));
  const AgeFactors f = age_factors(40.0, 70.0, reference.parameters.value("heart.rate"));
  for (const char* gain : {"baroreflex.sympathetic_period_gain", "baroreflex.vagal_period_gain"})
    EXPECT_NEAR(aged.parameters.value(gain) / reference.parameters.value(gain), f.heart_period_gain,
                1e-12)
        << gain;
  EXPECT_NEAR(aged.parameters.value("baroreflex.vagal_slope") /
                  reference.parameters.value("baroreflex.vagal_slope"),
              f.vagal_slope, 1e-12);
  EXPECT_NEAR(aged.parameters.value("pulmonary_microcirculation.distensibility") /
                  reference.parameters.value("pulmonary_microcirculation.distensibility"),
              f.pulmonary_distensibility, 1e-12);
  // Forton et al. 2020's two adult groups (midpoints 19.5 and 40 years): 1.20 / 1.39.
  EXPECT_NEAR(pulmonary_distensibility_share(40.0), 1.20 / 1.39, 0.005);
  EXPECT_EQ(aged.parameters.value("vena_cava.compliance"),
            reference.parameters.value("vena_cava.compliance"));
}
