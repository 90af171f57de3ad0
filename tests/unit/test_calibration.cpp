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

// models/patients/example_measured_male.json: HR 64, 138/86 mmHg, RR 14, SpO2 96 %, EF 58 %.
TEST(Calibration, ReachesEveryMeasuredVitalOfAPatientFile) {
  CirculationModel model;
  const CalibrationReport report = calibrated(
      load_patient(test_support::model_path("patients/example_measured_male.json")), model);
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
