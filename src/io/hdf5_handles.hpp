#pragma once
// Thin RAII over the HDF5 C API, private to the io library.
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace physiotwin::io::detail {

/// Owns one HDF5 identifier and closes it with the right function.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer, const char* what);
  Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) {
    other.id_ = H5I_INVALID_HID;
  }
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }
  void reset() noexcept;
  /// Gives up ownership: the caller closes the identifier.
  [[nodiscard]] hid_t release() noexcept {
    const hid_t id = id_;
    id_ = H5I_INVALID_HID;
    return id;
  }
  [[nodiscard]] hid_t get() const noexcept { return id_; }
  operator hid_t() const noexcept { return id_; }  // NOLINT: used as an HDF5 id

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

/// An existing HDF5 file opened to read, a live file (or one whose writer was killed) as a SWMR
/// reader; IoError saying why not. Defined in hdf5_reader.cpp.
Handle open_hdf5_to_read(const std::filesystem::path& path);

/// A physiotwin file of this format version, opened to read; IoError saying why not otherwise
/// (no such file, not HDF5, another format or version). Defined in hdf5_reader.cpp.
Handle open_physiotwin_file(const std::filesystem::path& path);

/// Creates the HDF5 file `temporary`, which must not exist (H5F_ACC_EXCL: nothing that was there
/// is ever replaced), its objects without timestamps, in the earliest format each object
/// allows between `oldest` and `newest`. IoError naming `output`, the file it will become.
/// `compact_root_attributes`: the root keeps up to 64 attributes in its object header rather
/// than in dense storage (a live file, whose `complete` is rewritten under SWMR: a header message
/// SWMR flushes in order, not a fractal heap; 1.10 headers only, which jsfive cannot read).
Handle create_new_file(const std::filesystem::path& temporary, const std::filesystem::path& output,
                       H5F_libver_t oldest, H5F_libver_t newest,
                       bool compact_root_attributes = false);

/// Throws IoError with `what` if status is negative.
void check(herr_t status, const std::string& what);

/// Silences HDF5's own error printing: we report errors ourselves.
void silence_hdf5_errors();

/// Creation properties of class `cls` without modification times.
Handle untimed_object_properties(hid_t cls);
/// A fixed-length UTF-8 string type of `size` bytes (at least 1), padded with NULs.
Handle string_type(std::size_t size);
/// A variable-length UTF-8 string type.
Handle variable_string_type();
/// Reads an integer attribute; `fallback` when there is none.
long long read_int_attribute(hid_t object, const std::string& name, long long fallback);

/// Group and dataset creation without modification times, so that two runs give
/// byte-identical files apart from the "created" attribute.
Handle create_group(hid_t parent, const std::string& name);
/// A variable-length UTF-8 string: h5py reads it as `str`, JavaScript readers without a NUL.
void write_string_attribute(hid_t object, const std::string& name, const std::string& value);
void write_double_attribute(hid_t object, const std::string& name, double value);
/// A one-dimensional float64 attribute (a position's x, y, z).
void write_double_array_attribute(hid_t object, const std::string& name,
                                  std::span<const double> values);
/// A 32-bit integer: a Number in JavaScript (h5wasm reads 64-bit ones as BigInt, which does not
/// compare equal to a Number); IoError if `value` does not fit.
void write_int_attribute(hid_t object, const std::string& name, long long value);
/// A 64-bit integer, for values that need it (a cohort's random seed).
void write_int64_attribute(hid_t object, const std::string& name, long long value);
/// Writes a new value into an existing integer attribute (a live file's `complete`: SWMR lets a
/// writer change an attribute's value, not add one).
void overwrite_int_attribute(hid_t object, const std::string& name, long long value);

/// How a series is stored. Compressed (shuffle + gzip) in a file written whole; plain in a live
/// file, where a compressed chunk that grows moves at every flush and SWMR never reuses the
/// space it leaves (docs/hdf5-format.md, "Live files"). Single precision: 32-bit floats in the
/// file (values are passed as doubles all the same).
struct SeriesStorage {
  bool compressed = true;
  bool single_precision = false;
};
/// A one-dimensional, extendible, chunked dataset of numbers.
Handle create_series(hid_t parent, const std::string& name, hsize_t chunk,
                     SeriesStorage storage = {});
void append_to_series(hid_t dataset, std::span<const double> values);
/// A one-dimensional, contiguous dataset of doubles written whole (a table's column).
void write_double_array(hid_t parent, const std::string& name, const std::vector<double>& values);
Handle create_scalar(hid_t parent, const std::string& name, double value);
/// A one-dimensional dataset of variable-length UTF-8 strings (no padding for JavaScript readers
/// to show).
void write_string_array(hid_t parent, const std::string& name,
                        const std::vector<std::string>& values);
/// An empty, extendible, uncompressed dataset of fixed-length UTF-8 strings of `width` bytes,
/// for a live file, whose objects are all created before it goes live.
Handle create_string_series(hid_t parent, const std::string& name, std::size_t width,
                            hsize_t chunk);
/// Appends to create_string_series()'s dataset; IoError if a value does not fit its width.
void append_strings(hid_t dataset, std::span<const std::string> values);
/// An empty, extendible dataset of bytes (a live file's snapshot, filled when it is taken).
Handle create_byte_series(hid_t parent, const std::string& name, hsize_t chunk);
void append_bytes(hid_t dataset, std::span<const std::uint8_t> values);

std::string read_string_attribute(hid_t object, const std::string& name);
std::vector<std::string> list_members(hid_t group);
std::vector<double> read_series(hid_t parent, const std::string& name);
/// A one-dimensional dataset of strings, variable-length (write_string_array()'s) or fixed.
std::vector<std::string> read_string_array(hid_t parent, const std::string& name);

}  // namespace physiotwin::io::detail
