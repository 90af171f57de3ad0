// The Python module's cohort functions (docs/python.md, "Cohorts"): patients made in Python
// (checked by the patient-file reader, the one place the limits live), patients pickled (so
// that Dask and multiprocessing can send them), and a cohort description run into its file on
// the library's OpenMP threads with a progress callback.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "bindings.hpp"
#include "physiotwin/cohort/cohort_file.hpp"
#include "physiotwin/cohort/cohort_run.hpp"
#include "physiotwin/cohort/member_transfer.hpp"
#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/io/output_file.hpp"
#include "physiotwin/patient/record_measures.hpp"

namespace py = pybind11;

namespace physiotwin::python {

Patient make_patient(const std::string& sex, double age, double height, double weight,
                     const py::dict& measurements, const std::string& id,
                     const std::string& description) {
  auto quantity = [](double value, std::string_view unit) {
    return nlohmann::json{{"value", value}, {"unit", unit}, {"source", "given in Python"}};
  };
  // Over 89: "90 or older", as for a record (HIPAA Safe Harbor; the model's age changes stop
  // at 90). Ages no one reaches still fail the reader's range check.
  const bool ninety_or_older = age > 89.0 && age <= 130.0;
  nlohmann::json j{{"id", id},
                   {"description", description},
                   {"sex", sex},
                   {"age", quantity(ninety_or_older ? 90.0 : age, patient_age_spec.unit)},
                   {"height", quantity(height, patient_height_spec.unit)},
                   {"weight", quantity(weight, patient_weight_spec.unit)},
                   {"source", "given in Python"}};
  nlohmann::json measures = nlohmann::json::object();
  for (const auto& [key, value] : measurements) {
    const std::string name = py::str(key);
    const MeasureSpec* spec = nullptr;
    for (const MeasureSpec& candidate : measure_specs)
      if (candidate.name == name) spec = &candidate;
    if (spec == nullptr) {
      std::string known;
      for (const MeasureSpec& m : measure_specs)
        known += fmt::format("{}{} ({})", known.empty() ? "" : ", ", m.name, m.unit);
      throw InputError(
          fmt::format("Patient: measurements: unknown \"{}\"; known: {}", name, known));
    }
    measures[name] = quantity(value.cast<double>(), spec->unit);
  }
  if (!measures.empty()) j["measurements"] = measures;
  if (ninety_or_older) j["age_90_or_older"] = true;
  // The patient-file reader checks everything a patient file is checked for (sex, ranges,
  // units), with messages that name what is wrong.
  return read_patient(JsonView(j, "Patient", ""));
}

py::tuple patient_state(const Patient& p) {
  return py::make_tuple(patient_json(p).dump(), p.from_health_record, p.warnings);
}

Patient patient_from_state(const py::tuple& state) {
  if (state.size() != 3) throw InputError("a pickled Patient of another version of physiotwin");
  const nlohmann::json j = parse_json_text(state[0].cast<std::string>(), "pickled Patient");
  Patient p = read_patient(JsonView(j, "pickled Patient", ""));
  p.from_health_record = state[1].cast<bool>();
  p.warnings = state[2].cast<std::vector<std::string>>();
  return p;
}

namespace {

/// Runs a cohort description into `out` (resuming an unfinished one); the GIL is released
/// while members run, and taken again for each progress call.
py::dict run_cohort(const std::filesystem::path& description, const std::filesystem::path& out,
                    int threads, const py::object& progress,
                    const std::filesystem::path& default_model,
                    const std::filesystem::path& signing_key, bool sign) {
  const cohort::CohortPlan plan =
      cohort::plan_cohort(cohort::load_cohort_description(description), default_model);
  const io::InputFile inputs[] = {{description, "the cohort description"},
                                  {plan.description.model_file, "the cohort's model"},
                                  {plan.description.scenario, "the cohort's scenario"}};
  io::check_output_file(out, inputs, "");
  const auto key = output_signing_key(signing_key, sign);  // a bad key: nothing run
  cohort::CohortFileWriter file(out, plan);
  const std::vector<std::size_t> todo = file.remaining();
  const std::size_t resumed = file.resumed();
  std::size_t done = resumed, failed = 0;
  std::atomic<bool> cancel{false};
  {
    py::gil_scoped_release release;
    cohort::run_members(
        plan, todo, threads,
        [&](cohort::MemberResult&& result) {
          file.write(result);
          ++done;
          failed += result.ok() ? 0 : 1;
          py::gil_scoped_acquire acquire;
          // Ctrl-C reaches Python's handler on the main thread only: checked whenever the
          // main thread delivers a member (it runs members too).
          if (PyErr_CheckSignals() != 0) {
            cancel.store(true);
            throw py::error_already_set();
          }
          if (!progress.is_none()) progress(done, failed, plan.size());
        },
        &cancel);
  }
  std::vector<cohort::SensitivityRow> rows;
  std::vector<std::string> skipped;
  if (plan.description.sensitivity) {
    rows = cohort::analyse_sensitivity(plan, file.member_summaries(), skipped);
    file.write_sensitivity(rows);
  }
  const std::size_t failed_in_all = file.finish(key.get());
  py::dict result;
  result["members"] = plan.size();
  result["failed"] = failed_in_all;
  result["resumed"] = resumed;
  result["not_resumed_because"] = file.not_resumed_because();
  result["not_analysed"] = skipped;
  return result;
}

/// The plan of a description, made once per process: a worker given many chunks of one cohort
/// draws its population once (keyed by the description's digest and the default model).
std::shared_ptr<const cohort::CohortPlan> cached_plan(const std::filesystem::path& description,
                                                      const std::filesystem::path& default_model) {
  static std::mutex lock;
  static std::map<std::string, std::shared_ptr<const cohort::CohortPlan>> plans;
  cohort::CohortDescription d = cohort::load_cohort_description(description);
  const std::string key = d.sha256 + "|" + default_model.string();
  const std::lock_guard<std::mutex> guard(lock);
  auto it = plans.find(key);
  if (it == plans.end()) {
    if (plans.size() >= 4) plans.clear();  // a few cohorts at a time, not every one ever run
    it = plans
             .emplace(key, std::make_shared<const cohort::CohortPlan>(
                               cohort::plan_cohort(std::move(d), default_model)))
             .first;
  }
  return it->second;
}

/// Members `indices` of a description, run here on `threads` threads, as bytes
/// (member_transfer.hpp) for the process that writes the file: a Dask task.
std::vector<py::bytes> run_members_to_bytes(const std::filesystem::path& description,
                                            const std::vector<std::size_t>& indices,
                                            const std::filesystem::path& default_model,
                                            int threads) {
  const auto plan = cached_plan(description, default_model);
  for (std::size_t i : indices)
    if (i >= plan->size())
      throw InputError(fmt::format("member {} of a cohort of {}", i, plan->size()));
  std::vector<std::vector<std::uint8_t>> results(indices.size());
  std::map<std::size_t, std::size_t> slot;
  for (std::size_t k = 0; k < indices.size(); ++k) slot[indices[k]] = k;
  {
    py::gil_scoped_release release;
    cohort::run_members(*plan, indices, threads, [&](cohort::MemberResult&& r) {
      results[slot.at(r.index)] = cohort::member_to_bytes(r);
    });
  }
  std::vector<py::bytes> out;
  for (const auto& r : results) out.emplace_back(reinterpret_cast<const char*>(r.data()), r.size());
  return out;
}

/// The writing end of a cohort whose members run elsewhere (Dask workers): the plan, the
/// file, and members written from their bytes.
class CohortWriter {
 public:
  CohortWriter(const std::filesystem::path& description, const std::filesystem::path& out,
               const std::filesystem::path& default_model, const std::filesystem::path& signing_key,
               bool sign)
      : plan_(cached_plan(description, default_model)) {
    const io::InputFile inputs[] = {{description, "the cohort description"},
                                    {plan_->description.model_file, "the cohort's model"},
                                    {plan_->description.scenario, "the cohort's scenario"}};
    io::check_output_file(out, inputs, "");
    signing_key_ = output_signing_key(signing_key, sign);  // a bad key: nothing run
    file_ = std::make_unique<cohort::CohortFileWriter>(out, *plan_);
  }
  [[nodiscard]] std::vector<std::size_t> remaining() const { return file_->remaining(); }
  [[nodiscard]] std::size_t resumed() const { return file_->resumed(); }
  [[nodiscard]] std::size_t size() const { return plan_->size(); }
  /// Writes one member; returns whether it ran (status ok).
  bool write(const py::bytes& bytes) {
    const std::string_view view = bytes;
    const cohort::MemberResult r = cohort::member_from_bytes(
        std::span(reinterpret_cast<const std::uint8_t*>(view.data()), view.size()), *plan_);
    file_->write(r);
    return r.ok();
  }
  std::size_t finish() {
    if (plan_->description.sensitivity) {
      std::vector<std::string> skipped;
      file_->write_sensitivity(
          cohort::analyse_sensitivity(*plan_, file_->member_summaries(), skipped));
    }
    return file_->finish(signing_key_.get());
  }

 private:
  std::shared_ptr<const cohort::CohortPlan> plan_;
  std::unique_ptr<cohort::CohortFileWriter> file_;
  std::shared_ptr<const trust::SigningKey> signing_key_;
};

}  // namespace

void bind_cohort(py::module_& m) {
  m.def("run_members_to_bytes", &run_members_to_bytes, py::arg("description"), py::arg("indices"),
        py::arg("default_model"), py::arg("threads") = 0,
        "Runs members of a cohort description here and returns their results as bytes.");
  py::class_<CohortWriter>(m, "CohortWriter", "Writes a cohort file from members run elsewhere.")
      .def(py::init<const std::filesystem::path&, const std::filesystem::path&,
                    const std::filesystem::path&, const std::filesystem::path&, bool>(),
           py::arg("description"), py::arg("out"), py::arg("default_model"),
           py::arg("signing_key") = std::filesystem::path(), py::arg("sign") = true)
      .def("remaining", &CohortWriter::remaining)
      .def("resumed", &CohortWriter::resumed)
      .def("size", &CohortWriter::size)
      .def("write", &CohortWriter::write, py::arg("member_bytes"))
      .def("finish", &CohortWriter::finish);
  m.def("run_cohort", &run_cohort, py::arg("description"), py::arg("out"), py::arg("threads") = 0,
        py::arg("progress") = py::none(), py::arg("default_model"),
        py::arg("signing_key") = std::filesystem::path(), py::arg("sign") = true,
        "Runs a cohort description (docs/cohorts.md) into an HDF5 cohort file.");
  m.def("cohort_threads", &cohort::cohort_threads, py::arg("threads") = 0,
        "The threads a cohort runs on for `threads` (0: one per core).");
}

}  // namespace physiotwin::python
