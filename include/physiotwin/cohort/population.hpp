#pragma once
// A virtual population drawn from its description (docs/cohorts.md, "Virtual populations"):
// one point of the sampling design per member, its coordinates correlated through a Gaussian
// copula where the description asks, mapped to values by each input's quantile function.
// Draws no adult could be (an age, height, weight or body mass index outside the adult limits
// of patient/body.hpp and record_measures.hpp, a parameter outside its range, a model rule
// broken) are rejected, counted by reason, and replaced by the design's next points.
#include <map>
#include <string>
#include <vector>

#include "physiotwin/cohort/cohort_description.hpp"
#include "physiotwin/model/body_model.hpp"
#include "physiotwin/patient/body.hpp"

namespace physiotwin::cohort {

struct VirtualMember {
  Patient patient;  ///< id "virtual-<index>", sex, age, height, weight
  /// The drawn model parameters (name, value), set after the model is scaled to the body:
  /// absolute values, not scaled again.
  std::vector<std::pair<std::string, double>> parameters;
};

struct PopulationDraw {
  std::vector<VirtualMember> members;
  std::map<std::string, std::size_t> rejected;  ///< reason -> how many draws
  std::size_t points = 0;                       ///< design points used, rejected ones included
};

/// Draws `population` for `model`. InputError (naming the description's JSON path) for a
/// parameter the model lacks, correlations that no population can have together (the matrix
/// is not positive definite), or a population whose draws are nearly all rejected.
[[nodiscard]] PopulationDraw draw_population(const Population& population, const BodyModel& model,
                                             const std::string& description_file);

/// The model of a virtual member: `base` scaled to its body, its drawn parameters set.
[[nodiscard]] BodyModel member_model(const BodyModel& base, const VirtualMember& member);

}  // namespace physiotwin::cohort
