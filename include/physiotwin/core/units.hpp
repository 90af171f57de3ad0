#pragma once
// Unit strings and the few conversions accepted at the edges (model and patient files).
// Internally pressures are in mmHg, volumes in mL and times in s (Smith 2004; Ursino 1998
// convention); each parameter's internal unit is the one its block type declares
// (model/block_types.hpp). A value in a file may be given in another unit of the same
// dimension from this table; anything else is a "wrong unit" error naming the expected unit
// (model/model_loader.hpp). Also the one mmHg-per-cmH2O factor.
#include <array>
#include <optional>
#include <string_view>

namespace physiotwin::units {

struct Conversion {
  std::string_view from;       ///< unit as written in a file
  std::string_view canonical;  ///< internal unit
  double factor;               ///< value_canonical = value_from * factor
};

// 1 cmH2O = 0.73556 mmHg; 1 kPa = 7.50062 mmHg (BIPM SI brochure, 9th ed., non-SI units).
/// mmHg in one cmH2O: ventilator settings and respiratory gains are given in cmH2O. The one
/// place this factor is written; everything else reads it from here.
inline constexpr double mmHg_per_cmH2O = 0.735559;

inline constexpr std::array<Conversion, 29> conversions{{
    {"mmHg", "mmHg", 1.0},
    {"cmH2O", "mmHg", mmHg_per_cmH2O},
    {"kPa", "mmHg", 7.500617},
    {"mL", "mL", 1.0},
    {"L", "mL", 1000.0},
    {"s", "s", 1.0},
    {"ms", "s", 1.0e-3},
    {"1/min", "1/min", 1.0},
    {"bpm", "1/min", 1.0},
    {"mL/s", "mL/s", 1.0},
    {"L/min", "mL/s", 1000.0 / 60.0},
    {"cm2", "cm2", 1.0},
    {"mm2", "cm2", 0.01},
    {"cm", "cm", 1.0},
    {"mm", "cm", 0.1},
    {"m", "cm", 100.0},
    {"kg", "kg", 1.0},
    {"g", "kg", 1.0e-3},
    {"a", "a", 1.0},  // UCUM year
    {"yr", "a", 1.0},
    {"1", "1", 1.0},
    {"%", "1", 0.01},
    {"L/cmH2O", "mL/mmHg", 1000.0 / mmHg_per_cmH2O},      // respiratory compliances
    {"cmH2O*s/L", "mmHg*s/mL", mmHg_per_cmH2O / 1000.0},  // airway resistances
    {"mL/min", "mL/min", 1.0},                            // gas uptake and consumption (STPD)
    {"L/min", "mL/min", 1000.0},
    {"g/dL", "g/dL", 1.0},  // haemoglobin
    {"g/L", "g/dL", 0.1},
    {"mL/dL", "mL/mL", 0.01},  // gas contents of blood
}};

/// Factor that converts a value written in `from` into `canonical`, if such a conversion
/// is known. Units that are not in the table convert only to themselves.
[[nodiscard]] constexpr std::optional<double> factor(std::string_view from,
                                                     std::string_view canonical) noexcept {
  if (from == canonical) return 1.0;
  for (const auto& c : conversions) {
    if (c.from == from && c.canonical == canonical) return c.factor;
  }
  return std::nullopt;
}

}  // namespace physiotwin::units
