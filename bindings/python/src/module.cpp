// physiotwin._physiotwin: the compiled core of the Python package (docs/python.md). Thin on
// purpose: models, patients, calibration and twins are the C++ library's; the Python package
// (bindings/python/physiotwin) builds the researcher-facing API over these.
//
// Errors: InputError -> ValueError, IoError -> OSError, SolverError -> physiotwin.SolverError
// (a RuntimeError), CalibrationError -> RuntimeError, each with the library's message.
// Twin.advance releases the GIL.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "physiotwin/actions/action_details.hpp"
#include "physiotwin/actions/scenario.hpp"
#include "physiotwin/build_info.hpp"
#include "physiotwin/core/atomic_file.hpp"
#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/core/sha256.hpp"
#include "physiotwin/core/temporary_files.hpp"
#include "physiotwin/io/audit_trail.hpp"
#include "physiotwin/io/hdf5.hpp"
#include "physiotwin/io/output_file.hpp"
#include "physiotwin/metrics/normal_ranges.hpp"
#include "physiotwin/model/model_loader.hpp"
#include "physiotwin/patient/personalise.hpp"
#include "physiotwin/patient/twin_parameters.hpp"
#include "physiotwin/session.hpp"
#include "physiotwin/trust/decryption_keys.hpp"
#include "physiotwin/trust/json_signature.hpp"
#include "physiotwin/twin.hpp"

namespace py = pybind11;
using namespace physiotwin;

namespace {

/// A personalised model (PersonalisedModel: the model, the patient and calibration it was
/// made for, how outputs name its source) and the file it was made from.
struct PyModel : PersonalisedModel {
  /// The patient file or record it was made from (empty: a patient object): an output never
  /// replaces it.
  std::filesystem::path patient_file;

  explicit PyModel(PersonalisedModel p, std::filesystem::path from = {})
      : PersonalisedModel(std::move(p)), patient_file(std::move(from)) {}
};

/// Rows of equal length as a 2-D float64 array (rows x columns); (0, columns) when empty.
py::array_t<double> matrix(const std::vector<std::vector<double>>& rows, std::size_t columns) {
  py::array_t<double> out({rows.size(), columns});
  auto view = out.mutable_unchecked<2>();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < columns; ++c) view(py::ssize_t(r), py::ssize_t(c)) = rows[r][c];
  }
  return out;
}

/// A library span (parameters, signals) as a Python list of copies.
template <typename T>
std::vector<T> list_of(std::span<const T> items) {
  return {items.begin(), items.end()};
}

py::array_t<double> vector_array(const std::vector<double>& v) {
  return py::array_t<double>(py::ssize_t(v.size()), v.data());
}

/// A session (the twin, and the header its outputs describe the run with) and the in-memory
/// record of everything it produced.
class PyTwin {
 public:
  PyTwin(const PyModel& model, double sample_rate, bool keep_samples, double relative_tolerance,
         double max_step, long max_steps)
      : patient_file_(model.patient_file),
        session_(model, make_options(sample_rate, relative_tolerance, max_step, max_steps)) {
    record_.keep_samples = keep_samples;
    session_.add_recorder(record_);
  }

  /// One call at a time: a twin is not thread-safe, and a second thread using it while
  /// another advances it gets an error instead of corrupting it.
  [[nodiscard]] std::unique_lock<std::mutex> lock() const {
    std::unique_lock<std::mutex> guard(mutex_, std::try_to_lock);
    if (!guard.owns_lock()) {
      throw std::runtime_error(
          "this twin is busy in another thread (a twin takes one call at a time; use one twin "
          "per thread)");
    }
    return guard;
  }

  /// An independent twin in exactly this state, with this one's record so far: the past
  /// shared, the futures separate.
  [[nodiscard]] std::unique_ptr<PyTwin> fork() const {
    const auto guard = lock();
    py::gil_scoped_release release;
    return std::unique_ptr<PyTwin>(new PyTwin(*this));
  }

  /// The twin's complete state as bytes (docs/snapshots.md).
  [[nodiscard]] py::bytes snapshot() const {
    const auto guard = lock();
    const std::vector<std::uint8_t> bytes = twin().snapshot();
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }

  /// The twin a snapshot holds, on the model file it was taken with; its record begins now.
  [[nodiscard]] static std::unique_ptr<PyTwin> restore(const std::filesystem::path& model_file,
                                                       const std::string& snapshot,
                                                       bool keep_samples) {
    BodyModel model = load_circulation(model_file);
    py::gil_scoped_release release;
    return std::unique_ptr<PyTwin>(new PyTwin(
        Session::restored(
            std::move(model),
            std::span(reinterpret_cast<const std::uint8_t*>(snapshot.data()), snapshot.size())),
        keep_samples));
  }

  void advance(double seconds) {
    const auto guard = lock();
    py::gil_scoped_release release;
    twin().advance(seconds);
  }

  /// Schedules an action given as the JSON text of one scenario-format action; without a
  /// "time", now.
  void schedule(const std::string& json) {
    const auto guard = lock();
    const nlohmann::json document = parse_json_text(json, "action");
    twin().schedule(parse_action(JsonView(document, "action", ""), twin().time()));
  }

  /// Schedules every action of a scenario file; returns its duration.
  double load_scenario_file(const std::filesystem::path& file) {
    const auto guard = lock();
    Scenario scenario = load_scenario(file, twin().model());
    for (Action& a : scenario.actions) {
      a.time += twin().time();
      twin().schedule(std::move(a));
    }
    return scenario.duration;
  }

  /// Writes everything recorded so far as a physiotwin HDF5 file (docs/hdf5-format.md), with
  /// the same writer as the command-line tool; written to a temporary name and renamed.
  void write_hdf5(const std::filesystem::path& path, const std::filesystem::path& patient_file,
                  const std::vector<std::string>& overrides,
                  const std::filesystem::path& signing_key, bool sign) const {
    const auto guard = lock();
    if (!record_.keep_samples) {
      throw InputError("write_hdf5: this twin keeps no samples (keep_samples=False)");
    }
    // The file describes the model as the run began (as the command-line tool's does), and
    // names the patient's source as personalisation did: a record's path is never written
    // (file names of records hold names), nor its digest.
    RunHeader header = session_.header();
    header.description.overrides = overrides;
    if (!patient_file.empty() && patient_file != patient_file_) {
      // Another file named here (the model was made from a patient object): by its digest.
      header.description.patient_file = patient_source_label(
          session_.patient(), crypto::hex(crypto::sha256(read_text_file(patient_file))));
    }
    const io::InputFile inputs[] = {{header.model.source_file, "the model file"},
                                    {patient_file, "the patient file"},
                                    {patient_file_, "the patient file"}};
    io::check_output_file(path, inputs, "");
    auto key = python::output_signing_key(signing_key, sign);  // a bad key: nothing written
    (void)remove_abandoned_temporaries(path);  // left by a killed writer of the same file
    io::Hdf5Recorder file(path, io::FileOptions{false, std::move(key)});
    file.begin(header);
    for (std::size_t i = 0; i < record_.times.size(); ++i)
      file.sample(record_.times[i], record_.samples[i]);
    for (std::size_t i = 0; i < record_.beat_times.size(); ++i)
      file.beat(record_.beat_times[i], record_.beats[i]);
    for (std::size_t i = 0; i < record_.breath_times.size(); ++i)
      file.breath(record_.breath_times[i], record_.breaths[i]);
    for (std::size_t i = 0; i < record_.action_times.size(); ++i) {
      file.action(record_.action_times[i], record_.actions[i]);
    }
    file.commit();
  }

  [[nodiscard]] const Twin& twin() const { return session_.twin(); }
  Twin& twin() { return session_.twin(); }
  [[nodiscard]] const MemoryRecorder& record() const { return record_; }

 private:
  static TwinOptions make_options(double sample_rate, double relative_tolerance, double max_step,
                                  long max_steps) {
    if (!(sample_rate > 0.0 && sample_rate <= 10000.0)) {
      throw InputError(fmt::format("sample_rate {:g} Hz is outside the allowed range (0, 10000] Hz",
                                   sample_rate));
    }
    if (!(relative_tolerance >= 1e-12 && relative_tolerance <= 1e-2)) {
      throw InputError(
          fmt::format("relative_tolerance {:g} is outside the allowed range [1e-12, 1e-2]",
                      relative_tolerance));
    }
    if (!(max_step >= 1e-6 && max_step <= 1.0)) {
      throw InputError(
          fmt::format("max_step {:g} s is outside the allowed range [1e-6, 1] s", max_step));
    }
    if (max_steps < 1) throw InputError(fmt::format("max_steps {} must be at least 1", max_steps));
    TwinOptions o;
    o.sample_rate = sample_rate;
    o.relative_tolerance = relative_tolerance;
    o.max_step = max_step;
    o.max_steps_per_interval = max_steps;
    return o;
  }

  /// A fork: the session (the twin copied, its recorders not) and the record so far.
  PyTwin(const PyTwin& other)
      : patient_file_(other.patient_file_), session_(other.session_), record_(other.record_) {
    session_.add_recorder(record_);
  }
  PyTwin(Session session, bool keep_samples) : session_(std::move(session)) {
    record_.keep_samples = keep_samples;
    session_.add_recorder(record_);
  }

  std::filesystem::path patient_file_;  ///< the model's own (empty: from a patient object)
  Session session_;
  MemoryRecorder record_;
  mutable std::mutex mutex_;
};

py::dict measurements_dict(const Patient& p) {
  py::dict out;
  for (std::size_t m = 0; m < measure_specs.size(); ++m) {
    if (!std::isnan(p.measurements[m]))
      out[py::str(std::string(measure_specs[m].name))] = p.measurements[m];
  }
  return out;
}

}  // namespace

const Twin& physiotwin::python::core_twin(const py::handle& twin) {
  return twin.cast<const PyTwin&>().twin();
}

PYBIND11_MODULE(_physiotwin, m) {
  m.doc() = "The compiled core of physiotwin (see the physiotwin package for the API).";
  m.attr("__version__") = library_version;
  // Not io::keep_freed_memory_for_compression(): mallopt would change the allocator for the
  // whole interpreter (numpy included) on import; docs/python.md says how to ask for it.

  static py::exception<SolverError> solver_error(m, "SolverError", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const SolverError& e) {
      PyErr_SetString(solver_error.ptr(), e.what());
    } catch (const InputError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const IoError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });

  py::class_<Parameter>(m, "Parameter", "A model parameter: value, unit, allowed range, source.")
      .def_readonly("name", &Parameter::name)
      .def_readonly("value", &Parameter::value)
      .def_readonly("unit", &Parameter::unit)
      .def_readonly("min", &Parameter::min)
      .def_readonly("max", &Parameter::max)
      .def_readonly("description", &Parameter::description)
      .def_readonly("source", &Parameter::source)
      .def("__repr__", [](const Parameter& p) {
        return fmt::format("Parameter({}={:g} {}, range [{:g}, {:g}])", p.name, p.value, p.unit,
                           p.min, p.max);
      });

  py::class_<SignalInfo>(m, "SignalInfo", "A recorded signal: name, unit, description, region.")
      .def_readonly("name", &SignalInfo::name)
      .def_readonly("unit", &SignalInfo::unit)
      .def_readonly("description", &SignalInfo::description)
      .def_readonly("region", &SignalInfo::region)
      .def("__repr__",
           [](const SignalInfo& s) { return fmt::format("SignalInfo({} [{}])", s.name, s.unit); });

  py::class_<MetricInfo>(m, "MetricInfo", "A per-beat or per-breath metric.")
      .def_readonly("name", &MetricInfo::name)
      .def_readonly("unit", &MetricInfo::unit)
      .def_readonly("description", &MetricInfo::description)
      .def("__repr__",
           [](const MetricInfo& s) { return fmt::format("MetricInfo({} [{}])", s.name, s.unit); });

  py::class_<Patient>(m, "Patient", "A patient: body, measured values, provenance (no names).")
      .def(py::init(&python::make_patient), py::kw_only(), py::arg("sex"), py::arg("age"),
           py::arg("height"), py::arg("weight"), py::arg("measurements") = py::dict(),
           py::arg("id") = "patient", py::arg("description") = "a patient given in Python",
           "A patient: sex (\"male\" or \"female\"), age (years), height (cm), weight (kg), "
           "measurements by name in their units (docs/patient-format.md); checked as a patient "
           "file is.")
      .def(py::pickle(&python::patient_state, &python::patient_from_state))
      .def_readonly("id", &Patient::id)
      .def_readonly("description", &Patient::description)
      .def_readonly("sex", &Patient::sex)
      .def_readonly("age", &Patient::age_years)
      .def_readonly("age_90_or_older", &Patient::age_90_or_older)
      .def_readonly("warnings", &Patient::warnings)
      .def_readonly("height", &Patient::height_cm)
      .def_readonly("weight", &Patient::weight_kg)
      .def_readonly("source", &Patient::source)
      .def_readonly("from_health_record", &Patient::from_health_record)
      .def_readonly("measured", &Patient::measured)
      .def_readonly("assumed", &Patient::assumed)
      .def_property_readonly("measurements", &measurements_dict)
      .def("__repr__", [](const Patient& p) {
        return fmt::format("Patient({}, {}, {} years, {:g} cm, {:g} kg)", p.id, p.sex, p.age_text(),
                           p.height_cm, p.weight_kg);
      });

  python::bind_cohort(m);
  python::bind_plan(m);
  python::bind_monitor(m);
  python::bind_trust(m);
  python::bind_encryption(m);
  // What the audit trail of every file this module writes records of how it was asked.
  io::set_invocation({"python", "", nlohmann::json::object()});

  m.def("read_patient", &read_patient_input, py::arg("path"), py::arg("as_of") = std::nullopt,
        "Reads a patient file or a FHIR R4 health record.");
  m.def(
      "patient_input_kind",
      [](const std::filesystem::path& path) {
        switch (kind_of_patient_input(path)) {
          case PatientInput::health_record:
            return "health_record";
          case PatientInput::twin_parameters:
            return "twin_parameters";
          case PatientInput::patient_file:
            break;
        }
        return "patient_file";
      },
      py::arg("path"));

  py::class_<CalibrationResult>(m, "CalibrationResult", "One calibration target.")
      .def_readonly("target", &CalibrationResult::target)
      .def_readonly("unit", &CalibrationResult::unit)
      .def_readonly("measured", &CalibrationResult::measured)
      .def_readonly("twin", &CalibrationResult::twin)
      .def_readonly("tolerance", &CalibrationResult::tolerance)
      .def_readonly("parameter", &CalibrationResult::parameter)
      .def_property_readonly("residual",
                             [](const CalibrationResult& r) { return r.twin - r.measured; })
      .def_property_readonly("reached", &CalibrationResult::reached)
      .def("__repr__", [](const CalibrationResult& r) {
        return fmt::format("CalibrationResult({}: measured {:g}, twin {:.4g} {}, {})", r.target,
                           r.measured, r.twin, r.unit, r.reached() ? "reached" : "NOT reached");
      });
  py::class_<CalibrationReport>(m, "CalibrationReport", "What calibration reached.")
      .def_readonly("results", &CalibrationReport::results)
      .def_readonly("warnings", &CalibrationReport::warnings)
      .def_readonly("simulations", &CalibrationReport::simulations)
      .def_readonly("seconds", &CalibrationReport::seconds);

  py::class_<PyModel>(m, "Model", "A model personalised for a patient.")
      .def_property_readonly("name", [](const PyModel& p) { return p.model.name; })
      .def_property_readonly("source_file", [](const PyModel& p) { return p.model.source_file; })
      .def_readonly("patient", &PyModel::patient)
      .def_readonly("report", &PyModel::report)
      .def_readonly("calibration_lines", &PyModel::calibration)
      .def_readonly("calibrated", &PyModel::calibrated)
      .def_readonly("patient_file", &PyModel::patient_file)
      .def_readonly("warnings", &PyModel::warnings)
      .def("parameters",
           [](const PyModel& p) { return list_of<Parameter>(p.model.parameters.all()); })
      .def(
          "parameter",
          [](const PyModel& p, const std::string& name) { return p.model.parameters.get(name); },
          py::arg("name"))
      .def(
          "set_parameter",
          [](PyModel& p, const std::string& name, double value) {
            p.model.set_parameter(name, value);
          },
          py::arg("name"), py::arg("value"))
      .def("signals", [](const PyModel& p) { return list_of<SignalInfo>(p.model.signals().all()); })
      .def("copy", [](const PyModel& p) { return PyModel(p); })
      // Pickled as its model file's path and a twin parameter file's text: unpickled where the
      // same model file is (a shared file system, the same installation), it is the same model
      // to the last digit, and a twin of it runs bit for bit as one of the original.
      .def(py::pickle(
          [](const PyModel& p) {
            const TwinParameters twin{p.patient, p.calibration, p.calibrated};
            return py::make_tuple(p.model.source_file, twin_parameters_text(p.model, twin),
                                  p.patient_file.string(), p.warnings, p.patient_source,
                                  python::patient_state(p.patient));
          },
          [](const py::tuple& state) {
            if (state.size() != 6)
              throw InputError("a pickled Model of another version of physiotwin");
            BodyModel model = load_circulation(state[0].cast<std::string>());
            TwinParameters twin =
                load_twin_parameters_text(state[1].cast<std::string>(), "pickled Model", model);
            PersonalisedModel personalised{std::move(model),
                                           python::patient_from_state(state[5].cast<py::tuple>()),
                                           std::nullopt,
                                           std::move(twin.calibration),
                                           twin.calibrated,
                                           state[3].cast<std::vector<std::string>>(),
                                           state[4].cast<std::string>()};
            return PyModel(std::move(personalised), state[2].cast<std::string>());
          }))
      .def(
          "save",
          [](const PyModel& p, const std::filesystem::path& path,
             const std::filesystem::path& signing_key, bool sign,
             const std::filesystem::path& encrypt_to) {
            std::vector<io::InputFile> inputs{{p.model.source_file, "the model file"},
                                              {p.patient_file, "the patient file"}};
            if (!encrypt_to.empty()) inputs.push_back({encrypt_to, "the recipient's key"});
            io::check_output_file(path, inputs, "");
            // Both keys read before anything is written: a bad one fails with nothing written.
            const auto key = python::output_signing_key(signing_key, sign);
            const std::optional<trust::PublicKey> recipient =
                encrypt_to.empty() ? std::nullopt
                                   : std::optional(trust::read_recipient_key(encrypt_to));
            (void)remove_abandoned_temporaries(path);
            std::string text = io::with_audit_trail(
                twin_parameters_text(p.model, {p.patient, p.calibration, p.calibrated}),
                io::twin_parameters_audit_trail(
                    p.model.name, model_digest(p.model),
                    io::personalisation_entry(p.patient.id, p.patient_source, p.calibrated, {})));
            if (key) text = trust::sign_json_text(text, *key);
            // Sealed in memory: the plain twin never touches the disk (as `calibrate`).
            write_text_file_atomically(path, recipient ? trust::seal(text, *recipient) : text);
          },
          py::arg("path"), py::arg("signing_key") = std::filesystem::path(), py::arg("sign") = true,
          py::arg("encrypt_to") = std::filesystem::path());

  m.def(
      "personalise_patient",
      [](const std::filesystem::path& model_file, const Patient& patient, bool calibrate) {
        BodyModel model = load_circulation(model_file);
        py::gil_scoped_release release;
        return PyModel(
            personalise(std::move(model), patient, PersonaliseOptions{calibrate, nullptr, {}}));
      },
      py::arg("model_file"), py::arg("patient"), py::arg("calibrate") = true);
  m.def(
      "personalise_file",
      [](const std::filesystem::path& model_file, const std::filesystem::path& patient_file,
         bool calibrate, std::optional<std::string> as_of,
         const std::filesystem::path& decryption_key) {
        BodyModel model = load_circulation(model_file);
        // An encrypted twin parameter file is opened with decryption_key=, else the key
        // folder's encryption.key (docs/security.md, "Encrypted twins").
        const PatientInputFile input = read_patient_input_file(
            patient_file, trust::decryption_keys(decryption_key, "decryption_key="));
        trust::check_was_encrypted(decryption_key, !input.sealed_to.empty(), "the patient file",
                                   "decryption_key=");
        py::gil_scoped_release release;
        return PyModel(
            personalise(std::move(model), input, PersonaliseOptions{calibrate, nullptr, {}}, as_of),
            patient_file);
      },
      py::arg("model_file"), py::arg("patient_file"), py::arg("calibrate") = true,
      py::arg("as_of") = std::nullopt, py::arg("decryption_key") = std::filesystem::path());

  py::class_<PyTwin>(m, "Twin", "A running twin and its in-memory record.")
      .def(py::init<const PyModel&, double, bool, double, double, long>(), py::arg("model"),
           py::arg("sample_rate") = 100.0, py::arg("keep_samples") = true,
           py::arg("relative_tolerance") = TwinOptions{}.relative_tolerance,
           py::arg("max_step") = TwinOptions{}.max_step,
           py::arg("max_steps") = TwinOptions{}.max_steps_per_interval)
      .def("advance", &PyTwin::advance, py::arg("seconds"))
      .def("fork", &PyTwin::fork)
      .def("snapshot", &PyTwin::snapshot)
      .def_static("restore", &PyTwin::restore, py::arg("model_file"), py::arg("snapshot"),
                  py::arg("keep_samples") = true)
      .def("current_model",
           [](const PyTwin& t) {
             const auto guard = t.lock();
             PersonalisedModel now{t.twin().model(), Patient{}, {}, {}, false, {}, "a snapshot"};
             return PyModel(std::move(now));
           })
      .def("schedule", &PyTwin::schedule, py::arg("action_json"))
      .def("load_scenario", &PyTwin::load_scenario_file, py::arg("path"))
      .def(
          "set_parameter",
          [](PyTwin& t, const std::string& name, double value) {
            const auto guard = t.lock();
            t.twin().set_parameter(name, value);
          },
          py::arg("name"), py::arg("value"))
      .def(
          "parameter",
          [](const PyTwin& t, const std::string& name) {
            const auto guard = t.lock();
            return t.twin().model().parameters.get(name);
          },
          py::arg("name"))
      .def("parameters",
           [](const PyTwin& t) {
             const auto guard = t.lock();
             return list_of<Parameter>(t.twin().model().parameters.all());
           })
      .def_property_readonly("time",
                             [](const PyTwin& t) {
                               const auto guard = t.lock();
                               return t.twin().time();
                             })
      .def(
          "signal",
          [](const PyTwin& t, const std::string& name) {
            const auto guard = t.lock();
            return t.twin().signal(name);
          },
          py::arg("name"))
      .def("signal_values",
           [](const PyTwin& t) {
             const auto guard = t.lock();
             auto v = t.twin().signal_values();
             return py::array_t<double>(py::ssize_t(v.size()), v.data());
           })
      .def("signals",
           [](const PyTwin& t) {
             const auto guard = t.lock();
             return list_of<SignalInfo>(t.twin().signals().all());
           })
      .def("beat_metrics",
           [](const PyTwin& t) {
             const auto guard = t.lock();
             return t.twin().beats().metrics();
           })
      .def("breath_metrics",
           [](const PyTwin& t) {
             const auto guard = t.lock();
             return t.twin().breaths() ? t.twin().breaths()->metrics() : std::vector<MetricInfo>{};
           })
      .def("sample_times",
           [](const PyTwin& t) {
             const auto guard = t.lock();
             return vector_array(t.record().times);
           })
      .def("samples",
           [](const PyTwin& t) {
             const auto guard = t.lock();
             return matrix(t.record().samples, t.twin().signals().size());
           })
      .def("beat_times",
           [](const PyTwin& t) {
             const auto guard = t.lock();
             return vector_array(t.record().beat_times);
           })
      .def("beats",
           [](const PyTwin& t) {
             const auto guard = t.lock();
             return matrix(t.record().beats, t.twin().beats().metrics().size());
           })
      .def("breath_times",
           [](const PyTwin& t) {
             const auto guard = t.lock();
             return vector_array(t.record().breath_times);
           })
      .def("breaths",
           [](const PyTwin& t) {
             const auto guard = t.lock();
             const std::size_t n = t.twin().breaths() ? t.twin().breaths()->metrics().size() : 0;
             return matrix(t.record().breaths, n);
           })
      .def("action_times",
           [](const PyTwin& t) {
             const auto guard = t.lock();
             return vector_array(t.record().action_times);
           })
      .def("actions",
           [](const PyTwin& t) {
             const auto guard = t.lock();
             // "name {json fields}": the Python API's one string per action.
             const MemoryRecorder& r = t.record();
             std::vector<std::string> actions;
             for (std::size_t i = 0; i < r.actions.size(); ++i)
               actions.push_back(std::string(action_name(r.actions[i].kind)) + " " +
                                 action_details(r.actions[i]));
             return actions;
           })
      .def("write_hdf5", &PyTwin::write_hdf5, py::arg("path"), py::arg("patient_file") = "",
           py::arg("overrides") = std::vector<std::string>{},
           py::arg("signing_key") = std::filesystem::path(), py::arg("sign") = true);

  m.def(
      "normal_range",
      [](const std::string& metric,
         const std::string& sex) -> std::optional<std::pair<double, double>> {
        if (auto r = normal_range(metric, sex)) return std::pair{r->low, r->high};
        return std::nullopt;
      },
      py::arg("metric"), py::arg("sex") = "male");
}
