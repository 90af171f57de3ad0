// physiotwin: simulate a patient's circulation from the command line.
#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cli/cli.hpp"

namespace {
constexpr const char* usage = R"(usage: physiotwin <command> [options]

commands:
  run     simulate a twin and write an HDF5 file
            [--model FILE] [--patient FILE [--as-of YYYY-MM-DD] [--no-calibrate]]
            [--duration S | --scenario FILE.json]
            [--sample-rate HZ] [--set NAME=VALUE]... [--out FILE.h5]
  params  list every parameter with value, unit, allowed range and source
            [--model FILE] [--patient FILE [--as-of YYYY-MM-DD]] [--set NAME=VALUE]...
  info    describe what an HDF5 file written by physiotwin holds
            FILE.h5
  calibrate  fit the model to a patient's measured vitals and print the report
            PATIENT_OR_RECORD.json [--model FILE] [--as-of YYYY-MM-DD]
  settle  run a model at rest until converged; write a copy whose initial state is that rest
            [--model FILE] [--duration S (default 3600)] --out FILE.json

exit status: 0 success, 2 bad input, 3 solver failure
)";
}  // namespace

int main(int argc, char** argv) {
  using namespace physiotwin;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(usage, args.empty() ? stderr : stdout);
    return args.empty() ? cli::exit_bad_input : cli::exit_ok;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  try {
    if (command == "run") return cli::command_run(args);
    if (command == "params") return cli::command_params(args);
    if (command == "info") return cli::command_info(args);
    if (command == "settle") return cli::command_settle(args);
    if (command == "calibrate") return cli::command_calibrate(args);
    throw cli::UsageError(fmt::format("unknown command \"{}\"", command));
  } catch (const cli::UsageError& e) {
    fmt::print(stderr, "physiotwin: {}\n(physiotwin --help lists the commands and options)\n",
               e.what());
    return cli::exit_bad_input;
  } catch (const SolverError& e) {
    fmt::print(stderr, "physiotwin: {}\n", e.what());
    return cli::exit_solver_failure;
  } catch (const Error& e) {
    fmt::print(stderr, "physiotwin: {}\n", e.what());
    return cli::exit_bad_input;
  } catch (const std::exception& e) {
    fmt::print(stderr, "physiotwin: internal error: {}\n", e.what());
    return 1;
  }
}
