// Sobol indices (Saltelli's design, Jansen's estimators, bootstrap intervals) and Morris's
// elementary effects (cohort/sensitivity.hpp; sources there and in docs/sensitivity.md).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "physiotwin/cohort/sampling.hpp"
#include "physiotwin/cohort/sensitivity.hpp"
#include "physiotwin/core/error.hpp"

namespace physiotwin::cohort {

namespace {

void check_inputs(const std::vector<SensitivityInput>& inputs) {
  if (inputs.empty()) throw InputError("a sensitivity analysis needs at least one input");
  for (const SensitivityInput& in : inputs)
    if (!(in.min < in.max) || !std::isfinite(in.min) || !std::isfinite(in.max))
      throw InputError(fmt::format("{}: the range [{:g}, {:g}] is empty", in.name, in.min, in.max));
}

double scaled(const SensitivityInput& in, double u) {
  return in.min + u * (in.max - in.min);
}

/// An index in [0, n) from the generator, the same on every platform (see sampling.cpp).
std::size_t uniform_index(std::mt19937_64& random, std::size_t n) {
  const std::uint64_t limit =
      std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
  std::uint64_t x = random();
  while (x >= limit) x = random();
  return std::size_t(x % n);
}

/// The sample variance of f(A) and f(B) together, and Jansen's estimators for input i, over
/// the base samples `rows`.
struct Estimates {
  double variance;
  std::vector<double> first, total;
};

Estimates estimate(const std::vector<double>& a, const std::vector<double>& b,
                   const std::vector<std::vector<double>>& ab,
                   const std::vector<std::size_t>& rows) {
  const double n = double(rows.size());
  double mean = 0.0;
  for (std::size_t j : rows) mean += a[j] + b[j];
  mean /= 2.0 * n;
  double squares = 0.0;
  for (std::size_t j : rows)
    squares += (a[j] - mean) * (a[j] - mean) + (b[j] - mean) * (b[j] - mean);
  Estimates e{squares / (2.0 * n - 1.0), {}, {}};
  for (const std::vector<double>& abi : ab) {
    double first = 0.0, total = 0.0;
    for (std::size_t j : rows) {
      first += (b[j] - abi[j]) * (b[j] - abi[j]);  // Saltelli 2010, table 2 (b): Jansen
      total += (a[j] - abi[j]) * (a[j] - abi[j]);  // table 2 (f): Jansen
    }
    e.first.push_back((e.variance - first / (2.0 * n)) / e.variance);
    e.total.push_back(total / (2.0 * n) / e.variance);
  }
  return e;
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const double at = p * double(values.size() - 1);
  const auto below = std::size_t(std::floor(at));
  const std::size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (at - double(below)) * (values[above] - values[below]);
}

}  // namespace

SaltelliDesign saltelli_design(std::vector<SensitivityInput> inputs, std::size_t base,
                               std::uint64_t seed) {
  check_inputs(inputs);
  if (base < 8) throw InputError("a Saltelli design needs at least 8 base samples");
  const std::size_t k = inputs.size();
  if (2 * k > sobol_max_dimensions())
    throw InputError(fmt::format("at most {} inputs", sobol_max_dimensions() / 2));
  const auto unit = unit_design(SamplingDesign::sobol, base, 2 * k, seed);
  SaltelliDesign d;
  d.base = base;
  d.inputs = std::move(inputs);
  d.points.reserve(base * (k + 2));
  auto point = [&](std::size_t j, std::size_t from_b) {  // from_b: k = none, k + 1 = all
    std::vector<double> x(k);
    for (std::size_t i = 0; i < k; ++i) {
      const bool b = from_b == k + 1 || from_b == i;
      x[i] = scaled(d.inputs[i], unit[j][b ? k + i : i]);
    }
    return x;
  };
  for (std::size_t j = 0; j < base; ++j) d.points.push_back(point(j, k));      // A
  for (std::size_t j = 0; j < base; ++j) d.points.push_back(point(j, k + 1));  // B
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < base; ++j) d.points.push_back(point(j, i));  // A_B^(i)
  return d;
}

SobolResult sobol_indices(const SaltelliDesign& design, const std::vector<double>& outputs,
                          std::size_t resamples, std::uint64_t seed, double confidence) {
  const std::size_t n = design.base, k = design.inputs.size();
  if (outputs.size() != design.size())
    throw InputError(
        fmt::format("{} outputs for a design of {} points", outputs.size(), design.size()));
  if (!(confidence > 0.0 && confidence < 1.0))
    throw InputError("the confidence level must lie between 0 and 1");
  const std::vector<double> a(outputs.begin(), outputs.begin() + long(n));
  const std::vector<double> b(outputs.begin() + long(n), outputs.begin() + long(2 * n));
  std::vector<std::vector<double>> ab(k);
  for (std::size_t i = 0; i < k; ++i)
    ab[i].assign(outputs.begin() + long((2 + i) * n), outputs.begin() + long((3 + i) * n));
  std::vector<std::size_t> rows;
  for (std::size_t j = 0; j < n; ++j) {
    bool finite = std::isfinite(a[j]) && std::isfinite(b[j]);
    for (std::size_t i = 0; i < k; ++i) finite = finite && std::isfinite(ab[i][j]);
    if (finite) rows.push_back(j);
  }
  if (rows.size() < 8)
    throw InputError(
        fmt::format("only {} of {} base samples ran: too few for Sobol indices", rows.size(), n));
  const Estimates point = estimate(a, b, ab, rows);
  if (!(point.variance > 0.0)) throw InputError("the output does not vary over the design");
  SobolResult result;
  result.variance = point.variance;
  result.used = rows.size();
  std::vector<std::vector<double>> first(k), total(k);
  std::mt19937_64 random(seed);
  std::vector<std::size_t> resample(rows.size());
  for (std::size_t r = 0; r < resamples; ++r) {
    for (std::size_t& j : resample) j = rows[uniform_index(random, rows.size())];
    const Estimates e = estimate(a, b, ab, resample);
    if (!(e.variance > 0.0)) continue;
    for (std::size_t i = 0; i < k; ++i) {
      first[i].push_back(e.first[i]);
      total[i].push_back(e.total[i]);
    }
  }
  const double tail = (1.0 - confidence) / 2.0;
  for (std::size_t i = 0; i < k; ++i) {
    SobolIndices s;
    s.first = point.first[i];
    s.total = point.total[i];
    s.first_low = s.first_high = s.first;
    s.total_low = s.total_high = s.total;
    if (!first[i].empty()) {
      s.first_low = percentile(first[i], tail);
      s.first_high = percentile(first[i], 1.0 - tail);
      s.total_low = percentile(total[i], tail);
      s.total_high = percentile(total[i], 1.0 - tail);
    }
    result.indices.push_back(s);
  }
  return result;
}

MorrisDesign morris_design(std::vector<SensitivityInput> inputs, std::size_t trajectories,
                           std::size_t levels, std::uint64_t seed) {
  check_inputs(inputs);
  if (levels < 2 || levels % 2 != 0)
    throw InputError("Morris's design needs an even number of levels, at least 2");
  if (trajectories < 2) throw InputError("Morris's design needs at least 2 trajectories");
  const std::size_t k = inputs.size();
  const double delta = double(levels) / (2.0 * double(levels - 1));  // Morris 1991
  const std::size_t starts = levels / 2;  // the levels from which +Delta stays inside [0, 1]
  MorrisDesign d;
  d.inputs = std::move(inputs);
  d.trajectories = trajectories;
  d.levels = levels;
  std::mt19937_64 random(seed);
  for (std::size_t t = 0; t < trajectories; ++t) {
    std::vector<double> x(k);
    std::vector<double> direction(k);
    for (std::size_t i = 0; i < k; ++i) {
      const double low = double(uniform_index(random, starts)) / double(levels - 1);
      direction[i] = uniform_index(random, 2) == 0 ? 1.0 : -1.0;
      x[i] = direction[i] > 0.0 ? low : low + delta;
    }
    std::vector<std::size_t> order(k);
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = k; i > 1; --i) std::swap(order[i - 1], order[uniform_index(random, i)]);
    auto in_units = [&](const std::vector<double>& u) {
      std::vector<double> v(k);
      for (std::size_t i = 0; i < k; ++i) v[i] = scaled(d.inputs[i], u[i]);
      return v;
    };
    d.points.push_back(in_units(x));
    std::vector<std::size_t> moved;
    std::vector<double> steps;
    for (std::size_t i : order) {
      x[i] += direction[i] * delta;
      d.points.push_back(in_units(x));
      moved.push_back(i);
      steps.push_back(direction[i] * delta * (d.inputs[i].max - d.inputs[i].min));
    }
    d.moved.push_back(std::move(moved));
    d.step.push_back(std::move(steps));
  }
  return d;
}

std::vector<MorrisEffects> morris_effects(const MorrisDesign& design,
                                          const std::vector<double>& outputs) {
  const std::size_t k = design.inputs.size();
  if (outputs.size() != design.points.size())
    throw InputError(
        fmt::format("{} outputs for a design of {} points", outputs.size(), design.points.size()));
  std::vector<std::vector<double>> effects(k);
  for (std::size_t t = 0; t < design.trajectories; ++t) {
    for (std::size_t s = 0; s < k; ++s) {
      const double before = outputs[t * (k + 1) + s], after = outputs[t * (k + 1) + s + 1];
      if (!std::isfinite(before) || !std::isfinite(after)) continue;
      const std::size_t i = design.moved[t][s];
      const double range = design.inputs[i].max - design.inputs[i].min;
      // Per the input's whole range: effects of inputs in different units compare.
      effects[i].push_back((after - before) / design.step[t][s] * range);
    }
  }
  std::vector<MorrisEffects> out(k);
  for (std::size_t i = 0; i < k; ++i) {
    const std::vector<double>& e = effects[i];
    MorrisEffects& m = out[i];
    m.effects = e.size();
    if (e.empty()) {
      m.mu = m.mu_star = m.sigma = std::nan("");
      continue;
    }
    for (double v : e) m.mu += v / double(e.size()), m.mu_star += std::abs(v) / double(e.size());
    double squares = 0.0;
    for (double v : e) squares += (v - m.mu) * (v - m.mu);
    m.sigma = e.size() > 1 ? std::sqrt(squares / double(e.size() - 1)) : 0.0;
  }
  return out;
}

}  // namespace physiotwin::cohort
