#pragma once
// The temporary files an output is written under (core/atomic_file.hpp), tracked so that none
// outlives its writer: a process ended at once by a second Ctrl-C removes the ones it holds
// (remove_registered_temporaries(), safe inside a signal handler), and a file left by a
// process killed outright (SIGKILL, a power cut) is removed by the next run writing the same
// output (remove_abandoned_temporaries()). docs/architecture.md, "Output files".
#include <fmt/format.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

namespace physiotwin {

namespace detail {

/// One temporary file's absolute path in a fixed buffer: a signal handler may read it without
/// allocating. `state`: 0 free, 1 being filled, 2 holds a file to remove.
struct TemporarySlot {
  std::atomic<int> state{0};
  std::array<char, PATH_MAX> path{};
};
inline std::array<TemporarySlot, 16> temporary_slots;

}  // namespace detail

/// Registers a temporary file for as long as it lives (a file that is not registered, because
/// all slots are taken or the path is too long, is still removed by the normal paths and by the
/// next run's remove_abandoned_temporaries()).
class RegisteredTemporary {
 public:
  explicit RegisteredTemporary(const std::filesystem::path& file) {
    std::error_code error;
    const std::string path = std::filesystem::absolute(file, error).string();
    if (error || path.size() >= PATH_MAX) return;
    for (std::size_t i = 0; i < detail::temporary_slots.size(); ++i) {
      int free = 0;
      auto& slot = detail::temporary_slots[i];
      if (!slot.state.compare_exchange_strong(free, 1)) continue;
      std::memcpy(slot.path.data(), path.c_str(), path.size() + 1);
      slot.state.store(2);
      slot_ = int(i);
      return;
    }
  }
  RegisteredTemporary(const RegisteredTemporary&) = delete;
  RegisteredTemporary& operator=(const RegisteredTemporary&) = delete;
  /// The file has been renamed into place or removed: no longer this registry's.
  ~RegisteredTemporary() {
    if (slot_ >= 0) detail::temporary_slots[std::size_t(slot_)].state.store(0);
  }

 private:
  int slot_ = -1;
};

/// Unlinks every registered temporary file. Async-signal-safe (atomics and unlink() only): for
/// a handler that must end the process at once.
inline void remove_registered_temporaries() noexcept {
  for (auto& slot : detail::temporary_slots) {
    if (slot.state.load() == 2) ::unlink(slot.path.data());
  }
}

/// The temporary name's middle for this process: its process id, by which a later run tells a
/// live writer from a dead one.
[[nodiscard]] inline std::string temporary_owner_tag() {
  return std::to_string(::getpid());
}

/// Removes the temporary files of `output` (".NAME.<pid>-<hex>.tmp" beside it) whose writer is
/// gone: its process no longer exists on this machine and nobody holds a lock on the file (HDF5
/// locks the files it writes, and write_text_file_atomically() its own, so a writer on another
/// machine sharing the folder keeps its file). Returns the names removed.
[[nodiscard]] inline std::vector<std::string> remove_abandoned_temporaries(
    const std::filesystem::path& output) {
  namespace fs = std::filesystem;
  std::vector<std::string> removed;
  const fs::path folder = output.parent_path().empty() ? fs::path(".") : output.parent_path();
  const std::string prefix = "." + output.filename().string() + ".";
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix) || !name.ends_with(".tmp")) continue;
    const std::string middle = name.substr(prefix.size(), name.size() - prefix.size() - 4);
    const auto dash = middle.find('-');
    long pid = 0;
    const auto parsed = std::from_chars(middle.data(), middle.data() + dash, pid);
    if (dash == std::string::npos || parsed.ec != std::errc() ||
        parsed.ptr != middle.data() + dash || pid <= 0 ||
        middle.find_first_not_of("0123456789abcdef", dash + 1) != std::string::npos) {
      continue;  // not a name this library makes
    }
    std::error_code status_error;
    if (!fs::is_regular_file(fs::symlink_status(entry.path(), status_error))) continue;
    if (::kill(pid_t(pid), 0) == 0 || errno != ESRCH) continue;  // its writer may be alive
    const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) continue;
    const bool unlocked = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
    if (unlocked && ::unlink(entry.path().c_str()) == 0) removed.push_back(name);
    ::close(fd);
  }
  return removed;
}

}  // namespace physiotwin
