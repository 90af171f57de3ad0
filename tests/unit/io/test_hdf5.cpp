// HDF5 output (io/hdf5.hpp, written and read by src/io): the version 1 layout read back, and
// no file left behind by a run that fails or cannot start.
#include <gtest/gtest.h>

#include <fstream>

#include <filesystem>
#include <physiotwin/io/hdf5.hpp>

#include "../../helpers.hpp"

using namespace physiotwin;

TEST(Hdf5, WritesTheVersion1LayoutAndReadsItBack) {
  const auto folder = test_support::private_folder("hdf5_layout");
  const auto path = folder / "unit.h5";
  {
    io::Hdf5Recorder file(path);
    Twin twin(test_support::reference_model());
    twin.add_recorder(file, RunDescription{"adult_male", "", "adult.json", "", {}, {}, {}, {}});
    twin.advance(3.0);
    file.commit();
  }
  // The file, and nothing else: the temporary name it was written under is gone.
  EXPECT_EQ(test_support::names_in(folder), std::vector<std::string>{"unit.h5"});
  const io::FileSummary s = io::read_summary(path);
  EXPECT_EQ(s.attributes.at("format"), "physiotwin-hdf5");
  EXPECT_EQ(s.attributes.at("format_version"), "1");
  EXPECT_EQ(s.attributes.at("model_name"), "adult_circulation");
  EXPECT_EQ(s.samples, 301u);  // 0 to 3 s at 100 Hz inclusive
  EXPECT_GE(s.beats, 2u);
  EXPECT_EQ(s.compartments, 22u);
  bool found = false;
  for (const auto& d : s.signals) found = found || (d.name == "aorta.pressure" && d.unit == "mmHg");
  EXPECT_TRUE(found);
}

// A run that fails or is interrupted leaves nothing behind, and an existing file of the
// output's name as it was.
TEST(Hdf5, UncommittedFileIsRemovedAndAnExistingFileKept) {
  const auto folder = test_support::private_folder("hdf5_abandoned");
  const auto path = folder / "abandoned.h5";
  for (bool existing : {false, true}) {
    if (existing) std::ofstream(path) << "the old file";
    {
      io::Hdf5Recorder file(path);
      Twin twin(test_support::reference_model());
      twin.add_recorder(file);
      twin.advance(0.5);
      // no commit: as when a run fails
    }
    if (existing) {
      EXPECT_EQ(test_support::names_in(folder), std::vector<std::string>{"abandoned.h5"});
      std::ifstream in(path);
      std::string text;
      std::getline(in, text);
      EXPECT_EQ(text, "the old file");
    } else {
      EXPECT_TRUE(test_support::names_in(folder).empty());
    }
  }
}

TEST(Hdf5, UnwritablePathFailsBeforeSimulating) {
  try {
    io::Hdf5Recorder file("/nonexistent-dir/out.h5");
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/out.h5: cannot create"),
              std::string::npos);
  }
}
