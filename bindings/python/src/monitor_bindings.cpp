// The Python module's monitor (docs/monitoring.md, "Python"): the StreamMonitor that
// `physiotwin monitor` runs, fed line by line or observation by observation as data arrive,
// the GIL released while the ensemble advances.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <fmt/format.h>

#include <map>
#include <memory>
#include <string>

#include "bindings.hpp"
#include "physiotwin/io/output_file.hpp"
#include "physiotwin/monitor/stream_monitor.hpp"

namespace py = pybind11;

namespace physiotwin::python {

namespace {

/// Alerts as FHIR DetectedIssue JSON texts, and the warnings.
py::tuple to_python(const monitor::MonitorOutput& out, const monitor::StreamMonitor& m) {
  std::vector<std::string> alerts;
  for (const monitor::Alert& a : out.alerts)
    alerts.push_back(monitor::detected_issue_json(a, m.start()));
  return py::make_tuple(alerts, out.warnings);
}

std::unique_ptr<monitor::StreamMonitor> make_monitor(const py::handle& twin, std::size_t members,
                                                     double interval, std::int64_t reorder_window,
                                                     double forecast_interval,
                                                     double forecast_horizon, double trend_baseline,
                                                     double trend_threshold, std::uint64_t seed,
                                                     const std::map<std::string, double>& sds) {
  monitor::StreamMonitorOptions o;
  for (const auto& [measure, sd] : sds) monitor::set_observation_sd(o.ensemble, measure, sd);
  o.ensemble.members = members;
  o.ensemble.analysis_interval = interval;
  o.ensemble.seed = seed;
  o.reorder_window = reorder_window;
  o.alerts.forecast_interval = forecast_interval;
  o.alerts.forecast_horizon = forecast_horizon;
  o.alerts.trend.baseline_window = trend_baseline;
  o.alerts.trend.enabled = trend_threshold > 0.0;
  if (trend_threshold > 0.0) o.alerts.trend.threshold = trend_threshold;
  if (members < 2 || members > 256) throw InputError("members must be within [2, 256]");
  if (!(trend_threshold >= 0.0))
    throw InputError("trend_threshold must be >= 0 (0: no trend alert)");
  const Twin& core = core_twin(twin);
  py::gil_scoped_release release;
  return std::make_unique<monitor::StreamMonitor>(core, o);
}

}  // namespace

void bind_monitor(py::module_& m) {
  py::class_<monitor::StreamMonitor>(m, "Monitor")
      .def(py::init(&make_monitor), py::arg("twin"), py::arg("members"), py::arg("interval"),
           py::arg("reorder_window"), py::arg("forecast_interval"), py::arg("forecast_horizon"),
           py::arg("trend_baseline"), py::arg("trend_threshold"), py::arg("seed"),
           py::arg("observation_sd"))
      .def(
          "read_line",
          [](monitor::StreamMonitor& self, const std::string& line, std::size_t number,
             std::int64_t now) {
            monitor::MonitorOutput out;
            {
              py::gil_scoped_release release;
              out = self.read_line(line, number, now);
            }
            return to_python(out, self);
          },
          py::arg("line"), py::arg("number"), py::arg("now"))
      .def(
          "observe",
          [](monitor::StreamMonitor& self, std::int64_t time, const std::string& measure,
             double value) {
            const Measure which = monitor::measure_named(measure);
            if (which == Measure::count || !monitor::is_streamed(which)) {
              throw InputError("measure \"" + measure +
                               "\" is not one the monitor takes (heart_rate, spo2, "
                               "respiratory_rate, systolic_pressure, diastolic_pressure)");
            }
            const MeasureSpec& spec = spec_of(which);
            if (!(value >= spec.min && value <= spec.max)) {
              throw InputError(
                  fmt::format("{} {:g} is outside what a living person can have [{:g}, {:g}] {}",
                              spec.name, value, spec.min, spec.max, spec.unit));
            }
            monitor::MonitorOutput out;
            {
              py::gil_scoped_release release;
              out = self.observe({{time, which, value, 0}});
            }
            return to_python(out, self);
          },
          py::arg("time"), py::arg("measure"), py::arg("value"))
      .def("finish",
           [](monitor::StreamMonitor& self) {
             monitor::MonitorOutput out;
             {
               py::gil_scoped_release release;
               out = self.finish();
             }
             return to_python(out, self);
           })
      .def_property_readonly("started", &monitor::StreamMonitor::started)
      .def_property_readonly("start", &monitor::StreamMonitor::start)
      .def_property_readonly("warning_count", &monitor::StreamMonitor::warning_count)
      .def("alerts",
           [](const monitor::StreamMonitor& self) {
             std::vector<std::string> out;
             for (const monitor::Alert& a : self.alerts())
               out.push_back(monitor::detected_issue_json(a, self.start()));
             return out;
           })
      .def("estimates",
           [](const monitor::StreamMonitor& self) {
             // {"time": s since monitoring began, name: mean, name_sd: sd}
             py::dict out;
             auto column = [&](const std::string& name, auto of) {
               std::vector<double> values;
               for (const auto& a : self.analyses()) values.push_back(of(a));
               out[py::str(name)] = py::array_t<double>(py::ssize_t(values.size()), values.data());
             };
             column("time",
                    [&](const monitor::Analysis& a) { return double(a.time - self.start()); });
             for (std::size_t e = 0; e < monitor::estimate_count; ++e) {
               const std::string name(monitor::estimate_specs[e].name);
               column(name, [e](const monitor::Analysis& a) { return a.estimates.mean[e]; });
               column(name + "_sd", [e](const monitor::Analysis& a) { return a.estimates.sd[e]; });
             }
             for (std::size_t d = 0; d < monitor::derived_count; ++d) {
               const std::string name(monitor::derived_specs[d].name);
               column(name,
                      [d](const monitor::Analysis& a) { return a.estimates.derived_mean[d]; });
               column(name + "_sd",
                      [d](const monitor::Analysis& a) { return a.estimates.derived_sd[d]; });
             }
             return out;
           })
      .def("resting",
           [](const monitor::StreamMonitor& self) {
             py::dict out;
             for (std::size_t i = 0; i < monitor::streamed_measures.size(); ++i)
               out[py::str(std::string(spec_of(monitor::streamed_measures[i]).name))] =
                   self.rules().resting()[i];
             for (std::size_t d = 0; d < monitor::derived_count; ++d)
               out[py::str(std::string(monitor::derived_specs[d].name))] =
                   self.rules().resting_derived()[d];
             return out;
           })
      .def(
          "write",
          [](const monitor::StreamMonitor& self, const std::filesystem::path& path,
             const std::filesystem::path& signing_key, bool sign) {
            io::check_output_file(path, {}, "");
            const auto key = output_signing_key(signing_key, sign);  // a bad key: nothing written
            monitor::write_monitor_file(path, self, key.get());
          },
          py::arg("path"), py::arg("signing_key") = std::filesystem::path(),
          py::arg("sign") = true);
}

}  // namespace physiotwin::python
