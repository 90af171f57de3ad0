#pragma once
// The local O2 block's parameters, "local_oxygen.<key>" (control/local_oxygen.hpp; values and
// sources in docs/models/control.md, "Local O2 vascular tone"). Kept apart from
// model/block_types.hpp, like the exercise table, only to keep that header short.
#include <array>

#include "physiotwin/model/block_types.hpp"

namespace physiotwin::blocks {

inline constexpr std::array<ParameterSpec, 8> local_oxygen{{
    {"enabled", "1", 0, 1, "1: the beds answer arterial O2 themselves; 0: they do not", S::none},
    {"time_constant", "s", 1, 300, "time constant of the beds' local O2 tone (tau)", S::none},
    {"muscle_hypoxic_gain", "dL/mL", 0, 1,
     "skeletal muscle's rise of conductance, relative, per mL/dL of arterial O2 content below "
     "rest",
     S::none},
    {"muscle_hyperoxic_gain", "dL/mL", 0, 1,
     "skeletal muscle's fall of conductance, relative, per mL/dL of arterial O2 content above "
     "rest",
     S::none},
    {"brain_hypoxic_gain", "dL/mL", 0, 1,
     "the brain's rise of conductance, relative, per mL/dL of arterial O2 content below rest",
     S::none},
    {"brain_hyperoxic_gain", "dL/mL", 0, 1,
     "the brain's fall of conductance, relative, per mL/dL of arterial O2 content above rest",
     S::none},
    {"coronary_hypoxic_gain", "dL/mL", 0, 1,
     "the heart's rise of coronary conductance, relative, per mL/dL of arterial O2 content "
     "below rest",
     S::none},
    {"coronary_hyperoxic_gain", "dL/mL", 0, 1,
     "the heart's fall of coronary conductance, relative, per mL/dL of arterial O2 content "
     "above rest",
     S::none},
}};

}  // namespace physiotwin::blocks
