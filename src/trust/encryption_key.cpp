// X25519 keys and their files: trust/encryption_key.hpp.
#include "physiotwin/trust/encryption_key.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "physiotwin/core/error.hpp"
#include "physiotwin/core/sha256.hpp"
#include "trust/key_files.hpp"

namespace physiotwin::trust {

using namespace detail;

EncryptionKey EncryptionKey::generate() {
  crypto::ensure_sodium();
  EncryptionKey key;
  crypto_box_keypair(key.public_.bytes.data(), key.secret_.data());
  return key;
}

EncryptionKey EncryptionKey::from_secret(std::span<const std::uint8_t, 32> secret) {
  crypto::ensure_sodium();
  EncryptionKey key;
  std::copy(secret.begin(), secret.end(), key.secret_.begin());
  crypto_scalarmult_base(key.public_.bytes.data(), key.secret_.data());
  return key;
}

EncryptionKey::EncryptionKey(const EncryptionKey&) = default;
EncryptionKey& EncryptionKey::operator=(const EncryptionKey&) = default;
EncryptionKey::~EncryptionKey() {
  sodium_memzero(secret_.data(), secret_.size());
}

std::filesystem::path write_encryption_key_pair(const EncryptionKey& key,
                                                const std::filesystem::path& folder) {
  return write_key_files(folder, encryption_key_files, key.public_key(),
                         crypto::hex(key.secret().data(), key.secret().size()));
}

EncryptionKey read_encryption_key(const std::filesystem::path& file) {
  nlohmann::json j = read_private_key_json(file, encryption_key_files);
  std::string secret_text = string_field(j, "secret_key", file);
  std::array<std::uint8_t, 32> secret =
      bytes_from_hex<32>(secret_text, file.string() + ": secret_key");
  sodium_memzero(secret_text.data(), secret_text.size());
  std::string& stored = j["secret_key"].get_ref<std::string&>();
  sodium_memzero(stored.data(), stored.size());
  EncryptionKey key = EncryptionKey::from_secret(secret);
  sodium_memzero(secret.data(), secret.size());
  if (key.public_key().hex() != string_field(j, "public_key", file))
    throw InputError(fmt::format(
        "{}: the secret key and the public key do not belong together (a corrupt key file)",
        file.string()));
  return key;
}

PublicKey read_recipient_key(const std::filesystem::path& file) {
  return read_public_key_of_kind(file, encryption_key_files);
}

}  // namespace physiotwin::trust
