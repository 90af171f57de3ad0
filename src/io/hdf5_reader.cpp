#include <fmt/format.h>

#include "io/hdf5_handles.hpp"
#include "physiotwin/core/error.hpp"
#include "physiotwin/io/hdf5.hpp"

namespace physiotwin::io {

using detail::Handle;

namespace {
std::vector<FileSummary::Dataset> read_group(hid_t file, const char* group_name,
                                             std::size_t& length) {
  std::vector<FileSummary::Dataset> out;
  Handle group(H5Gopen2(file, group_name, H5P_DEFAULT), H5Gclose, group_name);
  for (const std::string& name : detail::list_members(group)) {
    const std::vector<double> values = detail::read_series(group, name);
    if (name == "time") {
      length = values.size();
      continue;
    }
    Handle d(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose, name.c_str());
    out.push_back({name, detail::read_string_attribute(d, "unit"),
                   detail::read_string_attribute(d, "description"),
                   values.empty() ? 0.0 : values.back()});
  }
  return out;
}
}  // namespace

namespace detail {

Handle open_hdf5_to_read(const std::filesystem::path& path) {
  detail::silence_hdf5_errors();
  if (!std::filesystem::exists(path)) throw IoError(fmt::format("{}: no such file", path.string()));
  if (H5Fis_hdf5(path.c_str()) <= 0)
    throw IoError(fmt::format("{}: not an HDF5 file", path.string()));
  // A live file being written (or left by a writer that was killed) opens only as a SWMR
  // reader; a file in the 1.8 format only without it.
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) id = H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
  if (id < 0) throw IoError(fmt::format("{}: cannot be opened to read", path.string()));
  return Handle(id, H5Fclose, "H5Fopen");
}

Handle open_physiotwin_file(const std::filesystem::path& path) {
  Handle file = open_hdf5_to_read(path);
  const std::string format = detail::read_string_attribute(file, "format");
  if (format != hdf5_format_name) {
    throw IoError(
        fmt::format("{}: not a physiotwin file (format attribute \"{}\")", path.string(), format));
  }
  const std::string version = detail::read_string_attribute(file, "format_version");
  if (version != std::to_string(hdf5_format_version)) {
    throw IoError(fmt::format("{}: format_version {} is not one this physiotwin reads (version {})",
                              path.string(), version, hdf5_format_version));
  }
  return file;
}

}  // namespace detail

FileFormat read_file_format(const std::filesystem::path& path) {
  Handle file = detail::open_hdf5_to_read(path);
  FileFormat format;
  format.name = detail::read_string_attribute(file, "format");
  if (format.name.empty())
    throw IoError(
        fmt::format("{}: an HDF5 file without a \"format\" attribute: not one physiotwin "
                    "wrote",
                    path.string()));
  format.version = static_cast<int>(detail::read_int_attribute(file, "format_version", -1));
  // A plan's branches (docs/planning.md): what `physiotwin view --branch` may name.
  if (H5Lexists(file, "branches", H5P_DEFAULT) > 0) {
    Handle branches(H5Gopen2(file, "branches", H5P_DEFAULT), H5Gclose, "branches");
    format.branches = detail::list_members(branches);
  }
  return format;
}

FileSummary read_summary(const std::filesystem::path& path) {
  Handle file = detail::open_physiotwin_file(path);
  FileSummary summary;
  for (const char* name :
       {"format", "format_version", "library_version", "created", "model_name", "model_file",
        "patient_id", "patient_file", "parameter_overrides", "sample_rate", "complete"}) {
    summary.attributes[name] = detail::read_string_attribute(file, name);
  }
  summary.signals = read_group(file, "timeseries", summary.samples);
  summary.metrics = read_group(file, "beats", summary.beats);
  if (H5Lexists(file, "breaths", H5P_DEFAULT) > 0) {
    summary.breath_metrics = read_group(file, "breaths", summary.breaths);
  }
  if (H5Lexists(file, "actions", H5P_DEFAULT) > 0) {
    Handle g(H5Gopen2(file, "actions", H5P_DEFAULT), H5Gclose, "actions");
    summary.actions = detail::read_series(g, "time").size();
  }
  {
    Handle g(H5Gopen2(file, "parameters", H5P_DEFAULT), H5Gclose, "parameters");
    summary.parameters = detail::list_members(g).size();
  }
  {
    Handle g(H5Gopen2(file, "model/compartments", H5P_DEFAULT), H5Gclose, "model/compartments");
    summary.compartments = detail::list_members(g).size();
    Handle k(H5Gopen2(file, "model/connections", H5P_DEFAULT), H5Gclose, "model/connections");
    summary.connections = detail::list_members(k).size();
  }
  return summary;
}

}  // namespace physiotwin::io
