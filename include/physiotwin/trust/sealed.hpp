#pragma once
// Sealed content: bytes encrypted to one recipient's X25519 public key (docs/security.md,
// "Encrypted twins"), the format of encrypted twin parameter files and snapshots.
//
//   header  "PTSEALED" | version (1 byte, 1) | recipient key id (8 bytes) |
//           file key sealed to the recipient (crypto_box_seal: 48 + 32 bytes) |
//           secret-stream header (24 bytes)                               = 121 bytes
//   chunks  XChaCha20-Poly1305 secret stream (crypto_secretstream_xchacha20poly1305) of the
//           content in pieces of 64 KiB, each 17 bytes longer than its plaintext, each
//           authenticated with the whole header as additional data; the last one (possibly
//           empty) tagged FINAL
//
// A random file key per file; only the recipient's private key opens the sealed file key.
// Every chunk is authenticated, the header with it, and the stream's order and end are part
// of what is authenticated: a changed, removed, reordered, appended or truncated byte fails
// to open, and nothing of the content is returned then. Large content streams through 64 KiB
// at a time.
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "physiotwin/core/sha256.hpp"
#include "physiotwin/trust/encryption_key.hpp"

namespace physiotwin::trust {

inline constexpr std::string_view sealed_magic = "PTSEALED";
inline constexpr int sealed_version = 1;
inline constexpr std::size_t sealed_chunk_bytes = 64 * 1024;

/// How a reader gets the private key for sealed content it meets: called with the key id the
/// content names, only when sealed content is met (a plain input needs no key); throws
/// InputError saying where the key was looked for when it has none.
using DecryptionKeyProvider = std::function<EncryptionKey(const std::string& recipient_id)>;

/// Whether `bytes` begin as sealed content (its magic): what a reader checks first.
[[nodiscard]] inline bool is_sealed(std::string_view bytes) noexcept {
  return bytes.substr(0, sealed_magic.size()) == sealed_magic;
}
[[nodiscard]] inline bool is_sealed(std::span<const std::uint8_t> bytes) noexcept {
  return is_sealed(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

/// The key id sealed content names as its recipient (16 hexadecimal digits: bytes 9 to 16 of
/// the header), if `bytes` begin with that much of a header.
[[nodiscard]] inline std::optional<std::string> sealed_recipient(std::string_view bytes) {
  constexpr std::size_t at = sealed_magic.size() + 1, length = 8;
  if (!is_sealed(bytes) || bytes.size() < at + length) return std::nullopt;
  return crypto::hex(reinterpret_cast<const std::uint8_t*>(bytes.data()) + at, length);
}
[[nodiscard]] inline std::optional<std::string> sealed_recipient(
    std::span<const std::uint8_t> bytes) {
  return sealed_recipient(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

/// Encrypts `plain` to `recipient`, streaming, onto `sealed`. IoError if either stream fails.
void seal(std::istream& plain, std::ostream& sealed, const PublicKey& recipient);

/// Decrypts `sealed` with `key` onto `plain`, streaming. InputError, beginning with `what`
/// (the file, or the snapshot and its file), when it is not sealed content, was sealed to
/// another key (both ids named), or was changed, truncated or extended (the chunk named).
/// On an error, part of the content may already be on `plain`: discard it (the string form
/// below returns nothing then).
void open_sealed(std::istream& sealed, std::ostream& plain, const EncryptionKey& key,
                 const std::string& what);

/// The same, in memory.
[[nodiscard]] std::string seal(std::string_view plain, const PublicKey& recipient);
[[nodiscard]] std::string open_sealed(std::string_view sealed, const EncryptionKey& key,
                                      const std::string& what);

}  // namespace physiotwin::trust
