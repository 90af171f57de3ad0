// Ed25519 keys and their files: trust/signing_key.hpp.
#include "physiotwin/trust/signing_key.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <system_error>

#include "physiotwin/core/error.hpp"
#include "physiotwin/core/sha256.hpp"
#include "trust/key_files.hpp"

namespace physiotwin::trust {

using namespace detail;

std::string PublicKey::id() const {
  const std::string_view view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return crypto::hex(crypto::sha256(view), 8);
}

std::string PublicKey::hex() const {
  return crypto::hex(bytes.data(), bytes.size());
}

PublicKey PublicKey::from_hex(const std::string& text, const std::string& what) {
  return PublicKey{bytes_from_hex<32>(text, what)};
}

SigningKey SigningKey::generate() {
  crypto::ensure_sodium();
  std::array<std::uint8_t, 32> seed{};
  randombytes_buf(seed.data(), seed.size());
  SigningKey key = from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

SigningKey SigningKey::from_seed(std::span<const std::uint8_t, 32> seed) {
  crypto::ensure_sodium();
  SigningKey key;
  crypto_sign_seed_keypair(key.public_.bytes.data(), key.secret_.data(), seed.data());
  return key;
}

SigningKey::SigningKey(const SigningKey&) = default;
SigningKey& SigningKey::operator=(const SigningKey&) = default;
SigningKey::~SigningKey() {
  sodium_memzero(secret_.data(), secret_.size());
}

Signature SigningKey::sign(std::span<const std::uint8_t> message) const {
  Signature out{};
  crypto_sign_detached(out.data(), nullptr, message.data(), message.size(), secret_.data());
  return out;
}

std::array<std::uint8_t, 32> SigningKey::seed() const {
  std::array<std::uint8_t, 32> out{};
  crypto_sign_ed25519_sk_to_seed(out.data(), secret_.data());
  return out;
}

bool signature_valid(const PublicKey& key, std::span<const std::uint8_t> message,
                     const Signature& signature) {
  crypto::ensure_sodium();
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     key.bytes.data()) == 0;
}

std::filesystem::path default_key_directory() {
  if (const char* keys = std::getenv("PHYSIOTWIN_KEYS"); keys && *keys) return keys;
  if (const char* config = std::getenv("XDG_CONFIG_HOME"); config && *config)
    return std::filesystem::path(config) / "physiotwin" / "keys";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".config" / "physiotwin" / "keys";
  throw InputError(
      "no folder for signing keys: set PHYSIOTWIN_KEYS (or HOME) or pass --signing-key");
}

std::filesystem::path write_key_pair(const SigningKey& key, const std::filesystem::path& folder) {
  std::array<std::uint8_t, 32> seed = key.seed();
  std::string seed_hex = crypto::hex(seed.data(), seed.size());
  sodium_memzero(seed.data(), seed.size());
  return write_key_files(folder, signing_key_files, key.public_key(), std::move(seed_hex));
}

SigningKey read_signing_key(const std::filesystem::path& file) {
  const nlohmann::json j = read_private_key_json(file, signing_key_files);
  std::array<std::uint8_t, 32> seed =
      bytes_from_hex<32>(string_field(j, "seed", file), file.string() + ": seed");
  SigningKey key = SigningKey::from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
  if (key.public_key().hex() != string_field(j, "public_key", file))
    throw InputError(
        fmt::format("{}: the seed and the public key do not belong together (a "
                    "corrupt key file)",
                    file.string()));
  return key;
}

PublicKey read_public_key(const std::filesystem::path& file) {
  return read_public_key_of_kind(file, signing_key_files);
}

std::vector<PublicKey> read_trusted_keys(const std::filesystem::path& folder) {
  std::error_code error;
  std::filesystem::directory_iterator it(folder, error);
  if (error)
    throw InputError(fmt::format("{}: cannot read the folder of trusted keys: {}", folder.string(),
                                 error.message()));
  std::vector<std::filesystem::path> files;
  for (const auto& entry : it)
    if (entry.path().extension() == ".pub") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<PublicKey> keys;
  for (const auto& f : files) {
    // The folder also holds the public half of an encryption key pair (encryption.pub): it
    // signs nothing, so it vouches for nothing.
    if (read_key_json(f)["algorithm"] == x25519) continue;
    keys.push_back(read_public_key(f));
  }
  return keys;
}

std::shared_ptr<const SigningKey> signing_key_for_outputs(
    const std::filesystem::path& key_file, bool unsigned_output,
    const std::function<void(const std::string&)>& notice) {
  if (unsigned_output) return nullptr;
  if (!key_file.empty()) return std::make_shared<const SigningKey>(read_signing_key(key_file));
  const std::filesystem::path folder = default_key_directory();
  const std::filesystem::path file = folder / signing_key_file_name;
  std::error_code error;
  if (std::filesystem::exists(file, error))
    return std::make_shared<const SigningKey>(read_signing_key(file));
  const SigningKey key = SigningKey::generate();
  try {
    write_key_pair(key, folder);
  } catch (const InputError&) {
    // Another writer made the default key at the same moment (two commands started together
    // on a new machine): sign with that one.
    if (std::filesystem::exists(file, error))
      return std::make_shared<const SigningKey>(read_signing_key(file));
    throw;
  }
  if (notice)
    notice(fmt::format(
        "created a signing key (id {}) in {}: its public key, {}, is what others need to "
        "verify your files",
        key.public_key().id(), folder.string(), (folder / public_key_file_name).string()));
  return std::make_shared<const SigningKey>(key);
}

std::vector<PublicKey> trusted_keys(std::filesystem::path& folder) {
  if (folder.empty()) {
    folder = default_key_directory();
    std::error_code error;
    if (!std::filesystem::is_directory(folder, error)) {
      folder.clear();
      return {};
    }
  }
  return read_trusted_keys(folder);
}

}  // namespace physiotwin::trust
