// Health records (FHIR R4, patient/health_record.hpp) into the measurements a twin is built
// from: the Synthea bundles of tests/data/fhir (copied unmodified from ../shared/data/fhir,
// licenses beside them), every bad input of issue 4, and de-identification.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../../helpers.hpp"

using namespace physiotwin;

namespace {

std::string fhir(const std::string& name) {
  return test_support::data_path("fhir/" + name);
}
const std::string alberto = "smart_Alberto_Atencio_fc712d1f-5a2e-4407-9c55-a2a2bad623c2.json";

/// Writes a copy of a record with one modification; returns its path.
template <typename Edit>
std::string variant(const std::string& name, Edit edit, const std::string& from = alberto) {
  auto json = read_json_file(fhir(from));
  edit(json);
  const auto path =
      std::filesystem::temp_directory_path() / ("physiotwin_record_" + name + ".json");
  std::ofstream(path) << json.dump(1);
  return path.string();
}

std::string error_of(const std::string& file) {
  try {
    (void)read_health_record(file);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

/// Index of the first entry whose resource has this LOINC code.
std::size_t entry_with(const nlohmann::json& bundle, const std::string& code) {
  for (std::size_t i = 0; i < bundle["entry"].size(); ++i) {
    const auto& r = bundle["entry"][i]["resource"];
    if (r["resourceType"] == "Observation" && r["code"]["coding"][0]["code"] == code) return i;
  }
  return bundle["entry"].size();
}

}  // namespace

// The latest value of each measurement, with the values as the bundle holds them (read with
// Python's json module for this test); years only, never dates.
TEST(HealthRecord, ReadsTheLatestValuesOfASyntheaBundle) {
  const HealthRecord r = read_health_record(fhir(alberto));
  EXPECT_EQ(r.sex, "male");
  EXPECT_EQ(r.age_years, 25);  // born 1993-06-07, latest observation 2019-03-11
  EXPECT_EQ(r.as_of_year, 2019);
  EXPECT_DOUBLE_EQ(r[Measure::height].value, 179.2213976069333);
  EXPECT_EQ(r[Measure::height].year, 2019);
  EXPECT_DOUBLE_EQ(r[Measure::weight].value, 61.427863654328746);
  EXPECT_DOUBLE_EQ(r[Measure::systolic_pressure].value, 131.53666714260382);
  EXPECT_DOUBLE_EQ(r[Measure::diastolic_pressure].value, 78.16325647967783);
  // 2016-03-07: three years before the as-of date, inside haemoglobin's five-year window.
  EXPECT_DOUBLE_EQ(r[Measure::hemoglobin].value, 16.079701556982158);
  EXPECT_EQ(r[Measure::hemoglobin].year, 2016);
  EXPECT_NEAR(r[Measure::hemoglobin].years_before_as_of, 3.01, 0.01);
  EXPECT_FALSE(r[Measure::heart_rate].present());  // the smart bundles have none
  EXPECT_EQ(r.record_digest.size(), 64u);
  EXPECT_TRUE(r.warnings.empty());
  const Patient p = patient_from_record(r);
  EXPECT_NE(std::find(p.measured.begin(), p.measured.end(), "height 179.2 cm (2019)"),
            p.measured.end());
}

// Issue 4: every adult's record among the Synthea bundles gives a twin; the child's is refused
// with a message that says why.
TEST(HealthRecord, EveryAdultBundleGivesATwinAndTheChildIsRefused) {
  for (const auto& entry : std::filesystem::directory_iterator(test_support::data_path("fhir"))) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".json") continue;
    if (name.starts_with("inferno")) {
      const std::string m = error_of(entry.path().string());
      EXPECT_NE(m.find("birthDate: the patient is younger than 18 years at the as-of date; the "
                       "model is for adults"),
                std::string::npos)
          << m;
      continue;
    }
    const Patient p = patient_from_record(read_health_record(entry.path()));
    BodyModel model = load_circulation(test_support::model_path("circulation/adult.json"));
    scale_to_patient(model, p);
    EXPECT_DOUBLE_EQ(model.parameters.value("gas.hemoglobin"), p.measurement(Measure::hemoglobin));
    Twin twin(std::move(model));
    twin.advance(2.0);
    EXPECT_TRUE(std::isfinite(twin.signal("aorta.pressure"))) << name;
    // Height, weight and haemoglobin are measured; the smart bundles have no heart rate.
    for (const auto& a : p.assumed) {
      EXPECT_EQ(a.find("height"), std::string::npos) << name;
      EXPECT_EQ(a.find("hemoglobin"), std::string::npos) << name;
    }
    EXPECT_TRUE(std::any_of(p.assumed.begin(), p.assumed.end(), [](const std::string& a) {
      return a.starts_with("heart_rate: none in the record");
    })) << name;
  }
}

TEST(HealthRecord, ConvertsUcumUnitsAndHonoursDataAbsentAndStatus) {
  const auto file = variant("units", [](nlohmann::json& j) {
    auto& height = j["entry"][entry_with(j, "8302-2")]["resource"];
    height["effectiveDateTime"] = "2020-01-01T00:00:00Z";  // now the latest height
    height["valueQuantity"] = {{"value", 70.0},
                               {"unit", "in"},
                               {"system", "http://unitsofmeasure.org"},
                               {"code", "[in_i]"}};
    auto& weight = j["entry"][entry_with(j, "29463-7")]["resource"];
    weight["effectiveDateTime"] = "2020-01-01T00:00:00Z";
    weight["valueQuantity"] = {{"value", 165.0}, {"code", "[lb_av]"}};
    auto& hb = j["entry"][entry_with(j, "718-7")]["resource"];
    hb["effectiveDateTime"] = "2020-01-01T00:00:00Z";
    hb["valueQuantity"] = {{"value", 140.0}, {"code", "g/L"}};
    // A later blood pressure that was entered in error, and one with its data absent.
    auto bp = j["entry"][entry_with(j, "55284-4")];
    bp["resource"]["effectiveDateTime"] = "2021-01-01T00:00:00Z";
    bp["resource"]["status"] = "entered-in-error";
    j["entry"].push_back(bp);
    auto absent = j["entry"][entry_with(j, "55284-4")];
    absent["resource"]["effectiveDateTime"] = "2021-02-01T00:00:00Z";
    for (auto& c : absent["resource"]["component"]) {
      c.erase("valueQuantity");
      c["dataAbsentReason"] = {{"coding", {{{"code", "not-performed"}}}}};
    }
    j["entry"].push_back(absent);
  });
  const HealthRecord r = read_health_record(file);
  EXPECT_NEAR(r[Measure::height].value, 177.8, 1e-9);                         // 70 in
  EXPECT_NEAR(r[Measure::weight].value, 74.842741, 1e-6);                     // 165 lb
  EXPECT_NEAR(r[Measure::hemoglobin].value, 14.0, 1e-12);                     // 140 g/L
  EXPECT_DOUBLE_EQ(r[Measure::systolic_pressure].value, 131.53666714260382);  // not the 2021 ones
  // Both newer panels skipped, for each of the two pressures, each naming its path.
  ASSERT_EQ(r.warnings.size(), 4u);
  for (const auto& w : r.warnings) {
    EXPECT_TRUE(w.starts_with("health record sha256 ")) << w;
    EXPECT_NE(w.find(".component["), std::string::npos) << w;
  }
  EXPECT_NE(r.warnings[0].find("systolic_pressure skipped: its data are absent"), std::string::npos)
      << r.warnings[0];
  EXPECT_NE(r.warnings[1].find(
                "systolic_pressure skipped: its status is not final, amended or corrected"),
            std::string::npos)
      << r.warnings[1];
}

// A cardiopulmonary exercise test's VO2peak per kilogram, LOINC 94122-9 (docs/patient-records.md),
// is the patient's peak_o2_uptake (patient_file.cpp then scales it by the weight); a record
// without one has none.
TEST(HealthRecord, ReadsTheMeasuredPeakO2Uptake) {
  std::string latest;
  const auto file = variant("vo2peak", [&latest](nlohmann::json& j) {
    for (const auto& entry : j["entry"]) {
      const auto& r = entry["resource"];
      if (r["resourceType"] == "Observation" && r.contains("effectiveDateTime"))
        latest = std::max(latest, r["effectiveDateTime"].get<std::string>());
    }
    // A copy of the body weight's entry (this record has no heart rate), recoded.
    const std::size_t weight = entry_with(j, "29463-7");
    ASSERT_LT(weight, j["entry"].size());
    auto test = j["entry"][weight];
    test["resource"]["code"] =
        nlohmann::json::parse(R"({"coding": [{"system": "http://loinc.org", "code": "94122-9"}]})");
    test["resource"]["effectiveDateTime"] = latest;
    test["resource"]["valueQuantity"] = nlohmann::json::parse(
        R"({"value": 38.0, "unit": "mL/kg/min", "system": "http://unitsofmeasure.org",
            "code": "mL/kg/min"})");
    j["entry"].push_back(test);
  });
  const HealthRecord r = read_health_record(file);
  ASSERT_TRUE(r[Measure::peak_o2_uptake].present())
      << r.not_used[std::size_t(Measure::peak_o2_uptake)];
  EXPECT_DOUBLE_EQ(r[Measure::peak_o2_uptake].value, 38.0);
  EXPECT_FALSE(read_health_record(fhir(alberto))[Measure::peak_o2_uptake].present());
}

// Issue 11, records as they come: an observation that cannot be used is skipped with a
// one-line warning naming its JSON path, and the latest usable one of its kind is used; only
// when none is left is the measurement absent (and said so), never is the record refused.
TEST(HealthRecord, UnusableObservationsAreSkippedNotFatal) {
  const auto file = variant("no_unit", [](nlohmann::json& j) {
    // The latest panel's diastolic pressure without a unit (as 343 panels of four Synthea
    // records are), after an earlier visit within the two-year window; the weight of the
    // latest visit a string.
    std::size_t latest = 0;
    std::string when;
    for (std::size_t i = 0; i < j["entry"].size(); ++i) {
      const auto& r = j["entry"][i]["resource"];
      if (r["resourceType"] == "Observation" && r["code"]["coding"][0]["code"] == "55284-4" &&
          r["effectiveDateTime"].get<std::string>() > when) {
        latest = i;
        when = r["effectiveDateTime"];
      }
    }
    auto earlier = j["entry"][latest];
    earlier["resource"]["effectiveDateTime"] = "2018-06-01T00:00:00Z";
    j["entry"].push_back(earlier);
    for (auto& c : j["entry"][latest]["resource"]["component"]) {
      if (c["code"]["coding"][0]["code"] != "8462-4") continue;
      c["valueQuantity"].erase("unit");
      c["valueQuantity"].erase("code");
    }
    for (auto& e : j["entry"]) {
      auto& r = e["resource"];
      if (r["resourceType"] == "Observation" && r["code"]["coding"][0]["code"] == "29463-7" &&
          r["effectiveDateTime"] == when)
        r["valueQuantity"]["value"] = "61.4";
    }
    // A heart rate no living person has.
    auto obs = j["entry"][entry_with(j, "29463-7")];
    obs["resource"]["code"]["coding"][0]["code"] = "8867-4";
    obs["resource"]["valueQuantity"] = {{"value", 900}, {"code", "/min"}};
    j["entry"].push_back(obs);
  });
  const HealthRecord r = read_health_record(file);
  // The earlier visit's diastolic pressure and weight stand in.
  EXPECT_EQ(r[Measure::diastolic_pressure].year, 2018);
  EXPECT_EQ(r[Measure::systolic_pressure].year, 2019);
  EXPECT_EQ(r[Measure::weight].year, 2016);
  EXPECT_FALSE(r[Measure::heart_rate].present());
  auto warned = [&](const std::string& text) {
    return std::any_of(r.warnings.begin(), r.warnings.end(),
                       [&](const std::string& w) { return w.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(warned("].valueQuantity: diastolic_pressure skipped: no unit"));
  EXPECT_TRUE(warned(".resource.valueQuantity: weight skipped: its value is not a number"));
  EXPECT_TRUE(
      warned("heart_rate skipped: a value outside what a living person can have [20, "
             "300] 1/min"));
  for (const auto& w : r.warnings) EXPECT_EQ(w.find("900"), std::string::npos) << w;
  const Patient p = patient_from_record(r);
  EXPECT_NE(std::find(p.assumed.begin(), p.assumed.end(),
                      "heart_rate: the record's 1 heart_rate observation cannot be used; the "
                      "model's resting value for this body stands"),
            p.assumed.end());
}

// Issue 11: the as-of date defaults to the record's latest Observation of any kind, the age
// is taken then, and vitals older than their window before it are not used (with a warning),
// rather than aging the patient backwards to them.
TEST(HealthRecord, TheAsOfDateIsTheLatestObservationAndOldVitalsAreNotUsed) {
  const auto file = variant("later_lab", [](nlohmann::json& j) {
    auto lab = j["entry"][entry_with(j, "718-7")];            // any Observation, another code
    lab["resource"]["code"]["coding"][0]["code"] = "2093-3";  // cholesterol: not a measure
    lab["resource"]["effectiveDateTime"] = "2023-05-01T00:00:00Z";
    j["entry"].push_back(lab);
  });
  const HealthRecord r = read_health_record(file);
  EXPECT_EQ(r.as_of_year, 2023);
  EXPECT_EQ(r.age_years, 29);                             // born 1993-06-07
  EXPECT_FALSE(r[Measure::systolic_pressure].present());  // 2019: more than 2 years before
  EXPECT_TRUE(r[Measure::height].present());              // height's window is 20 years
  EXPECT_TRUE(std::any_of(r.warnings.begin(), r.warnings.end(), [](const std::string& w) {
    return w.find("systolic_pressure is more than 2 years older than the as-of date: not used") !=
           std::string::npos;
  }));
  const Patient p = patient_from_record(r);
  EXPECT_NE(std::find(p.assumed.begin(), p.assumed.end(),
                      "systolic_pressure: the record's latest is more than 2 years before the "
                      "as-of date; the model's resting value for this body stands"),
            p.assumed.end());
  // --as-of on the day of the 2019 visit: that visit's values, the age then.
  const HealthRecord then = read_health_record(file, "2019-03-11");
  EXPECT_EQ(then.age_years, 25);
  EXPECT_DOUBLE_EQ(then[Measure::systolic_pressure].value, 131.53666714260382);
  for (const char* bad : {"", "2019-3-11", "2019-02-30", "11/03/2019", "2019"}) {
    EXPECT_THROW((void)read_health_record(file, std::string(bad)), InputError) << bad;
  }
}

TEST(HealthRecord, PatientWithContainedObservations) {
  auto bundle = read_json_file(fhir(alberto));
  nlohmann::json patient;
  for (const auto& e : bundle["entry"]) {
    if (e["resource"]["resourceType"] == "Patient") patient = e["resource"];
  }
  for (const auto& e : bundle["entry"]) {
    if (e["resource"]["resourceType"] == "Observation")
      patient["contained"].push_back(e["resource"]);
  }
  const auto path = std::filesystem::temp_directory_path() / "physiotwin_record_contained.json";
  std::ofstream(path) << patient.dump();
  const HealthRecord r = read_health_record(path);
  EXPECT_DOUBLE_EQ(r[Measure::height].value, 179.2213976069333);
  EXPECT_EQ(r.age_years, 25);
}

// Issue 4's bad inputs: each a clear error naming the file and JSON path.
TEST(HealthRecord, BadRecordsAreRefusedNamingThePath) {
  const auto dir = std::filesystem::temp_directory_path();
  std::ofstream(dir / "physiotwin_record_broken.json") << "{\"resourceType\": \"Bundle\",,}";
  EXPECT_NE(error_of((dir / "physiotwin_record_broken.json").string()).find("not valid JSON"),
            std::string::npos);
  // Found by the fuzz target: a number beyond a double is an error, not a crash, and the
  // message does not quote the record.
  std::ofstream(dir / "physiotwin_record_overflow.json")
      << R"({"resourceType": "Bundle", "total": 1e999})";
  const std::string overflow = error_of((dir / "physiotwin_record_overflow.json").string());
  EXPECT_NE(overflow.find("not valid JSON: a number is too large for a double"), std::string::npos)
      << overflow;
  EXPECT_EQ(overflow.find("1e999"), std::string::npos) << overflow;
  EXPECT_NE(error_of(variant("observation",
                             [](nlohmann::json& j) {
                               j = {{"resourceType", "Observation"}};
                             }))
                .find("resourceType: a FHIR resource other than a Bundle or a Patient"),
            std::string::npos);
  EXPECT_NE(error_of(variant("not_fhir",
                             [](nlohmann::json& j) {
                               j = {{"patients", 1}};
                             }))
                .find("not a FHIR resource (no \"resourceType\")"),
            std::string::npos);
  EXPECT_NE(error_of(variant("no_patient",
                             [](nlohmann::json& j) {
                               auto& e = j["entry"];
                               for (std::size_t i = e.size(); i-- > 0;)
                                 if (e[i]["resource"]["resourceType"] == "Patient") e.erase(i);
                             }))
                .find("the record holds no Patient"),
            std::string::npos);
  EXPECT_NE(error_of(variant("two_patients",
                             [](nlohmann::json& j) { j["entry"].push_back(j["entry"][0]); }))
                .find("a second Patient"),
            std::string::npos);
  const std::string future = error_of(variant("future", [](nlohmann::json& j) {
    for (auto& e : j["entry"]) {
      if (e["resource"]["resourceType"] == "Patient") e["resource"]["birthDate"] = "2090-01-01";
    }
  }));
  EXPECT_NE(future.find("birthDate: the birth date is after the record's latest Observation"),
            std::string::npos)
      << future;
  EXPECT_NE(error_of(variant("unknown_gender",
                             [](nlohmann::json& j) {
                               for (auto& e : j["entry"]) {
                                 if (e["resource"]["resourceType"] == "Patient")
                                   e["resource"]["gender"] = "unknown";
                               }
                             }))
                .find("gender: the model's body-size equations need a gender of male or female"),
            std::string::npos);
}

// Nothing that identifies the person leaves the reader: not in the values kept, the notes,
// the pseudonym, nor any error message (checked for every name and identifier of the record).
TEST(HealthRecord, NoIdentifyingTextLeavesTheReader) {
  const auto bundle = read_json_file(fhir(alberto));
  std::vector<std::string> identifying;
  for (const auto& e : bundle["entry"]) {
    const auto& r = e["resource"];
    if (r["resourceType"] != "Patient") continue;
    for (const auto& n : r["name"]) {
      identifying.push_back(n["family"]);
      for (const auto& g : n["given"]) identifying.push_back(g);
    }
    for (const auto& id : r["identifier"]) identifying.push_back(id["value"]);
    for (const auto& a : r["address"]) {
      for (const auto& line : a["line"]) identifying.push_back(line);
    }
    for (const auto& t : r["telecom"]) identifying.push_back(t["value"]);
  }
  ASSERT_GE(identifying.size(), 4u);
  const HealthRecord record = read_health_record(fhir(alberto));
  const Patient p = patient_from_record(record);
  std::string everything = record.pseudonym + record.sex + p.id + p.description + p.source;
  for (const auto& n : record.warnings) everything += n;
  for (const auto& m : p.measured) everything += m;
  // A gender that is a name (an error), and the latest weight without a unit and a heart rate
  // with the family name as its unit (warnings): neither may quote them.
  const auto odd = variant("for_privacy", [](nlohmann::json& j) {
    for (auto& e : j["entry"]) {
      auto& r = e["resource"];
      if (r["resourceType"] == "Observation" && r["code"]["coding"][0]["code"] == "29463-7" &&
          r["effectiveDateTime"].get<std::string>().starts_with("2019"))
        r["valueQuantity"].erase("unit"), r["valueQuantity"].erase("code");
    }
    auto hr = j["entry"][entry_with(j, "29463-7")];
    hr["resource"]["code"]["coding"][0]["code"] = "8867-4";
    hr["resource"]["effectiveDateTime"] = "2019-03-11T05:28:45+00:00";
    hr["resource"]["valueQuantity"] = {{"value", 70}, {"code", "Atencio"}};
    j["entry"].push_back(hr);
  });
  const HealthRecord warned = read_health_record(odd);
  ASSERT_GE(warned.warnings.size(), 2u);
  for (const auto& w : warned.warnings) everything += w;
  everything += error_of(variant("gender_name", [](nlohmann::json& j) {
    for (auto& e : j["entry"]) {
      if (e["resource"]["resourceType"] == "Patient") e["resource"]["gender"] = "Alberto";
    }
  }));
  // Errors from a record whose file name holds the name, whose text breaks off inside a name,
  // and whose birth date is not a string: none may quote the name, the file name or the value.
  const auto dir = test_support::private_folder("privacy");
  {
    auto bad = bundle;
    for (auto& e : bad["entry"]) {
      if (e["resource"]["resourceType"] == "Patient") e["resource"]["gender"] = "Atencio";
    }
    std::ofstream(dir / "Alberto_Atencio.json") << bad.dump();
    const std::string named = error_of((dir / "Alberto_Atencio.json").string());
    EXPECT_NE(named.find("gender"), std::string::npos) << named;
    everything += named;
    const std::string text = bundle.dump();
    const auto at = text.find("Atencio");
    std::ofstream(dir / "Alberto_Atencio_cut.json") << text.substr(0, at + 4);
    everything += error_of((dir / "Alberto_Atencio_cut.json").string());
    for (auto& e : bad["entry"]) {
      if (e["resource"]["resourceType"] == "Patient")
        e["resource"]["birthDate"] = {{"given", "Alberto"}};
    }
    std::ofstream(dir / "Alberto_Atencio_birth.json") << bad.dump();
    everything += error_of((dir / "Alberto_Atencio_birth.json").string());
  }
  EXPECT_EQ(everything.find("no error"), std::string::npos) << everything;
  EXPECT_NE(everything.find("health record sha256 "), std::string::npos);
  for (const auto& text : identifying) {
    EXPECT_EQ(everything.find(text), std::string::npos) << "leaked: " << text;
  }
  // The code is the table's: read again, the same record gets the same code.
  EXPECT_EQ(read_health_record(fhir(alberto)).pseudonym, record.pseudonym);
}
