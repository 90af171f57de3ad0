#pragma once
// A patient's aerobic fitness when nothing measured it: the median peak O2 uptake on a cycle
// ergometer for the patient's sex and age decade, from the FRIEND registry's cycle reference
// standards (Kaminsky, Imboden, Arena & Myers 2017, Mayo Clin Proc 92:228, n = 4,494 tests;
// 50th percentiles as tabulated in the FRIEND investigators' own FRIENDanalysis code,
// R/FRIENDpercentile.R). docs/models/exercise.md, "The patient's fitness".
//
// Except ages 20-29. FRIEND's 20-29 medians (men 41.9, women 31.0) are 28-30 % above its 30-39
// ones, three times the registry's own ~10 % per decade, and agree with other young-adult norms
// while its 30-79 medians sit 15-35 % below other cycle norms: the registry mixes clinical
// referrals, occupational screening and research volunteers, most likely in different shares by
// decade (docs/research/fitness-by-age.md §2). The exercise model is fitted on the 30-79
// values, so the 20-29 median here carries the registry's 30-79 trend back one decade: the
// 30-39 median x 1.10 (men 33.11, women 23.76). A linear fit to the 30-79 midpoints gives 32.6
// and 22.9 at 25 years, within 0.9.
#include <algorithm>
#include <array>
#include <string_view>

namespace physiotwin {

/// FRIEND's own decline per decade over 30-79 years (Kaminsky et al. 2017: "approximately 10%
/// per decade"), used to carry its 30-39 median back to 20-29.
inline constexpr double friend_decade_decline = 1.10;

/// Median cycle-ergometer VO2peak, mL/kg/min, by age decade (20-29 ... 70-79).
inline constexpr std::array<double, 6> friend_cycle_median_men{
    30.1 * friend_decade_decline, 30.1, 27.1, 24.8, 22.4, 19.5};
inline constexpr std::array<double, 6> friend_cycle_median_women{
    21.6 * friend_decade_decline, 21.6, 19.4, 17.3, 16.0, 14.8};

/// The median peak O2 uptake (mL/kg/min) for sex and age; ages outside the registry's 20-79
/// take the nearest decade's value.
[[nodiscard]] inline double median_cycle_peak_o2_uptake(std::string_view sex,
                                                        double age_years) noexcept {
  const auto& table = sex == "female" ? friend_cycle_median_women : friend_cycle_median_men;
  const int decade = std::clamp(static_cast<int>(age_years / 10.0) - 2, 0, 5);
  return table[static_cast<std::size_t>(decade)];
}

}  // namespace physiotwin
