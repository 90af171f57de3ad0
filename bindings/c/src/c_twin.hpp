#pragma once
// What a pt_twin handle is, and the one wrapper every entry point of the C interface runs its
// body in (bindings/c/include/physiotwin_c.h): no exception crosses the boundary; each becomes
// a status and the calling thread's message.
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "physiotwin/core/latest_value.hpp"
#include "physiotwin/session.hpp"
#include "physiotwin_c.h"

struct pt_twin {
  explicit pt_twin(physiotwin::Session s);
  pt_twin(const pt_twin& other);  ///< a fork: the session copied, a channel of its own

  /// Publishes the time, the signals and the latest beat and breath to the readers.
  void publish();
  [[nodiscard]] std::size_t beat_metric_count() const noexcept;
  [[nodiscard]] std::size_t breath_metric_count() const noexcept;

  physiotwin::Session session;
  physiotwin::AdvanceBudget budget;  ///< on each pt_twin_advance() (pt_twin_set_budget)
  bool failed = false;               ///< the solver failed: only reading and destroying are allowed
  physiotwin::LatestValue latest;
  std::vector<double> outgoing;  ///< publish()'s staging, sized once (no allocation per frame)
};

namespace physiotwin::c_api {

/// Sets the calling thread's message (pt_last_error) and returns `status`.
pt_status fail(pt_status status, const std::string& message) noexcept;

/// The status and message of the exception being handled (call inside a catch block).
pt_status fail_with_current_exception() noexcept;

/// Clears the calling thread's message at the start of a call.
void clear_error() noexcept;

/// Runs `body` (returning pt_status) with errors translated: the one shape of every entry
/// point that can fail.
template <typename Body>
pt_status guarded(Body&& body) noexcept {
  clear_error();
  try {
    return body();
  } catch (...) {
    return fail_with_current_exception();
  }
}

/// guarded() for a call that changes a twin: NULL and failed twins refused, and a solver
/// failure marks the twin failed.
template <typename Body>
pt_status guarded_twin(pt_twin* twin, Body&& body) noexcept {
  clear_error();
  if (twin == nullptr) return fail(PT_ERROR_NULL_ARGUMENT, "the twin is NULL");
  if (twin->failed) {
    return fail(PT_ERROR_TWIN_FAILED,
                "this twin failed earlier (its solver stopped): destroy it; a fork made "
                "before the failure is unaffected");
  }
  try {
    return body();
  } catch (...) {
    const pt_status status = fail_with_current_exception();
    if (status == PT_ERROR_SOLVER) twin->failed = true;
    return status;
  }
}

}  // namespace physiotwin::c_api
