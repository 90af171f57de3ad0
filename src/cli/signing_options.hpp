#pragma once
// The signing options every command that writes a file shares (docs/security.md): the key is
// resolved before anything is computed, so a bad key file fails with nothing written.
#include <filesystem>
#include <memory>

namespace CLI {
class App;
}
namespace physiotwin::trust {
class SigningKey;
}

namespace physiotwin::cli {

struct SigningOptions {
  std::filesystem::path key_file;  ///< --signing-key; empty: the default key
  bool unsigned_output = false;    ///< --unsigned
};

/// Adds --signing-key FILE and --unsigned to `command`.
void add_signing_options(CLI::App& command, SigningOptions& options);

/// The key outputs are signed with: --signing-key's; else the default key
/// (trust::default_key_directory()), created at first use with a line on stderr saying where;
/// none with --unsigned. InputError (exit 2) for a missing, corrupt or exposed key file.
[[nodiscard]] std::shared_ptr<const trust::SigningKey> resolve_signing_key(
    const SigningOptions& options);

}  // namespace physiotwin::cli
