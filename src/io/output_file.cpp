// Output file checks (include/physiotwin/io/output_file.hpp).
#include "physiotwin/io/output_file.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <system_error>

#include "physiotwin/core/error.hpp"

namespace physiotwin::io {

namespace {
std::string shown(const std::string& option, const std::filesystem::path& output) {
  return option.empty() ? output.string() : fmt::format("{} {}", option, output.string());
}
}  // namespace

void check_output_file(const std::filesystem::path& output, std::span<const InputFile> inputs,
                       const std::string& option) {
  namespace fs = std::filesystem;
  const std::string name = shown(option, output);
  if (output.empty() || output.filename().empty() || output.filename() == "." ||
      output.filename() == "..") {
    throw IoError(fmt::format("{}: not a file name; name the file to write", name));
  }
  // The temporary name beside it adds about 20 characters to the file name; most file systems
  // allow 255.
  if (output.filename().string().size() > 200) {
    throw IoError(
        fmt::format("{}: a file name of over 200 characters; choose a shorter one", name));
  }
  std::error_code error;
  const fs::file_status status = fs::symlink_status(output, error);
  if (!error && fs::exists(status)) {
    if (fs::is_symlink(status)) {
      throw IoError(fmt::format(
          "{}: is a symbolic link; name the file itself (an output never replaces a link or what "
          "it points to)",
          name));
    }
    if (!fs::is_regular_file(status)) {
      throw IoError(fmt::format("{}: is {}, not a regular file; name a new file or a regular one",
                                name,
                                fs::is_directory(status)        ? "a folder"
                                : fs::is_fifo(status)           ? "a named pipe"
                                : fs::is_socket(status)         ? "a socket"
                                : fs::is_block_file(status)     ? "a block device"
                                : fs::is_character_file(status) ? "a character device"
                                                                : "something"));
    }
    for (const InputFile& input : inputs) {
      if (input.path.empty()) continue;
      if (fs::equivalent(output, input.path, error) && !error) {
        throw IoError(fmt::format("{}: is {} of this run; an output never replaces an input", name,
                                  input.role));
      }
    }
  }
  const fs::path folder = output.parent_path().empty() ? fs::path(".") : output.parent_path();
  const fs::file_status folder_status = fs::status(folder, error);
  if (error || !fs::is_directory(folder_status)) {
    throw IoError(fmt::format("{}: its folder does not exist", name));
  }
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    throw IoError(fmt::format("{}: its folder is not writable", name));
  }
}

void check_output_space(const std::filesystem::path& output, std::uintmax_t bytes,
                        const std::string& what, const std::string& option) {
  auto gigabytes = [](std::uintmax_t b) {  // "0.5", "12.3", "1016": never in e-notation
    const double g = double(b) / 1e9;
    return g < 1000.0 ? fmt::format("{:.3g}", g) : fmt::format("{:.0f}", g);
  };
  if (bytes > max_output_bytes) {
    throw IoError(fmt::format(
        "{}: the output would take about {} GB ({}), more than the {} GB one output may "
        "take; lower the sample rate or the duration",
        shown(option, output), gigabytes(bytes), what, gigabytes(max_output_bytes)));
  }
  const std::filesystem::path folder =
      output.parent_path().empty() ? std::filesystem::path(".") : output.parent_path();
  std::error_code error;
  const auto space = std::filesystem::space(folder, error);
  if (error) return;  // nothing to compare with: the write itself will say
  if (bytes > space.available) {
    throw IoError(
        fmt::format("{}: the output would take about {} GB ({}), more than the {} GB free where it "
                    "goes",
                    shown(option, output), gigabytes(bytes), what, gigabytes(space.available)));
  }
}

}  // namespace physiotwin::io
