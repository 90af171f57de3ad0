// Virtual populations (cohort/population.hpp).
#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "physiotwin/cohort/population.hpp"
#include "physiotwin/core/error.hpp"
#include "physiotwin/patient/record_measures.hpp"

namespace physiotwin::cohort {

namespace {

bool is_body_input(const std::string& name) {
  return name == "age" || name == "height" || name == "weight";
}

/// The lower Cholesky factor of the inputs' correlation matrix (over the varied inputs, the
/// design's dimensions after the first, which draws the sex).
Eigen::MatrixXd copula_factor(const Population& p, const std::vector<std::size_t>& varied,
                              const std::string& file) {
  const Eigen::Index n = Eigen::Index(varied.size());
  Eigen::MatrixXd r = Eigen::MatrixXd::Identity(n, n);
  auto dimension_of = [&](const std::string& name) {
    for (std::size_t d = 0; d < varied.size(); ++d)
      if (p.inputs[varied[d]].name == name) return Eigen::Index(d);
    return Eigen::Index(-1);  // not reached: the reader checked the names
  };
  for (const Correlation& c : p.correlations) {
    const Eigen::Index a = dimension_of(c.first), b = dimension_of(c.second);
    r(a, b) = r(b, a) = c.coefficient;
  }
  Eigen::LLT<Eigen::MatrixXd> factor(r);
  if (factor.info() != Eigen::Success) {
    throw InputError(fmt::format(
        "{}: population.correlations: these correlations cannot hold together (their matrix "
        "is not positive definite): weaken one of them",
        file));
  }
  return factor.matrixL();
}

/// Why an adult could not have these inputs, or an empty string.
std::string rejection(const Patient& p) {
  auto outside = [](const ParameterSpec& spec, double v) { return v < spec.min || v > spec.max; };
  if (outside(patient_age_spec, p.age_years)) return "age outside 18-90 years";
  if (outside(patient_height_spec, p.height_cm)) return "height outside 120-230 cm";
  if (outside(patient_weight_spec, p.weight_kg)) return "weight outside 30-250 kg";
  const MeasureSpec& bmi = spec_of(Measure::body_mass_index);
  const double index = p.weight_kg / std::pow(p.height_cm / 100.0, 2);
  if (index < bmi.min || index > bmi.max)
    return fmt::format("body mass index outside {:g}-{:g} kg/m2", bmi.min, bmi.max);
  return {};
}

/// Why the model cannot take this member's body and parameters, or an empty string.
std::string model_rejection(const BodyModel& base, const VirtualMember& member) {
  BodyModel probe = base;
  try {
    scale_to_patient(probe, member.patient);
  } catch (const InputError& e) {
    // ParameterSet::set_derived() names the parameter first ("parameter NAME: ..."); the
    // reason carries the name only (reasons are counted, so no values).
    const std::string_view message = e.what();
    constexpr std::string_view prefix = "parameter ";
    const auto colon = message.find(':');
    if (message.starts_with(prefix) && colon != std::string_view::npos)
      return fmt::format("the body scaling takes {} out of its range",
                         message.substr(prefix.size(), colon - prefix.size()));
    return "the body scaling takes a parameter out of its range";
  }
  for (const auto& [name, value] : member.parameters) probe.parameters.set(name, value);
  if (const auto broken = probe.rule_violation())
    return fmt::format("breaks a rule of the model on {}", broken->parameter);
  return {};
}

}  // namespace

BodyModel member_model(const BodyModel& base, const VirtualMember& member) {
  BodyModel model = base;
  scale_to_patient(model, member.patient);
  for (const auto& [name, value] : member.parameters) model.parameters.set(name, value);
  if (const auto broken = model.rule_violation()) throw InputError(broken->message);
  model.refresh();
  return model;
}

PopulationDraw draw_population(const Population& population, const BodyModel& model,
                               const std::string& file) {
  for (const VariedInput& input : population.inputs) {
    if (!is_body_input(input.name) && !model.parameters.contains(input.name)) {
      throw InputError(
          fmt::format("{}: model {} has no parameter \"{}\"", input.where, model.name, input.name));
    }
  }
  std::vector<std::size_t> varied;  // inputs with a dimension of their own
  for (std::size_t i = 0; i < population.inputs.size(); ++i)
    if (population.inputs[i].varies()) varied.push_back(i);
  const Eigen::MatrixXd factor = copula_factor(population, varied, file);
  const bool correlated = !population.correlations.empty();

  PopulationDraw draw;
  const std::size_t wanted = population.size;
  // Enough points for nearly any population whose draws are mostly possible.
  const std::size_t most_points = 20 * wanted + 1000;
  while (draw.members.size() < wanted) {
    const std::size_t batch =
        std::min(most_points - draw.points, (wanted - draw.members.size()) * 5 / 4 + 8);
    if (batch == 0) {
      std::string reasons;
      for (const auto& [reason, count] : draw.rejected)
        reasons += fmt::format("{}{} x {}", reasons.empty() ? "" : ", ", count, reason);
      throw InputError(fmt::format(
          "{}: population: {} of {} draws were rejected ({}): the distributions describe "
          "mostly impossible adults",
          file, draw.points - draw.members.size(), draw.points, reasons));
    }
    const auto points =
        unit_design(population.design, batch, varied.size() + 1, population.seed, draw.points);
    for (const std::vector<double>& u : points) {
      if (draw.members.size() == wanted) break;
      ++draw.points;
      Eigen::VectorXd coordinates(Eigen::Index(varied.size()));
      for (std::size_t d = 0; d < varied.size(); ++d) coordinates[Eigen::Index(d)] = u[d + 1];
      if (correlated) {
        Eigen::VectorXd z(coordinates.size());
        for (Eigen::Index d = 0; d < z.size(); ++d) z[d] = standard_normal_quantile(coordinates[d]);
        const Eigen::VectorXd mixed = factor * z;
        for (Eigen::Index d = 0; d < z.size(); ++d)
          coordinates[d] = std::clamp(standard_normal_cdf(mixed[d]), 0x1.0p-53, 1.0 - 0x1.0p-53);
      }
      VirtualMember member;
      Patient& patient = member.patient;
      patient.sex = u[0] < population.male_fraction ? "male" : "female";
      const PopulationValues typical = population_values(patient.sex);
      patient.height_cm = typical.height_cm;
      patient.weight_kg = typical.weight_kg;
      std::size_t dimension = 0;
      std::string reason;
      for (std::size_t i = 0; i < population.inputs.size(); ++i) {
        const VariedInput& input = population.inputs[i];
        const double value =
            quantile(input.for_sex(patient.sex),
                     input.varies() ? coordinates[Eigen::Index(dimension++)] : 0.5);
        if (input.name == "age") {
          patient.age_years = value;
        } else if (input.name == "height") {
          patient.height_cm = value;
        } else if (input.name == "weight") {
          patient.weight_kg = value;
        } else {
          const Parameter& p = model.parameters.get(input.name);
          if (reason.empty() && (value < p.min || value > p.max))
            reason = fmt::format("{} outside its range {}", input.name, describe_range(p));
          member.parameters.emplace_back(input.name, value);
        }
      }
      if (reason.empty()) reason = rejection(patient);
      // Over 89: 90, as for a record (the model's age changes stop there; Safe Harbor).
      patient.age_90_or_older = patient.age_years > 89.0;
      if (patient.age_90_or_older) patient.age_years = 90.0;
      if (reason.empty()) reason = model_rejection(model, member);
      if (!reason.empty()) {
        ++draw.rejected[reason];
        continue;
      }
      patient.id = fmt::format("virtual-{:06}", draw.members.size());
      patient.description = "a virtual member of a cohort";
      patient.source = "drawn";
      draw.members.push_back(std::move(member));
    }
  }
  return draw;
}

}  // namespace physiotwin::cohort
