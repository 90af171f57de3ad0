#pragma once
// Finding a model's resistance by the name a model file gives it; shared by the readers of the
// blocks that act on resistances (baroreflex, exercise).

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <string>

#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/model/body_model.hpp"

namespace physiotwin::detail {

/// Index of the resistance connection `name_node` names; fails at that node if there is none.
inline std::size_t resistance_named(const JsonView& name_node, const BodyModel& model) {
  const std::string target = name_node.string();
  auto it = std::find_if(model.connections.begin(), model.connections.end(),
                         [&](const Connection& c) { return c.name == target; });
  if (it == model.connections.end() || it->kind != ConnectionKind::resistance)
    name_node.fail(fmt::format("\"{}\" is not a resistance of this model", target));
  return static_cast<std::size_t>(it - model.connections.begin());
}

}  // namespace physiotwin::detail
