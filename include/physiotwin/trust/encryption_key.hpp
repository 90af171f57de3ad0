#pragma once
// X25519 encryption keys (libsodium's crypto_box), their files and where they live by default:
// docs/security.md, "Encrypted twins". A key pair is two JSON files beside the signing key:
// `encryption.key` (the private key, mode 0600, never in any output) and `encryption.pub`
// (the public key: whoever writes twins for you encrypts to it with --encrypt-to). A key's id
// is, as for signing keys, the first 16 hexadecimal digits of the SHA-256 of its public key.
// Separate from the signing key on purpose: a key is used for one thing (libsodium's advice),
// so rotating one never forces rotating the other.
#include <array>
#include <cstdint>
#include <filesystem>

#include "physiotwin/trust/signing_key.hpp"

namespace physiotwin::trust {

inline constexpr const char* encryption_key_format = "physiotwin-encryption-key";
inline constexpr const char* encryption_key_file_name = "encryption.key";
inline constexpr const char* encryption_public_key_file_name = "encryption.pub";

/// An X25519 key pair. The secret part is wiped when the object goes. Its public half is a
/// PublicKey (32 bytes and their id), read from a file by read_recipient_key().
class EncryptionKey {
 public:
  /// A new key pair from the operating system's secure random generator.
  [[nodiscard]] static EncryptionKey generate();
  /// The key pair of a 32-byte secret key (what a key file stores).
  [[nodiscard]] static EncryptionKey from_secret(std::span<const std::uint8_t, 32> secret);
  EncryptionKey(const EncryptionKey&);
  EncryptionKey& operator=(const EncryptionKey&);
  ~EncryptionKey();

  [[nodiscard]] const PublicKey& public_key() const noexcept { return public_; }
  /// The secret key, for libsodium's crypto_box_seal_open and for writing the key file only.
  [[nodiscard]] const std::array<std::uint8_t, 32>& secret() const noexcept { return secret_; }

 private:
  EncryptionKey() = default;
  std::array<std::uint8_t, 32> secret_{};
  PublicKey public_;
};

/// Writes `key` as `folder`/encryption.key (mode 0600) and `folder`/encryption.pub, creating
/// the folder (mode 0700) if needed. Refuses (InputError) to replace an existing key file: a
/// lost private key opens nothing encrypted to it. Returns the private key file's path.
std::filesystem::path write_encryption_key_pair(const EncryptionKey& key,
                                                const std::filesystem::path& folder);

/// Reads a private encryption key file; InputError naming the file for a missing, unreadable
/// or corrupt file, a signing key or a public key given where it is needed, or a file readable
/// by others.
[[nodiscard]] EncryptionKey read_encryption_key(const std::filesystem::path& file);

/// The public key to encrypt to, from an encryption public key file (or the public half of a
/// private one); InputError naming the file otherwise (a signing key included).
[[nodiscard]] PublicKey read_recipient_key(const std::filesystem::path& file);

}  // namespace physiotwin::trust
