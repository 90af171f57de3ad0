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
  return trust::signing_key_for_outputs(
      options.key_file, options.unsigned_output,
      [](const std::string& notice) { fmt::print(stderr, "physiotwin: {}\n", notice); });
}

}  // namespace physiotwin::cli
