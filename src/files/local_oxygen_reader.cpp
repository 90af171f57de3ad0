#include "files/local_oxygen_reader.hpp"

#include <array>
#include <string>
#include <string_view>

#include "files/parameter_reader.hpp"
#include "files/resistance_lookup.hpp"
#include "physiotwin/model/local_oxygen_parameters.hpp"

namespace physiotwin::detail {

void read_local_oxygen(const JsonView& node, BodyModel& model) {
  static constexpr std::array<std::string_view, 3> members{"description", "beds", "parameters"};
  node.reject_unknown_members(members);
  if (!model.chemoreflex)
    node.fail("local_oxygen needs a \"chemoreflex\" section (it reads the arterial gases)");
  LocalOxygenBlock block;
  const JsonView beds = node["beds"];
  beds.reject_unknown_members(control::local_oxygen_bed_names);
  for (std::size_t j = 0; j < control::oxygen_bed_count; ++j) {
    const JsonView list = beds[std::string(control::local_oxygen_bed_names[j])];
    if (list.array_size() == 0) list.fail("give the bed's arterioles (and venules)");
    for (std::size_t i = 0; i < list.array_size(); ++i)
      block.beds[j].push_back(resistance_named(list.at_index(i), model));
  }
  block.first_parameter =
      read_block_parameters(node, "local_oxygen", blocks::local_oxygen, model.parameters);
  model.local_oxygen = block;
}

}  // namespace physiotwin::detail
