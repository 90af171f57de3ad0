// Running a cohort's members (cohort/cohort_run.hpp).
#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>

#include "physiotwin/actions/action_details.hpp"
#include "physiotwin/actions/scenario.hpp"
#include "physiotwin/cohort/cohort_run.hpp"
#include "physiotwin/cohort/summary.hpp"
#include "physiotwin/core/sha256.hpp"
#include "physiotwin/model/model_loader.hpp"
#include "physiotwin/patient/personalise.hpp"
#include "physiotwin/session.hpp"

namespace physiotwin::cohort {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// Sample rate of a member's twin without time series: samples feed no output then, and fewer
/// cost less (the beat and breath analyzers see their own, faster rate).
constexpr double rate_without_timeseries = 10.0;

/// The scenario a listed member runs: its own, else the cohort's.
const std::filesystem::path& scenario_of(const CohortPlan& plan, std::size_t index) {
  if (!plan.description.members.empty() && !plan.description.members[index].scenario.empty())
    return plan.description.members[index].scenario;
  return plan.description.scenario;
}

/// The personalised model of member `index`, its patient input's label for outputs.
PersonalisedModel personalise_member(const CohortPlan& plan, std::size_t index,
                                     std::vector<std::string>& overrides, CancellationFlag cancel) {
  if (plan.description.population || plan.description.sensitivity) {
    const VirtualMember& member = plan.virtual_members[index];
    PersonalisedModel out{member_model(plan.model, member),
                          member.patient,
                          std::nullopt,
                          {},
                          false,
                          {},
                          "virtual population member (drawn, not a person)"};
    for (const auto& [name, value] : member.parameters)
      overrides.push_back(fmt::format("{}={:.17g}", name, value));
    return out;
  }
  const ListedMember& member = plan.description.members[index];
  PersonaliseOptions options;
  options.calibrate = plan.description.calibrate;
  options.cancel = cancel;
  PersonalisedModel out;
  if (member.patient) {  // given inline
    out = personalise(plan.model, *member.patient, options);
    out.patient_source = "patient given in the cohort description";
  } else {
    PatientInputFile input;
    if (member.file.empty()) {  // a record assembled from Bulk Data NDJSON
      input.bytes = member.record;
      input.sha256 = crypto::hex(crypto::sha256(input.bytes));
      input.kind = PatientInput::health_record;
    } else {
      input = read_patient_input_file(member.file);
    }
    out = personalise(plan.model, input, options);
  }
  // The member's own values, after personalising (as `run --set` does); a rule broken is the
  // member's failure.
  for (const auto& [name, value] : member.parameters) {
    out.model.set_parameter(name, value);
    overrides.push_back(fmt::format("{}={:.17g}", name, value));
  }
  return out;
}

/// A sensitivity analysis's members: its design's points, each the patient with those
/// parameter values.
void plan_sensitivity(CohortPlan& plan) {
  const SensitivitySpec& spec = *plan.description.sensitivity;
  for (std::size_t i = 0; i < spec.inputs.size(); ++i) {
    if (!plan.model.parameters.contains(spec.inputs[i].name))
      throw InputError(fmt::format("{}: model {} has no parameter \"{}\"", spec.input_paths[i],
                                   plan.model.name, spec.inputs[i].name));
    const Parameter& p = plan.model.parameters.get(spec.inputs[i].name);
    if (spec.inputs[i].min < p.min || spec.inputs[i].max > p.max)
      throw InputError(fmt::format("{}: [{:g}, {:g}] {} reaches beyond the parameter's range {}",
                                   spec.input_paths[i], spec.inputs[i].min, spec.inputs[i].max,
                                   p.unit, describe_range(p)));
    plan.inputs.push_back({p.name, p.unit, p.description});
  }
  Patient patient;
  if (spec.patient.empty()) {  // the model's own reference body: no scaling
    const ReferenceBody& body = plan.model.reference_body;
    patient.id = "reference";
    patient.description = "the model's reference body";
    patient.sex = body.sex;
    patient.age_years = body.age_years;
    patient.height_cm = body.height_cm;
    patient.weight_kg = body.weight_kg;
  } else {
    patient = patient_of(read_patient_input_file(spec.patient));
  }
  const std::vector<std::vector<double>>* points = nullptr;
  if (spec.method == SensitivityMethod::sobol) {
    plan.saltelli = saltelli_design(spec.inputs, spec.base_samples, spec.seed);
    points = &plan.saltelli->points;
  } else {
    plan.morris = morris_design(spec.inputs, spec.trajectories, spec.levels, spec.seed);
    points = &plan.morris->points;
  }
  for (const std::vector<double>& x : *points) {
    VirtualMember member{patient, {}};
    for (std::size_t i = 0; i < x.size(); ++i)
      member.parameters.emplace_back(spec.inputs[i].name, x[i]);
    plan.virtual_members.push_back(std::move(member));
  }
}

}  // namespace

std::vector<SensitivityRow> analyse_sensitivity(const CohortPlan& plan,
                                                const std::vector<std::vector<double>>& summaries,
                                                std::vector<std::string>& skipped) {
  const SensitivitySpec& spec = *plan.description.sensitivity;
  std::vector<SensitivityRow> rows;
  for (std::size_t c = 0; c < plan.summaries.size(); ++c) {
    std::vector<double> outputs;
    for (const std::vector<double>& member : summaries) outputs.push_back(member[c]);
    const std::string& output = plan.summaries[c].column;
    try {
      if (plan.saltelli) {
        const SobolResult r =
            sobol_indices(*plan.saltelli, outputs, spec.bootstrap, spec.seed, spec.confidence);
        for (std::size_t i = 0; i < spec.inputs.size(); ++i)
          rows.push_back({output, spec.inputs[i].name, r.indices[i], {}, r.used});
      } else {
        const std::vector<MorrisEffects> e = morris_effects(*plan.morris, outputs);
        for (std::size_t i = 0; i < spec.inputs.size(); ++i)
          rows.push_back({output, spec.inputs[i].name, {}, e[i], e[i].effects});
      }
    } catch (const InputError& error) {
      skipped.push_back(fmt::format("{}: {}", output, error.what()));
    }
  }
  return rows;
}

const char* status_name(MemberStatus s) noexcept {
  switch (s) {
    case MemberStatus::ok:
      return "ok";
    case MemberStatus::input_error:
      return "input_error";
    case MemberStatus::solver_error:
      return "solver_error";
    case MemberStatus::failed:
      return "failed";
  }
  return "failed";
}

CohortPlan plan_cohort(CohortDescription description, const std::filesystem::path& default_model) {
  CohortPlan plan;
  plan.description = std::move(description);
  const CohortDescription& d = plan.description;
  plan.model = load_circulation(d.model_file.empty() ? default_model : d.model_file);
  // Scenarios: what no patient changes is checked now; the rest per member, after
  // personalising (a member whose scenario its own body cannot take fails alone).
  double duration = d.duration;
  if (!d.scenario.empty())
    duration = load_scenario(d.scenario, plan.model, ActionCheck::before_personalising).duration;
  for (const ListedMember& m : d.members)
    if (!m.scenario.empty())
      (void)load_scenario(m.scenario, plan.model, ActionCheck::before_personalising);

  plan.inputs = {{"age_years", "a", "age (90: 90 or older)"},
                 {"height_cm", "cm", "height"},
                 {"weight_kg", "kg", "weight"}};
  if (d.population) {
    PopulationDraw draw = draw_population(*d.population, plan.model, d.file.string());
    plan.virtual_members = std::move(draw.members);
    plan.rejected = std::move(draw.rejected);
    plan.design_points = draw.points;
    for (const VariedInput& input : d.population->inputs) {
      if (input.name == "age" || input.name == "height" || input.name == "weight") continue;
      const Parameter& p = plan.model.parameters.get(input.name);
      plan.inputs.push_back({p.name, p.unit, p.description});
    }
  }

  // Listed members' own parameters: checked by name now, a column each in the summary.
  for (const ListedMember& m : d.members) {
    for (const auto& [name, value] : m.parameters) {
      if (!plan.model.parameters.contains(name))
        throw InputError(fmt::format("{}: model {} has no parameter \"{}\"", m.parameters_path,
                                     plan.model.name, name));
      const bool listed = std::any_of(plan.inputs.begin(), plan.inputs.end(),
                                      [&](const InputColumn& c) { return c.name == name; });
      if (!listed) {
        const Parameter& p = plan.model.parameters.get(name);
        plan.inputs.push_back({p.name, p.unit, p.description});
      }
    }
  }
  if (d.sensitivity) plan_sensitivity(plan);

  plan.twin_options.sample_rate =
      d.outputs.timeseries_rate > 0.0 ? d.outputs.timeseries_rate : rate_without_timeseries;
  const RunHeader header = RunHeader::of(plan.model, plan.twin_options.sample_rate);
  plan.summaries = d.outputs.summaries;
  if (plan.summaries.empty()) {
    // Every beat and breath metric's mean over the run's last 10 s (or its second half).
    const double window = std::min(10.0, duration / 2.0);
    for (const auto* metrics : {&header.beat_metrics, &header.breath_metrics})
      for (const MetricInfo& m : *metrics)
        plan.summaries.push_back(
            {m.name, Statistic::mean, duration - window, duration, fmt::format("{}_mean", m.name)});
  }
  for (std::size_t i = 0; i < plan.summaries.size(); ++i) {
    const SummarySpec& s = plan.summaries[i];
    const auto source = find_metric(header, s.metric);
    if (!source) {
      throw InputError(fmt::format(
          "{}: outputs.summaries[{}].metric: model {} has no beat or breath metric \"{}\" "
          "(`physiotwin info` on a run's file lists them)",
          d.file.string(), i, plan.model.name, s.metric));
    }
    plan.summary_metrics.push_back(source->breath ? header.breath_metrics[source->index]
                                                  : header.beat_metrics[source->index]);
    for (const InputColumn& input : plan.inputs)
      if (input.name == s.column)
        throw InputError(
            fmt::format("{}: outputs.summaries[{}]: the column \"{}\" is an input's: "
                        "give it another \"name\"",
                        d.file.string(), i, s.column));
  }
  return plan;
}

MemberResult run_member(const CohortPlan& plan, std::size_t index, CancellationFlag cancel) {
  const auto start = std::chrono::steady_clock::now();
  MemberResult r;
  r.index = index;
  r.inputs.assign(plan.inputs.size(), nan);
  r.summary.assign(plan.summaries.size(), nan);
  try {
    std::vector<std::string> overrides;
    const PersonalisedModel personalised = personalise_member(plan, index, overrides, cancel);
    r.patient = personalised.patient;
    r.patient.warnings.clear();  // not stored in files
    r.inputs[0] = r.patient.age_years;
    r.inputs[1] = r.patient.height_cm;
    r.inputs[2] = r.patient.weight_kg;
    for (std::size_t i = 3; i < plan.inputs.size(); ++i)
      r.inputs[i] = personalised.model.parameters.value(plan.inputs[i].name);

    Scenario scenario{plan.description.duration, {}};
    if (const auto& file = scenario_of(plan, index); !file.empty())
      scenario = load_scenario(file, personalised.model);
    Session session(personalised, plan.twin_options, overrides);
    r.record.keep_samples = plan.description.outputs.timeseries_rate > 0.0;
    session.add_recorder(r.record);
    Twin& twin = session.twin();
    for (const Action& a : scenario.actions) twin.schedule(a);
    // In pieces of one simulated second, so that a cancellation is answered within one.
    const long pieces = std::max(1L, long(std::ceil(scenario.duration)));
    for (long i = 1; i <= pieces; ++i) {
      check_cancelled(cancel);
      twin.advance(scenario.duration * double(i) / double(pieces) - twin.time());
    }
    r.simulated = twin.time();
    for (const Action& a : r.record.actions) {
      r.action_names.emplace_back(action_name(a.kind));
      r.action_details.push_back(action_details(a));
    }
    r.header = session.header();
    for (std::size_t s = 0; s < plan.summaries.size(); ++s) {
      const auto source = find_metric(*r.header, plan.summaries[s].metric);
      r.summary[s] =
          source->breath
              ? summarise(plan.summaries[s], r.record.breath_times, r.record.breaths, source->index)
              : summarise(plan.summaries[s], r.record.beat_times, r.record.beats, source->index);
    }
    if (!plan.description.outputs.beats) r.record.beats.clear(), r.record.beat_times.clear();
    if (!plan.description.outputs.breaths) r.record.breaths.clear(), r.record.breath_times.clear();
    r.status = MemberStatus::ok;
  } catch (const Cancelled&) {
    throw;
  } catch (const SolverError& e) {
    r.status = MemberStatus::solver_error;
    r.error = e.what();
  } catch (const InputError& e) {
    r.status = MemberStatus::input_error;
    r.error = e.what();
  } catch (const std::exception& e) {
    r.status = MemberStatus::failed;
    r.error = e.what();
  }
  if (!r.ok()) {
    // Outputs name a member's file by its place in the description, never by its path (file
    // names of records hold names).
    if (!plan.description.members.empty()) {
      const ListedMember& m = plan.description.members[index];
      const std::string path = m.file.string();
      for (std::size_t at; !path.empty() && (at = r.error.find(path)) != std::string::npos;)
        r.error.replace(at, path.size(), m.label);
    }
    r.header.reset();
    r.record = MemoryRecorder{};
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

int cohort_threads(int threads) {
  return threads > 0 ? threads : omp_get_max_threads();
}

void run_members(const CohortPlan& plan, const std::vector<std::size_t>& members, int threads,
                 const std::function<void(MemberResult&&)>& finished, CancellationFlag cancel) {
  std::atomic<bool> stop{false};
  std::exception_ptr first_error;
  std::mutex deliver;  // finished() is called by one thread at a time
  const long count = long(members.size());
#pragma omp parallel for schedule(dynamic, 1) num_threads(cohort_threads(threads))
  for (long i = 0; i < count; ++i) {
    if (stop.load() || (cancel != nullptr && cancel->load())) continue;
    try {
      MemberResult result = run_member(plan, members[std::size_t(i)], cancel);
      const std::lock_guard<std::mutex> lock(deliver);
      if (!stop.load()) finished(std::move(result));
    } catch (...) {  // nothing may leave an OpenMP region: kept, rethrown below
      const std::lock_guard<std::mutex> lock(deliver);
      if (!first_error) first_error = std::current_exception();
      stop.store(true);
    }
  }
  if (first_error) std::rethrow_exception(first_error);
  check_cancelled(cancel);
}

}  // namespace physiotwin::cohort
