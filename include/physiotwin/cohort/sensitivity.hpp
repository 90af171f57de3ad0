#pragma once
// Global sensitivity analysis of a model output to its inputs (docs/sensitivity.md): Sobol
// indices, first-order and total, from Saltelli's sampling with Jansen's estimators and
// bootstrap confidence intervals; and Morris's elementary effects for screening many inputs
// with few runs. The designs and estimators are independent of the model: they map points to
// outputs someone else computes (the cohort runner for a twin; a plain function in the tests,
// which check them against the Ishigami function's analytic indices).
//
// Sources: Saltelli A, et al. Variance based sensitivity analysis of model output. Design and
// estimator for the total sensitivity index. Comput Phys Commun 2010;181:259-270 (the design:
// matrices A, B and A_B^(i); Jansen's estimators, their table 2, (b) and (f)). Jansen MJW.
// Analysis of variance designs for model output. Comput Phys Commun 1999;117:35-43. Morris MD.
// Factorial sampling plans for preliminary computational experiments. Technometrics
// 1991;33:161-174; mu* from Campolongo F, Cariboni J, Saltelli A. An effective screening design
// for sensitivity analysis of large models. Environ Model Softw 2007;22:1509-1518.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace physiotwin::cohort {

/// An input varied uniformly over [min, max].
struct SensitivityInput {
  std::string name;
  double min = 0.0, max = 1.0;
};

/// Saltelli's design for k inputs and N base samples: N (k + 2) points, in blocks of N rows:
/// A, B, then A_B^(1) ... A_B^(k) (A with column i taken from B). A and B are the two halves
/// of a 2k-dimensional Sobol design, so that the points are even in the whole space.
struct SaltelliDesign {
  std::size_t base = 0;                     ///< N
  std::vector<SensitivityInput> inputs;     ///< k
  std::vector<std::vector<double>> points;  ///< N (k + 2) rows of k values (the inputs' units)

  [[nodiscard]] std::size_t size() const noexcept { return points.size(); }
};

[[nodiscard]] SaltelliDesign saltelli_design(std::vector<SensitivityInput> inputs, std::size_t base,
                                             std::uint64_t seed);

/// One input's Sobol indices, with bootstrap confidence intervals (percentile method).
struct SobolIndices {
  double first = 0.0, first_low = 0.0, first_high = 0.0;
  double total = 0.0, total_low = 0.0, total_high = 0.0;
};

struct SobolResult {
  std::vector<SobolIndices> indices;  ///< per input, in the design's order
  double variance = 0.0;              ///< of the output over A and B
  std::size_t used = 0;               ///< base samples whose k + 2 outputs were all finite
};

/// The indices of `outputs` (one per design point, NaN for a failed run: its base sample is
/// left out). `resamples` bootstrap resamples of the base samples, drawn from `seed`;
/// `confidence` the interval's level. InputError when fewer than 8 base samples remain or the
/// output does not vary.
[[nodiscard]] SobolResult sobol_indices(const SaltelliDesign& design,
                                        const std::vector<double>& outputs,
                                        std::size_t resamples = 1000, std::uint64_t seed = 1,
                                        double confidence = 0.95);

/// Morris's design: r trajectories of k + 1 points on a p-level grid over the inputs' ranges,
/// each moving one input at a time by Delta = p / (2 (p - 1)) of its range.
struct MorrisDesign {
  std::vector<SensitivityInput> inputs;
  std::size_t trajectories = 0;
  std::size_t levels = 4;
  std::vector<std::vector<double>> points;  ///< r (k + 1) rows, trajectory by trajectory
  /// For each trajectory's steps 1..k: which input moved, and by how much (the inputs' units).
  std::vector<std::vector<std::size_t>> moved;
  std::vector<std::vector<double>> step;
};

[[nodiscard]] MorrisDesign morris_design(std::vector<SensitivityInput> inputs,
                                         std::size_t trajectories, std::size_t levels,
                                         std::uint64_t seed);

/// Elementary-effect statistics of one input, in the output's units per input unit times the
/// input's range (so that inputs in different units compare).
struct MorrisEffects {
  double mu = 0.0;          ///< mean elementary effect
  double mu_star = 0.0;     ///< mean of their absolute values (Campolongo 2007): the importance
  double sigma = 0.0;       ///< their standard deviation: nonlinearity or interactions
  std::size_t effects = 0;  ///< finite elementary effects used
};

/// The effects of `outputs` (one per design point; an effect whose two outputs are not both
/// finite is left out).
[[nodiscard]] std::vector<MorrisEffects> morris_effects(const MorrisDesign& design,
                                                        const std::vector<double>& outputs);

}  // namespace physiotwin::cohort
