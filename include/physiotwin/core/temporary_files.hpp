#pragma once
// The temporary files an output is written under (core/atomic_file.hpp), tracked so that none
// outlives its writer: a process ended at once by a second Ctrl-C removes the ones it holds
// (remove_registered_temporaries(), safe inside a signal handler), and a file left by a
// process killed outright (SIGKILL, a power cut) is removed by the next run writing the same
// output (remove_abandoned_temporaries()). docs/architecture.md, "Output files".
// Compiled (src/files/temporary_files.cpp): the POSIX calls stay out of the headers.
#include <filesystem>
#include <string>
#include <vector>

namespace physiotwin {

/// Registers a temporary file for as long as it lives (a file that is not registered, because
/// all slots are taken or the path is too long, is still removed by the normal paths and by the
/// next run's remove_abandoned_temporaries()).
class RegisteredTemporary {
 public:
  explicit RegisteredTemporary(const std::filesystem::path& file);
  RegisteredTemporary(const RegisteredTemporary&) = delete;
  RegisteredTemporary& operator=(const RegisteredTemporary&) = delete;
  /// The file has been renamed into place or removed: no longer this registry's.
  ~RegisteredTemporary();

 private:
  int slot_ = -1;
};

/// Unlinks every registered temporary file. Async-signal-safe (atomics and unlink() only): for
/// a handler that must end the process at once.
void remove_registered_temporaries() noexcept;

/// The temporary name's middle for this process: its process id, by which a later run tells a
/// live writer from a dead one.
[[nodiscard]] std::string temporary_owner_tag();

/// Removes the temporary files of `output` (".NAME.<pid>-<hex>.tmp" beside it) whose writer is
/// gone: its process no longer exists on this machine and nobody holds a lock on the file (HDF5
/// locks the files it writes, and write_text_file_atomically() its own, so a writer on another
/// machine sharing the folder keeps its file). Returns the names removed.
[[nodiscard]] std::vector<std::string> remove_abandoned_temporaries(
    const std::filesystem::path& output);

}  // namespace physiotwin
