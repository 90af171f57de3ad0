// The key files' shared handling: trust/key_files.hpp.
#include "trust/key_files.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

#include "physiotwin/core/atomic_file.hpp"
#include "physiotwin/core/error.hpp"

namespace physiotwin::trust::detail {

namespace {
std::string kind_of(const std::string& algorithm) {
  if (algorithm == ed25519) return "a signing key (Ed25519)";
  if (algorithm == x25519) return "an encryption key (X25519)";
  return "a key of algorithm \"" + algorithm + "\"";
}
}  // namespace

nlohmann::json read_key_json(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open the key file", file.string()));
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("format") || !j["format"].is_string() ||
      !j.contains("algorithm") || !j["algorithm"].is_string())
    throw InputError(
        fmt::format("{}: not a physiotwin key file (corrupt or another format)", file.string()));
  if (j.value("version", 0) != key_file_version)
    throw InputError(
        fmt::format("{}: a key file of another version (this physiotwin reads version {} keys)",
                    file.string(), key_file_version));
  return j;
}

void check_algorithm(const nlohmann::json& key, const std::filesystem::path& file,
                     const char* expected) {
  const std::string algorithm = key["algorithm"].get<std::string>();
  if (algorithm != expected)
    throw InputError(fmt::format("{}: {}, where {} is needed", file.string(), kind_of(algorithm),
                                 kind_of(expected)));
}

std::string string_field(const nlohmann::json& key, const char* name,
                         const std::filesystem::path& file) {
  if (!key.contains(name) || !key[name].is_string())
    throw InputError(fmt::format("{}: the key file has no \"{}\"", file.string(), name));
  return key[name].get<std::string>();
}

PublicKey public_key_of(const nlohmann::json& key, const std::filesystem::path& file) {
  const PublicKey pub =
      PublicKey::from_hex(string_field(key, "public_key", file), file.string() + ": public_key");
  if (key.contains("key_id") && key["key_id"] != pub.id())
    throw InputError(fmt::format(
        "{}: the key id does not match the public key (a corrupt key file)", file.string()));
  return pub;
}

nlohmann::json read_private_key_json(const std::filesystem::path& file, const KeyFileNames& kind) {
  nlohmann::json j = read_key_json(file);
  check_algorithm(j, file, kind.algorithm);
  if (j["format"] == public_key_format)
    throw InputError(fmt::format("{}: a public key, where a private {} is needed{}", file.string(),
                                 kind.name, kind.public_key_use));
  if (j["format"] != kind.private_format)
    throw InputError(fmt::format("{}: not a physiotwin {}", file.string(), kind.name));
  check_private_mode(file);
  return j;
}

PublicKey read_public_key_of_kind(const std::filesystem::path& file, const KeyFileNames& kind) {
  const nlohmann::json j = read_key_json(file);
  check_algorithm(j, file, kind.algorithm);
  if (j["format"] != public_key_format && j["format"] != kind.private_format)
    throw InputError(fmt::format("{}: not a physiotwin public key", file.string()));
  return public_key_of(j, file);
}

void check_private_mode(const std::filesystem::path& file) {
  struct stat status {};
  if (::stat(file.c_str(), &status) == 0 && (status.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    throw InputError(
        fmt::format("{}: the private key is readable by others (mode {:o}); make "
                    "it 0600 (chmod 600) and consider it exposed",
                    file.string(), status.st_mode & 0777));
}

void create_key_folder(const std::filesystem::path& folder) {
  std::error_code error;
  // A new folder is the owner's alone (0700): it will hold the private key.
  if (std::filesystem::create_directories(folder, error) && !error)
    std::filesystem::permissions(folder, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, error);
  if (error)
    throw IoError(
        fmt::format("{}: cannot create the key folder: {}", folder.string(), error.message()));
}

std::filesystem::path write_key_files(const std::filesystem::path& folder,
                                      const KeyFileNames& names, const PublicKey& public_key,
                                      std::string private_hex) {
  const char* private_member = names.private_member;
  create_key_folder(folder);
  const std::filesystem::path private_file = folder / names.private_file;
  const std::filesystem::path public_file = folder / names.public_file;
  nlohmann::json public_json = {{"format", public_key_format},
                                {"version", key_file_version},
                                {"algorithm", names.algorithm},
                                {"key_id", public_key.id()},
                                {"public_key", public_key.hex()}};
  nlohmann::json private_json = public_json;
  private_json["format"] = names.private_format;
  private_json[private_member] = std::move(private_hex);
  refuse_existing(public_file);
  write_new_file(private_file, private_json.dump(1) + "\n", S_IRUSR | S_IWUSR);
  std::string& secret = private_json[private_member].get_ref<std::string&>();
  sodium_memzero(secret.data(), secret.size());
  write_new_file(public_file, public_json.dump(1) + "\n", S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH);
  return private_file;
}

void refuse_existing(const std::filesystem::path& file) {
  std::error_code error;
  if (std::filesystem::exists(file, error))
    throw InputError(
        fmt::format("{}: a key file is already there; it is never replaced (choose "
                    "another folder, or move it away first)",
                    file.string()));
}

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
    if (written && synced && closed && link_error == EEXIST) refuse_existing(path);
    throw IoError(fmt::format("{}: could not write the key file", path.string()));
  }
}

}  // namespace physiotwin::trust::detail
