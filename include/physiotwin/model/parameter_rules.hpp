#pragma once
// The rules that tie a model's parameters together. Each parameter's own range is checked
// where it is set (core/parameters.hpp); these are the relations between them: a valve
// closes to less than it opens; an activation contracts before it relaxes and starts within
// the heart period; a Gaussian peaks within it; a sigmoid's lowest firing is below its
// highest; the inspired gas is at most the whole gas; a paced breathing rate is 0 or 4 /min
// and more; the exercise work rate is what the O2 uptake reserve pays for. Checked by the model
// loader, BodyModel::set_parameter() (every --set, scenario `set` and binding call) and scenario
// loading.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>

#include "physiotwin/model/block_types.hpp"
#include "physiotwin/model/model_description.hpp"

namespace physiotwin {

/// The tissues' resting O2 demand, mL/min (0 without gas exchange).
[[nodiscard]] inline double resting_o2_uptake(const ModelDescription& model,
                                              const ParameterSet& p) {
  double total = 0.0;
  if (!model.gas_exchange) return total;
  for (std::size_t first : model.gas_exchange->tissue_first_parameter)
    total += blocks::BlockValues<blocks::tissue>(p, first).get<"o2_consumption">();
  return total;
}

/// A rule between parameters that the values break: the parameter to name and why.
struct RuleViolation {
  std::string parameter;
  std::string message;
};

/// The first rule that values `p` of the parameters of `model` break, if any.
[[nodiscard]] inline std::optional<RuleViolation> rule_violation(const ModelDescription& model,
                                                                 const ParameterSet& p) {
  const double period = 60.0 / p.value("heart.rate");
  for (const Connection& k : model.connections) {
    if (k.kind != ConnectionKind::valve) continue;
    const blocks::BlockValues<blocks::valve> v(p, k.first_parameter);
    const double max_area = v.get<"max_area">();
    const double min_area = v.get<"min_area">();
    if (min_area >= max_area) {
      return RuleViolation{k.name + ".min_area",
                           fmt::format("{}.min_area ({:g} cm2) must be below {}.max_area "
                                       "({:g} cm2): a valve closes to less than it opens",
                                       k.name, min_area, k.name, max_area)};
    }
  }
  for (const ActivationCurve& a : model.activations) {
    if (a.kind == ActivationKind::gaussian) {
      const double peak_time =
          blocks::BlockValues<blocks::gaussian_activation>(p, a.first_parameter).get<"peak_time">();
      if (peak_time >= period) {
        return RuleViolation{a.name + ".peak_time",
                             fmt::format("{}.peak_time ({:g} s) must be within the heart "
                                         "period ({:.3g} s at heart.rate {:g} /min)",
                                         a.name, peak_time, period, p.value("heart.rate"))};
      }
      continue;
    }
    const blocks::BlockValues<blocks::activation> v(p, a.first_parameter);
    if (v.get<"onset">() >= period) {
      return RuleViolation{a.name + ".onset",
                           fmt::format("{}.onset ({:g} s) must be within the heart period "
                                       "({:.3g} s at heart.rate {:g} /min): the contraction "
                                       "would start after the next beat",
                                       a.name, v.get<"onset">(), period, p.value("heart.rate"))};
    }
    if (v.get<"contraction_time">() >= v.get<"relaxation_time">()) {
      return RuleViolation{
          a.name + ".contraction_time",
          fmt::format("{}.contraction_time ({:g}) must be below "
                      "{}.relaxation_time ({:g}): a chamber contracts "
                      "before it relaxes",
                      a.name, v.get<"contraction_time">(), a.name, v.get<"relaxation_time">())};
    }
  }
  auto below = [&](const char* low, const char* high,
                   const char* what) -> std::optional<RuleViolation> {
    if (!p.contains(low) || !p.contains(high) || p.value(low) < p.value(high)) return {};
    return RuleViolation{low, fmt::format("{} ({:g}) must be below {} ({:g}): {}", low,
                                          p.value(low), high, p.value(high), what)};
  };
  if (auto v = below("baroreflex.afferent_min_rate", "baroreflex.afferent_max_rate",
                     "the afferent sigmoid's lowest firing is below its highest"))
    return v;
  if (auto v = below("chemoreflex.min_rate", "chemoreflex.max_rate",
                     "the chemoreceptors fire least in hyperoxia"))
    return v;
  if (p.contains("respiration.paced_rate")) {
    const double paced = p.value("respiration.paced_rate");
    if (paced > 0.0 && paced < 4.0) {
      return RuleViolation{"respiration.paced_rate",
                           fmt::format("respiration.paced_rate ({:g} /min) must be 0 (breathing "
                                       "at the respiratory centres' rate) or 4 /min or more",
                                       paced)};
    }
  }
  if (model.exercise) {
    const double work = p.value("exercise.work_rate"), peak = p.value("exercise.peak_o2_uptake");
    const double rest = resting_o2_uptake(model, p), cost = p.value("exercise.o2_cost");
    const double most = std::max(peak - rest, 0.0) / cost;
    if (work > most * (1.0 + 1e-12)) {
      return RuleViolation{
          "exercise.work_rate",
          fmt::format("exercise.work_rate ({:g} W) is beyond what the O2 uptake reserve pays "
                      "for: at most {:.0f} W (exercise.peak_o2_uptake {:.0f} mL/min less the "
                      "resting {:.0f} mL/min, at exercise.o2_cost {:g} mL/min per W)",
                      work, most, peak, rest, cost)};
    }
  }
  if (p.contains("gas.inspired_o2_fraction") &&
      p.value("gas.inspired_o2_fraction") + p.value("gas.inspired_co2_fraction") > 1.0) {
    return RuleViolation{
        "gas.inspired_o2_fraction",
        fmt::format("gas.inspired_o2_fraction ({:g}) and "
                    "gas.inspired_co2_fraction ({:g}) add up to more than the "
                    "whole gas",
                    p.value("gas.inspired_o2_fraction"), p.value("gas.inspired_co2_fraction"))};
  }
  return std::nullopt;
}

}  // namespace physiotwin
