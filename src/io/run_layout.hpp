#pragma once
// The single-twin layout of docs/hdf5-format.md written into a group: the root of a twin's
// file (Hdf5Recorder) or one member's group of a cohort file (CohortFileWriter). Private to
// the io library.
#include <hdf5.h>

#include <string>
#include <vector>

#include "io/hdf5_handles.hpp"
#include "physiotwin/io/hdf5.hpp"
#include "physiotwin/io/run_header.hpp"

namespace physiotwin::io::detail {

/// The run's attributes (format, versions, creation time, model, patient, calibration,
/// overrides, sample rate) on `group`.
void write_run_attributes(hid_t group, const RunHeader& header);
/// /parameters (every parameter's value, unit, range, description, source) and /model (the
/// compartments and connections, with the signals that carry them).
void write_parameters_and_topology(hid_t parent, const BodyModel& model);
/// The two halves: /parameters, and /model.
void write_parameters(hid_t parent, const BodyModel& model);
void write_topology(hid_t parent, const BodyModel& model);
/// Samples per chunk of /timeseries: 40 s at 100 Hz; a quarter less reading time in h5wasm
/// than 1,024, and 3 % smaller (docs/performance.md, "Files").
inline constexpr hsize_t timeseries_chunk_samples = 4096;

/// A group of series that share a time axis: its time dataset and the others, in order.
struct SeriesGroup {
  Handle group, time;
  std::vector<Handle> series;
};
/// /timeseries, empty: a time dataset and one per signal of `model`, in registry order, each
/// with its unit and description, chunked by `chunk` samples; the signals stored as `storage`
/// says, the time always in double precision (float32 would round 1,000 s to 0.06 ms).
[[nodiscard]] SeriesGroup create_timeseries(hid_t parent, const BodyModel& model, hsize_t chunk,
                                            SeriesStorage storage = {});
/// One group of per-event metrics (beats, breaths), empty: a time dataset and one per metric.
[[nodiscard]] SeriesGroup create_metric_group(hid_t parent, const char* group_name,
                                              const char* time_description,
                                              const std::vector<MetricInfo>& infos,
                                              SeriesStorage storage = {});
/// The same, written whole.
void write_metric_group(hid_t parent, const char* group_name, const char* time_description,
                        const std::vector<MetricInfo>& infos, const std::vector<double>& times,
                        const std::vector<std::vector<double>>& values);
/// /actions: time, name and details (JSON) of each applied action.
void write_actions(hid_t parent, const std::vector<double>& times,
                   const std::vector<std::string>& names, const std::vector<std::string>& details);
/// /actions, empty, for a live file: fixed widths for the names and the details, since a live
/// file's datasets are all created before the first action (live_action_details_width).
struct ActionDatasets {
  Handle group, time, action, details;
};
[[nodiscard]] ActionDatasets create_live_actions(hid_t parent);
inline constexpr std::size_t live_action_name_width = 32;
/// An action's fields as JSON: a few numbers and a model's name (the longest written is under
/// 150 bytes); a longer one fails the run with IoError rather than being cut.
inline constexpr std::size_t live_action_details_width = 1024;

/// /snapshots: one dataset of bytes per snapshot, named by its time (src/io/hdf5_snapshots.cpp).
void write_snapshots(hid_t parent, const std::vector<StoredSnapshot>& snapshots);
/// /snapshots for a live file: an empty, extendible dataset for each time a snapshot will be
/// taken, filled by append_bytes() when it is (an empty one: the run ended before its time).
[[nodiscard]] std::vector<Handle> create_live_snapshots(hid_t parent,
                                                        const std::vector<double>& times);

/// Rows of events ([event][column]) as columns ([column][event]), as the file stores them.
[[nodiscard]] std::vector<std::vector<double>> columns_of(
    const std::vector<std::vector<double>>& rows, std::size_t columns);

/// A run held in memory written into `group` in the single-twin layout: its attributes,
/// /timeseries (with every signal's unit, description and region), /beats, /breaths and
/// /actions, as a twin's file has them (without /parameters and /model).
void write_recorded_run(hid_t group, const RunHeader& header, const MemoryRecorder& record);

/// The root's `complete` attribute: 1 once a run's file holds the whole run (docs/hdf5-format.md).
inline constexpr const char* complete_attribute = "complete";

inline constexpr const char* beat_time_description =
    "start of each beat (onset of ventricular activation)";
inline constexpr const char* breath_time_description =
    "start of each breath (start of inspiration)";

}  // namespace physiotwin::io::detail
