// Cohort files (cohort/cohort_file.hpp; the layout: docs/hdf5-format.md, "Cohort files").
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <system_error>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <cerrno>

#include "io/audit_writer.hpp"
#include "io/hdf5_handles.hpp"
#include "io/run_layout.hpp"
#include "physiotwin/build_info.hpp"
#include "physiotwin/cohort/cohort_file.hpp"
#include "physiotwin/core/atomic_file.hpp"
#include "physiotwin/io/hdf5_signature.hpp"
#include "physiotwin/patient/personalise.hpp"

namespace physiotwin::cohort {

namespace {

using io::detail::check;
using io::detail::Handle;
namespace h5 = io::detail;

std::string member_group_name(std::size_t index) {
  return fmt::format("{:06}", index);
}

/// A small one-dimensional dataset of doubles, contiguous (a member's inputs and summary).

/// "3 x age outside 18-90 years; 1 x ..." (empty: none rejected).
std::string rejected_text(const std::map<std::string, std::size_t>& rejected) {
  std::string text;
  for (const auto& [reason, count] : rejected)
    text += fmt::format("{}{} x {}", text.empty() ? "" : "; ", count, reason);
  return text;
}

const char* design_name(SamplingDesign d) {
  return d == SamplingDesign::sobol ? "sobol" : "latin_hypercube";
}

/// Whether another process holds a lock on `file` (HDF5 locks the files it writes with
/// flock(), as write_text_file_atomically() does).
bool locked_by_another_process(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  const bool locked = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return locked;
}

/// One row of /summary as read back from a member's group.
struct SummaryRow {
  long long member = 0;
  std::string patient_id, sex, status, error;
  std::vector<double> values;  ///< inputs, then summaries
};

}  // namespace

struct CohortFileWriter::Impl {
  std::filesystem::path out, partial;
  const CohortPlan* plan = nullptr;
  Handle file, members;
  std::set<std::size_t> done;
  std::size_t resumed = 0;
  std::string not_resumed;

  /// Opens the earlier partial file if it is this description's; false (and why) otherwise.
  bool try_resume() {
    std::error_code error;
    // Not through a link, nor anything but a regular file: never written into or removed.
    const auto status = std::filesystem::symlink_status(partial, error);
    if (!error && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
      throw IoError(fmt::format(
          "{}: is in the way of the cohort's unfinished file (it is not a regular file); "
          "nothing was written",
          partial.string()));
    }
    if (!std::filesystem::is_regular_file(status)) return false;
    const hid_t id = H5Fopen(partial.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    if (id < 0) {
      if (locked_by_another_process(partial))
        throw IoError(fmt::format(
            "{}: another run is writing this cohort file now (its unfinished file is locked); "
            "wait for it, or write to another --out",
            out.string()));
      not_resumed = "it could not be opened (damaged when the run was stopped)";
      return false;
    }
    file = Handle(id, H5Fclose, "H5Fopen");
    if (h5::read_string_attribute(file, "cohort_sha256") != plan->description.sha256 ||
        h5::read_string_attribute(file, "library_version") != library_version) {
      not_resumed = "it was made from another cohort description or library version";
      file.reset();
      return false;
    }
    members = Handle(H5Gopen2(file, "members", H5P_DEFAULT), H5Gclose, "H5Gopen2 members");
    for (const std::string& name : h5::list_members(members)) {
      Handle group(H5Gopen2(members, name.c_str(), H5P_DEFAULT), H5Gclose, "H5Gopen2");
      const long long index = h5::read_int_attribute(group, "member", -1);
      const bool complete = h5::read_int_attribute(group, "complete", 0) == 1;
      group.reset();
      if (complete && index >= 0 && std::size_t(index) < plan->size()) {
        done.insert(std::size_t(index));
      } else {  // written in part when the run stopped: run again
        check(H5Ldelete(members, name.c_str(), H5P_DEFAULT), "H5Ldelete " + name);
      }
    }
    resumed = done.size();
    return true;
  }

  void create() {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    // The file format of a twin's file (io/hdf5_writer.cpp): the earliest each object allows,
    // so that a member's attributes stay in its header, where JavaScript readers find them.
    file = h5::create_new_file(partial, out, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18);
    const CohortDescription& d = plan->description;
    h5::write_string_attribute(file, "format", cohort_format_name);
    h5::write_int_attribute(file, "format_version", cohort_format_version);
    h5::write_string_attribute(file, "library_version", library_version);
    h5::write_string_attribute(file, "cohort_name", d.name);
    h5::write_string_attribute(file, "cohort_sha256", d.sha256);
    h5::write_string_attribute(file, "model_name", plan->model.name);
    h5::write_string_attribute(file, "model_file", model_source_label(plan->model));
    h5::write_int_attribute(file, "member_count", (long long)plan->size());
    h5::write_string_attribute(file, "members_from",
                               d.population    ? "virtual population"
                               : d.sensitivity ? "sensitivity design"
                                               : "listed files");
    if (d.sensitivity) {
      const bool sobol = d.sensitivity->method == SensitivityMethod::sobol;
      h5::write_string_attribute(
          file, "sensitivity_method",
          sobol ? "sobol (Saltelli design, Jansen estimators)" : "morris (elementary effects)");
      h5::write_int64_attribute(file, "seed", (long long)d.sensitivity->seed);
    }
    if (d.population) {
      h5::write_string_attribute(file, "design", design_name(d.population->design));
      h5::write_int64_attribute(file, "seed", (long long)d.population->seed);
      h5::write_int_attribute(file, "design_points", (long long)plan->design_points);
      h5::write_string_attribute(file, "rejected", rejected_text(plan->rejected));
    }
    write_shared_tables();
    members = h5::create_group(file, "members");
  }

  /// What every member shares, written once (docs/hdf5-format.md, "Cohort files"): the
  /// model's topology, and the names, units and descriptions of parameters and metrics.
  void write_shared_tables() {
    h5::write_topology(file, plan->model);
    {
      Handle table = h5::create_group(file, "parameter_table");
      std::vector<std::string> names, units, descriptions, sources;
      std::vector<double> min, max;
      for (const Parameter& p : plan->model.parameters.all()) {
        names.push_back(p.name);
        units.push_back(p.unit);
        descriptions.push_back(p.description);
        sources.push_back(p.source);
        min.push_back(p.min);
        max.push_back(p.max);
      }
      h5::write_string_array(table, "name", names);
      h5::write_string_array(table, "unit", units);
      h5::write_string_array(table, "description", descriptions);
      h5::write_string_array(table, "source", sources);
      h5::write_double_array(table, "min", min);
      h5::write_double_array(table, "max", max);
    }
    const RunHeader header = RunHeader::of(plan->model, plan->twin_options.sample_rate);
    write_metric_table("beat_metrics", header.beat_metrics);
    if (!header.breath_metrics.empty()) write_metric_table("breath_metrics", header.breath_metrics);
  }

  void write_metric_table(const char* name, const std::vector<MetricInfo>& metrics) {
    Handle table = h5::create_group(file, name);
    std::vector<std::string> names, units, descriptions;
    for (const MetricInfo& m : metrics) {
      names.push_back(m.name);
      units.push_back(m.unit);
      descriptions.push_back(m.description);
    }
    h5::write_string_array(table, "name", names);
    h5::write_string_array(table, "unit", units);
    h5::write_string_array(table, "description", descriptions);
  }

  /// Per-event metrics, compact: `time` and one contiguous dataset per metric, named as in a
  /// twin's file; units and descriptions are in the file's /beat_metrics or /breath_metrics.
  static void write_events(hid_t parent, const char* name, const std::vector<MetricInfo>& metrics,
                           const std::vector<double>& times,
                           const std::vector<std::vector<double>>& events) {
    Handle group = h5::create_group(parent, name);
    h5::write_double_array(group, "time", times);
    const auto columns = h5::columns_of(events, metrics.size());
    for (std::size_t m = 0; m < metrics.size(); ++m)
      h5::write_double_array(group, metrics[m].name, columns[m]);
  }

  void write_member(hid_t group, const MemberResult& r) {
    if (r.ok()) {
      const RunHeader& header = *r.header;
      h5::write_run_attributes(group, header);
      // The topology is the file's (a hard link: one copy for every member); the parameter
      // values are one array in /parameter_table's order.
      check(H5Lcreate_hard(file, "/model", group, "model", H5P_DEFAULT, H5P_DEFAULT),
            "H5Lcreate_hard model");
      std::vector<double> values;
      for (const Parameter& p : header.model.parameters.all()) values.push_back(p.value);
      h5::write_double_array(group, "parameters", values);
      if (plan->description.outputs.beats)
        write_events(group, "beats", header.beat_metrics, r.record.beat_times, r.record.beats);
      if (plan->description.outputs.breaths && !header.breath_metrics.empty())
        write_events(group, "breaths", header.breath_metrics, r.record.breath_times,
                     r.record.breaths);
      if (!r.action_names.empty()) {
        Handle actions = h5::create_group(group, "actions");
        h5::write_double_array(actions, "time", r.record.action_times);
        h5::write_string_array(actions, "action", r.action_names);
        h5::write_string_array(actions, "details", r.action_details);
      }
      if (r.record.keep_samples) {
        // Chunks no longer than the member's run: a short run's chunk is not mostly empty.
        const hsize_t chunk =
            std::clamp<hsize_t>(r.record.times.size(), 1, h5::timeseries_chunk_samples);
        h5::SeriesGroup t = h5::create_timeseries(group, header.model, chunk);
        h5::append_to_series(t.time, r.record.times);
        const auto columns = h5::columns_of(r.record.samples, t.series.size());
        for (std::size_t s = 0; s < t.series.size(); ++s)
          h5::append_to_series(t.series[s], columns[s]);
      }
    } else {
      h5::write_string_attribute(group, "patient_id", r.patient.id);
    }
    h5::write_string_attribute(group, "sex", r.patient.sex);
    h5::write_string_attribute(group, "status", status_name(r.status));
    h5::write_string_attribute(group, "error", r.error);
    h5::write_double_attribute(group, "simulated_seconds", r.simulated);
    h5::write_double_array(group, "inputs", r.inputs);
    h5::write_double_array(group, "summary", r.summary);
  }

  SummaryRow read_row(std::size_t index) {
    const std::string name = member_group_name(index);
    Handle group(H5Gopen2(members, name.c_str(), H5P_DEFAULT), H5Gclose,
                 ("opening member " + name).c_str());
    SummaryRow row;
    row.member = (long long)index;
    row.patient_id = h5::read_string_attribute(group, "patient_id");
    row.sex = h5::read_string_attribute(group, "sex");
    row.status = h5::read_string_attribute(group, "status");
    row.error = h5::read_string_attribute(group, "error");
    row.values = h5::read_series(group, "inputs");
    const std::vector<double> summary = h5::read_series(group, "summary");
    row.values.insert(row.values.end(), summary.begin(), summary.end());
    return row;
  }

  /// Writes /summary, /summary_columns and /failures; returns how many members failed.
  std::size_t write_summary() {
    const std::size_t n = plan->size();
    std::vector<SummaryRow> rows;
    rows.reserve(n);
    for (std::size_t i = 0; i < n; ++i) rows.push_back(read_row(i));
    std::vector<std::string> column_names{"member", "patient_id", "sex", "status"};
    std::vector<std::string> units{"", "", "", ""};
    std::vector<std::string> descriptions{
        "the member's index in the cohort (its group under /members)",
        "pseudonymous patient id (a record's random code; virtual-N for drawn members)",
        "male or female", "ok, input_error, solver_error or failed (see /failures)"};
    for (const InputColumn& c : plan->inputs) {
      column_names.push_back(c.name);
      units.push_back(c.unit);
      descriptions.push_back(c.description);
    }
    for (std::size_t s = 0; s < plan->summaries.size(); ++s) {
      const SummarySpec& spec = plan->summaries[s];
      column_names.push_back(spec.column);
      units.push_back(plan->summary_metrics[s].unit);
      descriptions.push_back(fmt::format("{} of {} over [{:g}, {:g}) s ({})",
                                         statistic_name(spec.statistic), spec.metric, spec.from,
                                         spec.to, plan->summary_metrics[s].description));
    }
    // The compound type: fixed-length strings (readable by h5py, h5wasm and jsfive alike),
    // then one double per input and summary column.
    std::size_t id_width = 1, sex_width = 1, status_width = 1;
    for (const SummaryRow& r : rows) {
      id_width = std::max(id_width, r.patient_id.size());
      sex_width = std::max(sex_width, r.sex.size());
      status_width = std::max(status_width, r.status.size());
    }
    const std::size_t values = rows.empty() ? 0 : rows.front().values.size();
    const std::size_t id_at = sizeof(long long), sex_at = id_at + id_width,
                      status_at = sex_at + sex_width, values_at = status_at + status_width;
    const std::size_t row_size = values_at + values * sizeof(double);
    Handle type(H5Tcreate(H5T_COMPOUND, row_size), H5Tclose, "H5Tcreate");
    Handle id_type = h5::string_type(id_width), sex_type = h5::string_type(sex_width),
           status_type = h5::string_type(status_width);
    check(H5Tinsert(type, "member", 0, H5T_NATIVE_LLONG), "H5Tinsert");
    check(H5Tinsert(type, "patient_id", id_at, id_type), "H5Tinsert");
    check(H5Tinsert(type, "sex", sex_at, sex_type), "H5Tinsert");
    check(H5Tinsert(type, "status", status_at, status_type), "H5Tinsert");
    for (std::size_t v = 0; v < values; ++v)
      check(H5Tinsert(type, column_names[4 + v].c_str(), values_at + v * sizeof(double),
                      H5T_NATIVE_DOUBLE),
            "H5Tinsert " + column_names[4 + v]);
    std::vector<unsigned char> buffer(row_size * rows.size(), 0);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      unsigned char* row = buffer.data() + r * row_size;
      std::memcpy(row, &rows[r].member, sizeof(long long));
      std::memcpy(row + id_at, rows[r].patient_id.data(), rows[r].patient_id.size());
      std::memcpy(row + sex_at, rows[r].sex.data(), rows[r].sex.size());
      std::memcpy(row + status_at, rows[r].status.data(), rows[r].status.size());
      std::memcpy(row + values_at, rows[r].values.data(), values * sizeof(double));
    }
    const hsize_t count = rows.size();
    Handle space(H5Screate_simple(1, &count, nullptr), H5Sclose, "H5Screate_simple");
    Handle dcpl = h5::untimed_object_properties(H5P_DATASET_CREATE);
    Handle summary(H5Dcreate2(file, "summary", type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                   H5Dclose, "creating /summary");
    check(H5Dwrite(summary, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()),
          "H5Dwrite /summary");
    h5::write_string_attribute(summary, "description",
                               "one row per member: what it was made from and its summary "
                               "statistics; columns described in /summary_columns");
    Handle columns = h5::create_group(file, "summary_columns");
    h5::write_string_array(columns, "name", column_names);
    h5::write_string_array(columns, "unit", units);
    h5::write_string_array(columns, "description", descriptions);

    std::vector<double> failed_members;
    std::vector<std::string> messages;
    long long ok = 0;
    for (const SummaryRow& r : rows) {
      if (r.status == status_name(MemberStatus::ok)) {
        ++ok;
        continue;
      }
      failed_members.push_back(double(r.member));
      messages.push_back(r.error);
    }
    Handle failures = h5::create_group(file, "failures");
    h5::write_double_array(failures, "member", failed_members);
    h5::write_string_array(failures, "message", messages);
    h5::write_int_attribute(file, "ok_count", ok);
    h5::write_int_attribute(file, "failed_count", (long long)rows.size() - ok);
    return rows.size() - std::size_t(ok);
  }
};

std::filesystem::path CohortFileWriter::partial_path(const std::filesystem::path& out) {
  // fmt, not "." + name + ...: GCC 12 at -O3 warns falsely (-Wrestrict) on that concatenation.
  return out.parent_path() / fmt::format(".{}.partial", out.filename().string());
}

CohortFileWriter::CohortFileWriter(std::filesystem::path out, const CohortPlan& plan)
    : impl_(std::make_unique<Impl>()) {
  h5::silence_hdf5_errors();
  impl_->out = std::move(out);
  impl_->partial = partial_path(impl_->out);
  impl_->plan = &plan;
  if (!impl_->try_resume()) impl_->create();
}

CohortFileWriter::~CohortFileWriter() = default;  // the partial file stays, to resume

std::vector<std::size_t> CohortFileWriter::remaining() const {
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < impl_->plan->size(); ++i)
    if (!impl_->done.contains(i)) todo.push_back(i);
  return todo;
}

std::size_t CohortFileWriter::resumed() const noexcept {
  return impl_->resumed;
}

const std::string& CohortFileWriter::not_resumed_because() const noexcept {
  return impl_->not_resumed;
}

void CohortFileWriter::write(const MemberResult& result) {
  Impl& s = *impl_;
  const std::string name = member_group_name(result.index);
  if (H5Lexists(s.members, name.c_str(), H5P_DEFAULT) > 0)
    check(H5Ldelete(s.members, name.c_str(), H5P_DEFAULT), "H5Ldelete " + name);
  {
    Handle group = h5::create_group(s.members, name);
    h5::write_int_attribute(group, "member", (long long)result.index);
    s.write_member(group, result);
    // Last: a group without it was cut short and is written again on resuming.
    h5::write_int_attribute(group, "complete", 1);
  }
  check(H5Fflush(s.file, H5F_SCOPE_GLOBAL), "H5Fflush");
  s.done.insert(result.index);
}

std::vector<std::vector<double>> CohortFileWriter::member_summaries() {
  Impl& s = *impl_;
  std::vector<std::vector<double>> out;
  for (std::size_t i = 0; i < s.plan->size(); ++i) {
    Handle group(H5Gopen2(s.members, member_group_name(i).c_str(), H5P_DEFAULT), H5Gclose,
                 ("opening member " + member_group_name(i)).c_str());
    out.push_back(h5::read_series(group, "summary"));
  }
  return out;
}

void CohortFileWriter::write_sensitivity(const std::vector<SensitivityRow>& rows) {
  Impl& s = *impl_;
  Handle group = h5::create_group(s.file, "sensitivity");
  std::vector<std::string> outputs, inputs;
  for (const SensitivityRow& r : rows) {
    outputs.push_back(r.output);
    inputs.push_back(r.input);
  }
  h5::write_string_array(group, "output", outputs);
  h5::write_string_array(group, "input", inputs);
  auto column = [&](const char* name, auto value) {
    std::vector<double> values;
    for (const SensitivityRow& r : rows) values.push_back(value(r));
    h5::write_double_array(group, name, values);
  };
  if (s.plan->saltelli) {
    column("first_order", [](const SensitivityRow& r) { return r.sobol.first; });
    column("first_order_low", [](const SensitivityRow& r) { return r.sobol.first_low; });
    column("first_order_high", [](const SensitivityRow& r) { return r.sobol.first_high; });
    column("total", [](const SensitivityRow& r) { return r.sobol.total; });
    column("total_low", [](const SensitivityRow& r) { return r.sobol.total_low; });
    column("total_high", [](const SensitivityRow& r) { return r.sobol.total_high; });
    h5::write_double_attribute(group, "confidence", s.plan->description.sensitivity->confidence);
  } else {
    column("mu", [](const SensitivityRow& r) { return r.morris.mu; });
    column("mu_star", [](const SensitivityRow& r) { return r.morris.mu_star; });
    column("sigma", [](const SensitivityRow& r) { return r.morris.sigma; });
  }
  column("used", [](const SensitivityRow& r) { return double(r.used); });
}

std::size_t CohortFileWriter::finish(const trust::SigningKey* signing_key) {
  Impl& s = *impl_;
  if (s.done.size() != s.plan->size())
    throw IoError(fmt::format("{}: {} of {} members are not written yet", s.out.string(),
                              s.plan->size() - s.done.size(), s.plan->size()));
  const std::size_t failed = s.write_summary();
  s.members.reset();
  // The trail of the process that finishes the file (a resumed cohort: the resuming one).
  io::AuditTrail trail = io::AuditTrail::started();
  trail.add_model(s.plan->model.name, s.plan->model.source_digest);
  trail.add({{"entry", "cohort"},
             {"cohort_sha256", s.plan->description.sha256},
             {"members", s.plan->size()},
             {"failed", failed}});
  trail.add({{"entry", "output"}, {"format", "physiotwin cohort file"}});
  h5::write_audit_trail(s.file, trail);
  check(H5Fflush(s.file, H5F_SCOPE_GLOBAL), "H5Fflush");
  if (H5Fclose(s.file.release()) < 0)
    throw IoError(fmt::format("{}: could not finish writing the file", s.out.string()));
  if (signing_key) io::sign_hdf5_file(s.partial, *signing_key);
  move_into_place(s.partial, s.out);
  return failed;
}

CohortFileSummary read_cohort_file_summary(const std::filesystem::path& path) {
  h5::silence_hdf5_errors();
  if (H5Fis_hdf5(path.c_str()) <= 0)
    throw IoError(fmt::format("{}: not an HDF5 file", path.string()));
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "H5Fopen");
  if (h5::read_string_attribute(file, "format") != cohort_format_name)
    throw IoError(fmt::format("{}: not a physiotwin cohort file", path.string()));
  CohortFileSummary s;
  for (const char* name :
       {"format", "format_version", "library_version", "cohort_name", "cohort_sha256", "model_name",
        "model_file", "members_from", "design", "seed", "design_points", "rejected",
        "sensitivity_method", "member_count", "ok_count", "failed_count"}) {
    if (H5Aexists(file, name) > 0)
      s.attributes.emplace_back(name, h5::read_string_attribute(file, name));
  }
  const std::vector<std::string> names = h5::read_string_array(file, "summary_columns/name");
  const std::vector<std::string> units = h5::read_string_array(file, "summary_columns/unit");
  const std::vector<std::string> descriptions =
      h5::read_string_array(file, "summary_columns/description");
  // The numeric columns follow member, patient_id, sex and status; their values are each
  // member's inputs and summary arrays.
  constexpr std::size_t first_numeric = 4;
  for (std::size_t c = first_numeric; c < names.size(); ++c)
    s.columns.push_back({names[c], units[c], descriptions[c], 0.0, 0});
  Handle members(H5Gopen2(file, "members", H5P_DEFAULT), H5Gclose, "opening /members");
  const std::vector<std::string> groups = h5::list_members(members);
  s.members = groups.size();
  for (const std::string& name : groups) {
    Handle group(H5Gopen2(members, name.c_str(), H5P_DEFAULT), H5Gclose, "opening a member");
    if (h5::read_string_attribute(group, "status") != status_name(MemberStatus::ok)) continue;
    std::vector<double> values = h5::read_series(group, "inputs");
    const std::vector<double> summary = h5::read_series(group, "summary");
    values.insert(values.end(), summary.begin(), summary.end());
    for (std::size_t c = 0; c < s.columns.size() && c < values.size(); ++c) {
      if (!std::isfinite(values[c])) continue;
      s.columns[c].mean += values[c];
      ++s.columns[c].values;
    }
  }
  for (auto& c : s.columns) c.mean = c.values > 0 ? c.mean / double(c.values) : std::nan("");
  const std::vector<double> failed = h5::read_series(file, "failures/member");
  const std::vector<std::string> messages = h5::read_string_array(file, "failures/message");
  for (std::size_t i = 0; i < failed.size() && i < messages.size(); ++i)
    s.failures.emplace_back((long long)failed[i], messages[i]);
  if (H5Lexists(file, "sensitivity", H5P_DEFAULT) > 0)
    s.sensitivity_rows = h5::read_string_array(file, "sensitivity/input").size();
  return s;
}

}  // namespace physiotwin::cohort
