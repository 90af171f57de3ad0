// Writes format version 1 (docs/hdf5-format.md). Samples are buffered and appended in
// chunks, so memory stays bounded on long runs; the file lives under a temporary name
// until commit() renames it.
#include <fmt/format.h>

#include <optional>
#include <system_error>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "io/audit_writer.hpp"
#include "io/hdf5_handles.hpp"
#include "io/run_layout.hpp"
#include "physiotwin/actions/action_details.hpp"
#include "physiotwin/core/atomic_file.hpp"
#include "physiotwin/core/temporary_files.hpp"
#include "physiotwin/io/hdf5.hpp"
#include "physiotwin/io/hdf5_signature.hpp"

namespace physiotwin::io {

using detail::Handle;

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
  std::vector<StoredSnapshot> snapshots;
  FileOptions options;
  AuditTrail audit;  ///< begun with the header, an entry per action, written at commit()
  bool committed = false;

  void flush_samples() {
    detail::append_to_series(time_dataset, time_buffer);
    time_buffer.clear();
    for (std::size_t i = 0; i < signal_datasets.size(); ++i) {
      detail::append_to_series(signal_datasets[i], signal_buffers[i]);
      signal_buffers[i].clear();
    }
  }
};

void keep_freed_memory_for_compression() noexcept {
#if defined(__GLIBC__)
  // 64 MiB kept at the top of the heap at most: the zlib state many times over, and little
  // against a run's memory.
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

Hdf5Recorder::Hdf5Recorder(std::filesystem::path path, FileOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  detail::silence_hdf5_errors();
  impl_->final_path = std::move(path);
  impl_->temporary_path = temporary_name_for(impl_->final_path);
  impl_->registered.emplace(impl_->temporary_path);
  // The earliest file format each object allows, at most 1.8's: readable by every HDF5 and
  // h5py in use, deterministic, and by pure-JavaScript readers too: version-1 object headers
  // keep all of an object's attributes in the header, where 1.8's move more than 8 into dense
  // storage, which jsfive cannot read (the root has 15; issue 14 item 7).
  impl_->file = detail::create_new_file(impl_->temporary_path, impl_->final_path,
                                        H5F_LIBVER_EARLIEST, H5F_LIBVER_V18);
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
  const hid_t root = s.file;
  detail::write_run_attributes(root, header);
  s.audit = detail::run_audit_trail(header);
  detail::write_parameters_and_topology(root, model);
  detail::SeriesGroup timeseries =
      detail::create_timeseries(root, model, detail::timeseries_chunk_samples,
                                {.single_precision = s.options.single_precision_signals});
  s.timeseries = std::move(timeseries.group);
  s.time_dataset = std::move(timeseries.time);
  s.signal_datasets = std::move(timeseries.series);
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
  if (s.time_buffer.size() >= detail::timeseries_chunk_samples) s.flush_samples();
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
  s.audit.add_action(t, s.action_names.back(), s.action_details.back());
}

void Hdf5Recorder::snapshot(double t, std::vector<std::uint8_t> bytes) {
  impl_->snapshots.push_back({t, std::move(bytes)});
}

void Hdf5Recorder::commit() {
  Impl& s = *impl_;
  s.flush_samples();
  if (!s.snapshots.empty()) detail::write_snapshots(s.file, s.snapshots);
  detail::write_metric_group(s.file, "beats", detail::beat_time_description, s.metrics,
                             s.beat_times, s.beat_values);
  if (!s.breath_metrics.empty()) {
    detail::write_metric_group(s.file, "breaths", detail::breath_time_description, s.breath_metrics,
                               s.breath_times, s.breath_values);
  }
  detail::write_actions(s.file, s.action_times, s.action_names, s.action_details);
  s.audit.add({{"entry", "output"},
               {"format", "physiotwin run file"},
               {"beats", s.beat_times.size()},
               {"snapshots", s.snapshots.size()}});
  detail::write_audit_trail(s.file, s.audit);
  detail::write_int_attribute(s.file, detail::complete_attribute, 1);
  s.signal_datasets.clear();
  s.time_dataset.reset();
  s.timeseries.reset();
  detail::check(H5Fflush(s.file, H5F_SCOPE_GLOBAL), "H5Fflush");
  // Closed by hand: a close that fails (a full disk, an I/O error writing the last metadata)
  // must not install a truncated file.
  if (H5Fclose(s.file.release()) < 0) {
    throw IoError(fmt::format("{}: could not finish writing the file", s.final_path.string()));
  }
  if (s.options.signing_key) sign_hdf5_file(s.temporary_path, *s.options.signing_key);
  s.committed = true;  // from here on the temporary file is move_into_place()'s
  move_into_place(s.temporary_path, s.final_path);
}

}  // namespace physiotwin::io
