#pragma once
// Reading a model file's "local_oxygen" section (src/files/local_oxygen_reader.cpp).
#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/model/body_model.hpp"

namespace physiotwin::detail {

/// {"description", "beds", "parameters"} (docs/model-format.md) into model.local_oxygen, where
/// "beds" names each bed's resistances: {"muscle": [...], "brain": [...], "coronary": [...]};
/// InputError naming the JSON path otherwise. Needs the chemoreflex read first (its arterial
/// gases and resting PO2 are the stimulus).
void read_local_oxygen(const JsonView& node, BodyModel& model);

}  // namespace physiotwin::detail
