// A live file (io/hdf5_live.hpp): what a finished one holds against the file written whole,
// what an unfinished one says, and snapshots that were not declared before it went live.
// Followed by a reader process in tests/cli/test_live.py.
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>
#include <memory>
#include <physiotwin/core/error.hpp>
#include <physiotwin/io/audit_trail.hpp>
#include <physiotwin/io/hdf5.hpp>
#include <physiotwin/io/hdf5_live.hpp>
#include <physiotwin/io/hdf5_signature.hpp>

#include "../../helpers.hpp"

using namespace physiotwin;

namespace {

/// A 3 s run into `recorder`, with a snapshot at 1 s if asked.
template <class File>
void record(File& file, bool commit) {
  Twin twin(test_support::reference_model());
  twin.add_recorder(file);
  twin.advance(1.0);
  file.snapshot(1.0, twin.snapshot());
  twin.advance(2.0);
  if (commit) file.commit();
}

}  // namespace

TEST(Hdf5Live, AFinishedLiveFileReadsAsTheFileWrittenWhole) {
  const auto folder = test_support::private_folder("hdf5_live_finished");
  {
    io::Hdf5Recorder whole(folder / "whole.h5");
    record(whole, true);
    io::Hdf5LiveRecorder live(folder / "live.h5", {.snapshot_times = {1.0}});
    record(live, true);
  }
  EXPECT_EQ(test_support::names_in(folder), (std::vector<std::string>{"live.h5", "whole.h5"}));
  const io::FileSummary whole = io::read_summary(folder / "whole.h5");
  const io::FileSummary live = io::read_summary(folder / "live.h5");
  EXPECT_EQ(live.attributes.at("complete"), "1");
  EXPECT_EQ(whole.attributes.at("complete"), "1");
  EXPECT_EQ(live.samples, 301u);  // 0 to 3 s at 100 Hz inclusive
  EXPECT_EQ(live.samples, whole.samples);
  EXPECT_EQ(live.beats, whole.beats);
  ASSERT_EQ(live.signals.size(), whole.signals.size());
  for (std::size_t i = 0; i < live.signals.size(); ++i) {
    EXPECT_EQ(live.signals[i].name, whole.signals[i].name);
    EXPECT_EQ(live.signals[i].last, whole.signals[i].last) << live.signals[i].name;
  }
  EXPECT_EQ(io::read_snapshot(folder / "live.h5", 1.0).bytes,
            io::read_snapshot(folder / "whole.h5", 1.0).bytes);
}

// A signed live file verifies once finished, under its name, with nothing else left beside it.
// A reader in another process that holds it open through the end is tests/cli/test_live.py's;
// one in this process shares HDF5's handle of the file, so the file is not signed and says why.
TEST(Hdf5Live, AFinishedLiveFileIsSignedUnderItsName) {
  const auto folder = test_support::private_folder("hdf5_live_signed");
  const auto key = std::make_shared<const trust::SigningKey>(trust::SigningKey::generate());
  const std::filesystem::path path = folder / "live.h5", held = folder / "held.h5";
  {
    io::Hdf5LiveRecorder live(path, {.snapshot_times = {1.0}, .signing_key = key});
    record(live, false);
    EXPECT_EQ(io::verify_hdf5_file(path, {}).status, io::Verification::Status::unsigned_);
    live.commit();
  }
  EXPECT_EQ(test_support::names_in(folder), std::vector<std::string>{"live.h5"});
  const std::vector<trust::PublicKey> trusted{key->public_key()};
  const io::Verification v = io::verify_hdf5_file(path, trusted);
  EXPECT_EQ(v.status, io::Verification::Status::verified) << fmt::format("{}", v.problems);
  EXPECT_EQ(io::read_summary(path).attributes.at("complete"), "1");
  EXPECT_EQ(io::read_summary(path).samples, 301u);
  EXPECT_FALSE(io::read_snapshot(path, 1.0).bytes.empty());
  // The signed copy's trail is the run's whole one, ending with the output it was signed as.
  const std::vector<std::string> trail = io::read_audit_trail(path);
  ASSERT_FALSE(trail.empty());
  EXPECT_NE(trail.back().find("\"signed\":"), std::string::npos) << trail.back();
  EXPECT_NE(trail.back().find("\"snapshots\":1"), std::string::npos) << trail.back();

  io::Hdf5LiveRecorder live(held, {.snapshot_times = {1.0}, .signing_key = key});
  record(live, false);
  const hid_t reader = H5Fopen(held.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
  ASSERT_GE(reader, 0);
  try {
    live.commit();
    ADD_FAILURE() << "a live file this process holds open was signed";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("the run is complete in it, but it could not be signed: "
                                         "this process still holds it open"),
              std::string::npos)
        << e.what();
  }
  H5Fclose(reader);
  EXPECT_EQ(io::read_summary(held).attributes.at("complete"), "1");
  EXPECT_EQ(io::verify_hdf5_file(held, trusted).status, io::Verification::Status::unsigned_);
}

// A run that fails keeps its live file, under its name, saying it is not complete.
TEST(Hdf5Live, AnUnfinishedLiveFileSaysItIsIncomplete) {
  const auto folder = test_support::private_folder("hdf5_live_unfinished");
  {
    io::Hdf5LiveRecorder live(folder / "unfinished.h5", {.snapshot_times = {1.0}});
    record(live, false);
  }
  EXPECT_EQ(test_support::names_in(folder), std::vector<std::string>{"unfinished.h5"});
  const io::FileSummary s = io::read_summary(folder / "unfinished.h5");
  EXPECT_EQ(s.attributes.at("complete"), "0");
  EXPECT_EQ(s.samples, 301u);  // flushed as the recorder closed
}

// Objects cannot be added to a live file: a snapshot at a time not declared is refused with the
// times that were, and one taken twice is refused too.
TEST(Hdf5Live, RefusesASnapshotNotDeclared) {
  const auto folder = test_support::private_folder("hdf5_live_snapshots");
  io::Hdf5LiveRecorder live(folder / "live.h5", {.snapshot_times = {2.0}});
  Twin twin(test_support::reference_model());
  twin.add_recorder(live);
  twin.advance(1.0);
  try {
    live.snapshot(1.0, twin.snapshot());
    ADD_FAILURE() << "an undeclared snapshot was accepted";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("was not declared when the live file was created "
                                         "(snapshot times: 2)"),
              std::string::npos)
        << e.what();
  }
  twin.advance(1.0);
  live.snapshot(2.0, twin.snapshot());
  EXPECT_THROW(live.snapshot(2.0, twin.snapshot()), IoError);
  live.commit();
  // A folder that does not exist fails at once, before anything is simulated.
  EXPECT_THROW(io::Hdf5LiveRecorder(folder / "no_such_folder" / "x.h5"), IoError);
}
