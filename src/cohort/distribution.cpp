// Quantiles of the population's distributions: Boost.Math's (cohort/distribution.hpp).
#include <fmt/format.h>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>

#include "physiotwin/cohort/distribution.hpp"

namespace physiotwin::cohort {

namespace {

const boost::math::normal_distribution<double>& standard_normal() {
  static const boost::math::normal_distribution<double> n(0.0, 1.0);
  return n;
}

/// The quantile at u of `distribution` conditioned on [min, max].
template <typename BoostDistribution>
double truncated_quantile(const BoostDistribution& distribution, double min, double max, double u) {
  const double low = std::isfinite(min) ? boost::math::cdf(distribution, min) : 0.0;
  const double high = std::isfinite(max) ? boost::math::cdf(distribution, max) : 1.0;
  const double p = low + u * (high - low);
  // p can round onto 0 or 1 for a far truncation: the nearer bound is the value then.
  if (p <= 0.0) return min;
  if (p >= 1.0) return max;
  return std::clamp(boost::math::quantile(distribution, p), min, max);
}

/// Probability mass of `distribution` in [min, max].
template <typename BoostDistribution>
double mass(const BoostDistribution& distribution, double min, double max) {
  const double low = std::isfinite(min) ? boost::math::cdf(distribution, min) : 0.0;
  const double high = std::isfinite(max) ? boost::math::cdf(distribution, max) : 1.0;
  return high - low;
}

}  // namespace

std::optional<std::string> distribution_problem(const Distribution& d) {
  if (std::isnan(d.min) || std::isnan(d.max) || !(d.min < d.max))
    return fmt::format("the range [{:g}, {:g}] is empty", d.min, d.max);
  switch (d.kind) {
    case DistributionKind::fixed:
      if (!std::isfinite(d.value)) return "the value must be a finite number";
      return std::nullopt;
    case DistributionKind::uniform:
      if (!std::isfinite(d.min) || !std::isfinite(d.max))
        return "a uniform distribution needs a finite min and max";
      return std::nullopt;
    case DistributionKind::normal: {
      if (!std::isfinite(d.mean)) return "the mean must be a finite number";
      if (!(d.sd > 0.0) || !std::isfinite(d.sd))
        return fmt::format("the standard deviation must be positive (is {:g})", d.sd);
      const boost::math::normal_distribution<double> n(d.mean, d.sd);
      if (!(mass(n, d.min, d.max) > 1e-12))
        return "the truncation leaves no probability (min and max lie far in one tail)";
      return std::nullopt;
    }
    case DistributionKind::lognormal: {
      if (!(d.median > 0.0) || !std::isfinite(d.median))
        return fmt::format("the median must be positive (is {:g})", d.median);
      if (!(d.sigma > 0.0) || !std::isfinite(d.sigma))
        return fmt::format("sigma must be positive (is {:g})", d.sigma);
      if (d.max <= 0.0) return "a log-normal value is positive: max must be above 0";
      const boost::math::lognormal_distribution<double> l(std::log(d.median), d.sigma);
      if (!(mass(l, std::max(d.min, 0.0), d.max) > 1e-12))
        return "the truncation leaves no probability (min and max lie far in one tail)";
      return std::nullopt;
    }
  }
  return "unknown distribution";
}

double quantile(const Distribution& d, double u) {
  switch (d.kind) {
    case DistributionKind::fixed:
      return d.value;
    case DistributionKind::uniform:
      return d.min + u * (d.max - d.min);
    case DistributionKind::normal:
      return truncated_quantile(boost::math::normal_distribution<double>(d.mean, d.sd), d.min,
                                d.max, u);
    case DistributionKind::lognormal:
      return truncated_quantile(
          boost::math::lognormal_distribution<double>(std::log(d.median), d.sigma),
          std::max(d.min, 0.0), d.max, u);
  }
  return d.value;
}

double standard_normal_quantile(double u) {
  return boost::math::quantile(standard_normal(), u);
}

double standard_normal_cdf(double z) {
  return boost::math::cdf(standard_normal(), z);
}

}  // namespace physiotwin::cohort
