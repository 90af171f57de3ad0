// Observation streams for the monitor (monitor/observation_stream.hpp, reorder_buffer.hpp):
// both formats, every kind of bad line warned by number without quoting it, late arrivals.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "physiotwin/monitor/observation_stream.hpp"
#include "physiotwin/monitor/reorder_buffer.hpp"
#include "physiotwin/patient/dates.hpp"

using namespace physiotwin;
using namespace physiotwin::monitor;

namespace {

const std::int64_t noon = dates::parse("2026-12-05T12:00:00Z")->seconds;

std::string heart_rate_json(const std::string& time, double value,
                            const std::string& status = "final") {
  return R"({"resourceType":"Observation","status":")" + status +
         R"(","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},)"
         R"("effectiveDateTime":")" +
         time + R"(","valueQuantity":{"value":)" + std::to_string(value) +
         R"(,"unit":"/min","code":"/min"}})";
}

}  // namespace

TEST(ObservationStream, ReadsFhirObservationsAsNdjson) {
  ObservationReader reader(noon);
  auto a = reader.read(heart_rate_json("2026-12-05T11:00:00Z", 72), 1);
  EXPECT_EQ(reader.format(), StreamFormat::ndjson);
  ASSERT_EQ(a.observations.size(), 1u);
  EXPECT_TRUE(a.warnings.empty());
  EXPECT_EQ(a.observations[0].measure, Measure::heart_rate);
  EXPECT_DOUBLE_EQ(a.observations[0].value, 72.0);
  EXPECT_EQ(a.observations[0].time, noon - 3600);
  EXPECT_EQ(a.observations[0].line, 1u);
  // A wearable's live value is often preliminary: used.
  EXPECT_EQ(reader.read(heart_rate_json("2026-12-05T11:00:05+01:00", 75, "preliminary"), 2)
                .observations.size(),
            1u);
  // A blood-pressure panel gives both pressures, in kPa converted to mmHg.
  const std::string panel =
      R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":)"
      R"("http://loinc.org","code":"85354-9"}]},"effectiveDateTime":"2026-12-05T11:01:00Z",)"
      R"("component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},)"
      R"("valueQuantity":{"value":16,"code":"kPa"}},{"code":{"coding":[{"system":)"
      R"("http://loinc.org","code":"8462-4"}]},"valueQuantity":{"value":80,"code":"mm[Hg]"}}]})";
  const auto p = reader.read(panel, 3);
  ASSERT_EQ(p.observations.size(), 2u);
  EXPECT_EQ(p.observations[0].measure, Measure::systolic_pressure);
  EXPECT_NEAR(p.observations[0].value, 120.0, 0.01);
  EXPECT_EQ(p.observations[1].measure, Measure::diastolic_pressure);
}

TEST(ObservationStream, WarnsForEachBadNdjsonLineByNumberWithoutQuotingIt) {
  ObservationReader reader(noon);
  (void)reader.read(heart_rate_json("2026-12-05T11:00:00Z", 72), 1);
  struct Bad {
    std::string line, why;
  };
  const std::vector<Bad> bad{
      {R"({"resourceType":"Observation", 4711)", "not a JSON object"},
      {R"({"resourceType":"Patient","id":"4711"})", "not a FHIR Observation"},
      {heart_rate_json("2026-12-05", 71), "no effective time with a time of day"},
      {heart_rate_json("2026-12-05T11:00:00Z", 4711), "outside what a living person can have"},
      {heart_rate_json("2026-12-05T11:00:00Z", 71, "entered-in-error"),
       "its status is not final, amended, corrected or preliminary"},
      {heart_rate_json("2026-12-06T11:00:00Z", 71), "after the reader's clock"},
      {R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":)"
       R"("http://loinc.org","code":"29463-7"}]},"effectiveDateTime":"2026-12-05T11:00:00Z",)"
       R"("valueQuantity":{"value":47.11,"code":"kg"}})",
       "no LOINC code of a measure the monitor takes"}};
  for (std::size_t i = 0; i < bad.size(); ++i) {
    const auto r = reader.read(bad[i].line, 10 + i);
    EXPECT_TRUE(r.observations.empty()) << i;
    ASSERT_EQ(r.warnings.size(), 1u) << i;
    EXPECT_EQ(r.warnings[0].rfind("line " + std::to_string(10 + i) + ": ", 0), 0u) << r.warnings[0];
    EXPECT_NE(r.warnings[0].find(bad[i].why), std::string::npos) << r.warnings[0];
    EXPECT_EQ(r.warnings[0].find("4711"), std::string::npos) << r.warnings[0];  // never quoted
    EXPECT_EQ(r.warnings[0].find("47.11"), std::string::npos) << r.warnings[0];
  }
  EXPECT_EQ(reader.read("   ", 20).warnings.size(), 0u);  // blank lines are nothing
}

TEST(ObservationStream, ReadsTheDocumentedCsv) {
  ObservationReader reader(noon);
  EXPECT_TRUE(reader.read("# a gateway export", 1).warnings.empty());
  EXPECT_TRUE(reader.read("time,measure,value,unit", 2).warnings.empty());
  EXPECT_EQ(reader.format(), StreamFormat::csv);
  const auto hr = reader.read("2026-12-05T11:00:00Z,heart_rate,72,/min", 3);
  ASSERT_EQ(hr.observations.size(), 1u);
  EXPECT_EQ(hr.observations[0].measure, Measure::heart_rate);
  const auto spo2 = reader.read("2026-12-05T11:00:01Z, 59408-5 , 0.97, 1", 4);  // LOINC, fraction
  ASSERT_EQ(spo2.observations.size(), 1u);
  EXPECT_EQ(spo2.observations[0].measure, Measure::spo2);
  EXPECT_NEAR(spo2.observations[0].value, 97.0, 1e-9);
  const auto sbp = reader.read("2026-12-05T11:00:02Z,systolic_pressure,121,", 5);  // default unit
  ASSERT_EQ(sbp.observations.size(), 1u);
  EXPECT_DOUBLE_EQ(sbp.observations[0].value, 121.0);

  const std::vector<std::pair<std::string, std::string>> bad{
      {"2026-12-05T11:00:00Z,heart_rate", "cells where the header has"},
      {"2026-12-05T11:00:00Z,weight,47.11,kg", "not a measure the monitor takes"},
      {"2026-12-05T11:00:00Z,pulse,71,/min", "not a measure the monitor takes"},
      {"yesterday,heart_rate,71,/min", "not an ISO 8601 date and time of day"},
      {"2026-12-05T11:00:00Z,heart_rate,seventy,/min", "not a number"},
      {"2026-12-05T11:00:00Z,heart_rate,4711,/min", "outside what a living person can have"},
      {"2026-12-05T11:00:00Z,systolic_pressure,121,psi", "a unit that is not one of"},
      {"2026-12-07T11:00:00Z,heart_rate,71,/min", "after the reader's clock"}};
  for (std::size_t i = 0; i < bad.size(); ++i) {
    const auto r = reader.read(bad[i].first, 30 + i);
    EXPECT_TRUE(r.observations.empty()) << i;
    ASSERT_EQ(r.warnings.size(), 1u) << i;
    EXPECT_NE(r.warnings[0].find("line " + std::to_string(30 + i) + ": "), std::string::npos);
    EXPECT_NE(r.warnings[0].find(bad[i].second), std::string::npos) << r.warnings[0];
    EXPECT_EQ(r.warnings[0].find("4711"), std::string::npos) << r.warnings[0];
    EXPECT_EQ(r.warnings[0].find("seventy"), std::string::npos) << r.warnings[0];
  }
}

TEST(ObservationStream, ATextThatIsNeitherFormatIsWarnedUntilAHeaderComes) {
  ObservationReader reader(noon);
  const auto r = reader.read("hello", 1);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("neither an NDJSON Observation nor the CSV header"),
            std::string::npos);
  EXPECT_EQ(reader.format(), StreamFormat::undecided);
  (void)reader.read("value,time,measure", 2);  // columns in any order
  const auto row = reader.read("70,2026-12-05T11:00:00Z,heart_rate", 3);
  ASSERT_EQ(row.observations.size(), 1u);
  EXPECT_DOUBLE_EQ(row.observations[0].value, 70.0);
}

TEST(ReorderBuffer, SortsLateArrivalsInWithinItsWindowAndWarnsBeyond) {
  ReorderBuffer buffer(60);
  auto obs = [](std::int64_t t, std::size_t line) {
    return Observation{t, Measure::heart_rate, 70.0, line};
  };
  EXPECT_TRUE(buffer.push(obs(0, 1)).empty());
  EXPECT_TRUE(buffer.push(obs(30, 2)).empty());
  EXPECT_TRUE(buffer.push(obs(10, 3)).empty());  // 20 s late: within the window
  EXPECT_TRUE(buffer.release().empty());         // nothing is 60 s old yet
  EXPECT_TRUE(buffer.push(obs(75, 4)).empty());
  const auto first = buffer.release();  // up to 75 - 60 = 15 s
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].line, 1u);
  EXPECT_EQ(first[1].line, 3u);
  const std::string late = buffer.push(obs(5, 5));  // before what was used
  EXPECT_NE(late.find("line 5: "), std::string::npos);
  EXPECT_NE(late.find("not used"), std::string::npos);
  EXPECT_TRUE(buffer.push(obs(20, 6)).empty());  // after what was used: still sorted in
  const auto rest = buffer.flush();
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0].line, 6u);
  EXPECT_EQ(rest[1].line, 2u);
  EXPECT_EQ(rest[2].line, 4u);
  EXPECT_EQ(buffer.waiting(), 0u);
}

TEST(ObservationStream, TheExampleStreamsReadWholeAndAlike) {
  // tests/data/streams: the same five measurements in both formats.
  auto read_file = [](const std::string& name) {
    std::ifstream in(std::string(PHYSIOTWIN_TEST_DATA_DIR) + "/streams/" + name);
    EXPECT_TRUE(in.good()) << name;
    ObservationReader reader(noon);
    std::vector<Observation> all;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
      const auto r = reader.read(line, number);
      EXPECT_TRUE(r.warnings.empty()) << name << " line " << number;
      all.insert(all.end(), r.observations.begin(), r.observations.end());
    }
    return all;
  };
  const auto ndjson = read_file("wearable.ndjson");
  const auto csv = read_file("wearable.csv");
  ASSERT_EQ(ndjson.size(), 5u);
  ASSERT_EQ(csv.size(), ndjson.size());
  for (std::size_t i = 0; i < csv.size(); ++i) {
    EXPECT_EQ(csv[i].measure, ndjson[i].measure) << i;
    EXPECT_EQ(csv[i].time, ndjson[i].time) << i;
    EXPECT_DOUBLE_EQ(csv[i].value, ndjson[i].value) << i;
  }
}
