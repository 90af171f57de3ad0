#pragma once
// The exercise block's parameters, "exercise.<key>" (control/exercise.hpp; values and sources
// in docs/models/exercise.md). Kept apart from model/block_types.hpp, which holds the other
// blocks' tables, only to keep that header short; read the same way (BlockValues).
#include <array>

#include "physiotwin/model/block_types.hpp"

namespace physiotwin::blocks {

inline constexpr std::array<ParameterSpec, 30> exercise{{
    {"work_rate", "W", 0, 1000,
     "external work asked for on a cycle ergometer now (the exercise action sets it)", S::none},
    {"ramp_rate", "W/s", 0.01, 1000,
     "how fast the work rate moves to what is asked (the exercise action sets it)", S::none},
    {"peak_o2_uptake", "mL/min", 300, 7000,
     "the patient's peak O2 uptake on a cycle ergometer (VO2peak; set from age, sex and weight, "
     "or measured)",
     S::none},
    {"o2_cost", "mL/min/W", 5, 15, "O2 uptake per watt of external work (c)", S::none},
    {"o2_time_constant", "s", 5, 200, "time constant of the active muscles' O2 demand (tau_O2)",
     S::none},
    {"vasodilation_gain", "s/mL", 0, 10,
     "rise of the active muscles' arteriolar conductance, relative, per mL/s of O2 cost (g_v)",
     S::none},
    {"vasodilation_time_constant", "s", 1, 100,
     "time constant of the active muscles' metabolic vasodilation (tau_v)", S::none},
    {"central_sympathetic_drive", "1/s", 0, 100,
     "central command's excitation of the sympathetic neurons at the whole O2 uptake reserve",
     S::none},
    {"central_vagal_withdrawal", "1/s", 0, 10, "central command's fall of the vagal firing",
     S::none},
    {"baroreflex_resetting", "mmHg", 0, 60,
     "rise of the arterial baroreflex's set point at the whole O2 uptake reserve", S::none},
    {"commanded_resetting_fraction", "1", 0, 1,
     "part of the baroreflex's resetting that follows the work asked for (central command) and "
     "ends with it; the rest follows the muscles' O2 use (the metaboreflex) and outlasts it",
     S::none},
    {"vagal_withdrawal_intensity", "1", 0.01, 1,
     "fraction of the O2 uptake reserve at which the vagal withdrawal is complete", S::none},
    {"vagal_on_time_constant", "s", 0.1, 30,
     "time constant of the vagal withdrawal as the work rises (tau_on)", S::none},
    {"vagal_off_time_constant", "s", 1, 7200,
     "time constant of central command's vagal return once the work falls: heart rate above "
     "rest for minutes after the work (tau_off)",
     S::none},
    {"ventilation_fast_fraction", "1", 0, 1,
     "part of the ventilatory drive that follows the work rate at once (phase I)", S::none},
    {"ventilation_time_constant", "s", 1, 300,
     "time constant of the slow part of the ventilatory drive (tau_E)", S::none},
    {"ventilation_rate_gain", "1/min/(mL/s)", 0, 10,
     "breaths/min added per mL/s of CO2 the work produces (k_f)", S::none},
    {"ventilation_depth_gain", "mmHg/(mL/s)", 0, 10,
     "depth added to the respiratory muscle pressure per mL/s of CO2 the work produces (k_A)",
     S::none},
    {"muscle_pump_pressure", "mmHg", 0, 50,
     "mean pressure the contracting muscles add to their venous return at the whole reserve",
     S::none},
    {"contractile_reserve", "1", 0, 5,
     "central command's rise of both ventricles' end-systolic elastance, relative, at the whole "
     "reserve (k_ino; set for the patient's age)",
     S::none},
    {"post_dilation_gain", "1", 0, 5,
     "relative rise of the active muscles' conductance that outlasts the work (h), at the whole "
     "reserve held long (g_h)",
     S::none},
    {"post_dilation_charge_time", "s", 10, 7200,
     "time constant of the post-exercise dilation building up during the work (tau_c)", S::none},
    {"post_dilation_decay_time", "s", 60, 36000,
     "time constant of the post-exercise dilation fading after the work (tau_d)", S::none},
    {"post_dilation_resetting", "mmHg", 0, 40,
     "fall of the baroreflex's set point per unit of the dilation that outlasts the metabolic one "
     "(k_s)",
     S::none},
    {"post_dilation_compliance", "1", 0, 1,
     "relative rise of the large arteries' compliance per unit of the dilation that outlasts the "
     "metabolic one (k_C)",
     S::none},
    {"catecholamine_exponent", "1", 0.1, 10,
     "steepness of the circulating catecholamines' release with the share of the O2 uptake "
     "reserve the muscles use: (e^(b I_M) - 1) / (e^b - 1) (b)",
     S::none},
    {"catecholamine_release_time", "s", 1, 600,
     "time constant of the catecholamines' release following the muscles' metabolism (tau_R)",
     S::none},
    {"catecholamine_clearance_time", "s", 1, 1200,
     "time constant of the circulating catecholamines following their release (tau_C)", S::none},
    {"catecholamine_drive", "1/s", 0, 20,
     "sympathetic firing the circulating catecholamines add, at their peak, to what the sinus "
     "node answers (Df_C)",
     S::none},
    {"enabled", "1", 0, 1, "1: the exercise responses act; 0: work costs nothing", S::none},
}};

}  // namespace physiotwin::blocks
