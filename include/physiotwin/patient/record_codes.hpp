#pragma once
// The local record-code table (docs/patient-records.md "Privacy"): outputs name the patient of
// a health record by a random code, which HIPAA Safe Harbor's re-identification rule allows
// because it is "not derived from or related to information about the individual" (45 CFR
// 164.514(c)). Only this table, kept owner-only on the machine that read the record, links a
// code back to the record's patient identifier; outputs never carry anything computed from
// the record (no keyed hash of its identifier, no digest of its file).
#include <filesystem>
#include <string>
#include <string_view>

namespace physiotwin {

/// Where the table is: $PHYSIOTWIN_RECORD_CODES, else
/// $XDG_CONFIG_HOME/physiotwin/record-codes.tsv (~/.config/... without XDG_CONFIG_HOME).
[[nodiscard]] std::filesystem::path record_code_table_path();

/// The code of the patient whose record identifier is `identity` ("system|value"): the code
/// the table already holds for it, else a new random one ("pt-" and 16 hex digits), added.
/// `record_digest` (the record file's SHA-256) is recorded beside the code, so the table's
/// holder can tell which version of a record a twin came from. The table itself holds no
/// identifier: it is indexed by an HMAC of the identity under a random key kept in the table.
[[nodiscard]] std::string record_code(std::string_view identity, std::string_view record_digest);

}  // namespace physiotwin
