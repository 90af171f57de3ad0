// Sealed content (encrypted to a recipient's public key): trust/sealed.hpp.
#include "physiotwin/trust/sealed.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <istream>
#include <ostream>
#include <sstream>
#include <vector>

#include "physiotwin/core/error.hpp"
#include "physiotwin/core/sha256.hpp"

namespace physiotwin::trust {

namespace {

// The header's parts, in order (trust/sealed.hpp).
constexpr std::size_t magic_bytes = 8;
constexpr std::size_t version_at = magic_bytes;
constexpr std::size_t recipient_at = version_at + 1;
constexpr std::size_t recipient_bytes = 8;
constexpr std::size_t sealed_key_at = recipient_at + recipient_bytes;
constexpr std::size_t file_key_bytes = crypto_secretstream_xchacha20poly1305_KEYBYTES;
constexpr std::size_t sealed_key_bytes = crypto_box_SEALBYTES + file_key_bytes;
constexpr std::size_t stream_header_at = sealed_key_at + sealed_key_bytes;
constexpr std::size_t header_bytes =
    stream_header_at + crypto_secretstream_xchacha20poly1305_HEADERBYTES;
static_assert(header_bytes == 121, "the sealed header's layout is part of the file format");

constexpr std::size_t chunk_overhead = crypto_secretstream_xchacha20poly1305_ABYTES;

using Header = std::array<std::uint8_t, header_bytes>;

/// The key id's bytes (PublicKey::id(), 16 hexadecimal digits) as the header stores them.
std::array<std::uint8_t, recipient_bytes> id_bytes(const PublicKey& key) {
  std::array<std::uint8_t, recipient_bytes> out{};
  (void)crypto::from_hex(key.id(), out);  // id() is always 16 hexadecimal digits
  return out;
}

/// The secret stream's state, wiped when it goes.
struct StreamState {
  crypto_secretstream_xchacha20poly1305_state state{};
  ~StreamState() { sodium_memzero(&state, sizeof state); }
};

/// A 32-byte file key, wiped when it goes.
struct FileKey {
  std::array<std::uint8_t, file_key_bytes> bytes{};
  ~FileKey() { sodium_memzero(bytes.data(), bytes.size()); }
};

std::size_t read_up_to(std::istream& in, std::uint8_t* buffer, std::size_t bytes) {
  in.read(reinterpret_cast<char*>(buffer), static_cast<std::streamsize>(bytes));
  if (in.bad()) throw IoError("reading the content to seal or open failed");
  return static_cast<std::size_t>(in.gcount());
}

bool at_end(std::istream& in) {
  return in.peek() == std::char_traits<char>::eof();
}

}  // namespace

void seal(std::istream& plain, std::ostream& sealed, const PublicKey& recipient) {
  crypto::ensure_sodium();
  Header header{};
  std::memcpy(header.data(), sealed_magic.data(), magic_bytes);
  header[version_at] = sealed_version;
  const auto id = id_bytes(recipient);
  std::copy(id.begin(), id.end(), header.begin() + recipient_at);
  FileKey key;
  crypto_secretstream_xchacha20poly1305_keygen(key.bytes.data());
  if (crypto_box_seal(header.data() + sealed_key_at, key.bytes.data(), key.bytes.size(),
                      recipient.bytes.data()) != 0)
    throw InputError(fmt::format("key {}: not a usable X25519 public key", recipient.id()));
  StreamState stream;
  crypto_secretstream_xchacha20poly1305_init_push(&stream.state, header.data() + stream_header_at,
                                                  key.bytes.data());
  sealed.write(reinterpret_cast<const char*>(header.data()), header.size());

  std::vector<std::uint8_t> in(sealed_chunk_bytes), out(sealed_chunk_bytes + chunk_overhead);
  for (bool last = false; !last;) {
    const std::size_t n = read_up_to(plain, in.data(), in.size());
    last = n < in.size() || at_end(plain);
    unsigned long long written = 0;
    crypto_secretstream_xchacha20poly1305_push(
        &stream.state, out.data(), &written, in.data(), n, header.data(), header.size(),
        last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
    sealed.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(written));
  }
  sodium_memzero(in.data(), in.size());
  if (!sealed) throw IoError("writing the sealed content failed");
}

void open_sealed(std::istream& sealed, std::ostream& plain, const EncryptionKey& key,
                 const std::string& what) {
  crypto::ensure_sodium();
  Header header{};
  const std::size_t got = read_up_to(sealed, header.data(), header.size());
  const std::string_view head(reinterpret_cast<const char*>(header.data()), got);
  if (!is_sealed(head))
    throw InputError(fmt::format("{}: not encrypted (physiotwin-sealed) content", what));
  if (got < header.size())
    throw InputError(fmt::format("{}: encrypted, but shorter than its header: truncated", what));
  if (header[version_at] != sealed_version)
    throw InputError(
        fmt::format("{}: encrypted in format version {}; this physiotwin opens "
                    "version {}",
                    what, header[version_at], sealed_version));
  const std::string recipient = crypto::hex(header.data() + recipient_at, recipient_bytes);
  if (recipient != key.public_key().id())
    throw InputError(
        fmt::format("{}: encrypted to key {}, not to key {}: only the private key of {} opens it",
                    what, recipient, key.public_key().id(), recipient));
  FileKey file_key;
  if (crypto_box_seal_open(file_key.bytes.data(), header.data() + sealed_key_at, sealed_key_bytes,
                           key.public_key().bytes.data(), key.secret().data()) != 0)
    throw InputError(fmt::format(
        "{}: the file key does not open with key {}, which the file names: its header was "
        "modified or damaged",
        what, recipient));
  StreamState stream;
  if (crypto_secretstream_xchacha20poly1305_init_pull(
          &stream.state, header.data() + stream_header_at, file_key.bytes.data()) != 0)
    throw InputError(fmt::format("{}: its stream header is damaged", what));

  std::vector<std::uint8_t> in(sealed_chunk_bytes + chunk_overhead), out(sealed_chunk_bytes);
  std::size_t offset = header.size();
  for (std::size_t chunk = 1;; ++chunk) {
    const std::size_t n = read_up_to(sealed, in.data(), in.size());
    if (n == 0)
      throw InputError(fmt::format("{}: ends after chunk {} without its final chunk: truncated",
                                   what, chunk - 1));
    unsigned long long opened = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&stream.state, out.data(), &opened, &tag,
                                                   in.data(), n, header.data(), header.size()) != 0)
      throw InputError(fmt::format(
          "{}: chunk {} (bytes {} to {}) fails its authentication: the file was modified, "
          "damaged or truncated; nothing of it can be trusted",
          what, chunk, offset, offset + n - 1));
    plain.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(opened));
    offset += n;
    if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
      if (!at_end(sealed))
        throw InputError(
            fmt::format("{}: bytes follow its final chunk (from byte {}): the file was extended",
                        what, offset));
      break;
    }
    if (n < in.size())
      throw InputError(
          fmt::format("{}: ends after chunk {} without its final chunk: truncated", what, chunk));
  }
  sodium_memzero(out.data(), out.size());
  if (!plain) throw IoError(fmt::format("{}: writing the opened content failed", what));
}

std::string seal(std::string_view plain, const PublicKey& recipient) {
  std::istringstream in{std::string(plain)};
  std::ostringstream out;
  seal(in, out, recipient);
  return std::move(out).str();
}

std::string open_sealed(std::string_view sealed, const EncryptionKey& key,
                        const std::string& what) {
  std::istringstream in{std::string(sealed)};
  std::ostringstream out;
  open_sealed(in, out, key, what);
  return std::move(out).str();
}

}  // namespace physiotwin::trust
