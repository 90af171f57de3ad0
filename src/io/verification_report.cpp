// Verification as every interface reports it: io/hdf5_signature.hpp (status_name,
// verification_report, verify_file).
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "physiotwin/core/error.hpp"
#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/io/audit_trail.hpp"
#include "physiotwin/io/hdf5_signature.hpp"
#include "physiotwin/trust/json_signature.hpp"
#include "physiotwin/trust/sealed.hpp"

namespace physiotwin::io {

namespace {
/// The audit trail's line of a report whose trail is intact.
std::string audit_line(const Verification& v) {
  if (v.audit_entries == 0) return "";
  return fmt::format("\n  audit trail: {} entries, each following the one before", v.audit_entries);
}
}  // namespace

const char* status_name(Verification::Status status) {
  using S = Verification::Status;
  switch (status) {
    case S::verified:
      return "verified";
    case S::unsigned_:
      return "unsigned";
    case S::tampered:
      return "tampered";
    case S::untrusted:
      return "untrusted";
  }
  return "unknown";
}

std::string verification_report(const std::string& file_name, const Verification& v,
                                const std::filesystem::path& trusted_folder) {
  using S = Verification::Status;
  switch (v.status) {
    case S::verified:
      return fmt::format("{}: verified: every object as signed by key {} (trusted: {}){}\n",
                         file_name, v.key_id, trusted_folder.string(), audit_line(v));
    case S::unsigned_:
      return fmt::format("{}: unsigned: it holds no signature{}\n", file_name, audit_line(v));
    case S::untrusted:
      return fmt::format(
          "{}: intact, but signed by key {}, which is not among the trusted keys{}\n", file_name,
          v.key_id,
          trusted_folder.empty() ? " (no folder of trusted keys given)"
                                 : " in " + trusted_folder.string());
    case S::tampered: {
      std::string report = fmt::format("{}: TAMPERED ({}):\n", file_name,
                                       v.key_id.empty() ? "unsigned" : "signed by key " + v.key_id);
      for (const std::string& p : v.problems) report += fmt::format("  {}\n", p);
      return report;
    }
  }
  return file_name + ": unknown\n";
}

namespace {
/// A signed JSON file (a twin parameter file) checked as verify_hdf5_file() checks HDF5.
Verification verify_json_file(const std::filesystem::path& file,
                              std::span<const trust::PublicKey> trusted) {
  const nlohmann::json document = nlohmann::json::parse(read_text_file(file), nullptr, false);
  if (document.is_discarded())
    throw InputError(fmt::format("{}: neither HDF5 nor valid JSON", file.string()));
  const trust::JsonSignatureCheck check = trust::check_json_signature(document);
  Verification v;
  v.key_id = check.key_id;
  v.problems = check.problems;
  if (!check.is_signed) {
    v.status = Verification::Status::unsigned_;
  } else if (!check.intact) {
    v.status = Verification::Status::tampered;
  } else {
    const bool is_trusted = std::find(trusted.begin(), trusted.end(), check.key) != trusted.end();
    v.status = is_trusted ? Verification::Status::verified : Verification::Status::untrusted;
  }
  // The trail's chain, in signed and unsigned files alike (as verify_hdf5_file()).
  const AuditCheck audit = check_audit_json(document);
  v.audit_entries = audit.entries;
  if (!audit.problems.empty()) {
    v.status = Verification::Status::tampered;
    v.problems.insert(v.problems.end(), audit.problems.begin(), audit.problems.end());
  }
  return v;
}
}  // namespace

Verification verify_file(const std::filesystem::path& file, std::filesystem::path& trusted_folder) {
  const std::vector<trust::PublicKey> trusted = trust::trusted_keys(trusted_folder);
  const std::string head = read_file_head(file, 32);
  if (const auto recipient = trust::sealed_recipient(head))
    throw InputError(fmt::format(
        "{}: encrypted (to key {}): open it first (`physiotwin decrypt`); its signature is "
        "inside",
        file.string(), *recipient));
  const auto first = head.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && head[first] == '{') return verify_json_file(file, trusted);
  return verify_hdf5_file(file, trusted);
}

}  // namespace physiotwin::io
