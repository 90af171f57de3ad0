#pragma once
// Signed, tamper-evident HDF5 files (docs/security.md, "Signed files"). Every dataset,
// attribute and group of the file outside /signature is a leaf with its own SHA-256 digest
// (its path, kind, type, shape and values); the leaves, sorted by path, are listed in
// /signature with their digests, and the root digest over that list is signed with Ed25519.
// A reader can check one dataset by hashing it alone and finding its digest in the signed list;
// `verify` recomputes every leaf and names each one that changed, went or came.
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "physiotwin/core/sha256.hpp"
#include "physiotwin/trust/signing_key.hpp"

namespace physiotwin::io {

inline constexpr const char* signature_group = "signature";
inline constexpr const char* signature_format = "physiotwin-signature";
inline constexpr int signature_version = 1;

/// One leaf of the tree: "dataset /beats/heart_rate", "attribute /beats/heart_rate@unit",
/// "group /beats".
struct ObjectDigest {
  std::string object;
  crypto::Digest digest;
  friend bool operator==(const ObjectDigest&, const ObjectDigest&) = default;
};

/// How much of a dataset's values hashing reads at once, in bytes (about: at least one index of
/// its first dimension), so that memory stays bounded on the largest files (docs/performance.md,
/// "Signing").
inline constexpr std::size_t digest_block_bytes = std::size_t{4} << 20;

/// The leaves of an HDF5 file (everything but /signature), sorted by object; IoError naming
/// the file if it cannot be read or holds a type the digest does not cover. Datasets are read
/// in blocks of about `block_bytes`; the digests do not depend on it.
[[nodiscard]] std::vector<ObjectDigest> digest_objects(
    const std::filesystem::path& file, std::size_t block_bytes = digest_block_bytes);

/// The root digest the signature covers: SHA-256 over "physiotwin-signature 1\n" and, for each
/// leaf in order, its object name, a newline and its 32 digest bytes.
[[nodiscard]] crypto::Digest root_digest(std::span<const ObjectDigest> leaves);

/// Adds /signature to a finished HDF5 file that has none (called on the temporary file before
/// it is moved into place). IoError naming the file otherwise.
void sign_hdf5_file(const std::filesystem::path& file, const trust::SigningKey& key);

/// What verify_hdf5_file() found.
struct Verification {
  enum class Status {
    verified,   ///< every leaf as signed, the signature valid, the key among the trusted
    unsigned_,  ///< no /signature
    tampered,   ///< a leaf changed, went or came, or the signature does not match
    untrusted,  ///< intact and validly signed, by a key not among the trusted ones
  };
  Status status = Status::unsigned_;
  std::string key_id;                 ///< the signer's key id (when signed)
  std::vector<std::string> problems;  ///< one line each: "changed: dataset /beats/heart_rate"
  std::size_t audit_entries = 0;      ///< the audit trail's entries (0: the file has none)
};

/// Checks `file`'s leaves against its signed list and the signature. `trusted`: the keys
/// accepted as signers; an intact file signed by any other key (none given: by any key) is
/// `untrusted`, with the signer's id. IoError naming the file if it cannot be opened at all.
[[nodiscard]] Verification verify_hdf5_file(const std::filesystem::path& file,
                                            std::span<const trust::PublicKey> trusted);

/// The status's name as every interface reports it: "verified", "unsigned", "tampered",
/// "untrusted".
[[nodiscard]] const char* status_name(Verification::Status status);

/// What a verification says, the same from the command line, Python and C: a first line naming
/// the file (`file_name`), the verdict and the signer's key (and `trusted_folder`, where the
/// trusted keys came from; empty: none), then each problem on its own indented line.
[[nodiscard]] std::string verification_report(const std::string& file_name,
                                              const Verification& verification,
                                              const std::filesystem::path& trusted_folder);

/// A verification as the tools make it: the trusted keys from `trusted_folder` (empty: the key
/// folder, trust::trusted_keys(), which sets it to the folder used), then verify_hdf5_file().
/// InputError naming the file when it is encrypted (its signature is inside: open it first).
[[nodiscard]] Verification verify_file(const std::filesystem::path& file,
                                       std::filesystem::path& trusted_folder);

}  // namespace physiotwin::io
