// A live file (io/hdf5_live.hpp, docs/hdf5-format.md "Live files"). Everything is created
// first, then the file goes into SWMR mode, in which HDF5 orders its metadata writes so that a
// reader never meets a pointer to something not yet written; the writer may then only extend
// datasets and change attribute values. Each flush appends, per group, every series before its
// time axis, so that a reader who takes the time axis's length finds the other series at least
// that long once the flush is through.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <system_error>

#include "io/audit_writer.hpp"
#include "io/hdf5_handles.hpp"
#include "io/run_layout.hpp"
#include "physiotwin/actions/action_details.hpp"
#include "physiotwin/core/atomic_file.hpp"
#include "physiotwin/core/error.hpp"
#include "physiotwin/core/temporary_files.hpp"
#include "physiotwin/io/audit_trail.hpp"
#include "physiotwin/io/hdf5_live.hpp"
#include "physiotwin/io/hdf5_signature.hpp"

namespace physiotwin::io {

using detail::Handle;
using detail::SeriesGroup;

namespace {
/// Samples per chunk of a live file's series: its chunks are uncompressed and allocated whole,
/// so 4,096 (a file written whole) would make a short live file five times its content.
constexpr hsize_t live_chunk_samples = 1024;
}  // namespace

namespace {

/// Events or samples not yet in the file: their times and, per series, their values.
struct PendingSeries {
  std::vector<double> times;
  std::vector<std::vector<double>> values;  // [series][event]

  void add(double t, std::span<const double> row) {
    times.push_back(t);
    for (std::size_t i = 0; i < row.size(); ++i) values[i].push_back(row[i]);
  }
  /// Every series, then the time axis.
  void append_to(SeriesGroup& group) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      detail::append_to_series(group.series[i], values[i]);
      values[i].clear();
    }
    detail::append_to_series(group.time, times);
    times.clear();
  }
};

/// Replaces the copy's /audit (the trail as the file went live) with `trail`, the whole run's.
void rewrite_audit_trail(const std::filesystem::path& copy, const AuditTrail& trail) {
  Handle file(H5Fopen(copy.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose, "H5Fopen");
  detail::check(H5Ldelete(file, audit_group, H5P_DEFAULT), "H5Ldelete");
  detail::write_audit_trail(file, trail);
  detail::check(H5Fflush(file, H5F_SCOPE_GLOBAL), "H5Fflush");
  if (H5Fclose(file.release()) < 0) throw IoError("could not finish writing its audit trail");
}

/// Signs a finished live file. Not in place: a follower may hold it open as a SWMR reader,
/// and /signature added under it (outside SWMR's ordered writes) could show it a half-written
/// group. The copy gets the run's whole trail (its actions in the chain, as a file written
/// whole has them), is signed under a temporary name and renamed over the file, which leaves
/// an open reader on the old content (the same but for the trail) and gives everyone after it
/// the signed file.
void replace_with_signed_copy(const std::filesystem::path& file, const AuditTrail& trail,
                              const trust::SigningKey& key) {
  const std::filesystem::path copy = temporary_name_for(file);
  const RegisteredTemporary registered(copy);
  try {
    std::filesystem::copy_file(file, copy);
    rewrite_audit_trail(copy, trail);
    sign_hdf5_file(copy, key);
    move_into_place(copy, file);
  } catch (const std::exception& e) {
    std::error_code ignored;
    std::filesystem::remove(copy, ignored);
    throw IoError(fmt::format("{}: the run is complete in it, but it could not be signed: {}",
                              file.string(), e.what()));
  }
}

}  // namespace

struct Hdf5LiveRecorder::Impl {
  std::filesystem::path final_path, temporary_path;
  /// Removed by a second Ctrl-C's handler while the file is still under its temporary name.
  std::optional<RegisteredTemporary> registered;
  LiveFileOptions options;
  Handle file;
  SeriesGroup timeseries, beats, breaths;
  detail::ActionDatasets actions;
  std::vector<Handle> snapshots;  // in options.snapshot_times' order
  std::vector<bool> snapshot_written;
  PendingSeries pending_samples, pending_beats, pending_breaths;
  std::vector<double> pending_action_times;
  std::vector<std::string> pending_action_names, pending_action_details;
  /// The run's trail as a file written whole holds it, less its output entry: written into
  /// the signed copy (the live file's own trail stops where it went live).
  AuditTrail audit;
  std::size_t beats_recorded = 0;
  std::chrono::steady_clock::time_point last_flush;
  bool live = false;  // in SWMR mode under its final name
  bool committed = false;

  void flush_if_due() {
    if (pending_samples.times.size() >= live_chunk_samples ||
        std::chrono::steady_clock::now() - last_flush >= options.flush_interval) {
      flush();
    }
  }

  void flush() {
    pending_samples.append_to(timeseries);
    pending_beats.append_to(beats);
    if (breaths.time.get() != H5I_INVALID_HID) pending_breaths.append_to(breaths);
    detail::append_strings(actions.details, pending_action_details);
    detail::append_strings(actions.action, pending_action_names);
    detail::append_to_series(actions.time, pending_action_times);
    pending_action_details.clear();
    pending_action_names.clear();
    pending_action_times.clear();
    detail::check(H5Fflush(file, H5F_SCOPE_LOCAL), "H5Fflush");
    last_flush = std::chrono::steady_clock::now();
  }

  void close_datasets() noexcept {
    timeseries = {};
    beats = {};
    breaths = {};
    actions = {};
    snapshots.clear();
  }
};

Hdf5LiveRecorder::Hdf5LiveRecorder(std::filesystem::path path, LiveFileOptions options)
    : impl_(std::make_unique<Impl>()) {
  detail::silence_hdf5_errors();
  Impl& s = *impl_;
  if (!(options.flush_interval.count() > 0.0)) {
    throw InputError(
        fmt::format("live file {}: the flush interval must be positive", path.string()));
  }
  s.final_path = std::move(path);
  s.options = std::move(options);
  std::sort(s.options.snapshot_times.begin(), s.options.snapshot_times.end());
  s.temporary_path = temporary_name_for(s.final_path);
  s.registered.emplace(s.temporary_path);
  // SWMR needs the 1.10 format (its chunk indices and object-header flush dependencies).
  s.file = detail::create_new_file(s.temporary_path, s.final_path, H5F_LIBVER_V110, H5F_LIBVER_V110,
                                   /*compact_root_attributes=*/true);
}

Hdf5LiveRecorder::~Hdf5LiveRecorder() {
  if (!impl_ || impl_->committed) return;
  Impl& s = *impl_;
  if (s.live) {
    // Interrupted or failed: what is buffered goes in too, and `complete` stays 0.
    try {
      s.flush();
    } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): the run's error wins
    }
    s.close_datasets();
    s.file.reset();
  } else {
    s.close_datasets();
    s.file.reset();
    std::error_code ignored;
    std::filesystem::remove(s.temporary_path, ignored);
  }
}

void Hdf5LiveRecorder::begin(const RunHeader& header) {
  Impl& s = *impl_;
  const hid_t root = s.file;
  const BodyModel& model = header.model;
  detail::write_run_attributes(root, header);
  detail::write_int_attribute(root, detail::complete_attribute, 0);
  detail::write_parameters_and_topology(root, model);
  s.timeseries = detail::create_timeseries(
      root, model, live_chunk_samples,
      {.compressed = false, .single_precision = s.options.single_precision_signals});
  s.pending_samples.values.assign(s.timeseries.series.size(), {});
  s.beats = detail::create_metric_group(root, "beats", detail::beat_time_description,
                                        header.beat_metrics, {.compressed = false});
  s.pending_beats.values.assign(header.beat_metrics.size(), {});
  if (!header.breath_metrics.empty()) {
    s.breaths = detail::create_metric_group(root, "breaths", detail::breath_time_description,
                                            header.breath_metrics, {.compressed = false});
    s.pending_breaths.values.assign(header.breath_metrics.size(), {});
  }
  s.actions = detail::create_live_actions(root);
  s.snapshots = detail::create_live_snapshots(root, s.options.snapshot_times);
  s.snapshot_written.assign(s.snapshots.size(), false);
  // Written before SWMR begins (no object can be created after): a live file's trail stops at
  // its start; the actions that follow are in /actions, covered by the trail's last entry.
  s.audit = detail::run_audit_trail(header);
  AuditTrail trail = s.audit;
  trail.add({{"entry", "output"},
             {"format", "physiotwin live file"},
             {"actions", "recorded in /actions as they happen, after this trail was written"}});
  detail::write_audit_trail(root, trail);
  // Groups are not needed open: SWMR mode is entered with datasets only.
  s.timeseries.group.reset();
  s.beats.group.reset();
  s.breaths.group.reset();
  s.actions.group.reset();
  detail::check(H5Fstart_swmr_write(s.file), "H5Fstart_swmr_write");
  // Renamed once live, so that no reader finds the name before the file can be followed.
  move_into_place(s.temporary_path, s.final_path);
  s.registered.reset();
  s.live = true;
  s.last_flush = std::chrono::steady_clock::now();
}

void Hdf5LiveRecorder::sample(double t, std::span<const double> signals) {
  impl_->pending_samples.add(t, signals);
  impl_->flush_if_due();
}

void Hdf5LiveRecorder::beat(double beat_time, std::span<const double> metrics) {
  ++impl_->beats_recorded;
  impl_->pending_beats.add(beat_time, metrics);
  impl_->flush_if_due();
}

void Hdf5LiveRecorder::breath(double breath_time, std::span<const double> metrics) {
  impl_->pending_breaths.add(breath_time, metrics);
  impl_->flush_if_due();
}

void Hdf5LiveRecorder::action(double t, const Action& action) {
  Impl& s = *impl_;
  s.pending_action_times.push_back(t);
  s.pending_action_names.emplace_back(action_name(action.kind));
  s.pending_action_details.push_back(action_details(action));
  s.audit.add_action(t, s.pending_action_names.back(), s.pending_action_details.back());
  s.flush_if_due();
}

void Hdf5LiveRecorder::snapshot(double t, std::span<const std::uint8_t> bytes) {
  Impl& s = *impl_;
  const std::vector<double>& times = s.options.snapshot_times;
  const auto at = std::find_if(times.begin(), times.end(), [t](double declared) {
    return std::abs(declared - t) <= 1e-9 * std::max(1.0, std::abs(t));
  });
  if (at == times.end()) {
    throw IoError(fmt::format(
        "{}: a snapshot at {} s was not declared when the live file was created (snapshot "
        "times: {})",
        s.final_path.string(), t,
        times.empty() ? "none" : fmt::format("{}", fmt::join(times, ", "))));
  }
  const auto index = static_cast<std::size_t>(at - times.begin());
  if (s.snapshot_written[index]) {
    throw IoError(
        fmt::format("{}: the snapshot at {} s is written already", s.final_path.string(), t));
  }
  detail::append_bytes(s.snapshots[index], bytes);
  s.snapshot_written[index] = true;
  s.flush();
}

void Hdf5LiveRecorder::flush() {
  impl_->flush();
}

void Hdf5LiveRecorder::commit() {
  Impl& s = *impl_;
  s.flush();
  detail::overwrite_int_attribute(s.file, detail::complete_attribute, 1);
  detail::check(H5Fflush(s.file, H5F_SCOPE_GLOBAL), "H5Fflush");
  // A reader in this process shares HDF5's hold on the file, which then stays open (and marked
  // as being written) past the close below: no whole copy of it can be signed until it lets go.
  const bool shared_in_process = H5Fget_obj_count(s.file, H5F_OBJ_FILE) > 1;
  s.close_datasets();
  // Closed by hand: a close that fails must be reported, not ignored.
  if (H5Fclose(s.file.release()) < 0) {
    throw IoError(fmt::format("{}: could not finish writing the file", s.final_path.string()));
  }
  s.committed = true;
  if (!s.options.signing_key) return;
  if (shared_in_process) {
    throw IoError(fmt::format(
        "{}: the run is complete in it, but it could not be signed: this process still holds it "
        "open (close this process's readers of it before commit())",
        s.final_path.string()));
  }
  s.audit.add(
      {{"entry", "output"},
       {"format", "physiotwin live file"},
       {"beats", s.beats_recorded},
       {"snapshots", std::count(s.snapshot_written.begin(), s.snapshot_written.end(), true)},
       {"signed", "a copy of the live file once complete, with this whole trail"}});
  replace_with_signed_copy(s.final_path, s.audit, *s.options.signing_key);
}

}  // namespace physiotwin::io
