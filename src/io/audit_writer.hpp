#pragma once
// Writing and checking a file's audit trail (physiotwin/io/audit_trail.hpp) inside the HDF5
// writers and verify_hdf5_file().
#include <hdf5.h>

#include <string>
#include <vector>

#include "physiotwin/io/audit_trail.hpp"
#include "physiotwin/io/run_header.hpp"

namespace physiotwin::io::detail {

/// A run's trail up to its first action: the program, its invocation, the model (name and
/// digest) and the personalisation (the patient's code and de-identified source, whether it was
/// calibrated, the overrides).
[[nodiscard]] AuditTrail run_audit_trail(const RunHeader& header);

/// Writes /audit: the entries, their chain hashes and the head. IoError otherwise.
void write_audit_trail(hid_t file, const AuditTrail& trail);

/// Checks the trail of an open file: each hash against its entry and the hash before, the
/// head against the last hash.
[[nodiscard]] AuditCheck check_audit_trail(hid_t file);

}  // namespace physiotwin::io::detail
