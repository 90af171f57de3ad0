#pragma once
// An action's fields as a JSON object: the /actions group of the HDF5 file and Twin.actions()
// in Python. Compiled (src/files/action_details.cpp, library physiotwin::physiotwin): written
// by nlohmann::json (strings escaped, numbers with every digit a double needs to read back the
// same; NaN, a fraction left unchanged, as null; ventilator pressures back in cmH2O).
#include <string>

#include "physiotwin/actions/action.hpp"

namespace physiotwin {

[[nodiscard]] std::string action_details(const Action& a);

}  // namespace physiotwin
