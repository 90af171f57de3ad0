#pragma once
// Reading a compartment's "anatomy" from a model file (src/files/anatomy_reader.cpp).
#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/model/anatomy.hpp"

namespace physiotwin::detail {

/// {"snomed_ct", "snomed_ct_display", "fma", "fma_display", "position": {"value": [x, y, z],
/// "unit", "uncertainty", "basis"}}; InputError naming the JSON path otherwise.
[[nodiscard]] Anatomy read_anatomy(const JsonView& node);

}  // namespace physiotwin::detail
