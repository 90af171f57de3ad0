#pragma once
// Reading a model file's "exercise" section (src/files/exercise_reader.cpp).
#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/model/body_model.hpp"

namespace physiotwin::detail {

/// {"description", "active_muscle", "arterioles", "venous_return", "parameters"}
/// (docs/model-format.md) into model.exercise; InputError naming the JSON path otherwise. The
/// active muscle is a gas-exchange tissue, its arterioles and venous return are resistances
/// (the venous return leaving a compliance compartment: the veins the pump squeezes). Needs the
/// baroreflex and gas exchange read first.
void read_exercise(const JsonView& node, BodyModel& model);

}  // namespace physiotwin::detail
