// `physiotwin cohort COHORT.json --out cohort.h5 [--threads N]`: every member of a cohort in
// parallel (docs/cohorts.md), into one file that a rerun resumes. `physiotwin sensitivity
// SPEC.json` runs a sensitivity design the same way and adds the indices (docs/sensitivity.md).
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>
#include <optional>

#include "cli/cohort_mpi.hpp"
#include "cli/model_options.hpp"
#include "cli/signing_options.hpp"
#include "physiotwin/cohort/cohort_file.hpp"
#include "physiotwin/cohort/cohort_run.hpp"
#include "physiotwin/core/atomic_file.hpp"

namespace physiotwin::cli {

namespace {

struct CohortOptions {
  std::filesystem::path description;
  std::filesystem::path out = "cohort.h5";
  int threads = 0;
  std::filesystem::path table;  ///< sensitivity: the indices as CSV too
  SigningOptions signing;       ///< --signing-key, --unsigned
};

/// Members done and failed, and the time left at the pace so far: a bar on a terminal, a line
/// every tenth of the cohort otherwise (a cluster job's log).
class CohortProgress {
 public:
  CohortProgress(std::size_t total, std::size_t already)
      : total_(total),
        done_(already),
        start_(std::chrono::steady_clock::now()),
        already_(already),
        terminal_(isatty(STDERR_FILENO) == 1) {}

  void member_finished(bool failed) {
    ++done_;
    failed_ += failed ? 1 : 0;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double per_member = elapsed / double(done_ - already_);
    const double left = per_member * double(total_ - done_);
    const int tenth = int(10 * done_ / total_);
    if (terminal_) {
      constexpr int width = 30;
      const int filled = int(double(width) * double(done_) / double(total_));
      fmt::print(stderr, "\r[{:#<{}}{:<{}}] {}/{} members, {} failed, {} left   ", "", filled, "",
                 width - filled, done_, total_, failed_, duration_text(left));
    } else if (tenth != last_tenth_ || done_ == total_) {
      fmt::print(stderr, "{}/{} members, {} failed, {} left\n", done_, total_, failed_,
                 duration_text(left));
    }
    last_tenth_ = tenth;
  }
  void finish() const {
    if (terminal_ && done_ > already_) fmt::print(stderr, "\n");
  }
  [[nodiscard]] double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  static std::string duration_text(double seconds) {
    if (seconds < 90.0) return fmt::format("{:.0f} s", seconds);
    if (seconds < 5400.0) return fmt::format("{:.0f} min", seconds / 60.0);
    return fmt::format("{:.1f} h", seconds / 3600.0);
  }
  std::size_t total_, done_, failed_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::size_t already_;
  bool terminal_;
  int last_tenth_ = -1;
};

std::vector<io::InputFile> inputs_of(const cohort::CohortDescription& d) {
  std::vector<io::InputFile> inputs{{d.file, "the cohort description"},
                                    {d.model_file, "the cohort's model"},
                                    {d.scenario, "the cohort's scenario"}};
  for (const cohort::ListedMember& m : d.members) {
    inputs.push_back({m.file, "a member's file"});
    inputs.push_back({m.scenario, "a member's scenario"});
  }
  return inputs;
}

/// The indices as a table on stdout and, if asked, as CSV.
void report_sensitivity(const cohort::CohortPlan& plan,
                        const std::vector<cohort::SensitivityRow>& rows,
                        const std::vector<std::string>& skipped, const CohortOptions& options) {
  const cohort::SensitivitySpec& spec = *plan.description.sensitivity;
  const bool sobol = plan.saltelli.has_value();
  std::string csv;
  if (sobol) {
    fmt::print(
        "\nSobol indices: first order S and total ST, {:g} % bootstrap intervals ({} "
        "resamples), {} base samples, {} runs:\n\n",
        100.0 * spec.confidence, spec.bootstrap, spec.base_samples, plan.size());
    fmt::print("{:<34} {:<32} {:>22} {:>22}\n", "output", "input", "S", "ST");
    csv =
        "output,input,first_order,first_order_low,first_order_high,total,total_low,total_high,"
        "base_samples_used\n";
  } else {
    fmt::print(
        "\nMorris elementary effects (per the input's whole range, in the output's unit): "
        "{} trajectories, {} levels, {} runs:\n\n",
        spec.trajectories, spec.levels, plan.size());
    fmt::print("{:<34} {:<32} {:>12} {:>12} {:>12}\n", "output", "input", "mu*", "mu", "sigma");
    csv = "output,input,mu_star,mu,sigma,effects\n";
  }
  for (const cohort::SensitivityRow& r : rows) {
    if (sobol) {
      const auto& i = r.sobol;
      fmt::print("{:<34} {:<32} {:>6.3f} [{:>6.3f}, {:>6.3f}] {:>6.3f} [{:>6.3f}, {:>6.3f}]\n",
                 r.output, r.input, i.first, i.first_low, i.first_high, i.total, i.total_low,
                 i.total_high);
      csv += fmt::format("{},{},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{}\n", r.output,
                         r.input, i.first, i.first_low, i.first_high, i.total, i.total_low,
                         i.total_high, r.used);
    } else {
      const auto& m = r.morris;
      fmt::print("{:<34} {:<32} {:>12.4g} {:>12.4g} {:>12.4g}\n", r.output, r.input, m.mu_star,
                 m.mu, m.sigma);
      csv += fmt::format("{},{},{:.17g},{:.17g},{:.17g},{}\n", r.output, r.input, m.mu_star, m.mu,
                         m.sigma, m.effects);
    }
  }
  for (const std::string& note : skipped) fmt::print("not analysed: {}\n", note);
  if (!options.table.empty()) {
    write_text_file_atomically(options.table, csv);
    fmt::print("\nWrote {}.\n", options.table.string());
  }
}

/// The plan, made by every rank alike; the rank's MPI session when launched by mpirun.
int run(const CohortOptions& options, bool analyse) {
  if (options.threads < 0 || options.threads > 1024)
    throw UsageError(
        fmt::format("--threads {}: allowed range 0-1024 (0: one per core)", options.threads));
  std::optional<mpi::Session> ranks;
  if (mpi::launched()) ranks.emplace();
  const bool writer = !ranks || ranks->rank() == 0;
  std::optional<cohort::CohortPlan> plan_made;
  try {
    plan_made = cohort::plan_cohort(cohort::load_cohort_description(options.description),
                                    models_directory() / "circulation" / "adult.json");
  } catch (const Error&) {
    if (writer) throw;
    return exit_bad_input;  // every rank made the same plan; rank 0 says what is wrong
  }
  const cohort::CohortPlan& plan = *plan_made;
  if (!writer) {  // a worker rank: its share of what rank 0 says is left
    const std::vector<std::size_t> todo = ranks->share({}, true);
    if (!todo.empty()) ranks->run_members(plan, todo, options.threads, nullptr, interruption());
    return exit_ok;
  }
  std::optional<cohort::CohortFileWriter> file;
  std::shared_ptr<const trust::SigningKey> signing_key;
  try {
    if (analyse && !plan.description.sensitivity) {
      throw UsageError(fmt::format(
          "{}: has no \"sensitivity\" block (docs/sensitivity.md); `physiotwin cohort` runs "
          "listed members and populations",
          options.description.string()));
    }
    const std::vector<io::InputFile> inputs = inputs_of(plan.description);
    if (!options.table.empty()) {
      if (options.table == options.out) throw UsageError("--table and --out name the same file");
      check_output(options.table, inputs);
    }
    check_output(options.out, inputs);
    signing_key = resolve_signing_key(options.signing);  // a bad key: nothing computed
    file.emplace(options.out, plan);
  } catch (...) {
    if (ranks) (void)ranks->share({}, false);  // the other ranks stop too
    throw;
  }
  if (!file->not_resumed_because().empty())
    fmt::print(stderr,
               "note: started anew: the unfinished file of an earlier run was not "
               "resumed because {}\n",
               file->not_resumed_because());
  std::vector<std::size_t> todo = file->remaining();
  if (ranks) todo = ranks->share(todo, true);
  const int threads = cohort::cohort_threads(options.threads);
  fmt::print("Cohort {}: {} members of model {} on {} thread{}{}{}.\n", plan.description.name,
             plan.size(), plan.model.name, threads, threads == 1 ? "" : "s",
             ranks ? fmt::format(" in each of {} MPI ranks", ranks->size()) : std::string(),
             file->resumed() > 0
                 ? fmt::format(", {} already done by an earlier run", file->resumed())
                 : std::string());
  if (!plan.rejected.empty()) {
    fmt::print("Drawn from {} design points; rejected:\n", plan.design_points);
    for (const auto& [reason, count] : plan.rejected) fmt::print("  {:>6} x {}\n", count, reason);
  }
  CohortProgress progress(plan.size(), plan.size() - todo.size());
  double simulated = 0.0;
  const auto finished = [&](cohort::MemberResult&& result) {
    file->write(result);
    simulated += result.simulated;
    progress.member_finished(!result.ok());
  };
  if (ranks) {
    ranks->run_members(plan, todo, threads, finished, interruption());
  } else {
    cohort::run_members(plan, todo, threads, finished, interruption());
  }
  progress.finish();
  std::vector<cohort::SensitivityRow> rows;
  std::vector<std::string> skipped;
  if (analyse) {
    rows = cohort::analyse_sensitivity(plan, file->member_summaries(), skipped);
    file->write_sensitivity(rows);
  }
  const std::size_t failed = file->finish(signing_key.get());  // resumed members included
  const double elapsed = progress.elapsed();
  fmt::print(
      "Wrote {} ({} members, {} failed: their errors are in /failures; {:.0f} s "
      "simulated in {:.1f} s, {:.0f}x real time).\n",
      options.out.string(), plan.size(), failed, simulated, elapsed,
      elapsed > 0.0 ? simulated / elapsed : 0.0);
  if (analyse) report_sensitivity(plan, rows, skipped, options);
  return failed == 0 ? exit_ok : exit_members_failed;
}

}  // namespace

Command add_cohort_command(CLI::App& tool) {
  auto options = std::make_shared<CohortOptions>();
  CLI::App* command = tool.add_subcommand(
      "cohort",
      "run every member of a cohort (listed patients or a virtual population) in "
      "parallel into one HDF5 file (docs/cohorts.md)");
  command->add_option("COHORT", options->description, "the cohort description (JSON)")
      ->required()
      ->type_name("COHORT.json");
  add_signing_options(*command, options->signing);
  command
      ->add_option("--out", options->out,
                   "the cohort file to write (default cohort.h5); rerun with the same --out "
                   "after an interruption, it keeps the members already done")
      ->type_name("FILE.h5");
  command
      ->add_option("--threads", options->threads,
                   "members run at once (default 0: one per core); results do not depend on it")
      ->type_name("N");
  return {command, [options] { return run(*options, false); }};
}

Command add_sensitivity_command(CLI::App& tool) {
  auto options = std::make_shared<CohortOptions>();
  options->out = "sensitivity.h5";
  CLI::App* command =
      tool.add_subcommand("sensitivity",
                          "which parameters an output depends on: Sobol indices or Morris effects "
                          "over a design of runs of one patient (docs/sensitivity.md)");
  command
      ->add_option("SPEC", options->description,
                   "the analysis: a cohort description with a "
                   "\"sensitivity\" block (JSON)")
      ->required()
      ->type_name("SPEC.json");
  add_signing_options(*command, options->signing);
  command
      ->add_option("--out", options->out,
                   "the runs and the indices, an HDF5 cohort file (default sensitivity.h5); "
                   "rerun with the same --out after an interruption, it keeps the runs done")
      ->type_name("FILE.h5");
  command->add_option("--table", options->table, "the indices as CSV too")->type_name("FILE.csv");
  command
      ->add_option("--threads", options->threads,
                   "runs at once (default 0: one per core); results do not depend on it")
      ->type_name("N");
  return {command, [options] { return run(*options, true); }};
}

}  // namespace physiotwin::cli
