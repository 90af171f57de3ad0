// Calibration of a scaled model to a patient's measured vitals (patient/calibration.hpp):
// issue 4's tolerances, +-2 mmHg, +-1 /min, +-1 % SpO2, +-2 % ejection fraction.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <physiotwin/patient/calibration.hpp>

#include "../helpers.hpp"

using namespace physiotwin;

namespace {
CalibrationReport calibrated(const Patient& p, CirculationModel& model) {
  model = load_circulation(test_support::model_path("circulation/adult.json"));
  scale_to_patient(model, p);
  return calibrate(model, p);
}
}  // namespace

TEST(Calibration, ReachesEveryMeasuredVitalOfAPatientFile) {
  const auto path = std::filesystem::temp_directory_path() / "physiotwin_calibration_patient.json";
  std::ofstream(path) << R"({"format": "physiotwin-patient", "version": 1, "id": "c1",
    "description": "", "sex": "male", "source": "test",
    "age": {"value": 55, "unit": "a", "source": "x"},
    "height": {"value": 180, "unit": "cm", "source": "x"},
    "weight": {"value": 85, "unit": "kg", "source": "x"},
    "measurements": {"heart_rate": {"value": 64, "unit": "1/min", "source": "x"},
      "systolic_pressure": {"value": 138, "unit": "mmHg", "source": "x"},
      "diastolic_pressure": {"value": 86, "unit": "mmHg", "source": "x"},
      "respiratory_rate": {"value": 14, "unit": "1/min", "source": "x"},
      "spo2": {"value": 96, "unit": "%", "source": "x"},
      "lv_ejection_fraction": {"value": 58, "unit": "%", "source": "x"}}})";
  CirculationModel model;
  const CalibrationReport report = calibrated(load_patient(path), model);
  ASSERT_EQ(report.results.size(), 6u);
  for (const auto& r : report.results) {
    EXPECT_TRUE(r.reached()) << r.target << ": measured " << r.measured << ", twin " << r.twin;
  }
  EXPECT_TRUE(report.warnings.empty());
  // The calibrated model is what runs: a twin of it shows the measured pressures at rest.
  test_support::RecordedTwin run(std::move(model));
  auto& [twin, rec] = run;
  rec.keep_samples = false;
  twin.advance(20.0);
  EXPECT_NEAR(test_support::last_beats_mean(twin, rec, "systolic_pressure", 3), 138.0, 2.0);
  EXPECT_NEAR(test_support::last_beats_mean(twin, rec, "heart_rate", 3), 64.0, 1.0);
}

// A Synthea record: blood pressure only (no heart rate in these bundles).
TEST(Calibration, ReachesTheBloodPressureOfAHealthRecord) {
  setenv("PHYSIOTWIN_PSEUDONYM_KEY", "test key", 1);
  const Patient p = patient_from_record(read_health_record(test_support::data_path(
      "fhir/smart_Alberto_Atencio_fc712d1f-5a2e-4407-9c55-a2a2bad623c2.json")));
  CirculationModel model;
  const CalibrationReport report = calibrated(p, model);
  ASSERT_EQ(report.results.size(), 2u);
  for (const auto& r : report.results) {
    EXPECT_TRUE(r.reached()) << r.target << ": measured " << r.measured << ", twin " << r.twin;
  }
}

// An SpO2 above what the lungs give with no shunt at all is not reached, and says so.
TEST(Calibration, UnreachableTargetsAreNamedInAWarning) {
  Patient p;
  p.id = "c2";
  p.measurements[std::size_t(Measure::spo2)] = 99.5;
  CirculationModel model;
  const CalibrationReport report = calibrated(p, model);
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_FALSE(report.results[0].reached());
  bool named = false;
  for (const auto& w : report.warnings) named = named || w.find("spo2 99.5") != std::string::npos;
  EXPECT_TRUE(named);
  EXPECT_EQ(model.parameters.value("gas.shunt_fraction"), 0.0);
}
