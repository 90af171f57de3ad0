// Where temporary output files are registered and abandoned ones found: core/temporary_files.hpp.
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

#include "physiotwin/core/temporary_files.hpp"

namespace physiotwin {

namespace {

/// One temporary file's absolute path in a fixed buffer: a signal handler may read it without
/// allocating. `state`: 0 free, 1 being filled, 2 holds a file to remove.
struct TemporarySlot {
  std::atomic<int> state{0};
  std::array<char, PATH_MAX> path{};
};
std::array<TemporarySlot, 16> temporary_slots;

}  // namespace

RegisteredTemporary::RegisteredTemporary(const std::filesystem::path& file) {
  std::error_code error;
  const std::string path = std::filesystem::absolute(file, error).string();
  if (error || path.size() >= PATH_MAX) return;
  for (std::size_t i = 0; i < temporary_slots.size(); ++i) {
    int free = 0;
    auto& slot = temporary_slots[i];
    if (!slot.state.compare_exchange_strong(free, 1)) continue;
    std::memcpy(slot.path.data(), path.c_str(), path.size() + 1);
    slot.state.store(2);
    slot_ = int(i);
    return;
  }
}

RegisteredTemporary::~RegisteredTemporary() {
  if (slot_ >= 0) temporary_slots[std::size_t(slot_)].state.store(0);
}

void remove_registered_temporaries() noexcept {
  for (auto& slot : temporary_slots) {
    if (slot.state.load() == 2) ::unlink(slot.path.data());
  }
}

std::string temporary_owner_tag() {
  return std::to_string(::getpid());
}

std::vector<std::string> remove_abandoned_temporaries(const std::filesystem::path& output) {
  namespace fs = std::filesystem;
  std::vector<std::string> removed;
  const fs::path folder = output.parent_path().empty() ? fs::path(".") : output.parent_path();
  // fmt, not "." + name + ".": GCC 12 at -O3 warns falsely (-Wrestrict) on that concatenation.
  const std::string prefix = fmt::format(".{}.", output.filename().string());
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
