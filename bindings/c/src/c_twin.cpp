// Stepping, reading and changing a twin through the C interface (physiotwin_c.h).
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>
#include <span>
#include <string>

#include "c_twin.hpp"
#include "physiotwin/actions/scenario.hpp"
#include "physiotwin/core/json_reader.hpp"

using physiotwin::c_api::fail;
using physiotwin::c_api::guarded_twin;

namespace {

/// A description string by index, or NULL (the message says why).
template <typename Items, typename Field>
const char* describe(const pt_twin* twin, std::size_t index, const Items& items_of, Field field,
                     const char* what) {
  physiotwin::c_api::clear_error();
  if (twin == nullptr) {
    (void)fail(PT_ERROR_NULL_ARGUMENT, "the twin is NULL");
    return nullptr;
  }
  const auto& items = items_of(*twin);
  if (index >= items.size()) {
    (void)fail(PT_ERROR_NOT_FOUND,
               fmt::format("{} index {} is past the last ({} of them)", what, index, items.size()));
    return nullptr;
  }
  return field(items[index]).c_str();
}

const auto signals_of = [](const pt_twin& t) { return t.session.twin().signals().all(); };
const auto beat_metrics_of = [](const pt_twin& t) -> const auto& {
  return t.session.twin().beats().metrics();
};
const std::vector<physiotwin::MetricInfo> no_metrics;
const auto breath_metrics_of = [](const pt_twin& t) -> const auto& {
  const auto& breaths = t.session.twin().breaths();
  return breaths ? breaths->metrics() : no_metrics;
};

/// Copies `values` into the caller's buffer, or says how many it needs.
pt_status copy_out(std::span<const double> values, double* out, std::size_t capacity,
                   const char* what) {
  if (out == nullptr)
    return fail(PT_ERROR_NULL_ARGUMENT, fmt::format("the {} buffer is NULL", what));
  if (capacity < values.size()) {
    return fail(
        PT_ERROR_BUFFER_TOO_SMALL,
        fmt::format("the {} buffer holds {} values; {} are needed", what, capacity, values.size()));
  }
  std::copy(values.begin(), values.end(), out);
  return PT_OK;
}

/// The last completed beat's or breath's metrics and start time, or NOT_FOUND before one.
pt_status copy_last_completed(unsigned long long completed, std::span<const double> metrics,
                              double start, double* values, std::size_t capacity,
                              double* start_time, const char* what, const char* first_when) {
  if (completed == 0)
    return fail(PT_ERROR_NOT_FOUND, fmt::format("no {} has completed yet ({})", what, first_when));
  const pt_status status = copy_out(metrics, values, capacity, what);
  if (status == PT_OK && start_time != nullptr) *start_time = start;
  return status;
}

/// NOT_FOUND naming a parameter the twin's model lacks.
pt_status unknown_parameter(const physiotwin::BodyModel& model, const char* name) {
  return fail(PT_ERROR_NOT_FOUND,
              fmt::format("model {} has no parameter \"{}\" (`physiotwin params` lists them)",
                          model.name, name));
}

/// The twin read-only: NULL refused (reading a failed twin is allowed).
template <typename Body>
pt_status guarded_read(const pt_twin* twin, Body&& body) noexcept {
  if (twin == nullptr) {
    physiotwin::c_api::clear_error();
    return fail(PT_ERROR_NULL_ARGUMENT, "the twin is NULL");
  }
  return physiotwin::c_api::guarded(std::forward<Body>(body));
}

}  // namespace

extern "C" {

PT_API pt_status pt_twin_advance(pt_twin* twin, double seconds) {
  return guarded_twin(twin, [&] {
    if (!(seconds > 0.0) || !std::isfinite(seconds)) {
      return fail(PT_ERROR_INVALID_INPUT,
                  "pt_twin_advance: seconds must be a positive, finite number");
    }
    physiotwin::Twin& t = twin->session.twin();
    const double start = t.time();
    const bool reached = t.advance(seconds, twin->budget);
    twin->publish();
    if (!reached) {
      return fail(PT_BUDGET_REACHED,
                  fmt::format("pt_twin_advance stopped at its budget at t = {:.4f} s, {:.4f} s "
                              "short of the interval's end",
                              t.time(), seconds - (t.time() - start)));
    }
    return PT_OK;
  });
}

PT_API pt_status pt_twin_set_budget(pt_twin* twin, uint64_t max_solver_steps,
                                    double max_cpu_seconds) {
  return guarded_twin(twin, [&] {
    if (!(max_cpu_seconds >= 0.0) || !std::isfinite(max_cpu_seconds)) {
      return fail(PT_ERROR_INVALID_INPUT,
                  "pt_twin_set_budget: max_cpu_seconds must be a finite number of seconds, not "
                  "negative (0: no limit)");
    }
    twin->budget = {max_solver_steps, max_cpu_seconds};
    return PT_OK;
  });
}

PT_API double pt_twin_time(const pt_twin* twin) {
  return twin == nullptr ? std::numeric_limits<double>::quiet_NaN() : twin->session.twin().time();
}

// ---- descriptions ----------------------------------------------------------------------------

PT_API size_t pt_twin_signal_count(const pt_twin* twin) {
  return twin == nullptr ? 0 : twin->session.twin().signals().size();
}
PT_API const char* pt_twin_signal_name(const pt_twin* twin, size_t index) {
  return describe(
      twin, index, signals_of, [](const auto& s) -> const auto& { return s.name; }, "signal");
}
PT_API const char* pt_twin_signal_unit(const pt_twin* twin, size_t index) {
  return describe(
      twin, index, signals_of, [](const auto& s) -> const auto& { return s.unit; }, "signal");
}
PT_API const char* pt_twin_signal_description(const pt_twin* twin, size_t index) {
  return describe(
      twin, index, signals_of, [](const auto& s) -> const auto& { return s.description; },
      "signal");
}
PT_API const char* pt_twin_signal_region(const pt_twin* twin, size_t index) {
  return describe(
      twin, index, signals_of, [](const auto& s) -> const auto& { return s.region; }, "signal");
}

PT_API pt_status pt_twin_signal_index(const pt_twin* twin, const char* name, size_t* index) {
  return guarded_read(twin, [&] {
    if (name == nullptr || index == nullptr)
      return fail(PT_ERROR_NULL_ARGUMENT, "pt_twin_signal_index: the name or index is NULL");
    const auto found = twin->session.twin().signals().find(name);
    if (!found) {
      return fail(PT_ERROR_NOT_FOUND, fmt::format("model {} has no signal \"{}\"",
                                                  twin->session.twin().model().name, name));
    }
    *index = *found;
    return PT_OK;
  });
}

PT_API pt_status pt_twin_read_signals(const pt_twin* twin, double* values, size_t capacity) {
  return guarded_read(twin, [&] {
    return copy_out(twin->session.twin().signal_values(), values, capacity, "signal");
  });
}

PT_API size_t pt_twin_beat_metric_count(const pt_twin* twin) {
  return twin == nullptr ? 0 : twin->beat_metric_count();
}
PT_API const char* pt_twin_beat_metric_name(const pt_twin* twin, size_t index) {
  return describe(
      twin, index, beat_metrics_of, [](const auto& m) -> const auto& { return m.name; },
      "beat metric");
}
PT_API const char* pt_twin_beat_metric_unit(const pt_twin* twin, size_t index) {
  return describe(
      twin, index, beat_metrics_of, [](const auto& m) -> const auto& { return m.unit; },
      "beat metric");
}
PT_API size_t pt_twin_breath_metric_count(const pt_twin* twin) {
  return twin == nullptr ? 0 : twin->breath_metric_count();
}
PT_API const char* pt_twin_breath_metric_name(const pt_twin* twin, size_t index) {
  return describe(
      twin, index, breath_metrics_of, [](const auto& m) -> const auto& { return m.name; },
      "breath metric");
}
PT_API const char* pt_twin_breath_metric_unit(const pt_twin* twin, size_t index) {
  return describe(
      twin, index, breath_metrics_of, [](const auto& m) -> const auto& { return m.unit; },
      "breath metric");
}

PT_API pt_status pt_twin_latest_beat(const pt_twin* twin, double* values, size_t capacity,
                                     double* start_time) {
  return guarded_read(twin, [&] {
    const auto& beats = twin->session.twin().beats();
    return copy_last_completed(beats.completed(), beats.last_beat(), beats.last_beat_time(), values,
                               capacity, start_time, "beat",
                               "a beat completes at the next one's start: about 2 s");
  });
}

PT_API pt_status pt_twin_latest_breath(const pt_twin* twin, double* values, size_t capacity,
                                       double* start_time) {
  return guarded_read(twin, [&] {
    const auto& breaths = twin->session.twin().breaths();
    if (!breaths) {
      return fail(PT_ERROR_NOT_FOUND, fmt::format("model {} has no lungs (no breath metrics)",
                                                  twin->session.twin().model().name));
    }
    return copy_last_completed(breaths->completed(), breaths->last_breath(),
                               breaths->last_breath_time(), values, capacity, start_time, "breath",
                               "a breath completes at the next start of inspiration: about "
                               "10 s at 12 breaths/min");
  });
}

// ---- the render thread's view: no exception can occur here, and nothing is allocated ------

PT_API size_t pt_twin_latest_size(const pt_twin* twin) {
  return twin == nullptr ? 0 : twin->latest.size();
}

PT_API pt_status pt_twin_read_latest(const pt_twin* twin, double* values, size_t capacity,
                                     uint64_t* publication) {
  // No message is set here on success (clearing a thread_local string is safe, but a reader
  // thread needs nothing from it); the failures are the caller's pointers and sizes.
  if (twin == nullptr || values == nullptr)
    return fail(PT_ERROR_NULL_ARGUMENT, "pt_twin_read_latest: the twin or buffer is NULL");
  if (capacity < twin->latest.size()) {
    return fail(PT_ERROR_BUFFER_TOO_SMALL,
                "pt_twin_read_latest: the buffer is smaller than pt_twin_latest_size()");
  }
  const std::uint64_t n = twin->latest.read(std::span(values, twin->latest.size()));
  if (publication != nullptr) *publication = n;
  return PT_OK;
}

// ---- changing the twin ------------------------------------------------------------------------

PT_API pt_status pt_twin_apply_action(pt_twin* twin, const char* action_json) {
  return guarded_twin(twin, [&] {
    if (action_json == nullptr) return fail(PT_ERROR_NULL_ARGUMENT, "the action JSON is NULL");
    physiotwin::Twin& t = twin->session.twin();
    const nlohmann::json document = physiotwin::parse_json_text(action_json, "action");
    t.schedule(physiotwin::parse_action(physiotwin::JsonView(document, "action", ""), t.time()));
    twin->publish();  // an action due now changes the state readers see
    return PT_OK;
  });
}

PT_API pt_status pt_twin_get_parameter(const pt_twin* twin, const char* name, double* value) {
  return guarded_read(twin, [&] {
    if (name == nullptr || value == nullptr)
      return fail(PT_ERROR_NULL_ARGUMENT, "pt_twin_get_parameter: the name or value is NULL");
    const auto& parameters = twin->session.twin().model().parameters;
    if (!parameters.contains(name)) return unknown_parameter(twin->session.twin().model(), name);
    *value = parameters.value(name);
    return PT_OK;
  });
}

PT_API pt_status pt_twin_set_parameter(pt_twin* twin, const char* name, double value) {
  return guarded_twin(twin, [&] {
    if (name == nullptr) return fail(PT_ERROR_NULL_ARGUMENT, "the parameter name is NULL");
    physiotwin::Twin& t = twin->session.twin();
    if (!t.model().parameters.contains(name)) return unknown_parameter(t.model(), name);
    t.set_parameter(name, value);
    twin->publish();
    return PT_OK;
  });
}

}  // extern "C"
