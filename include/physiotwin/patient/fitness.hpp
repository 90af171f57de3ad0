#pragma once
// A patient's aerobic fitness when nothing measured it: the median peak O2 uptake on a cycle
// ergometer for the patient's sex and age decade, from the FRIEND registry's cycle reference
// standards (Kaminsky, Imboden, Arena & Myers 2017, Mayo Clin Proc 92:228, n = 4,494 tests;
// 50th percentiles as tabulated in the FRIEND investigators' own FRIENDanalysis code,
// R/FRIENDpercentile.R). docs/models/exercise.md, "The patient's fitness".
#include <algorithm>
#include <array>
#include <string_view>

namespace physiotwin {

/// Median cycle-ergometer VO2peak, mL/kg/min, by age decade (20-29 ... 70-79).
inline constexpr std::array<double, 6> friend_cycle_median_men{41.9, 30.1, 27.1, 24.8, 22.4, 19.5};
inline constexpr std::array<double, 6> friend_cycle_median_women{31.0, 21.6, 19.4,
                                                                 17.3, 16.0, 14.8};

/// The median peak O2 uptake (mL/kg/min) for sex and age; ages outside the registry's 20-79
/// take the nearest decade's value.
[[nodiscard]] inline double median_cycle_peak_o2_uptake(std::string_view sex,
                                                        double age_years) noexcept {
  const auto& table = sex == "female" ? friend_cycle_median_women : friend_cycle_median_men;
  const int decade = std::clamp(static_cast<int>(age_years / 10.0) - 2, 0, 5);
  return table[static_cast<std::size_t>(decade)];
}

}  // namespace physiotwin
