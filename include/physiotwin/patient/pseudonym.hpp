#pragma once
// The key behind the pseudonymous patient ids of health records (docs/patient-records.md,
// "Privacy"): outputs name a patient by a keyed hash of the record's identifier, which only
// the key's holder can link back to the record.
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include "physiotwin/core/error.hpp"

namespace physiotwin {

/// The key of the pseudonymous ids: $PHYSIOTWIN_PSEUDONYM_KEY, else a random key kept per
/// installation in $XDG_CONFIG_HOME/physiotwin/pseudonym.key (~/.config/... by default),
/// created on first use. Whoever holds the key and the record can recompute the id; nobody
/// else can link it to the person.
[[nodiscard]] inline std::string pseudonym_key() {
  if (const char* key = std::getenv("PHYSIOTWIN_PSEUDONYM_KEY"); key != nullptr && *key != 0) {
    return key;
  }
  std::filesystem::path dir;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != 0) {
    dir = xdg;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != 0) {
    dir = std::filesystem::path(home) / ".config";
  } else {
    throw InputError("no key for pseudonymous patient ids: set PHYSIOTWIN_PSEUDONYM_KEY (or HOME)");
  }
  const auto file = dir / "physiotwin" / "pseudonym.key";
  auto read_key = [&]() -> std::string {
    std::ifstream in(file);
    std::string key;
    if (in) std::getline(in, key);
    return key;
  };
  if (std::string key = read_key(); !key.empty()) return key;
  try {
    std::filesystem::create_directories(file.parent_path());
    // Created owner-only before anything is written to it, then linked into place whole, so
    // a concurrent first run either sees no key or a complete one, and all read the same.
    const std::string tmp = file.string() + fmt::format(".{}.tmp", std::random_device{}());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) throw InputError(fmt::format("{}: cannot create the pseudonym key", tmp));
    std::random_device random;
    std::string key;
    for (int i = 0; i < 4; ++i) key += fmt::format("{:08x}", random());
    const std::string line = key + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == ssize_t(line.size());
    ::close(fd);
    if (!written) throw InputError(fmt::format("{}: cannot write the pseudonym key", tmp));
    // link() fails if the key exists already: the first run to get here wins.
    (void)::link(tmp.c_str(), file.c_str());
    std::filesystem::remove(tmp);
  } catch (const std::filesystem::filesystem_error& e) {
    throw InputError(fmt::format("pseudonym key {}: {}", file.string(), e.what()));
  }
  std::string key = read_key();
  if (key.empty()) throw InputError(fmt::format("{}: empty pseudonym key", file.string()));
  return key;
}

}  // namespace physiotwin
