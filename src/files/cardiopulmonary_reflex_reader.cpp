#include "files/cardiopulmonary_reflex_reader.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

#include "files/parameter_reader.hpp"
#include "physiotwin/model/block_types.hpp"

namespace physiotwin::detail {

void read_cardiopulmonary_reflex(const JsonView& node,
                                 const std::unordered_map<std::string, std::size_t>& compartments,
                                 BodyModel& model) {
  static constexpr std::array<std::string_view, 3> members{"description", "sensor", "parameters"};
  node.reject_unknown_members(members);
  const JsonView sensor = node["sensor"];
  const std::string target = sensor.string();
  auto it = compartments.find(target);
  if (it == compartments.end()) sensor.fail(fmt::format("no compartment named \"{}\"", target));
  if (model.compartments[it->second].kind != CompartmentKind::chamber)
    sensor.fail(
        fmt::format("\"{}\" is not a heart chamber (the receptors sense an atrium)", target));
  CardiopulmonaryBlock block;
  block.sensor = it->second;
  block.first_parameter =
      read_block_parameters(node, "cardiopulmonary", blocks::cardiopulmonary, model.parameters);
  model.cardiopulmonary = block;
}

}  // namespace physiotwin::detail
