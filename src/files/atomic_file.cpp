// Files written whole or not at all: core/atomic_file.hpp.
#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <ostream>
#include <random>
#include <streambuf>
#include <string>
#include <string_view>
#include <system_error>

#include <sys/file.h>
#include <sys/stat.h>

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

namespace {
/// An ostream's buffer over a C FILE (the file write_file_atomically() created exclusively
/// and locked), so a writer can stream into it.
class FileBuffer : public std::streambuf {
 public:
  explicit FileBuffer(std::FILE* file) : file_(file) {}

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    return std::fputc(c, file_) == EOF ? traits_type::eof() : c;
  }
  std::streamsize xsputn(const char* data, std::streamsize n) override {
    return static_cast<std::streamsize>(std::fwrite(data, 1, static_cast<std::size_t>(n), file_));
  }

 private:
  std::FILE* file_;
};
}  // namespace

void write_file_atomically(const std::filesystem::path& file,
                           const std::function<void(std::ostream&)>& write, bool owner_only) {
  const std::filesystem::path temporary = temporary_name_for(file);
  const RegisteredTemporary registered(temporary);
  std::FILE* out = std::fopen(temporary.c_str(), "wbx");  // "x": created, never reused
  if (out == nullptr) {
    throw IoError(
        fmt::format("{}: cannot create a file in its folder (does the folder exist and "
                    "is it writable?)",
                    file.string()));
  }
  // Before anything is written: what only its owner may read never exists readable by others.
  if (owner_only) (void)::fchmod(::fileno(out), S_IRUSR | S_IWUSR);
  // Locked while written, as HDF5 locks its files: no other run takes it for abandoned.
  (void)::flock(::fileno(out), LOCK_EX);
  bool written = false;
  try {
    FileBuffer buffer(out);
    std::ostream stream(&buffer);
    write(stream);
    written = static_cast<bool>(stream.flush());
  } catch (...) {
    std::fclose(out);
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw;
  }
  const bool closed = std::fclose(out) == 0;
  if (!written || !closed) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw IoError(fmt::format("{}: write failed", file.string()));
  }
  move_into_place(temporary, file);
}

void write_text_file_atomically(const std::filesystem::path& file, std::string_view text) {
  write_file_atomically(file, [text](std::ostream& out) {
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  });
}

}  // namespace physiotwin
