// A patient's body (patient/body.hpp): blood volume and body surface area by their published
// equations, a circulation scaled to a patient, and patient files.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../../helpers.hpp"

using namespace physiotwin;

namespace {

/// A health record of tests/data/fhir.
std::string record_file(const std::string& name) {
  return test_support::data_path("fhir/" + name);
}

/// Writes a copy of Alberto's record with one modification; returns its path.
template <typename Edit>
std::string record_variant(const std::string& name, Edit edit) {
  auto json = read_json_file(
      record_file("smart_Alberto_Atencio_fc712d1f-5a2e-4407-9c55-a2a2bad623c2.json"));
  edit(json);
  const auto path =
      std::filesystem::temp_directory_path() / ("physiotwin_record_" + name + ".json");
  std::ofstream(path) << json.dump(1);
  return path.string();
}

}  // namespace

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

// A measured VO2peak (mL/min/kg) sets the patient's fitness: a trained woman of 50 with 45
// mL/min/kg and 62 kg can take up 2,790 mL/min; without it, the FRIEND registry's median for a
// woman in her fifties, 17.3 mL/min/kg (Kaminsky et al. 2017; patient/fitness.hpp), 1,073.
TEST(Body, AMeasuredPeakO2UptakeSetsTheFitness) {
  const auto path = std::filesystem::temp_directory_path() / "physiotwin_patient_fitness.json";
  auto write = [&](const std::string& measurements) {
    std::ofstream(path) << R"({"format": "physiotwin-patient", "version": 1, "id": "p1",
      "description": "", "sex": "female", "source": "test",
      "age": {"value": 50, "unit": "a", "source": "x"},
      "height": {"value": 165, "unit": "cm", "source": "x"},
      "weight": {"value": 62, "unit": "kg", "source": "x"},
      "measurements": {)" + measurements +
                               "}}";
  };
  write(R"("peak_o2_uptake": {"value": 45, "unit": "mL/min/kg", "source": "CPET"})");
  BodyModel trained = load_circulation(test_support::model_path("circulation/adult.json"));
  scale_to_patient(trained, load_patient(path));
  EXPECT_NEAR(trained.parameters.value("exercise.peak_o2_uptake"), 45.0 * 62.0, 1e-9);
  write("");
  BodyModel median = load_circulation(test_support::model_path("circulation/adult.json"));
  scale_to_patient(median, load_patient(path));
  EXPECT_NEAR(median.parameters.value("exercise.peak_o2_uptake"), 17.3 * 62.0, 1e-9);
  write(R"("peak_o2_uptake": {"value": 140, "unit": "mL/min/kg", "source": "CPET"})");
  EXPECT_THROW((void)load_patient(path), InputError);  // beyond what a person can have
  std::filesystem::remove(path);
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

// The patient of a health record (patient_from_record()): population values where the record
// has none, and no age past 89 (HIPAA Safe Harbor).

TEST(HealthRecord, MissingValuesTakePopulationValuesAndSaySo) {
  const auto file = record_variant("no_height", [](nlohmann::json& j) {
    auto& entries = j["entry"];
    for (std::size_t i = entries.size(); i-- > 0;) {
      const auto& r = entries[i]["resource"];
      if (r["resourceType"] == "Observation" && r["code"]["coding"][0]["code"] == "8302-2")
        entries.erase(i);
    }
  });
  const Patient p = patient_from_record(read_health_record(file));
  EXPECT_DOUBLE_EQ(p.height_cm, population_values("male").height_cm);
  ASSERT_FALSE(p.assumed.empty());
  EXPECT_NE(p.assumed[0].find("height"), std::string::npos);  // the population value, said
}

// Over 89: the twin uses the model's oldest age, and nothing shows the real one (HIPAA Safe
// Harbor); the patient file written from it says "90 or older" and reads back the same.
TEST(HealthRecord, AgesOver89AreShownAs90OrOlder) {
  const HealthRecord r = read_health_record(
      record_file("smart_Bethany_Hauck_36ab2c13-d59e-4f1f-913c-9260ef647da8.json"));
  EXPECT_GT(r.age_years, 89);
  const Patient p = patient_from_record(r);
  EXPECT_TRUE(p.age_90_or_older);
  EXPECT_EQ(p.age_years, 90.0);
  EXPECT_EQ(p.age_text(), "90 or older");
  const std::string json = patient_json(p).dump();
  EXPECT_NE(json.find("\"age_90_or_older\":true"), std::string::npos);
  EXPECT_EQ(json.find("\"value\":" + std::to_string(r.age_years)), std::string::npos);
  const Patient back = read_patient(JsonView(nlohmann::json::parse(json), "patient", ""));
  EXPECT_TRUE(back.age_90_or_older);
}
