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

void write_snapshots(hid_t parent, const std::vector<StoredSnapshot>& snapshots) {
  Handle group = create_group(parent, "snapshots");
  write_string_attribute(group, "description",
                         "the twin's complete state at each time, to restore it "
                         "(docs/snapshots.md): physiotwin run --from FILE.h5:TIME");
  for (const StoredSnapshot& snapshot : snapshots) {
    const auto size = hsize_t(snapshot.bytes.size());
    Handle space(H5Screate_simple(1, &size, nullptr), H5Sclose, "H5Screate_simple");
    const std::string name = fmt::format("{}", snapshot.time);
    Handle dataset(
        H5Dcreate2(group, name.c_str(), H5T_STD_U8LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        H5Dclose, ("creating snapshot " + name).c_str());
    check(H5Dwrite(dataset, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, snapshot.bytes.data()),
          "writing snapshot " + name);
    write_double_attribute(dataset, "time", snapshot.time);
    write_string_attribute(dataset, "unit", "s");
  }
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
    chosen = held.empty() ? held.end() : held.end() - 1;
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
  StoredSnapshot out{chosen->first, std::vector<std::uint8_t>(size)};
  detail::check(H5Dread(dataset, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.bytes.data()),
                "reading snapshot " + chosen->second);
  return out;
}

}  // namespace physiotwin::io
