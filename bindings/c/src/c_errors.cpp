// The C interface's errors and version: each thread's last message, exceptions to statuses.
#include <new>
#include <string>

#include "c_twin.hpp"
#include "physiotwin/build_info.hpp"
#include "physiotwin/core/cancellation.hpp"
#include "physiotwin/core/error.hpp"

namespace physiotwin::c_api {
namespace {

/// The calling thread's last message: each thread sees only its own calls' errors.
std::string& last_error() noexcept {
  thread_local std::string message;
  return message;
}

}  // namespace

pt_status fail(pt_status status, const std::string& message) noexcept {
  try {
    last_error() = message;
  } catch (...) {
    last_error().clear();  // no memory for the message: the status still says what happened
  }
  return status;
}

void clear_error() noexcept {
  last_error().clear();
}

pt_status fail_with_current_exception() noexcept {
  try {
    throw;
  } catch (const SolverError& e) {
    return fail(PT_ERROR_SOLVER, e.what());
  } catch (const CalibrationError& e) {
    return fail(PT_ERROR_CALIBRATION, e.what());
  } catch (const IoError& e) {
    return fail(PT_ERROR_IO, e.what());
  } catch (const InputError& e) {
    return fail(PT_ERROR_INVALID_INPUT, e.what());
  } catch (const Cancelled& e) {
    return fail(PT_ERROR_INTERNAL, e.what());
  } catch (const std::bad_alloc&) {
    return fail(PT_ERROR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return fail(PT_ERROR_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(PT_ERROR_INTERNAL, "internal error: an unknown exception");
  }
}

}  // namespace physiotwin::c_api

extern "C" {

PT_API const char* pt_version(void) {
  return physiotwin::library_version;
}

PT_API int pt_abi_version(void) {
  return PT_ABI_VERSION;
}

PT_API const char* pt_last_error(void) {
  return physiotwin::c_api::last_error().c_str();
}

PT_API const char* pt_status_name(pt_status status) {
  switch (status) {
    case PT_OK:
      return "PT_OK";
    case PT_ERROR_NULL_ARGUMENT:
      return "PT_ERROR_NULL_ARGUMENT";
    case PT_ERROR_INVALID_INPUT:
      return "PT_ERROR_INVALID_INPUT";
    case PT_ERROR_SOLVER:
      return "PT_ERROR_SOLVER";
    case PT_ERROR_BUFFER_TOO_SMALL:
      return "PT_ERROR_BUFFER_TOO_SMALL";
    case PT_ERROR_NOT_FOUND:
      return "PT_ERROR_NOT_FOUND";
    case PT_BUDGET_REACHED:
      return "PT_BUDGET_REACHED";
    case PT_ERROR_IO:
      return "PT_ERROR_IO";
    case PT_ERROR_TWIN_FAILED:
      return "PT_ERROR_TWIN_FAILED";
    case PT_ERROR_CALIBRATION:
      return "PT_ERROR_CALIBRATION";
    case PT_ERROR_OUT_OF_MEMORY:
      return "PT_ERROR_OUT_OF_MEMORY";
    case PT_ERROR_INTERNAL:
      return "PT_ERROR_INTERNAL";
  }
  return "an unknown status";
}

}  // extern "C"
