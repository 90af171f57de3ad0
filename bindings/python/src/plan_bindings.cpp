// The Python module's plan runner (docs/planning.md, docs/python.md "Plans"): a plan file run
// into its HDF5 file as `physiotwin plan` runs it (the same library calls), the GIL released
// while the branches run on the library's OpenMP threads, Ctrl-C honoured.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <thread>

#include "bindings.hpp"
#include "physiotwin/cohort/plan.hpp"
#include "physiotwin/cohort/plan_output.hpp"
#include "physiotwin/cohort/plan_run.hpp"
#include "physiotwin/io/output_file.hpp"
#include "physiotwin/model/model_loader.hpp"
#include "physiotwin/patient/personalise.hpp"
#include "physiotwin/session.hpp"

namespace py = pybind11;

namespace physiotwin::python {

namespace {

/// Runs `work` on a thread of its own while this (Python's main) thread watches for Ctrl-C:
/// Python's signal handler runs on the main thread only, and only when it holds the GIL.
template <typename Work>
void run_interruptibly(std::atomic<bool>& cancel, Work&& work) {
  std::exception_ptr failure;
  std::atomic<bool> finished = false;
  std::thread worker([&] {
    try {
      work();
    } catch (...) {
      failure = std::current_exception();
    }
    finished = true;
  });
  bool interrupted = false;
  while (!finished) {
    {
      py::gil_scoped_release release;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!interrupted && PyErr_CheckSignals() != 0) {
      interrupted = true;  // the KeyboardInterrupt stays set; raised once the worker stops
      cancel = true;
    }
  }
  worker.join();
  if (interrupted) throw py::error_already_set();
  if (failure) std::rethrow_exception(failure);
}

/// Runs the plan file into `out`; returns {branch: error} for the branches whose solver failed.
py::dict run_plan_file(const std::filesystem::path& plan_file, const std::filesystem::path& out,
                       int threads, const std::filesystem::path& default_model,
                       const std::filesystem::path& default_patient,
                       const std::filesystem::path& signing_key, bool sign) {
  const planning::Plan plan = planning::load_plan(plan_file);
  const std::filesystem::path model_file = plan.model.empty() ? default_model : plan.model;
  const std::filesystem::path patient_file = plan.patient.empty() ? default_patient : plan.patient;
  const io::InputFile inputs[] = {{plan_file, "the plan file"},
                                  {model_file, "the plan's model"},
                                  {patient_file, "the plan's patient"}};
  io::check_output_file(out, inputs, "");
  const auto key = output_signing_key(signing_key, sign);  // a bad key: nothing run
  std::atomic<bool> cancel{false};
  std::unique_ptr<planning::PlanRun> result;
  run_interruptibly(cancel, [&] {
    PersonaliseOptions personalising;
    personalising.cancel = &cancel;
    PersonalisedModel personalised =
        personalise(load_circulation(model_file), patient_file, personalising);
    planning::apply_plan_settings(plan, personalised.model);
    auto session = std::make_unique<Session>(
        personalised, TwinOptions{.sample_rate = plan.sample_rate}, planning::setting_texts(plan));
    planning::check_plan(plan, session->header());
    planning::check_plan_memory(plan, session->twin().signals().size());
    result =
        std::make_unique<planning::PlanRun>(planning::run_plan(plan, *session, threads, &cancel));
    const auto rows = planning::compare(plan, session->header(), *result, session->patient().sex);
    planning::write_plan_file(out, plan, session->header(), *result, rows, key.get());
  });
  py::dict errors;
  for (std::size_t b = 0; b < plan.branches.size(); ++b) {
    if (!result->branches[b].error.empty())
      errors[py::str(plan.branches[b].name)] = result->branches[b].error;
  }
  return errors;
}

}  // namespace

void bind_plan(py::module_& m) {
  m.def("run_plan_file", &run_plan_file, py::arg("plan"), py::arg("out"), py::arg("threads"),
        py::arg("default_model"), py::arg("default_patient"),
        py::arg("signing_key") = std::filesystem::path(), py::arg("sign") = true,
        "Runs a plan file into its HDF5 file (as `physiotwin plan`); {branch: error} of the "
        "branches whose solver failed.");
}

}  // namespace physiotwin::python
