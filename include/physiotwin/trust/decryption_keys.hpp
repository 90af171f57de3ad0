#pragma once
// Which private key opens an encrypted input (docs/security.md, "Encrypted twins"), one rule for
// the tool's --decryption-key and the Python API's decryption_key= alike: the key file given,
// else encryption.key in the key folder; read only when an encrypted input is met, so a plain
// input needs no key. Compiled (src/trust/decryption_keys.cpp).
#include <filesystem>
#include <string>
#include <string_view>

#include "physiotwin/trust/sealed.hpp"

namespace physiotwin::trust {

/// The keys encrypted inputs are opened with: `key_file`'s when given, else encryption.key in
/// the key folder (default_key_directory()). When there is none the InputError names the key id
/// the input asks for, where the key was looked for, and `how_to_give` (the caller's way of
/// naming a key file: "--decryption-key", "decryption_key=").
[[nodiscard]] DecryptionKeyProvider decryption_keys(const std::filesystem::path& key_file,
                                                    std::string_view how_to_give);

/// A plain input given where a key file says an encrypted one is expected (`key_file` not
/// empty): InputError naming `what`, so nobody believes a plain file was the protected one.
void check_was_encrypted(const std::filesystem::path& key_file, bool was_sealed,
                         const std::string& what, std::string_view how_to_give);

/// `bytes` opened with the key decryption_keys() gives when they are sealed content, else as
/// they are; both checked as check_was_encrypted() does. InputError beginning with `what`
/// when they do not open.
[[nodiscard]] std::string open_if_sealed(std::string bytes, const std::filesystem::path& key_file,
                                         const std::string& what, std::string_view how_to_give);

}  // namespace physiotwin::trust
