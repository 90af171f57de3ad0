// A patient's body (patient/body.hpp): blood volume and body surface area by their published
// equations, a circulation scaled to a patient, and patient files.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "../../helpers.hpp"

using namespace physiotwin;

// Nadler et al. 1962, Surgery 51:224: male 175 cm / 70 kg gives
// 0.3669 * 1.75^3 + 0.03219 * 70 + 0.6041 = 1.96636 + 2.2533 + 0.6041 = 4.82376 L.
TEST(Body, NadlerBloodVolume) {
  EXPECT_NEAR(nadler_blood_volume_ml("male", 175, 70), 4823.76, 0.01);
  // 0.3561 * 1.63^3 + 0.03308 * 60 + 0.1833 = 1.54218 + 1.98480 + 0.18330 = 3.71028 L.
  EXPECT_NEAR(nadler_blood_volume_ml("female", 163, 60), 3710.28, 0.01);
}

// Du Bois & Du Bois 1916: 175 cm / 70 kg gives 1.85 m^2 (standard nomogram value).
TEST(Body, DuBoisSurfaceArea) {
  EXPECT_NEAR(du_bois_body_surface_area_m2(175, 70), 1.85, 0.01);
}

TEST(Body, ScalingKeepsTheReferenceMaleUnchangedAndShrinksTheFemale) {
  const BodyModel male = test_support::reference_model("adult_male");
  const BodyModel female = test_support::reference_model("adult_female");
  EXPECT_NEAR(male.parameters.value("blood.volume"), 4824.0, 1.0);
  const double ratio =
      nadler_blood_volume_ml("female", 163, 60) / nadler_blood_volume_ml("male", 175, 70);
  EXPECT_NEAR(female.parameters.value("blood.volume"), 4824.0 * ratio, 1e-6);
  EXPECT_NEAR(female.parameters.value("aorta.compliance"),
              male.parameters.value("aorta.compliance") * ratio, 1e-12);
  EXPECT_GT(female.parameters.value("brain_arterioles.resistance"),
            male.parameters.value("brain_arterioles.resistance"));
  EXPECT_EQ(female.parameters.value("aortic_valve.max_area"),
            male.parameters.value("aortic_valve.max_area"));
}

TEST(Body, PatientFileErrorsNameThePath) {
  try {
    (void)load_patient(test_support::data_path("patient_child.json"));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(
        std::string(e.what()).find("age.value: age = 9 a is outside the allowed range [18, 90] a"),
        std::string::npos)
        << e.what();
  }
}

// Our own patient files carry the same measurements as health records; haemoglobin sets the
// blood's O2 capacity, and without one the population value for the sex is used.
TEST(Body, PatientFileMeasurementsAndHaemoglobin) {
  const auto path = std::filesystem::temp_directory_path() / "physiotwin_patient_vitals.json";
  std::ofstream(path) << R"({"format": "physiotwin-patient", "version": 1, "id": "p1",
    "description": "", "sex": "female", "source": "test",
    "age": {"value": 50, "unit": "a", "source": "x"},
    "height": {"value": 165, "unit": "cm", "source": "x"},
    "weight": {"value": 62, "unit": "kg", "source": "x"},
    "measurements": {"heart_rate": {"value": 64, "unit": "1/min", "source": "clinic"},
                     "hemoglobin": {"value": 118, "unit": "g/L", "source": "lab"}}})";
  const Patient p = load_patient(path);
  EXPECT_DOUBLE_EQ(p.measurement(Measure::heart_rate), 64.0);
  EXPECT_NEAR(p.measurement(Measure::hemoglobin), 11.8, 1e-12);
  EXPECT_TRUE(std::isnan(p.measurement(Measure::systolic_pressure)));
  BodyModel model = load_circulation(test_support::model_path("circulation/adult.json"));
  scale_to_patient(model, p);
  EXPECT_NEAR(model.parameters.value("gas.hemoglobin"), 11.8, 1e-12);
  BodyModel reference = load_circulation(test_support::model_path("circulation/adult.json"));
  scale_to_patient(reference, load_patient(test_support::model_path("patients/adult_female.json")));
  EXPECT_DOUBLE_EQ(reference.parameters.value("gas.hemoglobin"), 14.0);  // Guyton & Hall, women

  std::ofstream(path) << R"({"format": "physiotwin-patient", "version": 1, "id": "p1",
    "description": "", "sex": "female", "source": "test",
    "age": {"value": 50, "unit": "a", "source": "x"},
    "height": {"value": 165, "unit": "cm", "source": "x"},
    "weight": {"value": 62, "unit": "kg", "source": "x"},
    "measurements": {"heart_rate": {"value": 900, "unit": "1/min", "source": "typo"}}})";
  try {
    (void)load_patient(path);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("measurements.heart_rate.value: measurements.heart_rate = "
                                         "900 1/min is outside the allowed range [20, 300] 1/min"),
              std::string::npos)
        << e.what();
  }
}
