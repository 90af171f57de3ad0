#pragma once
// The block types a circulation file may use, and the parameters each one takes: the one
// place where a parameter's unit, allowed range and body-size scaling are declared.
// Model files give values and sources; they cannot change units or ranges.
//
// Ranges are "what a living adult (or a plausible disease) can have", wide enough for
// pathology and narrow enough to catch typing errors (a compliance in L/mmHg, a resistance
// in dyn s cm^-5). See docs/models/cardiovascular.md for the equations that use them.
#include <array>
#include <span>
#include <string_view>

#include "physiotwin/core/parameters.hpp"

namespace physiotwin::blocks {

using S = BodyScaling;

/// Linear compliant compartment: P = (V - V_u)/C (+ external pressure if thoracic).
inline constexpr std::array<ParameterSpec, 2> compliance{{
    {"compliance", "mL/mmHg", 1e-3, 1000.0, "volume change per unit transmural pressure",
     S::compliance},
    {"unstressed_volume", "mL", 0.0, 5000.0, "volume at zero transmural pressure", S::volume},
}};

/// Heart chamber, time-varying elastance with an exponential EDPVR (Smith et al. 2004):
/// P = e(t) E_es (V - V_d) + (1 - e(t)) P_0 (exp(lambda (V - V_0)) - 1).
inline constexpr std::array<ParameterSpec, 5> chamber{{
    {"end_systolic_elastance", "mmHg/mL", 1e-3, 20.0,
     "slope of the end-systolic pressure-volume relation (E_es)", S::elastance},
    {"dead_volume", "mL", 0.0, 300.0,
     "volume intercept of the end-systolic pressure-volume relation (V_d)", S::volume},
    {"diastolic_pressure_scale", "mmHg", 1e-3, 20.0,
     "scale of the end-diastolic pressure-volume relation (P_0)", S::none},
    {"diastolic_stiffness", "1/mL", 1e-4, 0.5,
     "exponent of the end-diastolic pressure-volume relation (lambda)", S::stiffness},
    {"diastolic_rest_volume", "mL", 0.0, 300.0, "volume at zero end-diastolic pressure (V_0)",
     S::volume},
}};

/// Normalised double-Hill activation (Stergiopulos et al. 1996; Mynard et al. 2012),
/// times as fractions of the cardiac period, measured from the activation's onset.
inline constexpr std::array<ParameterSpec, 5> activation{{
    {"onset", "s", 0.0, 0.4,
     "delay of contraction onset after the start of the beat (P wave for the atria)", S::none},
    {"contraction_time", "1", 0.01, 0.9,
     "Hill time constant of contraction (tau_1), fraction of the period", S::none},
    {"relaxation_time", "1", 0.02, 0.95,
     "Hill time constant of relaxation (tau_2), fraction of the period", S::none},
    {"contraction_steepness", "1", 0.5, 10.0, "Hill exponent of contraction (m_1)", S::none},
    {"relaxation_steepness", "1", 2.0, 60.0, "Hill exponent of relaxation (m_2)", S::none},
}};

/// Gaussian activation of Smith et al. 2004: e(t) = exp(-B (t - C)^2), t the time since
/// the start of the beat.
inline constexpr std::array<ParameterSpec, 2> gaussian_activation{{
    {"steepness", "1/s^2", 1.0, 1000.0, "width parameter B of the Gaussian", S::none},
    {"peak_time", "s", 0.0, 2.0, "time of peak activation C after the start of the beat", S::none},
}};

/// Ventricular interaction of Smith et al. 2004: a septum between two chambers (whose own
/// parameters then describe their free walls) and a pericardium around both.
///   P_spt(V_spt) = P_lvf(V_lv - V_spt) - P_rvf(V_rv + V_spt)   (solved for V_spt)
///   P_lv = P_lvf(V_lv - V_spt) + P_pcd,  P_rv = P_rvf(V_rv + V_spt) + P_pcd
///   P_pcd = P_0,pcd (exp(lambda_pcd (V_lv + V_rv - V_0,pcd)) - 1)
inline constexpr std::array<ParameterSpec, 8> ventricular_interaction{{
    {"septum_end_systolic_elastance", "mmHg/mL", 1e-3, 200.0, "septal end-systolic elastance",
     S::elastance},
    {"septum_dead_volume", "mL", -50.0, 50.0, "septal ESPVR volume intercept", S::volume},
    {"septum_pressure_scale", "mmHg", 1e-3, 20.0, "septal EDPVR scale", S::none},
    {"septum_stiffness", "1/mL", 1e-4, 2.0, "septal EDPVR exponent", S::stiffness},
    {"septum_rest_volume", "mL", -50.0, 50.0, "septal EDPVR volume at zero pressure", S::volume},
    {"pericardium_pressure_scale", "mmHg", 1e-3, 20.0, "pericardial pressure-volume scale",
     S::none},
    {"pericardium_stiffness", "1/mL", 1e-4, 0.5, "pericardial exponent", S::stiffness},
    {"pericardium_rest_volume", "mL", 0.0, 1000.0, "heart volume at zero pericardial pressure",
     S::volume},
}};

/// Valve of Smith et al. 2004: opens when the pressure drop turns positive, closes when the
/// flow would reverse; while open, L dQ/dt = dP - R Q; while closed, Q = 0.
inline constexpr std::array<ParameterSpec, 2> ideal_valve{{
    {"resistance", "mmHg*s/mL", 1e-5, 200.0, "resistance of the open valve", S::resistance},
    {"inertance", "mmHg*s^2/mL", 1e-7, 1.0, "inertance of the blood through the open valve",
     S::inertance},
}};

/// Linear resistance: Q = (P_from - P_to)/R.
inline constexpr std::array<ParameterSpec, 1> resistance{{
    {"resistance", "mmHg*s/mL", 1e-5, 200.0, "hydraulic resistance", S::resistance},
}};

/// Resistance with blood inertia: L dQ/dt = P_from - P_to - R Q.
inline constexpr std::array<ParameterSpec, 2> inertance{{
    {"resistance", "mmHg*s/mL", 1e-5, 200.0, "hydraulic resistance", S::resistance},
    {"inertance", "mmHg*s^2/mL", 1e-6, 1.0, "blood inertance", S::inertance},
}};

/// Heart valve with opening dynamics (Mynard et al. 2012): Bernoulli resistance and
/// inertance of an effective orifice that moves between min_area and max_area.
inline constexpr std::array<ParameterSpec, 5> valve{{
    {"max_area", "cm2", 0.05, 15.0, "effective orifice area when fully open; lower it for stenosis",
     S::none},
    {"min_area", "cm2", 0.0, 5.0,
     "effective orifice area when closed; above zero for regurgitation", S::none},
    {"effective_length", "cm", 0.1, 10.0, "effective length of the blood column for the inertance",
     S::none},
    {"opening_rate", "1/(mmHg*s)", 0.1, 1000.0, "rate coefficient of opening (K_vo)", S::none},
    {"closing_rate", "1/(mmHg*s)", 0.1, 1000.0, "rate coefficient of closing (K_vc)", S::none},
}};

/// Whole-body parameters every circulation has, named "<group>.<key>".
struct SystemParameter {
  std::string_view name;
  ParameterSpec spec;
};
inline constexpr std::array<SystemParameter, 4> system{{
    {"heart.rate", {"rate", "1/min", 25.0, 220.0, "heart rate", S::none}},
    {"thorax.pressure",
     {"pressure", "mmHg", -30.0, 40.0,
      "pleural (intrathoracic) pressure acting on thoracic compartments", S::none}},
    {"blood.volume",
     {"volume", "mL", 1000.0, 10000.0, "total blood volume (set from the patient's body size)",
      S::volume}},
    {"blood.density",
     {"density", "g/mL", 1.0, 1.1, "blood density, for the valves' Bernoulli and inertial terms",
      S::none}},
}};

}  // namespace physiotwin::blocks
