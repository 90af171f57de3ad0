// Members' results sent between processes (cohort/member_transfer.hpp): what arrives is what
// left, to the last bit, so that a file written from it is the file written in one process.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <physiotwin/cohort/member_transfer.hpp>

#include "../../helpers.hpp"

using namespace physiotwin;
using namespace physiotwin::cohort;

namespace {

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  return true;
}

}  // namespace

TEST(MemberTransfer, ArrivesAsItLeft) {
  const auto folder = test_support::private_folder("member_transfer");
  std::ofstream(folder / "scenario.json") << R"({"duration": 3, "actions": [
      {"time": 1, "action": "infusion", "rate": 50, "volume": 20, "fluid": "saline"}]})";
  std::ofstream(folder / "cohort.json") << R"({"format": "physiotwin-cohort", "version": 1,
      "model": ")" << test_support::model_path("circulation/adult.json")
                                        << R"(", "scenario": "scenario.json",
      "population": {"size": 2, "age": {"distribution": "uniform", "min": 30, "max": 60},
                     "parameters": {"heart.rate": {"distribution": "uniform", "min": 60, "max": 80}}},
      "outputs": {"timeseries_rate": 20,
                  "summaries": [{"metric": "heart_rate", "window": [0, 3]}]}})";
  const CohortPlan plan =
      plan_cohort(load_cohort_description(folder / "cohort.json"), "unused.json");
  const MemberResult sent = run_member(plan, 1);
  ASSERT_TRUE(sent.ok()) << sent.error;
  ASSERT_FALSE(sent.action_names.empty());
  const std::vector<std::uint8_t> bytes = member_to_bytes(sent);
  const MemberResult got = member_from_bytes(bytes, plan);
  EXPECT_EQ(got.index, sent.index);
  EXPECT_EQ(got.status, sent.status);
  EXPECT_EQ(got.patient.id, sent.patient.id);
  EXPECT_EQ(got.patient.sex, sent.patient.sex);
  EXPECT_TRUE(same_bits(got.inputs, sent.inputs));
  EXPECT_TRUE(same_bits(got.summary, sent.summary));
  EXPECT_EQ(got.record.times, sent.record.times);
  EXPECT_EQ(got.record.samples, sent.record.samples);
  ASSERT_EQ(got.record.beats.size(), sent.record.beats.size());
  for (std::size_t b = 0; b < sent.record.beats.size(); ++b)  // HRV is NaN in the first minute
    EXPECT_TRUE(same_bits(got.record.beats[b], sent.record.beats[b])) << "beat " << b;
  EXPECT_EQ(got.record.breaths, sent.record.breaths);
  EXPECT_EQ(got.record.action_times, sent.record.action_times);
  EXPECT_EQ(got.action_details, sent.action_details);
  ASSERT_TRUE(got.header.has_value());
  EXPECT_EQ(got.header->description.overrides, sent.header->description.overrides);
  for (std::size_t i = 0; i < sent.header->model.parameters.size(); ++i)
    EXPECT_EQ(got.header->model.parameters.at(i).value, sent.header->model.parameters.at(i).value)
        << sent.header->model.parameters.at(i).name;
  EXPECT_EQ(got.header->beat_metrics.size(), sent.header->beat_metrics.size());
  // Bytes that are not a member: an IoError, not a crash.
  std::vector<std::uint8_t> broken(bytes.begin(), bytes.begin() + long(bytes.size() / 2));
  EXPECT_THROW((void)member_from_bytes(broken, plan), IoError);
  std::filesystem::remove_all(folder);
}
