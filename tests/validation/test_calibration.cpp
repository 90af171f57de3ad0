// Calibration judged as the twin will run (issue 11): the stored twin of a record, read back
// from its twin parameter file, simulated closed loop with every reflex on, must show the
// record's blood pressure at 60 s and still at 30 minutes, in every systolic band of the test
// records; a patient file's every measured vital is re-measured on the running twin, here,
// by the test's own means (not calibration's report).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <tuple>

#include "../helpers.hpp"
#include "physiotwin/patient/personalise.hpp"
#include "physiotwin/patient/twin_parameters.hpp"

using namespace physiotwin;

namespace {

/// A twin of `model` run to `until` seconds, measuring from `from`: means of beat metrics,
/// breath metrics and samples (10 Hz) over [from, until].
struct Measured {
  Measured(const BodyModel& model, double from, double until) : from_(from) {
    TwinOptions options;
    options.sample_rate = 10.0;
    Twin twin(BodyModel(model), options);
    MemoryRecorder rec;
    twin.add_recorder(rec);
    twin.advance(until);
    auto beat_mean = [&](const char* name) {
      const std::size_t m = twin.beats().find(name);
      double sum = 0.0;
      int n = 0;
      for (std::size_t b = 0; b < rec.beats.size(); ++b) {
        if (rec.beat_times[b] < from_) continue;
        sum += rec.beats[b][m];
        ++n;
      }
      return sum / n;
    };
    systolic = beat_mean("systolic_pressure");
    diastolic = beat_mean("diastolic_pressure");
    heart_rate = beat_mean("heart_rate");
    ejection_fraction = 100.0 * beat_mean("lv_ejection_fraction");
    double rate = 0.0;
    int breaths = 0;
    for (std::size_t b = 0; b < rec.breaths.size(); ++b) {
      if (rec.breath_times[b] < from_) continue;
      rate += rec.breaths[b][0];
      ++breaths;
    }
    respiratory_rate = rate / breaths;
    const std::size_t s = twin.signals().index_of("spo2");
    double sum = 0.0;
    int n = 0;
    for (std::size_t i = 0; i < rec.times.size(); ++i) {
      if (rec.times[i] < from_) continue;
      sum += rec.samples[i][s];
      ++n;
    }
    spo2 = sum / n;
  }
  double systolic = 0, diastolic = 0, heart_rate = 0, respiratory_rate = 0, spo2 = 0,
         ejection_fraction = 0;

 private:
  double from_;
};

BodyModel adult() {
  return load_circulation(test_support::model_path("circulation/adult.json"));
}

/// `patient` personalised and calibrated, written as a twin parameter file and read back
/// into a fresh model: the twin `run --patient twin.json` runs.
BodyModel stored_twin(const Patient& patient, CalibrationReport* report = nullptr) {
  PersonalisedModel p = personalise(adult(), patient);
  if (report) *report = *p.report;
  const auto file = std::filesystem::temp_directory_path() /
                    ("physiotwin_stored_" + std::to_string(::getpid()) + ".json");
  write_twin_parameters(file, p.model, {p.patient, p.calibration, p.calibrated});
  BodyModel loaded = adult();
  (void)load_twin_parameters(file, loaded);
  std::filesystem::remove(file);
  return loaded;
}

Patient record(const std::string& file) {
  return patient_from_record(read_health_record(test_support::data_path("fhir/" + file)));
}

}  // namespace

// One record per systolic band (tests/data/fhir/README.md). Tolerance: issue 11's 3 mmHg,
// for calibration's own 2 mmHg plus what the twin may still drift.
class CalibratedRecord : public testing::TestWithParam<const char*> {};

TEST_P(CalibratedRecord, StoredTwinHoldsTheMeasuredPressureAt60sAnd30min) {
  const Patient patient = record(GetParam());
  const double systolic = patient.measurement(Measure::systolic_pressure);
  const double diastolic = patient.measurement(Measure::diastolic_pressure);
  CalibrationReport report;
  const BodyModel twin = stored_twin(patient, &report);
  const Measured minute(twin, 30.0, 60.0);
  EXPECT_NEAR(minute.systolic, systolic, 3.0);
  EXPECT_NEAR(minute.diastolic, diastolic, 3.0);
  // The report shows the twin as it runs: its settled values are what the twin shows.
  EXPECT_NEAR(report.settled.systolic, minute.systolic, 0.5);
  EXPECT_NEAR(report.settled.diastolic, minute.diastolic, 0.5);
  const Measured half_hour(twin, 1770.0, 1800.0);
  EXPECT_NEAR(half_hour.systolic, systolic, 3.0);
  EXPECT_NEAR(half_hour.diastolic, diastolic, 3.0);
}

INSTANTIATE_TEST_SUITE_P(
    SystolicBands, CalibratedRecord,
    testing::Values("smart_Gustavo_Mejia_59a8543c-e24f-4a01-b28b-47ccde6bc11d.json",
                    "smart_Alberto_Atencio_fc712d1f-5a2e-4407-9c55-a2a2bad623c2.json",
                    "smart_Liz_Conn_27c911c6-f045-4ffa-af5d-6eba57ac94b2.json",
                    "smart_Stephen_McLaughlin_7735ab79-6ac8-4b81-9936-f7ddabd18751.json",
                    "smart_Fredrick_Kris_ec6a5bb6-b412-4bb6-8219-11d66f52ae8b.json"));

// models/patients/example_measured_male.json: HR 64, 138/86 mmHg, RR 14, SpO2 96 %, EF 58 %.
// Every one re-measured on the running twin. Tolerances: calibration's (issue 4: 2 mmHg,
// 1 /min for the rates, 1 % SpO2, 2 % EF), and issue 11's 2 /min for the heart rate.
TEST(Calibration, EveryMeasuredVitalOfAPatientFileHoldsOnTheRunningTwin) {
  const Patient patient =
      load_patient(test_support::model_path("patients/example_measured_male.json"));
  CalibrationReport report;
  const BodyModel twin = stored_twin(patient, &report);
  EXPECT_EQ(report.results.size(), 6u);
  const Measured m(twin, 30.0, 90.0);
  EXPECT_NEAR(m.systolic, 138.0, 2.0);
  EXPECT_NEAR(m.diastolic, 86.0, 2.0);
  EXPECT_NEAR(m.heart_rate, 64.0, 2.0);
  EXPECT_NEAR(m.respiratory_rate, 14.0, 1.0);
  EXPECT_NEAR(m.spo2, 96.0, 1.0);
  EXPECT_NEAR(m.ejection_fraction, 58.0, 2.0);
}

// A record with a heart rate and a low SpO2 (the smart-on-fhir records have neither; this one is
// Alberto's record with both added at his latest visit): issue 11's heart rate within 2 /min
// and an SpO2 as measured within calibration's 1 %, re-measured on the stored twin, with the
// blood pressure within 3 mmHg.
TEST(Calibration, ARecordsHeartRateAndSpo2HoldOnTheStoredTwin) {
  nlohmann::json bundle = read_json_file(test_support::data_path(
      "fhir/smart_Alberto_Atencio_fc712d1f-5a2e-4407-9c55-a2a2bad623c2.json"));
  nlohmann::json template_observation;
  for (const auto& e : bundle["entry"]) {
    if (e["resource"]["resourceType"] == "Observation" &&
        e["resource"]["code"]["coding"][0]["code"] == "29463-7" &&
        e["resource"]["effectiveDateTime"].get<std::string>().starts_with("2019"))
      template_observation = e;
  }
  ASSERT_FALSE(template_observation.is_null());
  for (auto [code, value, unit] : {std::tuple{"8867-4", 88.0, "/min"}, {"59408-5", 84.0, "%"}}) {
    nlohmann::json o = template_observation;
    o["resource"]["code"]["coding"][0]["code"] = code;
    o["resource"]["valueQuantity"] = {{"value", value}, {"code", unit}};
    bundle["entry"].push_back(o);
  }
  const auto file = test_support::private_folder("record_vitals") / "record.json";
  std::ofstream(file) << bundle.dump();
  const Patient patient = patient_from_record(read_health_record(file));
  ASSERT_EQ(patient.measurement(Measure::heart_rate), 88.0);
  ASSERT_EQ(patient.measurement(Measure::spo2), 84.0);
  const Measured m(stored_twin(patient), 30.0, 60.0);
  EXPECT_NEAR(m.heart_rate, 88.0, 2.0);
  EXPECT_NEAR(m.spo2, 84.0, 1.0);
  EXPECT_NEAR(m.systolic, patient.measurement(Measure::systolic_pressure), 3.0);
  EXPECT_NEAR(m.diastolic, patient.measurement(Measure::diastolic_pressure), 3.0);
}

// Issue 11: a measured SpO2 down to 80 % is reached (hypoxaemia through the shunt fraction,
// with the chemoreflexes answering it as they will in the running twin).
TEST(Calibration, AnSpo2Of80PercentIsReached) {
  Patient patient = load_patient(test_support::model_path("patients/example_measured_male.json"));
  patient.measurements[std::size_t(Measure::spo2)] = 80.0;
  const BodyModel twin = stored_twin(patient);
  const Measured m(twin, 30.0, 90.0);
  EXPECT_NEAR(m.spo2, 80.0, 1.0);
  EXPECT_NEAR(m.systolic, 138.0, 2.0);
  EXPECT_NEAR(m.heart_rate, 64.0, 2.0);
}

// A record's resting rate near the maximal heart rate for the age (Tanaka et al. 2001: 208 - 0.7
// age, 148.5 /min at 85 years) raises the sinus node's ceiling, with a warning that quotes no
// value, and every vital is reached (this patient needs 8 closed-loop passes: 1.8 /min and 2.6
// mmHg off after 4): the stored twin rests at the record's rate within calibration's 1 /min.
TEST(Calibration, ARestingRateNearTheAgesMaximumRaisesTheCeiling) {
  Patient patient = load_patient(test_support::model_path("patients/example_measured_male.json"));
  patient.age_years = 85.0;
  patient.measurements[std::size_t(Measure::heart_rate)] = 135.0;
  CalibrationReport report;
  const BodyModel twin = stored_twin(patient, &report);
  bool named = false;
  for (const auto& w : report.warnings) {
    if (w.find("baroreflex.maximal_heart_rate was raised") == std::string::npos) continue;
    named = true;
    EXPECT_EQ(w.find("135"), std::string::npos) << w;
  }
  EXPECT_TRUE(named);
  EXPECT_GE(twin.parameters.value("baroreflex.maximal_heart_rate"), 135.0 / 0.85 - 1e-9);
  for (const CalibrationResult& r : report.results) EXPECT_TRUE(r.reached()) << r.target;
  EXPECT_NEAR(Measured(twin, 30.0, 60.0).heart_rate, 135.0, 1.0);
}

// An SpO2 above what the lungs give with no shunt at all is not reached, and a warning names
// the limit; the shunt is then none.
TEST(Calibration, AnSpo2AboveWhatTheLungsGiveIsAWarningNamingTheLimit) {
  Patient patient;
  patient.id = "high_spo2";
  patient.measurements[std::size_t(Measure::spo2)] = 99.5;
  PersonalisedModel p = personalise(adult(), patient);
  ASSERT_EQ(p.report->results.size(), 1u);
  EXPECT_FALSE(p.report->results[0].reached());
  bool named = false;
  for (const auto& w : p.report->warnings) {
    named = named || w.find("spo2: above what the lungs give with no shunt") != std::string::npos;
  }
  EXPECT_TRUE(named);
  EXPECT_EQ(p.model.parameters.value("gas.shunt_fraction"), 0.0);
}
