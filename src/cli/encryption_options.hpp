#pragma once
// --encrypt-to and --decryption-key (docs/security.md, "Encrypted twins"): the recipient's key
// is read before anything is computed, so a bad key file fails with nothing written; the
// private key is read only when an encrypted input is met.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "physiotwin/trust/sealed.hpp"

namespace CLI {
class App;
}

namespace physiotwin::cli {

/// Adds --encrypt-to KEY to `command`; `what` says what it encrypts.
void add_encrypt_to_option(CLI::App& command, std::filesystem::path& recipient_file,
                           const std::string& what);

/// The public key --encrypt-to names; none when it was not given. InputError (exit 2) for a
/// missing or corrupt key file or a key of the wrong kind.
[[nodiscard]] std::optional<trust::PublicKey> resolve_recipient(
    const std::filesystem::path& recipient_file);

/// How the tool names a private key file in its errors.
inline constexpr std::string_view decryption_key_option = "--decryption-key";

/// Adds --decryption-key FILE to `command`.
void add_decryption_key_option(CLI::App& command, std::filesystem::path& key_file);

/// The private keys encrypted inputs are opened with: --decryption-key's when given, else
/// encryption.key in the key folder (trust::default_key_directory()). Its error, when there is
/// no key, names the key id the input asks for and where the key was looked for.
[[nodiscard]] trust::DecryptionKeyProvider decryption_keys(const std::filesystem::path& key_file);

/// A plain input given where --decryption-key says an encrypted one is expected: InputError
/// naming `what` (the caller's input), so nobody believes a plain file was the protected one.
void check_was_encrypted(const std::filesystem::path& key_file, bool was_sealed,
                         const std::string& what);

}  // namespace physiotwin::cli
