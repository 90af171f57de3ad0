#pragma once
// SHA-256 and HMAC-SHA256 from libsodium (docs/architecture.md, "Dependencies"), for the
// digests that name records in messages and models in outputs, and for the keyed index of the
// local record-code table (patient/record_codes.hpp); and libsodium's secure random bytes, for
// that table's key and its random record codes. Thin wrappers: the library does the work.
#include <sodium.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace physiotwin::crypto {

using Digest = std::array<std::uint8_t, crypto_hash_sha256_BYTES>;

/// libsodium's one-time initialisation (thread-safe; picks the fastest implementation and
/// seeds its random generator). Every function here calls it first.
inline void ensure_sodium() {
  static const int status = sodium_init();
  if (status < 0) throw std::runtime_error("libsodium could not be initialised");
}

[[nodiscard]] inline Digest sha256(std::string_view data) {
  ensure_sodium();
  Digest out{};
  crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return out;
}

/// HMAC-SHA256 (RFC 2104) with a key of any length.
[[nodiscard]] inline Digest hmac_sha256(std::string_view key, std::string_view message) {
  ensure_sodium();
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  Digest out{};
  crypto_auth_hmacsha256_final(&state, out.data());
  return out;
}

/// Lower-case hexadecimal of the first `bytes` bytes.
[[nodiscard]] inline std::string hex(const std::uint8_t* data, std::size_t bytes) {
  std::string out(2 * bytes + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, bytes);
  out.pop_back();
  return out;
}
[[nodiscard]] inline std::string hex(const Digest& d, std::size_t bytes = 32) {
  return hex(d.data(), bytes < d.size() ? bytes : d.size());
}

/// Fills `out` from exactly 2N hexadecimal digits; false for anything else.
template <std::size_t N>
[[nodiscard]] inline bool from_hex(std::string_view text, std::array<std::uint8_t, N>& out) {
  ensure_sodium();
  std::size_t written = 0;
  return text.size() == 2 * N &&
         sodium_hex2bin(out.data(), N, text.data(), text.size(), nullptr, &written, nullptr) == 0 &&
         written == N;
}

/// `bytes` bytes from the operating system's secure random generator, in hexadecimal.
[[nodiscard]] inline std::string random_hex(std::size_t bytes) {
  ensure_sodium();
  std::array<std::uint8_t, 64> buffer{};
  if (bytes > buffer.size()) bytes = buffer.size();
  randombytes_buf(buffer.data(), bytes);
  return hex(buffer.data(), bytes);
}

}  // namespace physiotwin::crypto
