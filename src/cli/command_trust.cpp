// `physiotwin keys new` and `physiotwin verify FILE`: docs/security.md.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <vector>

#include "cli/cli.hpp"
#include "physiotwin/io/hdf5_signature.hpp"
#include "physiotwin/trust/encryption_key.hpp"
#include "physiotwin/trust/signing_key.hpp"

namespace physiotwin::cli {

namespace {
/// `verify`'s exit status for a file that is not verified: tampered, unsigned or untrusted.
constexpr int exit_not_verified = 1;
}  // namespace

Command add_keys_command(CLI::App& tool) {
  auto* keys = tool.add_subcommand(
      "keys",
      "keys: `keys new` makes a signing key pair, `keys new --for encryption` an "
      "encryption key pair");
  keys->require_subcommand(1);
  auto* create = keys->add_subcommand(
      "new",
      "create a key pair in the key folder: signing.key and signing.pub (Ed25519), or with "
      "--for encryption, encryption.key and encryption.pub (X25519); private keys mode 0600");
  auto folder = std::make_shared<std::filesystem::path>();
  auto purpose = std::make_shared<std::string>("signing");
  create->add_option("--dir", *folder,
                     "folder for the key pair (default: $PHYSIOTWIN_KEYS, else "
                     "$XDG_CONFIG_HOME/physiotwin/keys, else ~/.config/physiotwin/keys)");
  create
      ->add_option("--for", *purpose,
                   "signing (sign the files you write) or encryption (receive encrypted "
                   "twins); default signing")
      ->check(CLI::IsMember({"signing", "encryption"}));
  return {keys, [create, folder, purpose] {
            if (!create->parsed()) return exit_bad_input;
            const std::filesystem::path dir =
                folder->empty() ? trust::default_key_directory() : *folder;
            if (*purpose == "encryption") {
              const trust::EncryptionKey key = trust::EncryptionKey::generate();
              const std::filesystem::path file = trust::write_encryption_key_pair(key, dir);
              fmt::print(
                  "Created encryption key {}:\n  private {} (mode 0600: it alone opens what is "
                  "encrypted to you; keep it, never share it)\n  public  {} (give it to whoever "
                  "writes twins for you: --encrypt-to)\n",
                  key.public_key().id(), file.string(),
                  (dir / trust::encryption_public_key_file_name).string());
              return exit_ok;
            }
            const trust::SigningKey key = trust::SigningKey::generate();
            const std::filesystem::path file = trust::write_key_pair(key, dir);
            fmt::print(
                "Created key {}:\n  private {} (mode 0600: keep it, never share it)\n  "
                "public  {} (give it to whoever verifies your files)\n",
                key.public_key().id(), file.string(), (dir / trust::public_key_file_name).string());
            return exit_ok;
          }};
}

Command add_verify_command(CLI::App& tool) {
  struct Options {
    std::filesystem::path file, trusted;
  };
  auto options = std::make_shared<Options>();
  auto* command = tool.add_subcommand(
      "verify",
      "check a file's signature and every object's digest; exit 0 verified, 1 tampered, "
      "unsigned or signed by an untrusted key, 2 unreadable");
  command->add_option("FILE", options->file, "the HDF5 file")->required();
  command->add_option("--trusted-keys", options->trusted,
                      "folder of trusted public keys (*.pub; default: the key folder)");
  return {command, [options] {
            std::filesystem::path folder = options->trusted;
            const io::Verification v = io::verify_file(options->file, folder);
            fmt::print("{}", io::verification_report(options->file.string(), v, folder));
            return v.status == io::Verification::Status::verified ? exit_ok : exit_not_verified;
          }};
}

}  // namespace physiotwin::cli
