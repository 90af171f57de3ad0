// A live file (io/hdf5_live.hpp): what a finished one holds against the file written whole,
// what an unfinished one says, and snapshots that were not declared before it went live.
// Followed by a reader process in tests/cli/test_live.py.
#include <gtest/gtest.h>

#include <filesystem>
#include <physiotwin/core/error.hpp>
#include <physiotwin/io/hdf5.hpp>
#include <physiotwin/io/hdf5_live.hpp>

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
