#pragma once
// The measurements a twin takes from a patient (health records and patient files alike):
// their names, LOINC codes, units and conversions, the range a living person can have, and
// how old a value may be before it no longer describes the patient (docs/patient-records.md).
// Declared once: the record reader, patient files, calibration, the bindings and the docs'
// table read this.
#include <array>
#include <cstddef>
#include <string_view>

namespace physiotwin {

/// The measurements a twin can use, in the model's units.
enum class Measure : std::size_t {
  height,                ///< cm
  weight,                ///< kg
  body_mass_index,       ///< kg/m2
  heart_rate,            ///< 1/min
  systolic_pressure,     ///< mmHg
  diastolic_pressure,    ///< mmHg
  respiratory_rate,      ///< 1/min
  spo2,                  ///< %
  hemoglobin,            ///< g/dL
  hematocrit,            ///< %
  arterial_po2,          ///< mmHg
  arterial_pco2,         ///< mmHg
  lv_ejection_fraction,  ///< %
  peak_o2_uptake,        ///< mL/min/kg, a cardiopulmonary exercise test's VO2peak
  count
};

struct UnitFactor {
  std::string_view ucum;
  double factor;  ///< value in the canonical unit = value x factor
};

/// What a measurement is in a record: LOINC codes, unit, conversions, the range a living
/// person of any age can have (beyond it the record is wrong, not the patient unusual; adult
/// limits apply to the values a twin uses, patient/body.hpp), and the window: a value older
/// than this before the as-of date no longer describes the patient and is not used.
struct MeasureSpec {
  std::string_view name;
  std::array<std::string_view, 3> loinc;  ///< empty entries unused
  std::string_view unit;
  std::array<UnitFactor, 6> units;  ///< accepted UCUM codes; empty entries unused
  double min, max;                  ///< living person
  double window_years;              ///< reasons: docs/patient-records.md, "How old"
};

inline constexpr std::array<MeasureSpec, std::size_t(Measure::count)> measure_specs{{
    {"height",
     {"8302-2"},
     "cm",
     {{{"cm", 1.0},
       {"m", 100.0},
       {"mm", 0.1},
       {"[in_i]", 2.54},
       {"[in_us]", 2.54},
       {"[ft_i]", 30.48}}},
     30,
     250,
     20.0},
    {"weight",
     {"29463-7", "3141-9"},
     "kg",
     {{{"kg", 1.0}, {"g", 0.001}, {"[lb_av]", 0.45359237}, {"[oz_av]", 0.028349523125}}},
     0.3,
     400,
     5.0},
    {"body_mass_index", {"39156-5"}, "kg/m2", {{{"kg/m2", 1.0}}}, 5, 100, 5.0},
    {"heart_rate",
     {"8867-4"},
     "1/min",
     {{{"/min", 1.0}, {"{beats}/min", 1.0}, {"{Beats}/min", 1.0}, {"1/min", 1.0}}},
     20,
     300,
     2.0},
    {"systolic_pressure", {"8480-6"}, "mmHg", {{{"mm[Hg]", 1.0}, {"kPa", 7.500617}}}, 40, 300, 2.0},
    {"diastolic_pressure",
     {"8462-4"},
     "mmHg",
     {{{"mm[Hg]", 1.0}, {"kPa", 7.500617}}},
     15,
     200,
     2.0},
    {"respiratory_rate",
     {"9279-1"},
     "1/min",
     {{{"/min", 1.0}, {"{breaths}/min", 1.0}, {"{Breaths}/min", 1.0}, {"1/min", 1.0}}},
     2,
     100,
     2.0},
    {"spo2", {"59408-5", "2708-6", "20564-1"}, "%", {{{"%", 1.0}, {"1", 100.0}}}, 30, 100, 2.0},
    {"hemoglobin",
     {"718-7", "30313-1"},
     "g/dL",
     // 1 mmol/L of haemoglobin (monomer, 16.114 g/mol) is 1.6114 g/dL.
     {{{"g/dL", 1.0}, {"g/L", 0.1}, {"mg/dL", 0.001}, {"mmol/L", 1.6114}}},
     2,
     25,
     5.0},
    {"hematocrit",
     {"4544-3", "20570-8"},
     "%",
     {{{"%", 1.0}, {"1", 100.0}, {"L/L", 100.0}}},
     5,
     75,
     5.0},
    {"arterial_po2", {"2703-7"}, "mmHg", {{{"mm[Hg]", 1.0}, {"kPa", 7.500617}}}, 10, 700, 0.1},
    {"arterial_pco2", {"2019-8"}, "mmHg", {{{"mm[Hg]", 1.0}, {"kPa", 7.500617}}}, 5, 200, 0.1},
    {"lv_ejection_fraction", {"10230-1", "8806-2"}, "%", {{{"%", 1.0}, {"1", 100.0}}}, 5, 90, 5.0},
    // 94122-9, "Oxygen consumption (VO2)/Body weight [Volume Rate Content] --peak during
    // exercise" (docs/patient-records.md has the sources). 3-100: from severe heart failure to
    // elite endurance.
    {"peak_o2_uptake",
     {"94122-9"},
     "mL/min/kg",
     {{{"mL/min/kg", 1.0}, {"mL/(kg.min)", 1.0}, {"mL/kg/min", 1.0}}},
     3,
     100,
     2.0},
}};

[[nodiscard]] constexpr const MeasureSpec& spec_of(Measure m) noexcept {
  return measure_specs[std::size_t(m)];
}

/// Blood-pressure panels whose components carry systolic and diastolic pressure.
inline constexpr std::array<std::string_view, 2> blood_pressure_panels{"85354-9", "55284-4"};

inline constexpr std::string_view loinc_system = "http://loinc.org";

}  // namespace physiotwin
