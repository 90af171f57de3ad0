#pragma once
// The connection blocks' parameter tables: what a circulation file's resistances, inertances
// and valves take (model/block_types.hpp holds the other blocks' and includes this file).
// Kept apart only to keep that header short; read the same way (BlockValues).
#include <array>

#include "physiotwin/core/parameters.hpp"

namespace physiotwin::blocks {

using S = BodyScaling;

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

/// Resistance of distensible vessels (cardio/distensible_vessel.hpp, Linehan et al. 1992):
/// Q = (P_from - P_to) G_ref [(1 + alpha P) / (1 + alpha P_ref)]^4, P = (P_from + P_to) / 2.
inline constexpr std::array<ParameterSpec, 3> distensible_resistance{{
    {"resistance", "mmHg*s/mL", 1e-5, 200.0, "hydraulic resistance at the reference pressure",
     S::resistance},
    {"distensibility", "1/mmHg", 0.0, 0.1,
     "fractional rise of the vessels' diameter per mmHg of distending pressure (alpha)", S::none},
    {"reference_pressure", "mmHg", -20.0, 100.0,
     "mean of the end pressures at which the resistance has its given value", S::none},
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

}  // namespace physiotwin::blocks
