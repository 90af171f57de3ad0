// Signing and verifying from Python (docs/security.md): the key every writer signs with, and
// verify() with the same verdict and report as `physiotwin verify`.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <string>

#include "bindings.hpp"
#include "physiotwin/io/hdf5_signature.hpp"

namespace py = pybind11;

namespace physiotwin::python {

std::shared_ptr<const trust::SigningKey> output_signing_key(
    const std::filesystem::path& signing_key, bool sign) {
  return trust::signing_key_for_outputs(signing_key, !sign, [](const std::string& notice) {
    py::module_::import("sys").attr("stderr").attr("write")("physiotwin: " + notice + "\n");
  });
}

void bind_trust(py::module_& m) {
  m.def(
      "verify_file",
      [](const std::filesystem::path& file, const std::filesystem::path& trusted_keys) {
        std::filesystem::path folder = trusted_keys;
        const io::Verification v = io::verify_file(file, folder);
        py::dict out;
        out["status"] = io::status_name(v.status);
        out["key_id"] = v.key_id;
        out["problems"] = v.problems;
        out["audit_entries"] = v.audit_entries;
        out["trusted_keys"] = folder.string();
        out["report"] = io::verification_report(file.string(), v, folder);
        return out;
      },
      py::arg("file"), py::arg("trusted_keys") = std::filesystem::path(),
      "Checks a physiotwin HDF5 file's signature and every object's digest (as `physiotwin "
      "verify`).");
}

}  // namespace physiotwin::python
