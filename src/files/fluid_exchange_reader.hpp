#pragma once
// Reading a model file's "fluid_exchange" section (src/files/fluid_exchange_reader.cpp).
#include <string>
#include <unordered_map>

#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/model/body_model.hpp"

namespace physiotwin::detail {

/// {"description", "capillary_beds": [{"capillaries", "veins", "share"}], "lymph_return",
/// "parameters"} (docs/model-format.md) into model.fluid_exchange; InputError naming the JSON
/// path otherwise.
void read_fluid_exchange(const JsonView& node,
                         const std::unordered_map<std::string, std::size_t>& compartments,
                         BodyModel& model);

}  // namespace physiotwin::detail
