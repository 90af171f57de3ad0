// Ed25519 keys and their files: trust/signing_key.hpp.
#include "physiotwin/trust/signing_key.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "physiotwin/core/atomic_file.hpp"
#include "physiotwin/core/error.hpp"
#include "physiotwin/core/sha256.hpp"

namespace physiotwin::trust {

namespace {

constexpr int key_file_version = 1;

/// `bytes` bytes from hexadecimal text; InputError naming `what` if it is anything else.
template <std::size_t N>
std::array<std::uint8_t, N> from_hex(const std::string& text, const std::string& what) {
  std::array<std::uint8_t, N> out{};
  if (!crypto::from_hex(text, out))
    throw InputError(fmt::format("{}: expected {} hexadecimal digits", what, 2 * N));
  return out;
}

nlohmann::json read_key_json(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open the key file", file.string()));
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("format") || !j["format"].is_string())
    throw InputError(
        fmt::format("{}: not a physiotwin key file (corrupt or another format)", file.string()));
  if (j.value("version", 0) != key_file_version || j.value("algorithm", "") != "Ed25519")
    throw InputError(
        fmt::format("{}: a key of another version or algorithm (this physiotwin reads "
                    "version {} Ed25519 keys)",
                    file.string(), key_file_version));
  return j;
}

std::string string_field(const nlohmann::json& j, const char* key,
                         const std::filesystem::path& file) {
  if (!j.contains(key) || !j[key].is_string())
    throw InputError(fmt::format("{}: the key file has no \"{}\"", file.string(), key));
  return j[key].get<std::string>();
}

/// Writes `text` to a new file `path` created with `mode`, never replacing one.
void write_new_file(const std::filesystem::path& path, const std::string& text, mode_t mode) {
  const std::filesystem::path temporary = temporary_name_for(path);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    throw IoError(fmt::format("{}: cannot create the key file in its folder", path.string()));
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  const bool closed = ::close(fd) == 0;
  // link(2), unlike rename(2), fails when the name exists: an existing key is never replaced,
  // even by a writer racing this one.
  const bool linked = written && synced && closed && ::link(temporary.c_str(), path.c_str()) == 0;
  const int link_error = errno;
  ::unlink(temporary.c_str());
  if (!linked) {
    if (written && synced && closed && link_error == EEXIST)
      throw InputError(
          fmt::format("{}: a key file is already there; it is never replaced "
                      "(choose another folder, or move it away first)",
                      path.string()));
    throw IoError(fmt::format("{}: could not write the key file", path.string()));
  }
}

}  // namespace

std::string PublicKey::id() const {
  const std::string_view view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return crypto::hex(crypto::sha256(view), 8);
}

std::string PublicKey::hex() const {
  return crypto::hex(bytes.data(), bytes.size());
}

PublicKey PublicKey::from_hex(const std::string& text, const std::string& what) {
  return PublicKey{trust::from_hex<32>(text, what)};
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
  std::error_code error;
  // A new folder is the owner's alone (0700): it will hold the private key.
  if (std::filesystem::create_directories(folder, error) && !error)
    std::filesystem::permissions(folder, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, error);
  if (error)
    throw IoError(
        fmt::format("{}: cannot create the key folder: {}", folder.string(), error.message()));
  const std::filesystem::path private_file = folder / signing_key_file_name;
  const std::filesystem::path public_file = folder / public_key_file_name;
  const PublicKey& pub = key.public_key();
  nlohmann::json common = {{"format", ""},
                           {"version", key_file_version},
                           {"algorithm", "Ed25519"},
                           {"key_id", pub.id()},
                           {"public_key", pub.hex()}};
  nlohmann::json private_json = common;
  private_json["format"] = signing_key_format;
  std::array<std::uint8_t, 32> seed = key.seed();
  private_json["seed"] = crypto::hex(seed.data(), seed.size());
  sodium_memzero(seed.data(), seed.size());
  nlohmann::json public_json = common;
  public_json["format"] = public_key_format;
  if (std::filesystem::exists(public_file, error))
    throw InputError(
        fmt::format("{}: a key file is already there; it is never replaced (choose "
                    "another folder, or move it away first)",
                    public_file.string()));
  write_new_file(private_file, private_json.dump(1) + "\n", S_IRUSR | S_IWUSR);
  write_new_file(public_file, public_json.dump(1) + "\n", S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH);
  return private_file;
}

SigningKey read_signing_key(const std::filesystem::path& file) {
  const nlohmann::json j = read_key_json(file);
  if (j["format"] == public_key_format)
    throw InputError(
        fmt::format("{}: a public key, where a private signing key is needed", file.string()));
  if (j["format"] != signing_key_format)
    throw InputError(fmt::format("{}: not a physiotwin signing key", file.string()));
  struct stat status {};
  if (::stat(file.c_str(), &status) == 0 && (status.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    throw InputError(
        fmt::format("{}: the private key is readable by others (mode {:o}); make "
                    "it 0600 (chmod 600) and consider it exposed",
                    file.string(), status.st_mode & 0777));
  std::array<std::uint8_t, 32> seed =
      from_hex<32>(string_field(j, "seed", file), file.string() + ": seed");
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
  const nlohmann::json j = read_key_json(file);
  if (j["format"] != public_key_format && j["format"] != signing_key_format)
    throw InputError(fmt::format("{}: not a physiotwin public key", file.string()));
  const PublicKey key =
      PublicKey::from_hex(string_field(j, "public_key", file), file.string() + ": public_key");
  if (j.contains("key_id") && j["key_id"] != key.id())
    throw InputError(
        fmt::format("{}: the key id does not match the public key (a corrupt key "
                    "file)",
                    file.string()));
  return key;
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
  for (const auto& f : files) keys.push_back(read_public_key(f));
  return keys;
}

}  // namespace physiotwin::trust
