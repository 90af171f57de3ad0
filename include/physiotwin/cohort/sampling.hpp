#pragma once
// Designs over the unit cube from which a virtual population is drawn (docs/cohorts.md,
// "Sampling"): a Latin hypercube (each dimension's n strata each hit once, McKay, Beckman &
// Conover 1979) or a Sobol sequence (Joe & Kuo direction numbers, Boost.Random) shifted by a
// random vector modulo 1 (a Cranley-Patterson rotation, so that the seed gives another
// equally even design and no point lies on the cube's faces). Both are reproducible: the same
// seed gives the same points on every platform (the Mersenne Twister's output is fixed by the
// C++ standard; the shuffles and conversions to doubles here are written out, not left to a
// library's implementation).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace physiotwin::cohort {

enum class SamplingDesign { latin_hypercube, sobol };

/// n points in (0, 1)^dims, one row per point. `first`: the index of the first point in the
/// design's sequence (Sobol: later points of the same sequence; Latin hypercube: a new,
/// independent hypercube for each value, drawn from the seed and `first`).
[[nodiscard]] std::vector<std::vector<double>> unit_design(SamplingDesign design, std::size_t n,
                                                           std::size_t dims, std::uint64_t seed,
                                                           std::size_t first = 0);

/// The most dimensions the Sobol design supports (Boost's direction-number table).
[[nodiscard]] std::size_t sobol_max_dimensions();

}  // namespace physiotwin::cohort
