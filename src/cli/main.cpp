// physiotwin: simulate a patient's heart, circulation and lungs from the command line.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "physiotwin/build_info.hpp"
#include "physiotwin/io/hdf5.hpp"

int main(int argc, char** argv) {
  using namespace physiotwin;
  io::keep_freed_memory_for_compression();  // gzip chunks 2.4x faster (io/hdf5.hpp)
  CLI::App tool{
      "physiotwin: patient digital twins (heart, circulation, lungs) from the command "
      "line. `physiotwin COMMAND --help` lists a command's options, each with its "
      "default and unit.",
      "physiotwin"};
  tool.footer(
      "exit status: 0 success, 2 bad input (nothing written), 3 the solver failed or the "
      "vitals cannot be calibrated to, 4 a cohort was written but some of its members failed, "
      "killed by SIGINT/SIGTERM when interrupted (the shell "
      "shows 130/143; nothing written)");
  tool.set_version_flag("--version", std::string(library_version));
  tool.require_subcommand(1);
  std::vector<cli::Command> commands = {
      cli::add_run_command(tool),         cli::add_params_command(tool),
      cli::add_info_command(tool),        cli::add_calibrate_command(tool),
      cli::add_settle_command(tool),      cli::add_cohort_command(tool),
      cli::add_sensitivity_command(tool), cli::add_plan_command(tool),
      cli::add_view_command(tool),        cli::add_monitor_command(tool),
      cli::add_keys_command(tool),        cli::add_verify_command(tool),
      cli::add_encrypt_command(tool),     cli::add_decrypt_command(tool)};
  std::string command = "physiotwin";
  try {
    tool.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return tool.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return tool.exit(e);
  } catch (const CLI::ParseError& e) {
    for (const auto& c : commands) {
      if (c.app->parsed()) command = "physiotwin " + c.app->get_name();
    }
    if (argc < 2) {
      fmt::print(stderr, "{}", tool.help());
      return cli::exit_bad_input;
    }
    fmt::print(stderr, "physiotwin: {}\n({} --help lists the options)\n", e.what(), command);
    return cli::exit_bad_input;
  }
  cli::watch_interrupts();
  try {
    for (const auto& c : commands) {
      if (c.app->parsed()) {
        command = "physiotwin " + c.app->get_name();
        cli::record_invocation(*c.app);  // what the outputs' audit trail records
        return c.run();
      }
    }
    return cli::exit_bad_input;
  } catch (const Cancelled&) {
    const int signal = cli::interrupting_signal();
    fmt::print(stderr, "physiotwin: interrupted by {}: stopped, nothing written\n",
               signal == SIGTERM ? "SIGTERM" : "SIGINT");
    std::fflush(stdout);
    std::fflush(stderr);
    cli::die_of_interrupting_signal();
  } catch (const cli::UsageError& e) {
    fmt::print(stderr, "physiotwin: {}\n({} --help lists the options)\n", e.what(), command);
    return cli::exit_bad_input;
  } catch (const SolverError& e) {
    fmt::print(stderr, "physiotwin: {}\n", e.what());
    return cli::exit_solver_failure;
  } catch (const CalibrationError& e) {  // valid input the model cannot be fitted to
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
