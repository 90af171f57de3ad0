#pragma once
// Published normal ranges for resting adults: what the command-line summary prints beside
// each metric and what the validation tests check the reference patients against. Each
// row names its source; docs/validation.md discusses each choice.
#include <array>
#include <optional>
#include <string_view>

namespace physiotwin {

struct NormalRange {
  std::string_view metric;
  std::string_view sex;  ///< "any", "male" or "female"
  double low;
  double high;
  std::string_view source;
};

// Organ-bed fractions: ICRP Publication 89 (Valentin 2002, Ann ICRP 32(3-4)) reference
// adult-male fractions of cardiac output; the band is +-25 % of the reference value, the
// spread between ICRP 89 and the Guyton & Hall textbook table for the same organs (e.g.
// kidney 19 vs 22 %, brain 12 vs 14 %).
inline constexpr std::array<NormalRange, 40> normal_ranges{{
    {"heart_rate", "any", 60, 100,
     "Guyton & Hall, Textbook of Medical Physiology (resting sinus rhythm)"},
    {"systolic_pressure", "any", 100, 140,
     "Van Leeuwen et al. 2015, Comprehensive Handbook of Laboratory and Diagnostic Tests, p93"},
    {"diastolic_pressure", "any", 60, 90, "Van Leeuwen et al. 2015, p93"},
    {"mean_arterial_pressure", "any", 70, 105, "Van Leeuwen et al. 2015, p93"},
    {"stroke_volume", "any", 55, 100,
     "Brandfonbrener et al. 1955, Circulation 12:557 (55-93 mL); upper bound widened to the Lang "
     "2015 LV volumes"},
    {"cardiac_output", "any", 4.0, 8.0,
     "Guyton & Hall, Textbook of Medical Physiology (resting adult 4-8 L/min)"},
    {"lv_end_diastolic_volume", "male", 62, 150,
     "Lang et al. 2015, J Am Soc Echocardiogr 28:1, Table 2 (2D biplane)"},
    {"lv_end_diastolic_volume", "female", 46, 106, "Lang et al. 2015, Table 2"},
    {"lv_end_systolic_volume", "male", 21, 61, "Lang et al. 2015, Table 2"},
    {"lv_end_systolic_volume", "female", 14, 42, "Lang et al. 2015, Table 2"},
    {"lv_ejection_fraction", "male", 0.52, 0.72, "Lang et al. 2015, Table 2"},
    {"lv_ejection_fraction", "female", 0.54, 0.74, "Lang et al. 2015, Table 2"},
    {"rv_ejection_fraction", "any", 0.45, 0.75,
     "Lang et al. 2015, section 2.5 (3D RVEF below 45 % is abnormal)"},
    {"lv_end_diastolic_pressure", "any", 4, 12,
     "Homoud 2008 / Edwards 2009 haemodynamic reference tables"},
    {"central_venous_pressure", "any", 1, 6,
     "Right-heart catheterisation normals, right atrial pressure 1-6 mmHg (Eur Respir Rev "
     "haemodynamic table)"},
    {"pulmonary_artery_systolic_pressure", "any", 12.0, 29.6,
     "Kovacs et al. 2009, Eur Respir J 34:888 (20.8 +- 4.4 mmHg, mean +- 2 SD)"},
    {"pulmonary_artery_diastolic_pressure", "any", 2.8, 14.8,
     "Kovacs et al. 2009 (8.8 +- 3.0 mmHg, mean +- 2 SD)"},
    {"pulmonary_artery_mean_pressure", "any", 7.4, 20.6,
     "Kovacs et al. 2009 (14.0 +- 3.3 mmHg; upper limit of normal 20.6)"},
    {"pulmonary_capillary_wedge_pressure", "any", 4, 12,
     "Right-heart catheterisation normals, PAWP 4-12 mmHg"},
    {"brain_flow_fraction", "any", 0.09, 0.15, "ICRP 89: 12 % of cardiac output, +-25 %"},
    {"coronary_flow_fraction", "any", 0.03, 0.05, "ICRP 89: 4 %, +-25 %"},
    {"splanchnic_flow_fraction", "any", 0.19, 0.32,
     "ICRP 89: liver total (hepatic artery + portal) 25.5 %, +-25 %"},
    {"renal_flow_fraction", "any", 0.14, 0.24, "ICRP 89: 19 %, +-25 %"},
    {"muscle_flow_fraction", "any", 0.13, 0.21, "ICRP 89: skeletal muscle 17 %, +-25 %"},
    {"other_flow_fraction", "any", 0.17, 0.29,
     "ICRP 89: remainder (skin, adipose, bone, other) 23.5 %, +-25 %"},
    {"aortic_valve_peak_gradient", "any", 0, 16,
     "ACC/AHA 2020 (Otto et al., Circulation 143:e72): normal Vmax < 2 m/s, 4 v^2 = 16 mmHg"},
    {"aortic_valve_regurgitant_fraction", "any", 0, 0.1,
     "Closing backflow of a competent valve; ACC/AHA 2020 grades any regurgitant fraction below 30 "
     "% as mild"},
    {"mitral_valve_regurgitant_fraction", "any", 0, 0.1, "as aortic_valve_regurgitant_fraction"},
    {"respiratory_rate", "any", 10, 18,
     "issue 3's resting band; textbook 12-20 /min (Silverthorn 2013)"},
    {"tidal_volume", "any", 400, 600,
     "issue 3's resting band; about 7 mL/kg, 500 mL (Boron & Boulpaep 2017)"},
    {"minute_ventilation", "any", 5, 8, "issue 3's resting band; 6-8 L/min (Levitzky 2013)"},
    {"lv_stroke_volume", "any", 55, 100, "Brandfonbrener et al. 1955; see stroke_volume"},
    {"arterial_po2", "any", 80, 100,
     "issue 3's resting band; Crapo et al. 1999, Am J Respir Crit Care Med 160:1525 (PaO2 "
     "falls with age from about 100 mmHg)"},
    {"arterial_pco2", "any", 35, 45, "Guyton & Hall, Textbook of Medical Physiology (40 mmHg)"},
    {"arterial_so2", "any", 95, 100,
     "issue 3's resting band; radial artery 95-99 % in healthy adults (Barratt-Boyes & Wood "
     "1957, J Lab Clin Med 50:93)"},
    {"mixed_venous_so2", "any", 65, 80,
     "issue 3's resting band; pulmonary artery 73-85 % (mean 78.4) in healthy adults "
     "(Barratt-Boyes & Wood 1957)"},
    {"spo2", "any", 95, 100, "as arterial_so2 (a pulse oximeter reads the arterial saturation)"},
    {"o2_uptake", "any", 180, 300,
     "resting VO2 index 110-160 mL/min/m2 (Edwards Lifesciences normal haemodynamic parameters) "
     "for a body surface area of 1.6-1.9 m2; Guyton & Hall give 250 mL/min"},
    {"co2_output", "any", 140, 250,
     "o2_uptake's band times a respiratory quotient of 0.8 (Guyton & Hall: 200 mL/min)"},
    {"end_tidal_co2", "any", 35, 45,
     "capnography normal 35-45 mmHg, a few mmHg below PaCO2 in health (textbook value)"},
}};

/// The normal range of a metric for a sex, if one is published here.
[[nodiscard]] constexpr std::optional<NormalRange> normal_range(std::string_view metric,
                                                                std::string_view sex) noexcept {
  std::optional<NormalRange> any;
  for (const auto& r : normal_ranges) {
    if (r.metric != metric) continue;
    if (r.sex == sex) return r;
    if (r.sex == "any") any = r;
  }
  return any;
}

}  // namespace physiotwin
