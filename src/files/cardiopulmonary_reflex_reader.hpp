#pragma once
// Reading a model file's "cardiopulmonary_reflex" section
// (src/files/cardiopulmonary_reflex_reader.cpp).
#include <string>
#include <unordered_map>

#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/model/body_model.hpp"

namespace physiotwin::detail {

/// {"description", "sensor", "parameters"} (docs/model-format.md) into model.cardiopulmonary;
/// InputError naming the JSON path otherwise. The sensor is a heart chamber (its transmural
/// pressure is sensed).
void read_cardiopulmonary_reflex(const JsonView& node,
                                 const std::unordered_map<std::string, std::size_t>& compartments,
                                 BodyModel& model);

}  // namespace physiotwin::detail
