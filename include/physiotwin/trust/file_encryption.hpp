#pragma once
// Whole files sealed to a recipient and opened again, streaming (docs/security.md, "Encrypted
// twins"): what `physiotwin encrypt` / `decrypt` and Python's `pt.encrypt` / `pt.decrypt` do,
// one implementation for both. The caller checks the output path first
// (io::check_output_file); these refuse the wrong kind of input and write the output whole or
// not at all. Compiled (src/trust/file_encryption.cpp).
#include <filesystem>
#include <string>
#include <string_view>

#include "physiotwin/trust/encryption_key.hpp"

namespace physiotwin::trust {

/// `file` encrypted to `recipient` onto `out`, atomically. InputError, nothing written, when
/// `file` is not a readable regular file or is already encrypted (its recipient's key named).
/// IoError if reading or writing fails.
void encrypt_file(const std::filesystem::path& file, const PublicKey& recipient,
                  const std::filesystem::path& out);

/// `file` opened onto `out`, atomically and mode 0600 from its creation, with the key
/// decryption_keys(key_file, how_to_give) gives; returns the key id it was opened with.
/// InputError, nothing written, when `file` is not a readable regular file, is not encrypted,
/// no key opens it, or it was changed, truncated or extended.
std::string decrypt_file(const std::filesystem::path& file, const std::filesystem::path& out,
                         const std::filesystem::path& key_file, std::string_view how_to_give);

}  // namespace physiotwin::trust
