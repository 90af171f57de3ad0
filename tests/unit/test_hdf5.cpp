#include <gtest/gtest.h>

#include <filesystem>
#include <physiotwin/io/hdf5.hpp>

#include "../helpers.hpp"

using namespace physiotwin;

TEST(Hdf5, WritesTheVersion1LayoutAndReadsItBack) {
  const auto path = std::filesystem::temp_directory_path() / "physiotwin_unit.h5";
  std::filesystem::remove(path);
  {
    io::Hdf5Recorder file(path, {"adult_male", "", "adult.json", "", {}, {}, {}, {}});
    Twin twin(test_support::reference_model());
    twin.add_recorder(file);
    twin.advance(3.0);
    file.commit();
  }
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
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

TEST(Hdf5, UncommittedFileIsRemoved) {
  const auto path = std::filesystem::temp_directory_path() / "physiotwin_abandoned.h5";
  std::filesystem::remove(path);
  {
    io::Hdf5Recorder file(path, {});
    Twin twin(test_support::reference_model());
    twin.add_recorder(file);
    twin.advance(0.5);
    // no commit: as when a run fails
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
}

TEST(Hdf5, UnwritablePathFailsBeforeSimulating) {
  try {
    io::Hdf5Recorder file("/nonexistent-dir/out.h5", {});
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/out.h5: cannot create"),
              std::string::npos);
  }
}
