// Files written whole or not at all: core/atomic_file.hpp.
#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <system_error>

#include <sys/file.h>

#include "physiotwin/core/atomic_file.hpp"
#include "physiotwin/core/error.hpp"
#include "physiotwin/core/temporary_files.hpp"

namespace physiotwin {

std::filesystem::path temporary_name_for(const std::filesystem::path& file) {
  static std::atomic<unsigned> counter{0};
  thread_local std::random_device random;
  const std::string name =
      fmt::format(".{}.{}-{:08x}{:04x}.tmp", file.filename().string(), temporary_owner_tag(),
                  random(), counter.fetch_add(1) & 0xffffu);
  return file.parent_path() / name;
}

void move_into_place(const std::filesystem::path& temporary, const std::filesystem::path& file) {
  std::error_code error;
  const auto status = std::filesystem::symlink_status(file, error);
  if (!error && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    std::filesystem::remove(temporary, error);
    throw IoError(
        fmt::format("{}: is no longer a regular file; nothing was written", file.string()));
  }
  std::filesystem::rename(temporary, file, error);
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw IoError(fmt::format("{}: cannot move the finished file into place: {}", file.string(),
                              error.message()));
  }
}

void write_text_file_atomically(const std::filesystem::path& file, std::string_view text) {
  const std::filesystem::path temporary = temporary_name_for(file);
  const RegisteredTemporary registered(temporary);
  std::FILE* out = std::fopen(temporary.c_str(), "wbx");  // "x": created, never reused
  if (out == nullptr) {
    throw IoError(
        fmt::format("{}: cannot create a file in its folder (does the folder exist and "
                    "is it writable?)",
                    file.string()));
  }
  // Locked while written, as HDF5 locks its files: no other run takes it for abandoned.
  (void)::flock(::fileno(out), LOCK_EX);
  const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size();
  const bool closed = std::fclose(out) == 0;
  if (!written || !closed) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw IoError(fmt::format("{}: write failed", file.string()));
  }
  move_into_place(temporary, file);
}

}  // namespace physiotwin
