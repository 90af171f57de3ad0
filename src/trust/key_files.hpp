#pragma once
// What the signing and the encryption key files share (docs/security.md, "Keys"): their JSON
// header, the checks made on reading one, and writing a new key file that never replaces one.
#include <fmt/format.h>
#include <sys/types.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "physiotwin/core/error.hpp"
#include "physiotwin/core/sha256.hpp"
#include "physiotwin/trust/encryption_key.hpp"
#include "physiotwin/trust/signing_key.hpp"

namespace physiotwin::trust::detail {

inline constexpr int key_file_version = 1;
inline constexpr const char* ed25519 = "Ed25519";  ///< signing keys
inline constexpr const char* x25519 = "X25519";    ///< encryption keys

/// `N` bytes from hexadecimal text; InputError naming `what` if it is anything else.
template <std::size_t N>
[[nodiscard]] std::array<std::uint8_t, N> bytes_from_hex(const std::string& text,
                                                         const std::string& what) {
  std::array<std::uint8_t, N> out{};
  if (!crypto::from_hex(text, out))
    throw InputError(fmt::format("{}: expected {} hexadecimal digits", what, 2 * N));
  return out;
}

/// A key file's JSON, its format and version checked; InputError naming the file for a missing,
/// unreadable or corrupt file, or a key of another version.
[[nodiscard]] nlohmann::json read_key_json(const std::filesystem::path& file);

/// The key's algorithm ("Ed25519", "X25519"), checked against `expected`; InputError naming
/// the file and both kinds (a signing key where an encryption key is needed, or the reverse).
void check_algorithm(const nlohmann::json& key, const std::filesystem::path& file,
                     const char* expected);

/// A string member of a key file; InputError naming the file when it is missing.
[[nodiscard]] std::string string_field(const nlohmann::json& key, const char* name,
                                       const std::filesystem::path& file);

/// The public key a key file (public or private) holds, checked against its key id;
/// InputError naming the file otherwise.
[[nodiscard]] PublicKey public_key_of(const nlohmann::json& key, const std::filesystem::path& file);

/// Refuses a private key file that group or others can read: a key others may have read is
/// no longer only its owner's (InputError naming the file and its mode).
void check_private_mode(const std::filesystem::path& file);

/// Creates `folder` (mode 0700 when new: it will hold private keys); IoError otherwise.
void create_key_folder(const std::filesystem::path& folder);

/// One kind of key pair: its files' names in the key folder (e.g. signing.key/.pub), their
/// contents, and how messages name it. What its writer and its readers share.
struct KeyFileNames {
  const char* private_file;
  const char* public_file;
  const char* private_format;  ///< the private file's "format"
  const char* algorithm;       ///< "Ed25519", "X25519"
  const char* private_member;  ///< the private file's secret, e.g. "seed"
  const char* name;            ///< e.g. "signing key"
  /// Said after "a public key, where a private <name> is needed" (may be empty).
  const char* public_key_use;
};

inline constexpr KeyFileNames signing_key_files{signing_key_file_name,
                                                public_key_file_name,
                                                signing_key_format,
                                                ed25519,
                                                "seed",
                                                "signing key",
                                                ""};
inline constexpr KeyFileNames encryption_key_files{
    encryption_key_file_name,
    encryption_public_key_file_name,
    encryption_key_format,
    x25519,
    "secret_key",
    "encryption key",
    " (the public key encrypts with --encrypt-to; opening needs encryption.key)"};

/// A private key file of `kind` read and checked: its version, algorithm and format (a public
/// key given where the private one is needed is named as such) and its mode (owner only).
/// InputError naming the file otherwise.
[[nodiscard]] nlohmann::json read_private_key_json(const std::filesystem::path& file,
                                                   const KeyFileNames& kind);

/// The public key of a public or private key file of `kind`; InputError naming the file for
/// a key of another kind or a corrupt one.
[[nodiscard]] PublicKey read_public_key_of_kind(const std::filesystem::path& file,
                                                const KeyFileNames& kind);

/// Writes a key pair: the private member (e.g. "seed") holding `private_hex` beside the public
/// key, mode 0600, and the public key alone, in `folder` (created 0700). Never replaces a key
/// file (InputError). Returns the private key file's path. The private text is wiped after.
std::filesystem::path write_key_files(const std::filesystem::path& folder,
                                      const KeyFileNames& names, const PublicKey& public_key,
                                      std::string private_hex);

/// Refuses (InputError) if `file` exists: key files are never replaced.
void refuse_existing(const std::filesystem::path& file);

/// Writes `text` to a new file `path` created with `mode`, never replacing one, even against a
/// writer racing this one (link(2)); InputError if one is there, IoError if writing fails.
void write_new_file(const std::filesystem::path& path, const std::string& text, mode_t mode);

}  // namespace physiotwin::trust::detail
