#include <cstring>

#include "io/hdf5_handles.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>

#include "physiotwin/core/error.hpp"

namespace physiotwin::io::detail {

Handle::Handle(hid_t id, Closer closer, const char* what) : id_(id), closer_(closer) {
  if (id < 0) throw IoError(fmt::format("HDF5: {} failed", what));
}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    closer_ = other.closer_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}

void Handle::reset() noexcept {
  if (id_ >= 0 && closer_ != nullptr) closer_(id_);
  id_ = H5I_INVALID_HID;
}

void check(herr_t status, const std::string& what) {
  if (status < 0) throw IoError(fmt::format("HDF5: {} failed", what));
}

void silence_hdf5_errors() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

Handle create_new_file(const std::filesystem::path& temporary, const std::filesystem::path& output,
                       H5F_libver_t oldest, H5F_libver_t newest, bool compact_root_attributes) {
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "H5Pcreate");
  check(H5Pset_libver_bounds(fapl, oldest, newest), "H5Pset_libver_bounds");
  // The root group is created with the file: switch off its timestamps here too.
  Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "H5Pcreate");
  check(H5Pset_obj_track_times(fcpl, false), "H5Pset_obj_track_times");
  if (compact_root_attributes)
    check(H5Pset_attr_phase_change(fcpl, 64, 0), "H5Pset_attr_phase_change");
  const hid_t id = H5Fcreate(temporary.c_str(), H5F_ACC_EXCL, fcpl, fapl);
  if (id < 0) {
    throw IoError(fmt::format(
        "{}: cannot create the output file (does the directory exist and is it writable?)",
        output.string()));
  }
  return Handle(id, H5Fclose, "H5Fcreate");
}

Handle untimed_object_properties(hid_t cls) {
  Handle plist(H5Pcreate(cls), H5Pclose, "H5Pcreate");
  check(H5Pset_obj_track_times(plist, false), "H5Pset_obj_track_times");
  return plist;
}

Handle string_type(std::size_t size) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "H5Tcopy");
  check(H5Tset_size(type, size == 0 ? 1 : size), "H5Tset_size");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "H5Tset_cset");
  // Padded with NULs when shorter, none when it fills the width: JavaScript readers
  // (jsfive) show a terminating NUL as part of the text.
  check(H5Tset_strpad(type, H5T_STR_NULLPAD), "H5Tset_strpad");
  return type;
}

Handle create_group(hid_t parent, const std::string& name) {
  Handle gcpl = untimed_object_properties(H5P_GROUP_CREATE);
  check(H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "H5Pset_link_creation_order");
  return Handle(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT), H5Gclose,
                ("creating group " + name).c_str());
}

Handle variable_string_type() {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "H5Tcopy");
  check(H5Tset_size(type, H5T_VARIABLE), "H5Tset_size");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "H5Tset_cset");
  return type;
}

void write_string_attribute(hid_t object, const std::string& name, const std::string& value) {
  Handle type = variable_string_type();
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate");
  Handle attr(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              ("creating attribute " + name).c_str());
  const char* text = value.c_str();
  check(H5Awrite(attr, type, &text), "writing attribute " + name);
}

void write_double_attribute(hid_t object, const std::string& name, double value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate");
  Handle attr(H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, ("creating attribute " + name).c_str());
  check(H5Awrite(attr, H5T_NATIVE_DOUBLE, &value), "writing attribute " + name);
}

void write_double_array_attribute(hid_t object, const std::string& name,
                                  std::span<const double> values) {
  const hsize_t count = values.size();
  Handle space(H5Screate_simple(1, &count, nullptr), H5Sclose, "H5Screate_simple");
  Handle attr(H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, ("creating attribute " + name).c_str());
  check(H5Awrite(attr, H5T_NATIVE_DOUBLE, values.data()), "writing attribute " + name);
}

void write_int_attribute(hid_t object, const std::string& name, long long value) {
  if (value < std::numeric_limits<std::int32_t>::min() ||
      value > std::numeric_limits<std::int32_t>::max()) {
    throw IoError(fmt::format("attribute {}: {} does not fit a 32-bit integer", name, value));
  }
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate");
  Handle attr(H5Acreate2(object, name.c_str(), H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, ("creating attribute " + name).c_str());
  check(H5Awrite(attr, H5T_NATIVE_LLONG, &value), "writing attribute " + name);
}

void write_int64_attribute(hid_t object, const std::string& name, long long value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate");
  Handle attr(H5Acreate2(object, name.c_str(), H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, ("creating attribute " + name).c_str());
  check(H5Awrite(attr, H5T_NATIVE_LLONG, &value), "writing attribute " + name);
}

void overwrite_int_attribute(hid_t object, const std::string& name, long long value) {
  Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose,
              ("opening attribute " + name).c_str());
  check(H5Awrite(attr, H5T_NATIVE_LLONG, &value), "writing attribute " + name);
}

namespace {

/// Extends a one-dimensional dataset by `count` elements and writes them from `data`, of
/// memory type `memory_type`.
void append_elements(hid_t dataset, hid_t memory_type, hsize_t count, const void* data) {
  if (count == 0) return;
  Handle space(H5Dget_space(dataset), H5Sclose, "H5Dget_space");
  hsize_t old_size = 0;
  H5Sget_simple_extent_dims(space, &old_size, nullptr);
  const hsize_t new_size = old_size + count;
  check(H5Dset_extent(dataset, &new_size), "H5Dset_extent");
  Handle file_space(H5Dget_space(dataset), H5Sclose, "H5Dget_space");
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &old_size, nullptr, &count, nullptr),
        "H5Sselect_hyperslab");
  Handle memory_space(H5Screate_simple(1, &count, nullptr), H5Sclose, "H5Screate_simple");
  check(H5Dwrite(dataset, memory_type, memory_space, file_space, H5P_DEFAULT, data), "H5Dwrite");
}

/// An empty one-dimensional dataset of `type` that grows without limit, in chunks of `chunk`,
/// deflated (level 4) if `compressed`, the bytes shuffled first if also `shuffled` (numbers).
Handle create_extendible(hid_t parent, const std::string& name, hid_t type, hsize_t chunk,
                         bool compressed, bool shuffled) {
  const hsize_t initial = 0, unlimited = H5S_UNLIMITED;
  Handle space(H5Screate_simple(1, &initial, &unlimited), H5Sclose, "H5Screate_simple");
  Handle dcpl = untimed_object_properties(H5P_DATASET_CREATE);
  check(H5Pset_chunk(dcpl, 1, &chunk), "H5Pset_chunk");
  if (shuffled) check(H5Pset_shuffle(dcpl), "H5Pset_shuffle");
  if (compressed) check(H5Pset_deflate(dcpl, 4), "H5Pset_deflate");
  // No chunk cache: the writer appends whole chunks, so each is compressed and written when
  // appended rather than held (up to a megabyte per signal) until the file closes. Closing,
  // or abandoning an interrupted run's file, then takes milliseconds.
  Handle dapl(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose, "H5Pcreate");
  check(H5Pset_chunk_cache(dapl, 0, 0, H5D_CHUNK_CACHE_W0_DEFAULT), "H5Pset_chunk_cache");
  return Handle(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, dcpl, dapl), H5Dclose,
                ("creating dataset " + name).c_str());
}

}  // namespace

Handle create_series(hid_t parent, const std::string& name, hsize_t chunk, SeriesStorage storage) {
  return create_extendible(parent, name, storage.single_precision ? H5T_IEEE_F32LE : H5T_IEEE_F64LE,
                           chunk, storage.compressed, storage.compressed);
}

void append_to_series(hid_t dataset, std::span<const double> values) {
  append_elements(dataset, H5T_NATIVE_DOUBLE, values.size(), values.data());
}

Handle create_string_series(hid_t parent, const std::string& name, std::size_t width,
                            hsize_t chunk) {
  Handle type = string_type(width);
  return create_extendible(parent, name, type, chunk, false, false);
}

void append_strings(hid_t dataset, std::span<const std::string> values) {
  Handle type(H5Dget_type(dataset), H5Tclose, "H5Dget_type");
  const std::size_t width = H5Tget_size(type);
  std::vector<char> buffer(width * values.size(), '\0');
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i].size() > width) {
      throw IoError(fmt::format("a text of {} bytes does not fit a live file's {}-byte field",
                                values[i].size(), width));
    }
    std::copy(values[i].begin(), values[i].end(), buffer.begin() + long(i * width));
  }
  append_elements(dataset, type, values.size(), buffer.data());
}

Handle create_byte_series(hid_t parent, const std::string& name, hsize_t chunk) {
  return create_extendible(parent, name, H5T_STD_U8LE, chunk, false, false);
}

void append_bytes(hid_t dataset, std::span<const std::uint8_t> values) {
  append_elements(dataset, H5T_NATIVE_UINT8, values.size(), values.data());
}

void write_double_array(hid_t parent, const std::string& name, const std::vector<double>& values) {
  const hsize_t count = values.size();
  Handle space(H5Screate_simple(1, &count, nullptr), H5Sclose, "H5Screate_simple");
  Handle dcpl = untimed_object_properties(H5P_DATASET_CREATE);
  Handle d(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
           H5Dclose, ("creating dataset " + name).c_str());
  if (!values.empty())
    check(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          "H5Dwrite " + name);
}

Handle create_scalar(hid_t parent, const std::string& name, double value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate");
  Handle dcpl = untimed_object_properties(H5P_DATASET_CREATE);
  Handle d(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
           H5Dclose, ("creating dataset " + name).c_str());
  check(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value), "H5Dwrite");
  return d;
}

void write_string_array(hid_t parent, const std::string& name,
                        const std::vector<std::string>& values) {
  std::vector<const char*> texts;
  texts.reserve(values.size());
  for (const std::string& v : values) texts.push_back(v.c_str());
  Handle type = variable_string_type();
  const hsize_t count = values.size();
  Handle space(H5Screate_simple(1, &count, nullptr), H5Sclose, "H5Screate_simple");
  Handle dcpl = untimed_object_properties(H5P_DATASET_CREATE);
  Handle d(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), H5Dclose,
           ("creating dataset " + name).c_str());
  if (!values.empty())
    check(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data()), "H5Dwrite " + name);
}

std::string read_string_attribute(hid_t object, const std::string& name) {
  if (H5Aexists(object, name.c_str()) <= 0) return {};
  Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, "H5Aopen");
  Handle type(H5Aget_type(attr), H5Tclose, "H5Aget_type");
  if (H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0) {
    Handle memory = variable_string_type();
    char* text = nullptr;
    check(H5Aread(attr, memory, &text), "H5Aread");
    std::string value = text != nullptr ? text : "";
    H5free_memory(text);
    return value;
  }
  if (H5Tget_class(type) == H5T_STRING) {  // fixed-length: files written before 2026-12-04
    std::string value(H5Tget_size(type), '\0');
    Handle memory = string_type(value.size());
    check(H5Aread(attr, memory, value.data()), "H5Aread");
    value.resize(value.find('\0') == std::string::npos ? value.size() : value.find('\0'));
    return value;
  }
  if (H5Tget_class(type) == H5T_INTEGER) {
    long long v = 0;
    check(H5Aread(attr, H5T_NATIVE_LLONG, &v), "H5Aread");
    return std::to_string(v);
  }
  double v = 0;
  check(H5Aread(attr, H5T_NATIVE_DOUBLE, &v), "H5Aread");
  return fmt::format("{:g}", v);
}

long long read_int_attribute(hid_t object, const std::string& name, long long fallback) {
  if (H5Aexists(object, name.c_str()) <= 0) return fallback;
  Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, "H5Aopen");
  long long v = 0;
  check(H5Aread(attr, H5T_NATIVE_LLONG, &v), "H5Aread " + name);
  return v;
}

std::vector<std::string> list_members(hid_t group) {
  std::vector<std::string> names;
  H5G_info_t info{};
  check(H5Gget_info(group, &info), "H5Gget_info");
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    // Creation order where tracked (our files), name order otherwise.
    H5_index_t index = H5Lget_name_by_idx(group, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, i, nullptr,
                                          0, H5P_DEFAULT) >= 0
                           ? H5_INDEX_CRT_ORDER
                           : H5_INDEX_NAME;
    const ssize_t size =
        H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    check(static_cast<herr_t>(size < 0 ? -1 : 0), "H5Lget_name_by_idx");
    std::string name(static_cast<std::size_t>(size) + 1, '\0');
    H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(size));
    names.push_back(std::move(name));
  }
  return names;
}

std::vector<double> read_series(hid_t parent, const std::string& name) {
  Handle d(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, ("opening " + name).c_str());
  Handle space(H5Dget_space(d), H5Sclose, "H5Dget_space");
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  std::vector<double> values(static_cast<std::size_t>(n < 0 ? 0 : n));
  if (!values.empty()) {
    check(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          "H5Dread " + name);
  }
  return values;
}

std::vector<std::string> read_string_array(hid_t parent, const std::string& name) {
  Handle d(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, ("opening " + name).c_str());
  Handle type(H5Dget_type(d), H5Tclose, "H5Dget_type");
  if (H5Tget_class(type) != H5T_STRING) throw IoError(name + ": not a dataset of strings");
  Handle space(H5Dget_space(d), H5Sclose, "H5Dget_space");
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  const auto count = static_cast<std::size_t>(n < 0 ? 0 : n);
  std::vector<std::string> values;
  if (count == 0) return values;
  if (H5Tis_variable_str(type) > 0) {
    Handle memory = variable_string_type();
    std::vector<char*> texts(count, nullptr);
    check(H5Dread(d, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data()), "H5Dread " + name);
    for (char* text : texts) values.emplace_back(text != nullptr ? text : "");
    check(H5Dvlen_reclaim(memory, space, H5P_DEFAULT, texts.data()), "H5Dvlen_reclaim " + name);
    return values;
  }
  // Fixed-length: a live file's, and files written before 2026-12-04.
  const std::size_t width = H5Tget_size(type);
  std::vector<char> buffer(width * count);
  Handle memory = string_type(width);
  check(H5Dread(d, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), "H5Dread " + name);
  for (std::size_t i = 0; i < count; ++i) {
    const char* at = buffer.data() + i * width;
    values.emplace_back(at, strnlen(at, width));
  }
  return values;
}

}  // namespace physiotwin::io::detail
