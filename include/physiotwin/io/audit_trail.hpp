#pragma once
// The audit trail every physiotwin HDF5 file carries (docs/security.md, "The audit trail"):
// what produced it (program, version, the digest of the binary that ran), how it was asked
// (the interface and the command's options, paths and dates never recorded), from what (the
// model's digest, the patient's de-identified source), and what was done (the actions in
// order). The entries are a hash chain: each entry's hash covers the one before, so an entry
// deleted, inserted or moved breaks every hash after it, and `verify` names where. Stored as
// /audit/entries (JSON text, one entry each) and /audit/hashes, with the head hash as an
// attribute; the file's signature covers all three. A JSON file (a twin parameter file) holds
// the same chain as its "audit" member (with_audit_trail()).
#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace physiotwin::io {

inline constexpr const char* audit_group = "audit";
inline constexpr const char* audit_format = "physiotwin-audit";
inline constexpr int audit_version = 1;
inline constexpr const char* audit_member = "audit";  ///< a JSON file's trail

/// How the running program was asked for its outputs: set once at start by the program (the
/// command-line tool: "command line", the subcommand and its options; the Python module:
/// "python"), read by every writer. Unset: "C++ library".
struct Invocation {
  std::string interface = "C++ library";
  std::string command;                                ///< e.g. "run"
  nlohmann::json options = nlohmann::json::object();  ///< never paths or dates (see above)
};
void set_invocation(Invocation invocation);
[[nodiscard]] Invocation invocation();

/// SHA-256 of the binary that holds this code (the tool, or the Python module or C library it
/// is linked into), hexadecimal; computed once per process.
[[nodiscard]] std::string build_digest();

/// The entries of a file's trail, in order.
class AuditTrail {
 public:
  /// A trail that begins with the program and its invocation.
  [[nodiscard]] static AuditTrail started();
  void add(nlohmann::json entry) { entries_.push_back(std::move(entry)); }
  /// The model an output came from: its name and its file's digest.
  void add_model(const std::string& name, const std::string& sha256);
  /// An action applied at simulated time `time`: its name and its fields as text.
  void add_action(double time, const std::string& name, const std::string& details);
  [[nodiscard]] const std::vector<nlohmann::json>& entries() const noexcept { return entries_; }

 private:
  std::vector<nlohmann::json> entries_;
};

/// The chain's hashes of `entries` (each entry's compact JSON text): hash 0 is SHA-256 of
/// "physiotwin-audit 1\n" and entry 0's text; hash i of hash i-1 (hexadecimal), a newline and
/// entry i's text. Hexadecimal.
[[nodiscard]] std::vector<std::string> chain_hashes(const std::vector<std::string>& entries);

/// The personalisation entry of a run or a twin: the patient's code, the patient's source as
/// the outputs name it (never a path; a health record never by its digest), whether it was
/// calibrated, and the `--set` overrides as given (none: left out).
[[nodiscard]] nlohmann::json personalisation_entry(const std::string& patient_id,
                                                   const std::string& patient_source,
                                                   bool calibrated,
                                                   const std::vector<std::string>& overrides);

/// A twin parameter file's trail: the program and its invocation, the model (name, digest),
/// `personalisation` (personalisation_entry()) and the output.
[[nodiscard]] AuditTrail twin_parameters_audit_trail(const std::string& model_name,
                                                     const std::string& model_sha256,
                                                     nlohmann::json personalisation);

/// What checking a file's trail found.
struct AuditCheck {
  bool present = false;
  std::size_t entries = 0;
  std::vector<std::string> problems;  ///< one line each, "audit: ..."
};

/// A chain checked link by link: each hash against its entry's text and the hash before (a
/// break named where it is), the count of entries against the count of hashes, and `head`
/// against the last hash.
[[nodiscard]] AuditCheck check_chain(const std::vector<std::string>& entries,
                                     const std::vector<std::string>& hashes,
                                     const std::string& head);

/// `json_text`, a JSON object without an "audit" member (a twin parameter file before it is
/// signed), with `trail` added as one: format, version, the entries as objects, their hashes
/// and the head. An entry's text in the chain is its compact JSON with keys sorted, as
/// nlohmann::json writes it, so a reader re-parsing the file recomputes the same hashes. The
/// members keep their order, written as the writers write (one space of indent). InputError if
/// the text is not a JSON object or holds a trail already.
[[nodiscard]] std::string with_audit_trail(std::string_view json_text, const AuditTrail& trail);

/// A JSON document's "audit" member checked as check_chain() does (none: present = false); a
/// member that is not a trail's shape is one problem.
[[nodiscard]] AuditCheck check_audit_json(const nlohmann::json& document);

/// The entries of a file's trail as text (`physiotwin info`); empty without one. IoError if
/// the file cannot be read.
[[nodiscard]] std::vector<std::string> read_audit_trail(const std::filesystem::path& file);

}  // namespace physiotwin::io
