// A plan's file (cohort/plan_output.hpp, docs/planning.md).
#include "physiotwin/cohort/plan_output.hpp"

#include <fmt/format.h>

#include <optional>
#include <system_error>

#include "io/audit_writer.hpp"
#include "io/hdf5_handles.hpp"
#include "io/run_layout.hpp"
#include "physiotwin/build_info.hpp"
#include "physiotwin/core/atomic_file.hpp"
#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/core/sha256.hpp"
#include "physiotwin/core/temporary_files.hpp"
#include "physiotwin/io/hdf5.hpp"
#include "physiotwin/io/hdf5_signature.hpp"

namespace physiotwin::planning {

namespace h5 = io::detail;
using h5::Handle;

namespace {

/// /comparison: one row per outcome, one column per branch (docs/planning.md, "The file").
void write_comparison(hid_t file, const Plan& plan, const std::vector<ComparisonRow>& rows) {
  Handle group = h5::create_group(file, "comparison");
  h5::write_string_attribute(group, "description",
                             "each outcome (row) per branch (column), with the baseline's value, "
                             "the normal range and the threshold it is judged by");
  std::vector<std::string> names, metrics, statistics, units, thresholds, sources, normal_sources;
  std::vector<double> from, to, baseline, normal_low, normal_high;
  for (const ComparisonRow& row : rows) {
    const Outcome& o = *row.outcome;
    names.push_back(o.summary.column);
    metrics.push_back(o.summary.metric);
    statistics.emplace_back(cohort::statistic_name(o.summary.statistic));
    units.push_back(row.unit);
    from.push_back(o.summary.from);
    to.push_back(o.summary.to);
    thresholds.push_back(o.threshold ? o.threshold->text() : "");
    sources.push_back(o.threshold ? o.threshold->source : "");
    baseline.push_back(row.baseline);
    normal_low.push_back(row.normal_low);
    normal_high.push_back(row.normal_high);
    normal_sources.push_back(row.normal_source);
  }
  std::vector<std::string> branches;
  for (const Branch& b : plan.branches) branches.push_back(b.name);
  h5::write_string_array(group, "outcome", names);
  h5::write_string_array(group, "metric", metrics);
  h5::write_string_array(group, "statistic", statistics);
  h5::write_string_array(group, "unit", units);
  h5::write_double_array(group, "window_from", from);
  h5::write_double_array(group, "window_to", to);
  h5::write_string_array(group, "threshold", thresholds);
  h5::write_string_array(group, "threshold_source", sources);
  h5::write_double_array(group, "baseline", baseline);
  h5::write_double_array(group, "normal_low", normal_low);
  h5::write_double_array(group, "normal_high", normal_high);
  h5::write_string_array(group, "normal_source", normal_sources);
  h5::write_string_array(group, "branch", branches);
  // [outcome][branch], and whether each meets its threshold (1, 0; -1: no threshold or no value)
  const hsize_t dims[2] = {rows.size(), plan.branches.size()};
  std::vector<double> values;
  std::vector<int> met;
  for (const ComparisonRow& row : rows) {
    for (double v : row.values) {
      values.push_back(v);
      met.push_back(!row.outcome->threshold || std::isnan(v) ? -1
                    : row.outcome->threshold->met(v)         ? 1
                                                             : 0);
    }
  }
  Handle space(H5Screate_simple(2, dims, nullptr), H5Sclose, "H5Screate_simple");
  Handle value(H5Dcreate2(group, "value", H5T_IEEE_F64LE, space, H5P_DEFAULT,
                          h5::untimed_object_properties(H5P_DATASET_CREATE), H5P_DEFAULT),
               H5Dclose, "creating comparison/value");
  h5::check(H5Dwrite(value, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
            "writing comparison/value");
  Handle meets(H5Dcreate2(group, "met", H5T_STD_I32LE, space, H5P_DEFAULT,
                          h5::untimed_object_properties(H5P_DATASET_CREATE), H5P_DEFAULT),
               H5Dclose, "creating comparison/met");
  h5::check(H5Dwrite(meets, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, met.data()),
            "writing comparison/met");
}

}  // namespace

void write_plan_file(const std::filesystem::path& out, const Plan& plan, const RunHeader& header,
                     const PlanRun& run, const std::vector<ComparisonRow>& rows,
                     const trust::SigningKey* signing_key) {
  h5::silence_hdf5_errors();
  const std::filesystem::path temporary = temporary_name_for(out);
  const RegisteredTemporary registered(temporary);
  try {
    {
      Handle file = h5::create_new_file(temporary, out, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18);
      h5::write_string_attribute(file, "format", plan_file_format_name);
      h5::write_int_attribute(file, "format_version", plan_file_format_version);
      h5::write_string_attribute(file, "library_version", library_version);
      h5::write_string_attribute(file, "plan_file", plan.file.filename().string());
      const std::string plan_sha256 = crypto::hex(crypto::sha256(read_text_file(plan.file)));
      h5::write_string_attribute(file, "plan_sha256", plan_sha256);
      h5::write_string_attribute(file, "plan_description", plan.description);
      h5::write_double_attribute(file, "baseline_duration", plan.baseline_duration);
      h5::write_parameters_and_topology(file, header.model);
      {
        Handle baseline = h5::create_group(file, "baseline");
        h5::write_recorded_run(baseline, header, run.baseline);
      }
      {
        Handle branches = h5::create_group(file, "branches");
        for (std::size_t i = 0; i < plan.branches.size(); ++i) {
          const Branch& b = plan.branches[i];
          Handle group = h5::create_group(branches, b.name);
          h5::write_recorded_run(group, header, run.branches[i].record);
          h5::write_string_attribute(group, "branch_description", b.description);
          h5::write_string_attribute(group, "interventions", b.interventions_json);
          h5::write_double_attribute(group, "branch_start", plan.baseline_duration);
          h5::write_double_attribute(group, "branch_end", plan.baseline_duration + b.duration);
          h5::write_string_attribute(group, "error", run.branches[i].error);
        }
      }
      write_comparison(file, plan, rows);
      io::AuditTrail trail = h5::run_audit_trail(header);
      trail.add({{"entry", "plan"},
                 {"plan_sha256", plan_sha256},
                 {"baseline_duration", plan.baseline_duration}});
      for (const Branch& b : plan.branches)
        trail.add({{"entry", "branch"},
                   {"name", b.name},
                   {"start", plan.baseline_duration},
                   {"duration", b.duration},
                   {"interventions", b.interventions_json}});
      trail.add({{"entry", "output"}, {"format", "physiotwin plan file"}});
      h5::write_audit_trail(file, trail);
      h5::write_int_attribute(file, h5::complete_attribute, 1);
      if (H5Fclose(file.release()) < 0) {
        throw IoError(fmt::format("{}: could not finish writing the file", out.string()));
      }
    }
    if (signing_key) io::sign_hdf5_file(temporary, *signing_key);
    move_into_place(temporary, out);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw;
  }
}

}  // namespace physiotwin::planning
