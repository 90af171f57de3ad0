#pragma once
// What the Python module's source files share.
#include <pybind11/pybind11.h>

#include <filesystem>
#include <memory>
#include <string>

#include "physiotwin/patient/body.hpp"
#include "physiotwin/trust/signing_key.hpp"
#include "physiotwin/twin.hpp"

namespace physiotwin::python {

/// A patient made from keyword arguments, checked as a patient file is.
[[nodiscard]] Patient make_patient(const std::string& sex, double age, double height, double weight,
                                   const pybind11::dict& measurements, const std::string& id,
                                   const std::string& description);
/// A patient's pickled state, and the patient again from it.
[[nodiscard]] pybind11::tuple patient_state(const Patient& p);
[[nodiscard]] Patient patient_from_state(const pybind11::tuple& state);

/// The key a Python writer signs its file with (docs/security.md): `signing_key`'s file, else
/// the default key (created at first use, said on sys.stderr); none when `sign` is false.
/// Resolved before anything runs, so a bad key fails with nothing written.
[[nodiscard]] std::shared_ptr<const trust::SigningKey> output_signing_key(
    const std::filesystem::path& signing_key, bool sign);

/// Adds run_cohort() and cohort_threads().
void bind_cohort(pybind11::module_& m);

/// Adds run_plan_file().
void bind_plan(pybind11::module_& m);

/// The twin inside a _physiotwin.Twin (module.cpp's class): what the monitor forks.
[[nodiscard]] const Twin& core_twin(const pybind11::handle& twin);

/// Adds Monitor (monitor_bindings.cpp).
void bind_monitor(pybind11::module_& m);

/// Adds verify_file() (trust_bindings.cpp).
void bind_trust(pybind11::module_& m);

/// Adds encrypt_file(), decrypt_file(), seal_bytes(), open_if_sealed(), is_sealed() and
/// new_encryption_key() (encryption_bindings.cpp).
void bind_encryption(pybind11::module_& m);

}  // namespace physiotwin::python
