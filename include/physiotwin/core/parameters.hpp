#pragma once
// Typed parameters: every value carries its unit, its allowed range, a description, its
// literature source, and the rule by which it scales with body size. The ranges and units
// are declared once, by the block type that uses the parameter (model/block_types.hpp);
// model files supply values and sources only.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "physiotwin/core/error.hpp"

namespace physiotwin {

/// How a parameter follows the patient's body size (see docs/models/cardiovascular.md,
/// "Scaling to the patient"). Volumes follow blood volume (Nadler 1962); flows at a given
/// pressure follow body surface area (constant cardiac index), so resistances scale with
/// its inverse.
enum class BodyScaling {
  none,        ///< unchanged (times, pressures, valve areas, shape constants)
  volume,      ///< x blood-volume ratio
  compliance,  ///< x blood-volume ratio
  elastance,   ///< / blood-volume ratio
  resistance,  ///< / body-surface-area ratio
  inertance,   ///< / body-surface-area ratio
  stiffness,   ///< exponential EDPVR constant (1/mL): / blood-volume ratio
  /// x blood-volume ratio / BSA ratio: how resting pressures scale when stroke volume follows
  /// blood volume and resistances follow BSA. For pressure set points that reset to the
  /// patient's own chronic pressure (the baroreflex's operating point).
  resting_pressure,
  /// x body-surface-area ratio: resting metabolic rates (O2 consumption), which follow body
  /// surface area as cardiac output does (cardiac index).
  metabolic,
};

/// What a block type declares about one of its parameters.
struct ParameterSpec {
  std::string_view key;  ///< name within the block, e.g. "end_systolic_elastance"
  std::string_view unit;
  double min;
  double max;
  std::string_view description;
  BodyScaling scaling = BodyScaling::none;
};

/// One parameter of an assembled model, named "<block>.<key>".
struct Parameter {
  std::string name;
  std::string unit;
  double value = 0.0;
  double min = 0.0;
  double max = 0.0;
  std::string description;
  std::string source;
  BodyScaling scaling = BodyScaling::none;
};

/// "value unit" with the range, as every range error says it.
[[nodiscard]] inline std::string describe_range(const Parameter& p) {
  return fmt::format("[{:g}, {:g}] {}", p.min, p.max, p.unit);
}

/// A change of a parameter by its user (not by body scaling or calibration): what a failure
/// report names as having led there.
struct ParameterChange {
  std::string name;
  double from = 0.0, to = 0.0;
  std::string unit;
};

/// An ordered set of parameters with lookup by name. The order is the model file's order,
/// so listings and files are stable.
class ParameterSet {
 public:
  /// Adds a parameter; its value must already be inside its range.
  std::size_t add(Parameter p) {
    if (index_.contains(p.name))
      throw InputError(fmt::format("parameter {} is defined twice", p.name));
    check_range(p, p.value);
    index_.emplace(p.name, params_.size());
    params_.push_back(std::move(p));
    return params_.size() - 1;
  }

  [[nodiscard]] bool contains(std::string_view name) const {
    return index_.contains(std::string(name));
  }

  [[nodiscard]] std::size_t index_of(std::string_view name) const {
    auto it = index_.find(std::string(name));
    if (it == index_.end()) throw InputError(unknown_message(name));
    return it->second;
  }

  [[nodiscard]] const Parameter& get(std::string_view name) const {
    return params_[index_of(name)];
  }
  [[nodiscard]] double value(std::string_view name) const { return get(name).value; }
  [[nodiscard]] const Parameter& at(std::size_t i) const { return params_.at(i); }
  [[nodiscard]] std::span<const Parameter> all() const noexcept { return params_; }
  [[nodiscard]] std::size_t size() const noexcept { return params_.size(); }

  /// Sets a value (in the parameter's own unit), refusing anything outside the range; kept in
  /// changes().
  void set(std::string_view name, double value) {
    Parameter& p = params_[index_of(name)];
    check_range(p, value);
    note_change(p, value);
    p.value = value;
  }

  /// Puts a parameter back to the value it had before a set() that broke a rule between
  /// parameters, changes() included, without the range check (`value` was in range).
  void restore(std::string_view name, double value) {
    Parameter& p = params_[index_of(name)];
    note_change(p, value);
    p.value = value;
  }

  /// The parameters set() has changed since the model was loaded, each once, from its loaded
  /// value to its value now, in the order first changed; one set back to its loaded value is
  /// not listed. One entry per parameter, not per call: the monitor sets a few parameters of
  /// every ensemble member every minute, and a list per call grew without bound.
  [[nodiscard]] const std::vector<ParameterChange>& changes() const noexcept { return changes_; }

  /// Like set(), for values computed by the library (body scaling): the result is
  /// clamped to nothing, but an out-of-range result is an error naming the cause.
  void set_derived(std::size_t i, double value, std::string_view cause) {
    Parameter& p = params_.at(i);
    if (!(value >= p.min && value <= p.max)) {
      throw InputError(fmt::format("parameter {}: {} gives {:g} {}, outside the allowed range {}",
                                   p.name, cause, value, p.unit, describe_range(p)));
    }
    p.value = value;
  }

  [[nodiscard]] std::string unknown_message(std::string_view name) const {
    std::string best;
    std::size_t best_distance = 4;  // suggest only close matches
    for (const auto& p : params_) {
      std::size_t d = edit_distance(name, p.name);
      if (d < best_distance) best_distance = d, best = p.name;
    }
    if (best.empty()) {
      return fmt::format("unknown parameter \"{}\" (physiotwin params lists them all)", name);
    }
    return fmt::format("unknown parameter \"{}\"; did you mean \"{}\"?", name, best);
  }

 private:
  void note_change(const Parameter& p, double value) {
    const auto it = std::ranges::find(changes_, p.name, &ParameterChange::name);
    if (it == changes_.end()) {
      if (value != p.value) changes_.push_back({p.name, p.value, value, p.unit});
      return;
    }
    it->to = value;
    if (it->to == it->from) changes_.erase(it);
  }

  static void check_range(const Parameter& p, double value) {
    if (!std::isfinite(value) || value < p.min || value > p.max) {
      throw InputError(fmt::format("parameter {}: value {:g} {} is outside the allowed range {}",
                                   p.name, value, p.unit, describe_range(p)));
    }
  }

  static std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        std::size_t above = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diagonal = above;
      }
    }
    return row[b.size()];
  }

  std::vector<Parameter> params_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<ParameterChange> changes_;
};

}  // namespace physiotwin
