// Writes format version 1 (docs/hdf5-format.md). Samples are buffered and appended in
// chunks, so memory stays bounded on long runs; the file lives under a temporary name
// until commit() renames it.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <system_error>

#include "io/hdf5_handles.hpp"
#include "physiotwin/actions/action_details.hpp"
#include "physiotwin/build_info.hpp"
#include "physiotwin/core/atomic_file.hpp"
#include "physiotwin/core/temporary_files.hpp"
#include "physiotwin/io/hdf5.hpp"

namespace physiotwin::io {

using detail::Handle;

namespace {
constexpr hsize_t chunk_samples = 1024;

/// UTC creation time; SOURCE_DATE_EPOCH (reproducible-builds.org) overrides the clock, so
/// that two runs can be compared byte for byte.
std::string creation_time() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr && *epoch != '\0') {
    now = static_cast<std::time_t>(std::strtoll(epoch, nullptr, 10));
  }
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(now));
}
}  // namespace

struct Hdf5Recorder::Impl {
  std::filesystem::path final_path;
  std::filesystem::path temporary_path;
  /// Removed by a second Ctrl-C's handler if the process must end before unwinding.
  std::optional<RegisteredTemporary> registered;
  Handle file, timeseries;
  Handle time_dataset;
  std::vector<Handle> signal_datasets;
  std::vector<double> time_buffer;
  std::vector<std::vector<double>> signal_buffers;
  std::vector<double> beat_times;
  std::vector<std::vector<double>> beat_values;  // [metric][beat]
  std::vector<MetricInfo> metrics;
  std::vector<MetricInfo> breath_metrics;
  std::vector<double> breath_times;
  std::vector<std::vector<double>> breath_values;  // [metric][breath]
  std::vector<double> action_times;
  std::vector<std::string> action_names, action_details;
  bool committed = false;

  /// One group of per-event metrics (/beats, /breaths): time and a dataset per metric.
  void write_metric_group(const char* group_name, const char* time_description,
                          const std::vector<MetricInfo>& infos, const std::vector<double>& times,
                          const std::vector<std::vector<double>>& values) {
    Handle group = detail::create_group(file, group_name);
    Handle time = detail::create_series(group, "time", 256);
    detail::write_string_attribute(time, "unit", "s");
    detail::write_string_attribute(time, "description", time_description);
    detail::append_to_series(time, times);
    for (std::size_t m = 0; m < infos.size(); ++m) {
      Handle d = detail::create_series(group, infos[m].name, 256);
      detail::write_string_attribute(d, "unit", infos[m].unit);
      detail::write_string_attribute(d, "description", infos[m].description);
      detail::append_to_series(d, values[m]);
    }
  }

  void write_actions() {
    Handle group = detail::create_group(file, "actions");
    Handle time = detail::create_series(group, "time", 64);
    detail::write_string_attribute(time, "unit", "s");
    detail::write_string_attribute(time, "description",
                                   "simulated time at which each action was applied");
    detail::append_to_series(time, action_times);
    detail::write_string_array(group, "action", action_names);
    detail::write_string_array(group, "details", action_details);
  }

  void flush_samples() {
    detail::append_to_series(time_dataset, time_buffer);
    time_buffer.clear();
    for (std::size_t i = 0; i < signal_datasets.size(); ++i) {
      detail::append_to_series(signal_datasets[i], signal_buffers[i]);
      signal_buffers[i].clear();
    }
  }
};

Hdf5Recorder::Hdf5Recorder(std::filesystem::path path) : impl_(std::make_unique<Impl>()) {
  detail::silence_hdf5_errors();
  impl_->final_path = std::move(path);
  impl_->temporary_path = temporary_name_for(impl_->final_path);
  impl_->registered.emplace(impl_->temporary_path);
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "H5Pcreate");
  // The 1.8 file format: readable by every HDF5 and h5py in use, and deterministic.
  detail::check(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18), "H5Pset_libver_bounds");
  // The root group is created with the file: switch off its timestamps here too.
  Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "H5Pcreate");
  detail::check(H5Pset_obj_track_times(fcpl, false), "H5Pset_obj_track_times");
  // H5F_ACC_EXCL: the temporary name is new; nothing that was there is ever replaced.
  const hid_t id = H5Fcreate(impl_->temporary_path.c_str(), H5F_ACC_EXCL, fcpl, fapl);
  if (id < 0) {
    throw IoError(fmt::format(
        "{}: cannot create the output file (does the directory exist and is it writable?)",
        impl_->final_path.string()));
  }
  impl_->file = Handle(id, H5Fclose, "H5Fcreate");
}

Hdf5Recorder::~Hdf5Recorder() {
  if (impl_ && !impl_->committed) {
    impl_->signal_datasets.clear();
    impl_->time_dataset.reset();
    impl_->timeseries.reset();
    impl_->file.reset();
    std::error_code ignored;
    std::filesystem::remove(impl_->temporary_path, ignored);
  }
}

void Hdf5Recorder::begin(const RunHeader& header) {
  Impl& s = *impl_;
  const BodyModel& model = header.model;
  const RunDescription& run = header.description;
  const hid_t root = s.file;
  detail::write_string_attribute(root, "format", hdf5_format_name);
  detail::write_int_attribute(root, "format_version", hdf5_format_version);
  detail::write_string_attribute(root, "library_version", library_version);
  detail::write_string_attribute(root, "created", creation_time());
  detail::write_string_attribute(root, "model_name", model.name);
  detail::write_string_attribute(root, "model_description", model.description);
  detail::write_string_attribute(root, "model_file", run.model_file);
  detail::write_string_attribute(root, "patient_id", run.patient_id);
  detail::write_string_attribute(root, "patient_file", run.patient_file);
  detail::write_string_attribute(root, "patient_measured",
                                 fmt::format("{}", fmt::join(run.patient_measured, "; ")));
  detail::write_string_attribute(root, "patient_assumed",
                                 fmt::format("{}", fmt::join(run.patient_assumed, "; ")));
  detail::write_string_attribute(root, "calibration",
                                 fmt::format("{}", fmt::join(run.calibration, "; ")));
  detail::write_string_attribute(root, "parameter_overrides",
                                 fmt::format("{}", fmt::join(run.overrides, "; ")));
  detail::write_double_attribute(root, "sample_rate", header.sample_rate);

  {
    Handle group = detail::create_group(root, "parameters");
    for (const Parameter& p : model.parameters.all()) {
      Handle d = detail::create_scalar(group, p.name, p.value);
      detail::write_string_attribute(d, "unit", p.unit);
      detail::write_double_attribute(d, "min", p.min);
      detail::write_double_attribute(d, "max", p.max);
      detail::write_string_attribute(d, "description", p.description);
      detail::write_string_attribute(d, "source", p.source);
    }
  }
  {
    Handle group = detail::create_group(root, "model");
    Handle compartments = detail::create_group(group, "compartments");
    for (const Compartment& c : model.compartments) {
      Handle g = detail::create_group(compartments, c.name);
      detail::write_string_attribute(g, "kind", std::string(name_of(c.kind)));
      detail::write_string_attribute(g, "description", c.description);
      detail::write_string_attribute(g, "region", c.region);
      detail::write_int_attribute(g, "thoracic", c.thoracic ? 1 : 0);
      detail::write_string_attribute(g, "pressure_signal", c.name + ".pressure");
      detail::write_string_attribute(g, "volume_signal", c.name + ".volume");
    }
    Handle connections = detail::create_group(group, "connections");
    for (const Connection& c : model.connections) {
      Handle g = detail::create_group(connections, c.name);
      detail::write_string_attribute(g, "kind", std::string(name_of(c.kind)));
      detail::write_string_attribute(g, "description", c.description);
      detail::write_string_attribute(g, "region", c.region);
      detail::write_string_attribute(g, "from", model.compartments[c.from].name);
      detail::write_string_attribute(g, "to", model.compartments[c.to].name);
      detail::write_string_attribute(g, "organ_bed", c.organ_bed);
      detail::write_string_attribute(g, "flow_signal", c.name + ".flow");
    }
  }
  s.timeseries = detail::create_group(root, "timeseries");
  s.time_dataset = detail::create_series(s.timeseries, "time", chunk_samples);
  detail::write_string_attribute(s.time_dataset, "unit", "s");
  detail::write_string_attribute(s.time_dataset, "description", "simulated time of each sample");
  for (const SignalInfo& info : model.signals().all()) {
    Handle d = detail::create_series(s.timeseries, info.name, chunk_samples);
    detail::write_string_attribute(d, "unit", info.unit);
    detail::write_string_attribute(d, "description", info.description);
    detail::write_string_attribute(d, "region", info.region);
    s.signal_datasets.push_back(std::move(d));
  }
  s.signal_buffers.assign(s.signal_datasets.size(), {});
  s.metrics = header.beat_metrics;
  s.beat_values.assign(s.metrics.size(), {});
  s.breath_metrics = header.breath_metrics;
  s.breath_values.assign(s.breath_metrics.size(), {});
}

void Hdf5Recorder::sample(double t, std::span<const double> signals) {
  Impl& s = *impl_;
  s.time_buffer.push_back(t);
  for (std::size_t i = 0; i < signals.size(); ++i) s.signal_buffers[i].push_back(signals[i]);
  if (s.time_buffer.size() >= chunk_samples) s.flush_samples();
}

void Hdf5Recorder::beat(double beat_time, std::span<const double> metrics) {
  Impl& s = *impl_;
  s.beat_times.push_back(beat_time);
  for (std::size_t m = 0; m < metrics.size(); ++m) s.beat_values[m].push_back(metrics[m]);
}

void Hdf5Recorder::breath(double breath_time, std::span<const double> metrics) {
  Impl& s = *impl_;
  s.breath_times.push_back(breath_time);
  for (std::size_t m = 0; m < metrics.size(); ++m) s.breath_values[m].push_back(metrics[m]);
}

void Hdf5Recorder::action(double t, const Action& action) {
  Impl& s = *impl_;
  s.action_times.push_back(t);
  s.action_names.emplace_back(action_name(action.kind));
  s.action_details.push_back(action_details(action));
}

void Hdf5Recorder::commit() {
  Impl& s = *impl_;
  s.flush_samples();
  s.write_metric_group("beats", "start of each beat (onset of ventricular activation)", s.metrics,
                       s.beat_times, s.beat_values);
  if (!s.breath_metrics.empty()) {
    s.write_metric_group("breaths", "start of each breath (start of inspiration)", s.breath_metrics,
                         s.breath_times, s.breath_values);
  }
  s.write_actions();
  s.signal_datasets.clear();
  s.time_dataset.reset();
  s.timeseries.reset();
  detail::check(H5Fflush(s.file, H5F_SCOPE_GLOBAL), "H5Fflush");
  // Closed by hand: a close that fails (a full disk, an I/O error writing the last metadata)
  // must not install a truncated file.
  if (H5Fclose(s.file.release()) < 0) {
    throw IoError(fmt::format("{}: could not finish writing the file", s.final_path.string()));
  }
  s.committed = true;  // from here on the temporary file is move_into_place()'s
  move_into_place(s.temporary_path, s.final_path);
}

}  // namespace physiotwin::io
