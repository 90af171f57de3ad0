#include "files/fluid_exchange_reader.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <string_view>

#include "files/parameter_reader.hpp"
#include "physiotwin/model/block_types.hpp"

namespace physiotwin::detail {

void read_fluid_exchange(const JsonView& node,
                         const std::unordered_map<std::string, std::size_t>& compartments,
                         BodyModel& model) {
  static constexpr std::array<std::string_view, 4> members{"description", "capillary_beds",
                                                           "lymph_return", "parameters"};
  node.reject_unknown_members(members);
  auto compliance = [&](const JsonView& name_node) {
    const std::string target = name_node.string();
    auto it = compartments.find(target);
    if (it == compartments.end())
      name_node.fail(fmt::format("no compartment named \"{}\"", target));
    if (model.compartments[it->second].kind != CompartmentKind::compliance)
      name_node.fail(fmt::format("\"{}\" is a heart chamber, not a vessel", target));
    return it->second;
  };
  FluidExchangeBlock block;
  const JsonView beds = node["capillary_beds"];
  if (beds.array_size() == 0) beds.fail("give at least one capillary bed");
  double total = 0.0;
  for (std::size_t i = 0; i < beds.array_size(); ++i) {
    const JsonView bed = beds.at_index(i);
    static constexpr std::array<std::string_view, 3> keys{"capillaries", "veins", "share"};
    bed.reject_unknown_members(keys);
    const std::size_t capillaries = compliance(bed["capillaries"]);
    for (std::size_t earlier : block.capillaries) {
      if (earlier == capillaries) bed["capillaries"].fail("this compartment is already a bed");
    }
    block.capillaries.push_back(capillaries);
    block.veins.push_back(compliance(bed["veins"]));
    const double share = bed["share"].number();
    if (!(share > 0.0 && share <= 1.0))
      bed["share"].fail(fmt::format("share {:g} is outside the allowed range (0, 1]", share));
    block.share.push_back(share);
    total += share;
  }
  if (std::abs(total - 1.0) > 1e-6)
    beds.fail(fmt::format("the beds' shares add up to {:g}, not 1", total));
  block.lymph_return = compliance(node["lymph_return"]);
  block.first_parameter =
      read_block_parameters(node, "fluid", blocks::fluid_exchange, model.parameters);
  model.fluid_exchange = block;
}

}  // namespace physiotwin::detail
