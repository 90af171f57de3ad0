// --encrypt-to and --decryption-key: cli/encryption_options.hpp.
#include "cli/encryption_options.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/cli.hpp"
#include "physiotwin/trust/decryption_keys.hpp"
#include "physiotwin/trust/encryption_key.hpp"

namespace physiotwin::cli {

void add_encrypt_to_option(CLI::App& command, std::filesystem::path& recipient_file,
                           const std::string& what) {
  command
      .add_option("--encrypt-to", recipient_file,
                  fmt::format("encrypt {} to this public key (an encryption.pub from `physiotwin "
                              "keys new --for encryption`; docs/security.md)",
                              what))
      ->type_name("KEY.pub")
      ->check(CLI::ExistingFile);
}

std::optional<trust::PublicKey> resolve_recipient(const std::filesystem::path& recipient_file) {
  if (recipient_file.empty()) return std::nullopt;
  return trust::read_recipient_key(recipient_file);
}

void add_decryption_key_option(CLI::App& command, std::filesystem::path& key_file) {
  command
      .add_option(std::string(decryption_key_option), key_file,
                  "private key to open an encrypted twin or snapshot with (default: "
                  "encryption.key in the key folder); given, the input must be encrypted")
      ->type_name("FILE")
      ->check(CLI::ExistingFile);
}

trust::DecryptionKeyProvider decryption_keys(const std::filesystem::path& key_file) {
  return trust::decryption_keys(key_file, decryption_key_option);
}

void check_was_encrypted(const std::filesystem::path& key_file, bool was_sealed,
                         const std::string& what) {
  trust::check_was_encrypted(key_file, was_sealed, what, decryption_key_option);
}

}  // namespace physiotwin::cli
