// The record-code table (include/physiotwin/patient/record_codes.hpp): compiled into
// physiotwin::physiotwin, so that POSIX file locking stays out of every public header.
#include "physiotwin/patient/record_codes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "physiotwin/core/error.hpp"
#include "physiotwin/core/sha256.hpp"
#include "trust/key_files.hpp"

namespace physiotwin {

/// Where the table is: $PHYSIOTWIN_RECORD_CODES, else
/// $XDG_CONFIG_HOME/physiotwin/record-codes.tsv (~/.config/... without XDG_CONFIG_HOME).
std::filesystem::path record_code_table_path() {
  if (const char* file = std::getenv("PHYSIOTWIN_RECORD_CODES"); file != nullptr && *file != 0) {
    return file;
  }
  std::filesystem::path dir;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != 0) {
    dir = xdg;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != 0) {
    dir = std::filesystem::path(home) / ".config";
  } else {
    throw InputError("no place for the record-code table: set PHYSIOTWIN_RECORD_CODES (or HOME)");
  }
  return dir / "physiotwin" / "record-codes.tsv";
}

namespace detail {

/// The table, open and locked (flock, exclusive) for as long as it lives: parallel runs on
/// one machine (a cohort's workers) take turns, so one patient never gets two codes.
class LockedCodeTable {
 public:
  explicit LockedCodeTable(std::filesystem::path file) : file_(std::move(file)) {
    // The table holds the pseudonym key: it is kept as the private keys are (docs/security.md,
    // "The pseudonym key"): a new folder owner-only (0700), the file created 0600.
    if (!file_.parent_path().empty()) trust::detail::create_key_folder(file_.parent_path());
    fd_ = ::open(file_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) fail(fmt::format("cannot open it ({})", std::strerror(errno)));
    struct stat info {};
    if (::fstat(fd_, &info) != 0 || !S_ISREG(info.st_mode)) fail("not a regular file");
    // Owner-only: the table is what turns an output back into a patient. One found readable
    // by others is refused, as a private key is: its codes may have been read.
    if ((info.st_mode & 077) != 0)
      fail(
          fmt::format("readable by others (mode {:o}); make it 0600 (chmod 600) and consider "
                      "its codes exposed",
                      info.st_mode & 0777));
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) fail(fmt::format("cannot lock it ({})", std::strerror(errno)));
    }
  }
  LockedCodeTable(const LockedCodeTable&) = delete;
  LockedCodeTable& operator=(const LockedCodeTable&) = delete;
  ~LockedCodeTable() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }

  [[nodiscard]] std::string read_all() const {
    std::string text;
    char buffer[8192];
    for (off_t at = 0;;) {
      const ssize_t n = ::pread(fd_, buffer, sizeof buffer, at);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail(fmt::format("cannot read it ({})", std::strerror(errno)));
      if (n == 0) return text;
      text.append(buffer, std::size_t(n));
      at += n;
    }
  }

  /// Appends whole lines and flushes them to disk before the lock is released.
  void append(const std::string& lines) const {
    if (::lseek(fd_, 0, SEEK_END) < 0) fail("cannot seek to its end");
    for (std::size_t done = 0; done < lines.size();) {
      const ssize_t n = ::write(fd_, lines.data() + done, lines.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail(fmt::format("cannot write it ({})", std::strerror(errno)));
      done += std::size_t(n);
    }
    if (::fsync(fd_) != 0) fail(fmt::format("cannot flush it ({})", std::strerror(errno)));
  }

  [[noreturn]] void fail(const std::string& why) const {
    throw InputError(fmt::format("record-code table {}: {}", file_.string(), why));
  }

 private:
  std::filesystem::path file_;
  int fd_ = -1;
};

[[nodiscard]] inline std::vector<std::string_view> split(std::string_view text, char by) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find(by, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

inline constexpr std::string_view code_table_heading =
    "# physiotwin record codes, version 1: private to whoever holds the records. Each line\n"
    "# links a code that outputs carry to a keyed hash of the patient's identifier and to the\n"
    "# SHA-256 of the record file it came from (docs/patient-records.md).\n";

}  // namespace detail

/// The code of the patient whose record identifier is `identity` ("system|value"): the code
/// the table already holds for it, else a new random one ("pt-" and 16 hex digits), added.
/// `record_digest` (the record file's SHA-256) is recorded beside the code, so the table's
/// holder can tell which version of a record a twin came from. The table itself holds no
/// identifier: it is indexed by an HMAC of the identity under a random key kept in the table.
std::string record_code(std::string_view identity, std::string_view record_digest) {
  const detail::LockedCodeTable table(record_code_table_path());
  const std::string text = table.read_all();
  std::string key;
  std::string additions;
  if (text.empty()) {
    key = crypto::random_hex(32);
    additions = std::string(detail::code_table_heading) + "key\t" + key + "\n";
  }
  std::vector<std::vector<std::string_view>> rows;
  for (const std::string_view line : detail::split(text, '\n')) {
    if (line.empty() || line.front() == '#') continue;
    auto fields = detail::split(line, '\t');
    if (fields.size() == 2 && fields[0] == "key" && key.empty() && rows.empty()) {
      key = std::string(fields[1]);
    } else if (fields.size() == 3) {
      rows.push_back(std::move(fields));
    } else {
      table.fail("damaged (a line is neither the key nor code, index, digest)");
    }
  }
  if (key.size() != 64) table.fail("damaged (no key line)");
  const std::string index = crypto::hex(crypto::hmac_sha256(key, identity));
  std::string code;
  bool seen_with_this_record = false;
  for (const auto& row : rows) {
    if (row[1] != index) continue;
    code = std::string(row[0]);
    seen_with_this_record = seen_with_this_record || row[2] == record_digest;
  }
  // 64 random bits: a collision is unlikely, and checked.
  auto taken = [&](const std::string& c) {
    return std::any_of(rows.begin(), rows.end(), [&](const auto& row) { return row[0] == c; });
  };
  if (code.empty()) {
    do {
      code = "pt-" + crypto::random_hex(8);
    } while (taken(code));
  }
  if (!seen_with_this_record) {
    additions += fmt::format("{}\t{}\t{}\n", code, index, record_digest);
  }
  if (!additions.empty()) table.append(additions);
  return code;
}

}  // namespace physiotwin
