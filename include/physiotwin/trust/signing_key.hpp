#pragma once
// Ed25519 signing keys (libsodium's crypto_sign), their files and where they live by default:
// docs/security.md, "Keys". A key pair is two JSON files: `signing.key` (the private seed,
// mode 0600, never copied into any output) and `signing.pub` (the public key, to hand to
// whoever verifies). A key's id is the first 16 hexadecimal digits of the SHA-256 of its
// public key, so files and messages can name a key without carrying it.
#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace physiotwin::trust {

inline constexpr const char* signing_key_format = "physiotwin-signing-key";
inline constexpr const char* public_key_format = "physiotwin-public-key";
inline constexpr const char* signing_key_file_name = "signing.key";
inline constexpr const char* public_key_file_name = "signing.pub";

using Signature = std::array<std::uint8_t, 64>;

/// An Ed25519 public key.
struct PublicKey {
  std::array<std::uint8_t, 32> bytes{};
  /// First 16 hexadecimal digits of SHA-256(bytes).
  [[nodiscard]] std::string id() const;
  [[nodiscard]] std::string hex() const;
  /// From 64 hexadecimal digits; InputError naming `what` otherwise.
  [[nodiscard]] static PublicKey from_hex(const std::string& text, const std::string& what);
  friend bool operator==(const PublicKey&, const PublicKey&) = default;
};

/// An Ed25519 key pair. The secret part is wiped when the object goes.
class SigningKey {
 public:
  /// A new key pair from the operating system's secure random generator.
  [[nodiscard]] static SigningKey generate();
  /// The key pair of a 32-byte seed (what a key file stores).
  [[nodiscard]] static SigningKey from_seed(std::span<const std::uint8_t, 32> seed);
  SigningKey(const SigningKey&);
  SigningKey& operator=(const SigningKey&);
  ~SigningKey();

  [[nodiscard]] const PublicKey& public_key() const noexcept { return public_; }
  [[nodiscard]] Signature sign(std::span<const std::uint8_t> message) const;
  /// The seed, for writing the key file only.
  [[nodiscard]] std::array<std::uint8_t, 32> seed() const;

 private:
  SigningKey() = default;
  std::array<std::uint8_t, 64> secret_{};  ///< libsodium's seed || public key
  PublicKey public_;
};

/// Whether `signature` is `key`'s over `message`.
[[nodiscard]] bool signature_valid(const PublicKey& key, std::span<const std::uint8_t> message,
                                   const Signature& signature);

/// Where keys live unless told otherwise: $PHYSIOTWIN_KEYS, else $XDG_CONFIG_HOME/physiotwin/keys,
/// else $HOME/.config/physiotwin/keys. InputError when none of these variables is set.
[[nodiscard]] std::filesystem::path default_key_directory();

/// Writes `key` as `folder`/signing.key (mode 0600) and `folder`/signing.pub, creating the
/// folder (mode 0700) if needed. Refuses (InputError) to replace an existing key file: a lost
/// private key cannot sign again, and files signed with it stay verifiable only by its public
/// key. Returns the private key file's path.
std::filesystem::path write_key_pair(const SigningKey& key, const std::filesystem::path& folder);

/// Reads a private key file; InputError naming the file for a missing, unreadable or corrupt
/// file, a public key given where a private one is expected, or a file readable by others.
[[nodiscard]] SigningKey read_signing_key(const std::filesystem::path& file);

/// Reads a public key file (or the public half of a private key file); InputError naming the
/// file otherwise.
[[nodiscard]] PublicKey read_public_key(const std::filesystem::path& file);

/// Every public key file (*.pub) in `folder`; InputError naming the folder if it cannot be
/// read, or the first file that is not a public key.
[[nodiscard]] std::vector<PublicKey> read_trusted_keys(const std::filesystem::path& folder);

/// The key outputs are signed with, as every writer (the command line, Python) resolves it:
/// `key_file`'s when given; else the default key (default_key_directory()/signing.key),
/// created at first use, `notice` then told where (once: a writer racing this one to create it
/// leaves both signing with the same key); none when `unsigned_output`. InputError for a
/// missing, corrupt or exposed key file.
[[nodiscard]] std::shared_ptr<const SigningKey> signing_key_for_outputs(
    const std::filesystem::path& key_file, bool unsigned_output,
    const std::function<void(const std::string&)>& notice);

/// The trusted public keys verification checks against: the *.pub signing keys in `folder`,
/// or with `folder` empty in the key folder (none if it does not exist). `folder` is set to
/// the folder used (empty: none). InputError naming the folder or file that cannot be read.
[[nodiscard]] std::vector<PublicKey> trusted_keys(std::filesystem::path& folder);

}  // namespace physiotwin::trust
