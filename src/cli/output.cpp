// The output checks every command that writes a file makes first (cli.hpp).
#include <fmt/format.h>

#include "cli/cli.hpp"
#include "physiotwin/core/temporary_files.hpp"

namespace physiotwin::cli {

void check_output(const std::filesystem::path& out, std::span<const io::InputFile> inputs) {
  io::check_output_file(out, inputs);
  for (const std::string& name : remove_abandoned_temporaries(out)) {
    fmt::print(stderr, "note: removed {}, left by a run of physiotwin that was killed\n", name);
  }
}

}  // namespace physiotwin::cli
