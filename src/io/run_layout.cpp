// The single-twin layout written into a group (io/run_layout.hpp).
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>

#include "io/hdf5_handles.hpp"
#include "io/run_layout.hpp"
#include "physiotwin/actions/action_details.hpp"
#include "physiotwin/build_info.hpp"
#include "physiotwin/io/hdf5.hpp"

namespace physiotwin::io::detail {

namespace {

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

void write_run_attributes(hid_t group, const RunHeader& header) {
  const BodyModel& model = header.model;
  const RunDescription& run = header.description;
  write_string_attribute(group, "format", hdf5_format_name);
  write_int_attribute(group, "format_version", hdf5_format_version);
  write_string_attribute(group, "library_version", library_version);
  write_string_attribute(group, "created", creation_time());
  write_string_attribute(group, "model_name", model.name);
  write_string_attribute(group, "model_description", model.description);
  write_string_attribute(group, "model_file", run.model_file);
  write_string_attribute(group, "patient_id", run.patient_id);
  write_string_attribute(group, "patient_file", run.patient_file);
  write_string_attribute(group, "patient_measured",
                         fmt::format("{}", fmt::join(run.patient_measured, "; ")));
  write_string_attribute(group, "patient_assumed",
                         fmt::format("{}", fmt::join(run.patient_assumed, "; ")));
  write_string_attribute(group, "calibration", fmt::format("{}", fmt::join(run.calibration, "; ")));
  write_string_attribute(group, "parameter_overrides",
                         fmt::format("{}", fmt::join(run.overrides, "; ")));
  write_double_attribute(group, "sample_rate", header.sample_rate);
}

void write_parameters_and_topology(hid_t parent, const BodyModel& model) {
  write_parameters(parent, model);
  write_topology(parent, model);
}

void write_parameters(hid_t parent, const BodyModel& model) {
  {
    Handle group = create_group(parent, "parameters");
    for (const Parameter& p : model.parameters.all()) {
      Handle d = create_scalar(group, p.name, p.value);
      write_string_attribute(d, "unit", p.unit);
      write_double_attribute(d, "min", p.min);
      write_double_attribute(d, "max", p.max);
      write_string_attribute(d, "description", p.description);
      write_string_attribute(d, "source", p.source);
    }
  }
}

namespace {

/// A compartment's codes and position (model/anatomy.hpp) as attributes of its group.
void write_anatomy(hid_t group, const Anatomy& anatomy) {
  write_string_attribute(group, "snomed_ct", anatomy.snomed_ct);
  write_string_attribute(group, "snomed_ct_display", anatomy.snomed_ct_display);
  write_string_attribute(group, "fma", anatomy.fma);
  write_string_attribute(group, "fma_display", anatomy.fma_display);
  write_double_array_attribute(group, "position", anatomy.position);
  write_double_attribute(group, "position_uncertainty", anatomy.position_uncertainty);
  write_string_attribute(group, "position_basis", anatomy.position_basis);
}

}  // namespace

void write_topology(hid_t parent, const BodyModel& model) {
  {
    Handle group = create_group(parent, "model");
    // Where the compartments' positions are (docs/anatomy.md), for a scene to place them.
    write_string_attribute(group, "body_frame", body_frame_description);
    write_double_attribute(group, "position_reference_height", anatomy_reference_height_m);
    Handle compartments = create_group(group, "compartments");
    for (const Compartment& c : model.compartments) {
      Handle g = create_group(compartments, c.name);
      write_string_attribute(g, "kind", std::string(name_of(c.kind)));
      write_string_attribute(g, "description", c.description);
      write_string_attribute(g, "region", c.region);
      write_int_attribute(g, "thoracic", c.thoracic ? 1 : 0);
      write_string_attribute(g, "pressure_signal", c.name + ".pressure");
      write_string_attribute(g, "volume_signal", c.name + ".volume");
      if (c.anatomy) write_anatomy(g, *c.anatomy);
    }
    Handle connections = create_group(group, "connections");
    for (const Connection& c : model.connections) {
      Handle g = create_group(connections, c.name);
      write_string_attribute(g, "kind", std::string(name_of(c.kind)));
      write_string_attribute(g, "description", c.description);
      write_string_attribute(g, "region", c.region);
      write_string_attribute(g, "from", model.compartments[c.from].name);
      write_string_attribute(g, "to", model.compartments[c.to].name);
      write_string_attribute(g, "organ_bed", c.organ_bed);
      write_string_attribute(g, "flow_signal", c.name + ".flow");
    }
  }
}

SeriesGroup create_timeseries(hid_t parent, const BodyModel& model, hsize_t chunk,
                              SeriesStorage storage) {
  SeriesGroup t;
  t.group = create_group(parent, "timeseries");
  t.time = create_series(t.group, "time", chunk, {.compressed = storage.compressed});
  write_string_attribute(t.time, "unit", "s");
  write_string_attribute(t.time, "description", "simulated time of each sample");
  for (const SignalInfo& info : model.signals().all()) {
    Handle d = create_series(t.group, info.name, chunk, storage);
    write_string_attribute(d, "unit", info.unit);
    write_string_attribute(d, "description", info.description);
    write_string_attribute(d, "region", info.region);
    t.series.push_back(std::move(d));
  }
  return t;
}

SeriesGroup create_metric_group(hid_t parent, const char* group_name, const char* time_description,
                                const std::vector<MetricInfo>& infos, SeriesStorage storage) {
  constexpr hsize_t chunk_events = 256;
  SeriesGroup g;
  g.group = create_group(parent, group_name);
  g.time = create_series(g.group, "time", chunk_events, storage);
  write_string_attribute(g.time, "unit", "s");
  write_string_attribute(g.time, "description", time_description);
  for (const MetricInfo& info : infos) {
    Handle d = create_series(g.group, info.name, chunk_events, storage);
    write_string_attribute(d, "unit", info.unit);
    write_string_attribute(d, "description", info.description);
    g.series.push_back(std::move(d));
  }
  return g;
}

void write_metric_group(hid_t parent, const char* group_name, const char* time_description,
                        const std::vector<MetricInfo>& infos, const std::vector<double>& times,
                        const std::vector<std::vector<double>>& values) {
  SeriesGroup g = create_metric_group(parent, group_name, time_description, infos);
  append_to_series(g.time, times);
  for (std::size_t m = 0; m < infos.size(); ++m) append_to_series(g.series[m], values[m]);
}

namespace {
constexpr const char* action_time_description = "simulated time at which each action was applied";
}  // namespace

void write_actions(hid_t parent, const std::vector<double>& times,
                   const std::vector<std::string>& names, const std::vector<std::string>& details) {
  Handle group = create_group(parent, "actions");
  Handle time = create_series(group, "time", 64);
  write_string_attribute(time, "unit", "s");
  write_string_attribute(time, "description", action_time_description);
  append_to_series(time, times);
  write_string_array(group, "action", names);
  write_string_array(group, "details", details);
}

ActionDatasets create_live_actions(hid_t parent) {
  constexpr hsize_t chunk_actions = 16;
  ActionDatasets a;
  a.group = create_group(parent, "actions");
  a.time = create_series(a.group, "time", 64, {.compressed = false});
  write_string_attribute(a.time, "unit", "s");
  write_string_attribute(a.time, "description", action_time_description);
  a.action = create_string_series(a.group, "action", live_action_name_width, chunk_actions);
  a.details = create_string_series(a.group, "details", live_action_details_width, chunk_actions);
  return a;
}

std::vector<std::vector<double>> columns_of(const std::vector<std::vector<double>>& rows,
                                            std::size_t columns) {
  std::vector<std::vector<double>> out(columns, std::vector<double>(rows.size()));
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t c = 0; c < columns; ++c) out[c][r] = rows[r][c];
  return out;
}

void write_recorded_run(hid_t group, const RunHeader& header, const MemoryRecorder& record) {
  write_run_attributes(group, header);
  {
    const hsize_t chunk = std::clamp<hsize_t>(record.times.size(), 1, timeseries_chunk_samples);
    SeriesGroup t = create_timeseries(group, header.model, chunk);
    append_to_series(t.time, record.times);
    const auto columns = columns_of(record.samples, t.series.size());
    for (std::size_t s = 0; s < t.series.size(); ++s) append_to_series(t.series[s], columns[s]);
  }
  write_metric_group(group, "beats", beat_time_description, header.beat_metrics, record.beat_times,
                     columns_of(record.beats, header.beat_metrics.size()));
  if (!header.breath_metrics.empty()) {
    write_metric_group(group, "breaths", breath_time_description, header.breath_metrics,
                       record.breath_times,
                       columns_of(record.breaths, header.breath_metrics.size()));
  }
  std::vector<std::string> names, details;
  for (const Action& a : record.actions) {
    names.emplace_back(action_name(a.kind));
    details.push_back(action_details(a));
  }
  write_actions(group, record.action_times, names, details);
}

}  // namespace physiotwin::io::detail
