// physiotwin plan: one patient's twin, its branches compared (docs/planning.md).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <memory>

#include "cli/model_options.hpp"
#include "cli/plan_figure.hpp"
#include "cli/signing_options.hpp"
#include "physiotwin/cohort/plan.hpp"
#include "physiotwin/cohort/plan_output.hpp"
#include "physiotwin/cohort/plan_run.hpp"
#include "physiotwin/model/model_loader.hpp"
#include "physiotwin/session.hpp"

namespace physiotwin::cli {

namespace {

struct PlanOptions {
  std::filesystem::path plan;
  std::filesystem::path out = "plan.h5";
  std::filesystem::path figure;  ///< FIGURE.png and FIGURE.svg; empty: beside --out
  bool no_figure = false;
  int threads = 0;
  SigningOptions signing;  ///< --signing-key, --unsigned
};

/// The figure's two files: --figure's stem (or --out's) with .svg and .png.
PlanFigurePaths figure_paths(const PlanOptions& options) {
  std::filesystem::path stem = options.figure.empty() ? options.out : options.figure;
  stem.replace_extension();
  return {std::filesystem::path(stem).concat(".svg"), std::filesystem::path(stem).concat(".png")};
}

/// A number for the table: NaN (no beat in the window) as "-".
std::string cell(double value) {
  return std::isnan(value) ? std::string("-") : fmt::format("{:.4g}", value);
}

void print_table(const planning::Plan& plan, const planning::PlanRun& run,
                 const std::vector<planning::ComparisonRow>& rows) {
  for (const planning::ComparisonRow& row : rows) {
    const planning::Outcome& o = *row.outcome;
    fmt::print("\n{} ({}, {} over {:g}-{:g} s){}\n", o.summary.column, row.unit,
               cohort::statistic_name(o.summary.statistic), o.summary.from, o.summary.to,
               o.threshold ? fmt::format(", target {}{}", o.threshold->text(),
                                         o.threshold->source.empty()
                                             ? std::string()
                                             : fmt::format(" ({})", o.threshold->source))
                           : std::string());
    if (!std::isnan(row.normal_low)) {
      fmt::print("  normal range {:g} - {:g} {}\n", row.normal_low, row.normal_high, row.unit);
    }
    fmt::print("  {:<24} {:>10}\n", "baseline", cell(row.baseline));
    for (std::size_t b = 0; b < plan.branches.size(); ++b) {
      const double v = row.values[b];
      const std::string change =
          std::isnan(v) || std::isnan(row.baseline) ? "" : fmt::format("{:+.3g}", v - row.baseline);
      std::string verdict;
      if (o.threshold && !std::isnan(v)) verdict = o.threshold->met(v) ? "met" : "NOT MET";
      fmt::print("  {:<24} {:>10} {:>10}  {}{}\n", plan.branches[b].name, cell(v), change, verdict,
                 run.branches[b].error.empty() ? "" : "  (the branch failed: see below)");
    }
  }
}

int run(const PlanOptions& options) {
  const planning::Plan plan = planning::load_plan(options.plan);
  ModelOptions model;
  model.model_file = plan.model;
  model.patient_file = plan.patient;
  check_model_options(model);
  std::vector<io::InputFile> inputs = inputs_of(model);
  inputs.push_back({options.plan, "the plan file"});
  check_output(options.out, inputs);
  const auto signing_key = resolve_signing_key(options.signing);  // a bad key: nothing computed
  const PlanFigurePaths figure = figure_paths(options);
  if (!options.no_figure) {
    // By where they lead, not by spelling (./x.svg and x.svg are one file).
    auto where = [](const std::filesystem::path& p) {
      return std::filesystem::weakly_canonical(std::filesystem::absolute(p)).lexically_normal();
    };
    for (const auto& path : {figure.svg, figure.png}) {
      if (where(path) == where(options.out))
        throw UsageError(fmt::format("--figure: {} would be the file --out names", path.string()));
      check_output(path, inputs);
    }
  }
  if (options.threads < 0) throw UsageError("--threads: 0 (one per core) or more");

  PreparedModel prepared = prepare_model(model);
  planning::apply_plan_settings(plan, prepared.model);
  Session session(prepared, TwinOptions{.sample_rate = plan.sample_rate},
                  planning::setting_texts(plan));
  planning::check_plan(plan, session.header());
  const std::size_t signals = session.twin().signals().size();
  planning::check_plan_memory(plan, signals);
  io::check_output_space(options.out,
                         static_cast<std::uintmax_t>(planning::plan_memory_bytes(plan, signals)),
                         fmt::format("the plan's {} signals", signals));
  const planning::PlanRun result =
      planning::run_plan(plan, session, options.threads, interruption());
  const auto rows = planning::compare(plan, session.header(), result, session.patient().sex);
  planning::write_plan_file(options.out, plan, session.header(), result, rows, signing_key.get());
  if (!options.no_figure) {
    write_plan_figure(
        figure, plan, session.header(), result,
        fmt::format("{}: patient {}", options.plan.filename().string(), session.patient().id));
  }

  fmt::print("Plan {} for patient {}: baseline {:g} s, then {} branches.\n",
             options.plan.filename().string(), session.patient().id, plan.baseline_duration,
             plan.branches.size());
  print_table(plan, result, rows);
  bool failed = false;
  for (std::size_t b = 0; b < plan.branches.size(); ++b) {
    if (result.branches[b].error.empty()) continue;
    failed = true;
    fmt::print(stderr, "physiotwin: branch {}: {}\n", plan.branches[b].name,
               result.branches[b].error);
  }
  if (options.no_figure) {
    fmt::print("\nWrote {}.\n", options.out.string());
  } else {
    fmt::print("\nWrote {}, {} and {}.\n", options.out.string(), figure.png.string(),
               figure.svg.string());
  }
  return failed ? exit_members_failed : exit_ok;
}

}  // namespace

Command add_plan_command(CLI::App& tool) {
  auto options = std::make_shared<PlanOptions>();
  CLI::App* command = tool.add_subcommand(
      "plan",
      "compare interventions on one patient's twin: a baseline, then branches forked from it, "
      "run in parallel into one HDF5 file with a comparison table (docs/planning.md)");
  command->add_option("PLAN", options->plan, "the plan (JSON)")->required()->type_name("PLAN.json");
  add_signing_options(*command, options->signing);
  command
      ->add_option("--out", options->out,
                   "the HDF5 file to write (default plan.h5); a new name or a regular file, never "
                   "an input")
      ->type_name("FILE.h5");
  command
      ->add_option("--figure", options->figure,
                   "the figure's files: FIGURE.png and FIGURE.svg (default: --out's name with "
                   ".png and .svg)")
      ->type_name("FIGURE");
  command->add_flag("--no-figure", options->no_figure, "draw no figure");
  command
      ->add_option("--threads", options->threads,
                   "branches run at once (default 0: one per core); results do not depend on it")
      ->type_name("N");
  return {command, [options] { return run(*options); }};
}

}  // namespace physiotwin::cli
