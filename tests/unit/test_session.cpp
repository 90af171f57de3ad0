// session.hpp: a run built once from a patient input, whose recorders begin from one header;
// every input is read and hashed once.
#include <gtest/gtest.h>

#include <filesystem>

#include "../helpers.hpp"
#include "physiotwin/core/sha256.hpp"
#include "physiotwin/io/hdf5.hpp"
#include "physiotwin/session.hpp"

using namespace physiotwin;

namespace {

/// A copy of a shipped file in a private folder, which the test may delete.
std::filesystem::path private_copy(const std::string& folder, const std::string& relative) {
  const auto to = test_support::private_folder(folder) / std::filesystem::path(relative).filename();
  std::filesystem::copy_file(test_support::model_path(relative), to);
  return to;
}

std::string digest_of(const std::filesystem::path& file) {
  return crypto::hex(crypto::sha256(read_text_file(file)));
}

}  // namespace

// Personalising reads the model file and the patient input once: both are gone before the
// model is personalised and described, and nothing needs them again.
TEST(Session, EachInputIsReadAndHashedOnce) {
  const auto model_file = private_copy("session_read_once", "circulation/adult.json");
  const auto patient_file = private_copy("session_read_once_patient", "patients/adult_male.json");
  const std::string model_digest_expected = digest_of(model_file);
  const std::string patient_digest_expected = digest_of(patient_file);
  BodyModel model = load_circulation(model_file);
  const PatientInputFile input = read_patient_input_file(patient_file);
  std::filesystem::remove(model_file);
  std::filesystem::remove(patient_file);
  const PersonalisedModel personalised = personalise(std::move(model), input, {false, nullptr, {}});
  const Session session(personalised);
  const RunDescription& run = session.header().description;
  EXPECT_EQ(run.patient_file, "patient file, sha256 " + patient_digest_expected);
  EXPECT_EQ(run.model_file, "adult_circulation, model file sha256 " + model_digest_expected);
  EXPECT_EQ(run.patient_id, personalised.patient.id);
}

// The header holds the model as the run began, whatever the twin does after.
TEST(Session, TheHeaderDescribesTheRunAsItBegan) {
  const PersonalisedModel personalised =
      personalise(load_circulation(test_support::model_path("circulation/adult.json")),
                  test_support::model_path("patients/adult_female.json"), {false, nullptr, {}});
  Session session(personalised, {}, {"heart.rate=70"});
  const double rate = personalised.model.parameters.value("heart.rate");
  session.twin().set_parameter("heart.rate", rate + 20.0);
  session.twin().advance(0.5);
  EXPECT_EQ(session.header().model.parameters.value("heart.rate"), rate);
  EXPECT_EQ(session.header().description.overrides, std::vector<std::string>{"heart.rate=70"});
  EXPECT_EQ(session.header().beat_metrics.size(), session.twin().beats().metrics().size());
  ASSERT_TRUE(session.twin().breaths());
  EXPECT_EQ(session.header().breath_metrics.size(), session.twin().breaths()->metrics().size());
}

// A file written after the run from the session's header and an in-memory record (what the
// Python module does) is the file a recorder attached from the start writes.
TEST(Session, AFileWrittenAfterTheRunMatchesOneRecordedLive) {
  const auto folder = test_support::private_folder("session_files");
  const PersonalisedModel personalised =
      personalise(load_circulation(test_support::model_path("circulation/adult.json")),
                  test_support::model_path("patients/adult_male.json"), {false, nullptr, {}});
  Session session(personalised);
  io::Hdf5Recorder live(folder / "live.h5");
  MemoryRecorder memory;
  session.add_recorder(live);
  session.add_recorder(memory);
  session.twin().advance(2.0);
  live.commit();
  io::Hdf5Recorder later(folder / "later.h5");
  later.begin(session.header());
  for (std::size_t i = 0; i < memory.times.size(); ++i)
    later.sample(memory.times[i], memory.samples[i]);
  for (std::size_t i = 0; i < memory.beat_times.size(); ++i)
    later.beat(memory.beat_times[i], memory.beats[i]);
  for (std::size_t i = 0; i < memory.breath_times.size(); ++i)
    later.breath(memory.breath_times[i], memory.breaths[i]);
  later.commit();
  const io::FileSummary a = io::read_summary(folder / "live.h5");
  const io::FileSummary b = io::read_summary(folder / "later.h5");
  auto attributes_a = a.attributes, attributes_b = b.attributes;
  attributes_a.erase("created");
  attributes_b.erase("created");
  EXPECT_EQ(attributes_a, attributes_b);
  EXPECT_EQ(a.samples, b.samples);
  EXPECT_EQ(a.beats, b.beats);
  EXPECT_EQ(a.breaths, b.breaths);
  EXPECT_EQ(a.signals.size(), b.signals.size());
}
