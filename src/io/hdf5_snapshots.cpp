// Snapshots in a run file (docs/hdf5-format.md, /snapshots): each one a dataset of bytes (the
// CBOR of Twin::snapshot(), docs/snapshots.md) named by its simulated time, with that time as
// an attribute; read back by time, or the latest.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "io/hdf5_handles.hpp"
#include "io/run_layout.hpp"
#include "physiotwin/core/error.hpp"
#include "physiotwin/io/hdf5.hpp"

namespace physiotwin::io {

using detail::Handle;

namespace detail {

namespace {

Handle create_snapshot_group(hid_t parent) {
  Handle group = create_group(parent, "snapshots");
  write_string_attribute(group, "description",
                         "the twin's complete state at each time, to restore it "
                         "(docs/snapshots.md): physiotwin run --from FILE.h5:TIME");
  return group;
}

std::string snapshot_name(double time) {
  return fmt::format("{}", time);
}

void describe_snapshot(hid_t dataset, double time) {
  write_double_attribute(dataset, "time", time);
  write_string_attribute(dataset, "unit", "s");
}

}  // namespace

void write_snapshots(hid_t parent, const std::vector<StoredSnapshot>& snapshots) {
  Handle group = create_snapshot_group(parent);
  for (const StoredSnapshot& snapshot : snapshots) {
    const auto size = hsize_t(snapshot.bytes.size());
    Handle space(H5Screate_simple(1, &size, nullptr), H5Sclose, "H5Screate_simple");
    const std::string name = snapshot_name(snapshot.time);
    Handle dataset(
        H5Dcreate2(group, name.c_str(), H5T_STD_U8LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        H5Dclose, ("creating snapshot " + name).c_str());
    check(H5Dwrite(dataset, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, snapshot.bytes.data()),
          "writing snapshot " + name);
    describe_snapshot(dataset, snapshot.time);
  }
}

std::vector<Handle> create_live_snapshots(hid_t parent, const std::vector<double>& times) {
  constexpr hsize_t chunk_bytes = 16384;  // a snapshot of the full adult model is ~11 kB
  std::vector<Handle> datasets;
  if (times.empty()) return datasets;
  Handle group = create_snapshot_group(parent);
  for (double time : times) {
    Handle dataset = create_byte_series(group, snapshot_name(time), chunk_bytes);
    describe_snapshot(dataset, time);
    datasets.push_back(std::move(dataset));
  }
  return datasets;
}

}  // namespace detail

StoredSnapshot read_snapshot(const std::filesystem::path& path, std::optional<double> time) {
  Handle file = detail::open_physiotwin_file(path);
  if (H5Lexists(file, "snapshots", H5P_DEFAULT) <= 0) {
    throw InputError(fmt::format(
        "{}: holds no snapshot (write one with physiotwin run --snapshot-at TIME)", path.string()));
  }
  Handle group(H5Gopen2(file, "snapshots", H5P_DEFAULT), H5Gclose, "snapshots");
  std::vector<std::pair<double, std::string>> held;  // (time, dataset name)
  for (const std::string& name : detail::list_members(group)) {
    Handle dataset(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose, name.c_str());
    Handle attribute(H5Aopen(dataset, "time", H5P_DEFAULT), H5Aclose, "time attribute");
    double t = 0.0;
    detail::check(H5Aread(attribute, H5T_NATIVE_DOUBLE, &t), "reading a snapshot's time");
    held.emplace_back(t, name);
  }
  std::sort(held.begin(), held.end());
  auto chosen = held.end();
  if (!time) {
    // The latest that holds bytes (a live run interrupted before a snapshot's time leaves it
    // empty).
    for (auto h = held.rbegin(); h != held.rend() && chosen == held.end(); ++h) {
      Handle dataset(H5Dopen2(group, h->second.c_str(), H5P_DEFAULT), H5Dclose, "snapshot");
      Handle space(H5Dget_space(dataset), H5Sclose, "H5Dget_space");
      if (H5Sget_simple_extent_npoints(space) > 0) chosen = std::prev(h.base());
    }
  } else {
    chosen = std::find_if(held.begin(), held.end(), [&](const auto& h) {
      return std::abs(h.first - *time) <= 1e-9 * std::max(1.0, std::abs(*time));
    });
  }
  if (chosen == held.end()) {
    std::vector<std::string> times;
    for (const auto& h : held) times.push_back(h.second);
    throw InputError(fmt::format(
        "{}: no snapshot at {} s (it holds {})", path.string(),
        time ? fmt::format("{}", *time) : std::string("any time"),
        times.empty() ? std::string("none") : fmt::format("{}", fmt::join(times, ", "))));
  }
  Handle dataset(H5Dopen2(group, chosen->second.c_str(), H5P_DEFAULT), H5Dclose,
                 chosen->second.c_str());
  Handle space(H5Dget_space(dataset), H5Sclose, "H5Dget_space");
  hsize_t size = 0;
  if (H5Sget_simple_extent_ndims(space) != 1 ||
      H5Sget_simple_extent_dims(space, &size, nullptr) != 1) {
    throw InputError(
        fmt::format("{}: snapshot {} is not a list of bytes", path.string(), chosen->second));
  }
  if (size == 0) {
    throw InputError(fmt::format(
        "{}: snapshot {} is empty: the live run that wrote the file ended before its time",
        path.string(), chosen->second));
  }
  StoredSnapshot out{chosen->first, std::vector<std::uint8_t>(size)};
  detail::check(H5Dread(dataset, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.bytes.data()),
                "reading snapshot " + chosen->second);
  return out;
}

}  // namespace physiotwin::io
