// Signed HDF5 files (io/hdf5_signature.hpp): a file signed by earlier code still verifies, the
// digests do not depend on how many values are read at once, and a change far into a dataset
// (past its first block) is named.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <filesystem>
#include <physiotwin/io/hdf5_signature.hpp>
#include <physiotwin/trust/signing_key.hpp>
#include <vector>

#include "../../helpers.hpp"

using namespace physiotwin;

namespace {

const std::filesystem::path signed_fixture =
    std::filesystem::path(PHYSIOTWIN_TEST_DATA_DIR) / "signed" / "signed-formats.h5";

std::vector<trust::PublicKey> fixture_signer() {
  return {trust::read_public_key(std::filesystem::path(PHYSIOTWIN_TEST_DATA_DIR) / "signed" /
                                 "fixture-signer.pub")};
}

}  // namespace

// tests/data/signed/README.md: signed by the code of 2026-12-06, verified by today's.
TEST(Hdf5Signature, AFileSignedByEarlierCodeStillVerifies) {
  const io::Verification v = io::verify_hdf5_file(signed_fixture, fixture_signer());
  EXPECT_EQ(v.status, io::Verification::Status::verified);
  EXPECT_TRUE(v.problems.empty()) << v.problems.front();
}

// Blocks of one byte (one index of the first dimension per read), of a few rows, and the
// default: the same digest for every leaf.
TEST(Hdf5Signature, DigestsDoNotDependOnTheBlockSize) {
  const std::vector<io::ObjectDigest> whole = io::digest_objects(signed_fixture);
  ASSERT_EQ(whole.size(), 17u);  // 10 datasets, 3 groups, 4 attributes (README.md)
  for (const std::size_t block_bytes : {std::size_t{1}, std::size_t{200}, std::size_t{4096}}) {
    const std::vector<io::ObjectDigest> blocks = io::digest_objects(signed_fixture, block_bytes);
    ASSERT_EQ(blocks.size(), whole.size());
    for (std::size_t i = 0; i < whole.size(); ++i) {
      EXPECT_EQ(blocks[i].object, whole[i].object);
      EXPECT_EQ(blocks[i].digest, whole[i].digest)
          << whole[i].object << ", blocks of " << block_bytes << " bytes";
    }
  }
}

// One value of the last row of a 600 x 7 dataset (many blocks in, at 4 KiB) changed by one ulp.
TEST(Hdf5Signature, AChangeInALaterBlockIsNamed) {
  const auto folder = test_support::private_folder("hdf5_signature_late_change");
  const std::filesystem::path copy = folder / "changed.h5";
  std::filesystem::copy_file(signed_fixture, copy);
  {
    const hid_t file = H5Fopen(copy.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(file, 0);
    const hid_t dataset = H5Dopen2(file, "series/matrix", H5P_DEFAULT);
    const hid_t space = H5Dget_space(dataset);
    const hsize_t start[2] = {599, 6}, count[2] = {1, 1};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr);
    const hid_t one = H5Screate_simple(2, count, nullptr);
    double value = 0.0;
    ASSERT_GE(H5Dread(dataset, H5T_NATIVE_DOUBLE, one, space, H5P_DEFAULT, &value), 0);
    value = std::nextafter(value, 1e300);
    ASSERT_GE(H5Dwrite(dataset, H5T_NATIVE_DOUBLE, one, space, H5P_DEFAULT, &value), 0);
    H5Sclose(one);
    H5Sclose(space);
    H5Dclose(dataset);
    H5Fclose(file);
  }
  const io::Verification v = io::verify_hdf5_file(copy, fixture_signer());
  EXPECT_EQ(v.status, io::Verification::Status::tampered);
  EXPECT_EQ(v.problems, std::vector<std::string>{"changed: dataset /series/matrix"});
  const auto at_4k = io::digest_objects(copy, 4096);
  const auto whole = io::digest_objects(copy);
  EXPECT_EQ(at_4k, whole);
}
