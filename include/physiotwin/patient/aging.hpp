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
// - Cardiovagal baroreflex sensitivity falls: 16.3 ms/mmHg at 31 and 8.2 at 71 years (Mukai et
//   al. 2003, J Gerontol A 58:M626), linear between them and beyond. The baroreflex's heart
//   period gains are multiplied by BRS(age) / BRS(reference).
// - Resting heart rate does not change with age (Chen et al. 1998): no change.
#include <fmt/format.h>

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

/// The factors by which ageing from `reference_age` to `age` multiplies each group.
struct AgeFactors {
  double large_artery_compliance = 1.0;
  double systemic_resistance = 1.0;
  double lv_end_systolic_elastance = 1.0;
  double baroreflex_heart_period_gain = 1.0;
};

[[nodiscard]] inline AgeFactors age_factors(double reference_age, double age) noexcept {
  const double pwv_ratio = carotid_femoral_pwv(reference_age) / carotid_femoral_pwv(age);
  const double resistance =
      systemic_vascular_resistance(age) / systemic_vascular_resistance(reference_age);
  return {pwv_ratio * pwv_ratio, resistance, resistance,
          baroreflex_sensitivity(age) / baroreflex_sensitivity(reference_age)};
}

/// Applies the age-related changes from the model's reference age to the patient's age.
/// Called by scale_to_patient(), after the body-size scaling.
inline void age_to_patient(BodyModel& model, double patient_age) {
  const double reference_age = model.reference_body.age_years;
  if (patient_age == reference_age) return;
  const AgeFactors f = age_factors(reference_age, patient_age);
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
      multiply(model.parameters.index_of(gain), f.baroreflex_heart_period_gain);
  }
}

}  // namespace physiotwin
