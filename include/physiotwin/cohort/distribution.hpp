#pragma once
// The distributions a virtual population draws its members' inputs from (docs/cohorts.md,
// "Distributions"): each maps a number u in (0, 1) to a value by its quantile function, so
// that a sampling design over the unit cube (cohort/sampling.hpp) becomes a population.
// Quantiles come from Boost.Math (src/cohort/distribution.cpp).
#include <limits>
#include <optional>
#include <string>

namespace physiotwin::cohort {

enum class DistributionKind {
  uniform,    ///< between min and max
  normal,     ///< mean, sd; optionally truncated to [min, max]
  lognormal,  ///< median, and sigma, the standard deviation of its logarithm; optionally truncated
  fixed,      ///< one value for every member
};

struct Distribution {
  DistributionKind kind = DistributionKind::fixed;
  double value = 0.0;   ///< fixed
  double mean = 0.0;    ///< normal
  double sd = 0.0;      ///< normal
  double median = 0.0;  ///< lognormal
  double sigma = 0.0;   ///< lognormal
  /// Truncation (normal, lognormal) or the range (uniform); infinite: not truncated.
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
};

/// What is wrong with `d` (a standard deviation that is not positive, an empty range, a
/// truncation that leaves no probability), or nothing.
[[nodiscard]] std::optional<std::string> distribution_problem(const Distribution& d);

/// The value at cumulative probability u (0 < u < 1) of `d` (truncated: of the distribution
/// conditioned on [min, max]). `d` must have no distribution_problem().
[[nodiscard]] double quantile(const Distribution& d, double u);

/// The standard normal's quantile and cumulative distribution (the copula that correlates
/// draws works through them).
[[nodiscard]] double standard_normal_quantile(double u);
[[nodiscard]] double standard_normal_cdf(double z);

}  // namespace physiotwin::cohort
