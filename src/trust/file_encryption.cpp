// Whole files sealed and opened: trust/file_encryption.hpp.
#include "physiotwin/trust/file_encryption.hpp"

#include <fmt/format.h>

#include <fstream>
#include <system_error>

#include "physiotwin/core/atomic_file.hpp"
#include "physiotwin/core/error.hpp"
#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/trust/decryption_keys.hpp"
#include "physiotwin/trust/sealed.hpp"

namespace physiotwin::trust {

namespace {

/// `file` opened for reading, with its first bytes (enough to tell sealed content and name its
/// recipient). Only a regular file: its head is read apart from the stream, which a fifo would
/// lose.
struct OpenedFile {
  std::ifstream stream;
  std::string head;
};
OpenedFile open_regular_file(const std::filesystem::path& file) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error))
    throw InputError(fmt::format("{}: does not exist or is not a regular file", file.string()));
  OpenedFile in{std::ifstream(file, std::ios::binary), read_file_head(file, 32)};
  if (!in.stream) throw InputError(fmt::format("{}: cannot open it for reading", file.string()));
  return in;
}

}  // namespace

void encrypt_file(const std::filesystem::path& file, const PublicKey& recipient,
                  const std::filesystem::path& out) {
  OpenedFile in = open_regular_file(file);
  if (const auto sealed_to = sealed_recipient(in.head))
    throw InputError(fmt::format("{}: already encrypted (to key {}); nothing written",
                                 file.string(), *sealed_to));
  write_file_atomically(out, [&](std::ostream& sealed) { seal(in.stream, sealed, recipient); });
}

std::string decrypt_file(const std::filesystem::path& file, const std::filesystem::path& out,
                         const std::filesystem::path& key_file, std::string_view how_to_give) {
  OpenedFile in = open_regular_file(file);
  if (!is_sealed(in.head))
    throw InputError(fmt::format(
        "{}: not encrypted (no physiotwin-sealed header): a plain file, where an encrypted one "
        "is expected; nothing written",
        file.string()));
  const std::string recipient = sealed_recipient(in.head).value_or("?");
  const EncryptionKey key = decryption_keys(key_file, how_to_give)(recipient);
  write_file_atomically(
      out, [&](std::ostream& plain) { open_sealed(in.stream, plain, key, file.string()); },
      /*owner_only=*/true);
  return recipient;
}

}  // namespace physiotwin::trust
