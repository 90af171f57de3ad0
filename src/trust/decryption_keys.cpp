// Which private key opens an encrypted input: trust/decryption_keys.hpp.
#include "physiotwin/trust/decryption_keys.hpp"

#include <fmt/format.h>

#include <system_error>

#include "physiotwin/core/error.hpp"
#include "physiotwin/trust/encryption_key.hpp"

namespace physiotwin::trust {

DecryptionKeyProvider decryption_keys(const std::filesystem::path& key_file,
                                      std::string_view how_to_give) {
  return [key_file, how = std::string(how_to_give)](const std::string& recipient) {
    if (!key_file.empty()) return read_encryption_key(key_file);
    std::filesystem::path folder;
    try {
      folder = default_key_directory();
    } catch (const InputError&) {
      throw InputError(fmt::format("the input is encrypted to key {}: give its private key with {}",
                                   recipient, how));
    }
    const std::filesystem::path file = folder / encryption_key_file_name;
    std::error_code error;
    if (!std::filesystem::exists(file, error))
      throw InputError(fmt::format(
          "the input is encrypted to key {}, and the key folder {} holds no {}: give its "
          "private key with {}",
          recipient, folder.string(), encryption_key_file_name, how));
    return read_encryption_key(file);
  };
}

void check_was_encrypted(const std::filesystem::path& key_file, bool was_sealed,
                         const std::string& what, std::string_view how_to_give) {
  if (!key_file.empty() && !was_sealed)
    throw InputError(fmt::format(
        "{} is not encrypted, but {} was given: an encrypted one was expected (leave out {} to "
        "read a plain file)",
        what, how_to_give, how_to_give));
}

std::string open_if_sealed(std::string bytes, const std::filesystem::path& key_file,
                           const std::string& what, std::string_view how_to_give) {
  check_was_encrypted(key_file, is_sealed(bytes), what, how_to_give);
  if (!is_sealed(bytes)) return bytes;
  const std::string recipient = sealed_recipient(bytes).value_or("?");
  return open_sealed(bytes, decryption_keys(key_file, how_to_give)(recipient), what);
}

}  // namespace physiotwin::trust
