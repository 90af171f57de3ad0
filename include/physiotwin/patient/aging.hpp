#pragma once
// Age-related changes of an adult's circulation, relative to the age the model's parameters
// are for (its reference body's age): docs/patient-format.md, "Age", has the sources, what is
// not modelled and why.
//
// - Large arteries stiffen. Carotid-femoral pulse wave velocity of healthy people with optimal
//   blood pressure (Reference Values for Arterial Stiffness' Collaboration 2010, Eur Heart J
//   31:2338, table 6): PWV = 5.55 + 0.00083 age^2 m/s. Total arterial compliance goes as
//   PWV^-2 (Bramwell & Hill 1922; C_T = k PWV^-2 is the estimator of total arterial
//   compliance of Vardoulis et al. 2012, used with age by Papaioannou et al. 2014, Age (Dordr),
//   PMC4082579), so the large arteries' compliances are multiplied by
//   (PWV(reference) / PWV(age))^2.
// - Systemic vascular resistance rises: invasive data of normotensive adults, McVeigh et al.
//   1999, Hypertension 33:1392: SVR = 8.1 age + 926.9 dyn s cm^-5. The organ beds'
//   resistances are multiplied by SVR(age) / SVR(reference).
// - The left ventricle stiffens with the arteries: end-systolic elastance rises with arterial
//   elastance so that their ratio, and the ejection fraction, do not change with age (Chen et
//   al. 1998, J Am Coll Cardiol 32:1221). Arterial elastance is about R / T at a given heart
//   rate (Kelly et al. 1992, Circulation 86:513), so LV end-systolic elastance takes the SVR
//   factor.
// - The heart rate's range shrinks: maximal heart rate 208 - 0.7 age (Tanaka, Monahan & Seals
//   2001, J Am Coll Cardiol 37:153) while the resting rate stays (Chen et al. 1998), so the
//   heart-rate reserve HRmax - HRrest falls; the sinus node answers autonomic drive less (its
//   intrinsic rate and beta-adrenergic response fall: Christou & Seals 2008, J Appl Physiol
//   105:24). The heart-period gains of the autonomic efferents (which carry the baroreflex,
//   central command in exercise, stress and hypoxia alike) are multiplied by the ratio of the
//   heart-period reserves, 60/HRrest - 60/HRmax, at the two ages: the drive that takes the
//   reference heart to its HRmax takes the aged heart to its own. The efferents act on the
//   period, linearly, so the rate reserve's ratio (used until 2026-12-07) scaled too little
//   at high rates: 0.81 instead of 0.91 from 40 to 70 years, and a 70-year-old's heart stopped
//   near 138 /min at the drive that takes a 40-year-old's to 180. Between rest and HRmax the
//   shares of the two rate reserves then differ by at most 3 points at 70 years (5 at 90).
//   The sinus node's ceiling `baroreflex.maximal_heart_rate` (control/baroreflex.hpp,
//   held_below_maximum()) is multiplied by HRmax(age) / HRmax(reference): Tanaka's HRmax for
//   the shipped adult, whose reference value is Tanaka's at 40 years.
// - Cardiovagal baroreflex sensitivity falls further: 16.3 ms/mmHg at 31 and 8.2 at 71 years
//   (Mukai et al. 2003, J Gerontol A 58:M626), linear between them and beyond. What the
//   heart-period gains do not carry of that fall goes to the reflex's vagal arm: the vagal
//   efferent's slope k_v is multiplied by (the heart-period gains' factor) / [BRS(age)/BRS(ref)]
//   (the vagal firing's sensitivity to baroreceptor firing is 1/k_v at the operating point,
//   where the resting reference sits), so gain x sensitivity falls as BRS does while central
//   command is untouched by it.
// - The contractile reserve of exercise falls: end-systolic volume falls by 32 % from rest to
//   exercise in young men and hardly at all in old ones (Stratton et al. 1994, Circulation
//   89:1648), and end-systolic elastance rises less with age (Najjar et al. 2004, Hypertension
//   44:1). Central command's inotropy `exercise.contractile_reserve` is multiplied by
//   g(age)/g(reference), g(a) = max(0, 1 - (a - 25)/60): 1 at 25, 0.75 at 40, 0.25 at 70
//   years. The linear form is assumed; the two ends are Stratton's.
// - The lungs' small vessels stiffen: the pulmonary vascular distensibility alpha falls from
//   1.39 %/mmHg at 17-22 years to 1.20 at 30-50 (Forton, Motoji, Caravita, Faoro & Naeije
//   2020, Eur Heart J Cardiovasc Imaging 21:688), and is lower at 50 or more (Argiento et al.
//   2012, Chest 142:1158) and above 60 in men (Reeves, Linehan & Stenmark 2005). The
//   distensible resistances' alpha is multiplied by d(age)/d(reference), d(a) = 1 - 0.0067
//   (a - 19.5): Forton's two groups' midpoints on a straight line, carried on past 50.
// - Resting heart rate does not change with age (Chen et al. 1998): no change.
#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "physiotwin/model/body_model.hpp"
#include "physiotwin/model/parameter_groups.hpp"

namespace physiotwin {

/// Carotid-femoral pulse wave velocity, m/s, of healthy adults with optimal blood pressure.
[[nodiscard]] inline double carotid_femoral_pwv(double age_years) noexcept {
  return 5.55 + 0.00083 * age_years * age_years;
}

/// Systemic vascular resistance of normotensive adults, dyn s cm^-5.
[[nodiscard]] inline double systemic_vascular_resistance(double age_years) noexcept {
  return 8.1 * age_years + 926.9;
}

/// Cardiovagal baroreflex sensitivity, ms/mmHg: the line through Mukai et al.'s two groups.
[[nodiscard]] inline double baroreflex_sensitivity(double age_years) noexcept {
  return 16.3 + (8.2 - 16.3) / (71.0 - 31.0) * (age_years - 31.0);
}

/// Maximal heart rate, 1/min (Tanaka et al. 2001).
[[nodiscard]] inline double maximal_heart_rate(double age_years) noexcept {
  return 208.0 - 0.7 * age_years;
}

/// Heart-period reserve, s: the resting heart period less the period at the maximal heart rate
/// (the resting rate does not change with age: Chen et al. 1998).
[[nodiscard]] inline double heart_period_reserve(double age_years, double resting_rate) noexcept {
  return 60.0 / resting_rate - 60.0 / maximal_heart_rate(age_years);
}

/// The share of the young adult's contractile reserve in exercise left at an age.
[[nodiscard]] inline double contractile_reserve_share(double age_years) noexcept {
  return std::max(0.0, 1.0 - (age_years - 25.0) / 60.0);
}

/// Pulmonary vascular distensibility at an age, relative to 19.5 years (floored at 0.2, the
/// straight line's value at about 140 years, so that it stays positive).
[[nodiscard]] inline double pulmonary_distensibility_share(double age_years) noexcept {
  return std::max(0.2, 1.0 - 0.0067 * (age_years - 19.5));
}

/// The factors by which ageing from `reference_age` to `age` multiplies each group, for a
/// model resting at `resting_heart_rate` (1/min).
struct AgeFactors {
  double large_artery_compliance = 1.0;
  double systemic_resistance = 1.0;
  double lv_end_systolic_elastance = 1.0;
  double heart_period_gain = 1.0;         ///< the autonomic efferents' heart-period gains
  double vagal_slope = 1.0;               ///< the baroreflex's vagal efferent slope k_v
  double contractile_reserve = 1.0;       ///< central command's inotropy in exercise
  double pulmonary_distensibility = 1.0;  ///< the lungs' distensible resistances' alpha
  double maximal_heart_rate = 1.0;        ///< the sinus node's ceiling
};

[[nodiscard]] inline AgeFactors age_factors(double reference_age, double age,
                                            double resting_heart_rate) noexcept {
  const double pwv_ratio = carotid_femoral_pwv(reference_age) / carotid_femoral_pwv(age);
  const double resistance =
      systemic_vascular_resistance(age) / systemic_vascular_resistance(reference_age);
  const double reserve = heart_period_reserve(age, resting_heart_rate) /
                         heart_period_reserve(reference_age, resting_heart_rate);
  const double sensitivity = baroreflex_sensitivity(age) / baroreflex_sensitivity(reference_age);
  const double reference_share = contractile_reserve_share(reference_age);
  return {pwv_ratio * pwv_ratio,
          resistance,
          resistance,
          reserve,
          reserve / sensitivity,
          reference_share > 0.0 ? contractile_reserve_share(age) / reference_share : 1.0,
          pulmonary_distensibility_share(age) / pulmonary_distensibility_share(reference_age),
          maximal_heart_rate(age) / maximal_heart_rate(reference_age)};
}

/// Applies the age-related changes from the model's reference age to the patient's age.
/// Called by scale_to_patient(), after the body-size scaling.
inline void age_to_patient(BodyModel& model, double patient_age) {
  const double reference_age = model.reference_body.age_years;
  if (patient_age == reference_age) return;
  const AgeFactors f =
      age_factors(reference_age, patient_age, model.parameters.value("heart.rate"));
  const std::string cause =
      fmt::format("ageing from {:g} to {:g} years", reference_age, patient_age);
  auto multiply = [&](std::size_t i, double factor) {
    model.parameters.set_derived(i, model.parameters.at(i).value * factor, cause);
  };
  for (std::size_t i : large_artery_compliances(model)) multiply(i, f.large_artery_compliance);
  for (std::size_t i : organ_bed_resistances(model)) multiply(i, f.systemic_resistance);
  if (const auto lv = lv_end_systolic_elastance(model)) multiply(*lv, f.lv_end_systolic_elastance);
  for (const char* gain : {"baroreflex.sympathetic_period_gain", "baroreflex.vagal_period_gain"}) {
    if (model.parameters.contains(gain))
      multiply(model.parameters.index_of(gain), f.heart_period_gain);
  }
  if (model.parameters.contains("baroreflex.vagal_slope"))
    multiply(model.parameters.index_of("baroreflex.vagal_slope"), f.vagal_slope);
  if (model.parameters.contains("exercise.contractile_reserve"))
    multiply(model.parameters.index_of("exercise.contractile_reserve"), f.contractile_reserve);
  for (std::size_t i : distensibilities(model)) multiply(i, f.pulmonary_distensibility);
  if (model.parameters.contains("baroreflex.maximal_heart_rate"))
    multiply(model.parameters.index_of("baroreflex.maximal_heart_rate"), f.maximal_heart_rate);
}

}  // namespace physiotwin
