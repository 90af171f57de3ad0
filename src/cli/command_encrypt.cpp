// `physiotwin encrypt FILE --to KEY` and `physiotwin decrypt FILE`: any file sealed to a
// recipient's key and opened again, streaming (docs/security.md, "Encrypted twins").
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <vector>

#include "cli/cli.hpp"
#include "cli/encryption_options.hpp"
#include "physiotwin/trust/encryption_key.hpp"
#include "physiotwin/trust/file_encryption.hpp"

namespace physiotwin::cli {

Command add_encrypt_command(CLI::App& tool) {
  struct Options {
    std::filesystem::path file, recipient, out;
  };
  auto options = std::make_shared<Options>();
  auto* command = tool.add_subcommand(
      "encrypt",
      "encrypt a file to a recipient's public key (docs/security.md): a twin parameter file "
      "`run --patient` then opens with the private key, or any file to send");
  command->add_option("FILE", options->file, "the file to encrypt")->required();
  command->add_option("--to", options->recipient, "the recipient's public key (encryption.pub)")
      ->type_name("KEY.pub")
      ->required();
  command->add_option("--out", options->out, "the encrypted file; never an input")->required();
  return {command, [options] {
            check_output(options->out, std::vector<io::InputFile>{
                                           {options->file, "the file to encrypt"},
                                           {options->recipient, "the recipient's key (--to)"}});
            const trust::PublicKey recipient = trust::read_recipient_key(options->recipient);
            trust::encrypt_file(options->file, recipient, options->out);
            fmt::print("Wrote {}, encrypted to key {}.\n", options->out.string(), recipient.id());
            return exit_ok;
          }};
}

Command add_decrypt_command(CLI::App& tool) {
  struct Options {
    std::filesystem::path file, key, out;
  };
  auto options = std::make_shared<Options>();
  auto* command = tool.add_subcommand(
      "decrypt", "open a file encrypted to your key; the plain file is written mode 0600");
  command->add_option("FILE", options->file, "the encrypted file")->required();
  add_decryption_key_option(*command, options->key);
  command->add_option("--out", options->out, "the plain file; never an input")->required();
  return {
      command, [options] {
        std::vector<io::InputFile> inputs{{options->file, "the encrypted file"}};
        if (!options->key.empty())
          inputs.push_back({options->key, "the decryption key (--decryption-key)"});
        check_output(options->out, inputs);
        const std::string recipient =
            trust::decrypt_file(options->file, options->out, options->key, decryption_key_option);
        fmt::print("Wrote {} (mode 0600), opened with key {}.\n", options->out.string(), recipient);
        return exit_ok;
      }};
}

}  // namespace physiotwin::cli
