// --signing-key and --unsigned: cli/signing_options.hpp.
#include "cli/signing_options.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/cli.hpp"
#include "physiotwin/trust/signing_key.hpp"

namespace physiotwin::cli {

void add_signing_options(CLI::App& command, SigningOptions& options) {
  auto* key = command
                  .add_option("--signing-key", options.key_file,
                              "private key to sign the output with (default: signing.key in the "
                              "key folder, created at first use; docs/security.md)")
                  ->check(CLI::ExistingFile);
  command
      .add_flag("--unsigned", options.unsigned_output,
                "write the output unsigned (no /signature: `physiotwin verify` cannot vouch "
                "for it)")
      ->excludes(key);
}

std::shared_ptr<const trust::SigningKey> resolve_signing_key(const SigningOptions& options) {
  if (options.unsigned_output) return nullptr;
  if (!options.key_file.empty())
    return std::make_shared<const trust::SigningKey>(trust::read_signing_key(options.key_file));
  const std::filesystem::path folder = trust::default_key_directory();
  const std::filesystem::path file = folder / trust::signing_key_file_name;
  std::error_code error;
  if (std::filesystem::exists(file, error))
    return std::make_shared<const trust::SigningKey>(trust::read_signing_key(file));
  const trust::SigningKey key = trust::SigningKey::generate();
  try {
    trust::write_key_pair(key, folder);
  } catch (const InputError&) {
    // Another run made the default key at the same moment (two commands started together on
    // a new machine): sign with that one.
    if (std::filesystem::exists(file, error))
      return std::make_shared<const trust::SigningKey>(trust::read_signing_key(file));
    throw;
  }
  fmt::print(stderr,
             "physiotwin: created a signing key (id {}) in {}: its public key, {}, is what "
             "others need to verify your files\n",
             key.public_key().id(), folder.string(),
             (folder / trust::public_key_file_name).string());
  return std::make_shared<const trust::SigningKey>(key);
}

}  // namespace physiotwin::cli
