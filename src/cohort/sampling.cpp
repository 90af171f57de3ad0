// Latin hypercubes and shifted Sobol points (cohort/sampling.hpp).
#include <algorithm>
#include <boost/random/sobol.hpp>
#include <cmath>
#include <limits>
#include <random>

#include "physiotwin/cohort/sampling.hpp"

namespace physiotwin::cohort {

namespace {

/// A double in [0, 1) from the generator's 53 high bits (the same on every platform, unlike
/// std::uniform_real_distribution, whose algorithm each library chooses).
double unit_double(std::mt19937_64& random) {
  return double(random() >> 11) * 0x1.0p-53;
}

/// An index in [0, n) without modulo bias: draws in the top partial range are drawn again.
std::size_t below(std::mt19937_64& random, std::size_t n) {
  const std::uint64_t limit =
      std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
  std::uint64_t x = random();
  while (x >= limit) x = random();
  return std::size_t(x % n);
}

/// Keeps a point off the cube's faces, where a normal quantile is infinite.
double interior(double u) {
  return std::clamp(u, 0x1.0p-53, 1.0 - 0x1.0p-53);
}

std::vector<std::vector<double>> latin_hypercube(std::size_t n, std::size_t dims,
                                                 std::uint64_t seed, std::size_t first) {
  // One generator per design: the seed and which batch this is.
  std::seed_seq seeds{std::uint32_t(seed), std::uint32_t(seed >> 32), std::uint32_t(first),
                      std::uint32_t(std::uint64_t(first) >> 32)};
  std::mt19937_64 random(seeds);
  std::vector<std::vector<double>> points(n, std::vector<double>(dims));
  std::vector<std::size_t> strata(n);
  for (std::size_t d = 0; d < dims; ++d) {
    for (std::size_t i = 0; i < n; ++i) strata[i] = i;
    for (std::size_t i = n; i > 1; --i) std::swap(strata[i - 1], strata[below(random, i)]);
    for (std::size_t i = 0; i < n; ++i)
      points[i][d] = interior((double(strata[i]) + unit_double(random)) / double(n));
  }
  return points;
}

std::vector<std::vector<double>> shifted_sobol(std::size_t n, std::size_t dims, std::uint64_t seed,
                                               std::size_t first) {
  std::vector<std::vector<double>> points(n, std::vector<double>(dims));
  if (dims == 0) return points;
  std::mt19937_64 random(seed);
  std::vector<double> shift(dims);
  for (double& s : shift) s = unit_double(random);
  // Point 0 of the sequence is the origin, which Boost's generator skips (it starts at point
  // 1): it is put back here, so that the first 2^k points form the (t, k, s)-net the design's
  // evenness rests on.
  boost::random::sobol sequence(static_cast<unsigned>(dims));
  if (first > 0) sequence.seed(first - 1);
  for (std::size_t i = 0; i < n; ++i) {
    const bool origin = first + i == 0;
    for (std::size_t d = 0; d < dims; ++d) {
      const double u = origin ? 0.0 : double(sequence() >> 11) * 0x1.0p-53;  // 64-bit coordinates
      const double shifted = u + shift[d];
      points[i][d] = interior(shifted >= 1.0 ? shifted - 1.0 : shifted);
    }
  }
  return points;
}

}  // namespace

std::size_t sobol_max_dimensions() {
  return boost::random::default_sobol_table::max_dimension;
}

std::vector<std::vector<double>> unit_design(SamplingDesign design, std::size_t n, std::size_t dims,
                                             std::uint64_t seed, std::size_t first) {
  return design == SamplingDesign::sobol ? shifted_sobol(n, dims, seed, first)
                                         : latin_hypercube(n, dims, seed, first);
}

}  // namespace physiotwin::cohort
