#pragma once
// Where outputs may go (docs/architecture.md, "Output files"): an output is a regular file or a
// new name in a writable folder, never a device, folder, pipe, socket or symbolic link, and
// never one of the run's inputs (compared by identity, not by name). Checked before anything
// is simulated; written under a unique temporary name beside it and renamed when whole.
// Compiled part of the library: link physiotwin::io.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace physiotwin::io {

/// An input of the run: its file and what it is ("the model file", "the scenario file").
struct InputFile {
  std::filesystem::path path;
  std::string role;
};

/// Throws IoError naming `output` (as `option` calls it, e.g. "--out twin.h5") if it is not a
/// regular file or a new name in an existing, writable folder, or if it is one of `inputs`.
void check_output_file(const std::filesystem::path& output, std::span<const InputFile> inputs,
                       const std::string& option = "--out");

/// The largest output one run may write (100 GB: a day at 1 kHz of every signal; more is no
/// file an analysis tool reads whole, and is refused before anything is computed).
inline constexpr std::uintmax_t max_output_bytes = 100'000'000'000;

/// Throws IoError if writing about `bytes` to `output` would take more than max_output_bytes or
/// not fit in the space left on its file system; `what` says what the size is made of.
void check_output_space(const std::filesystem::path& output, std::uintmax_t bytes,
                        const std::string& what, const std::string& option = "--out");

}  // namespace physiotwin::io
