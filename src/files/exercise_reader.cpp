#include "files/exercise_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "files/parameter_reader.hpp"
#include "files/resistance_lookup.hpp"
#include "physiotwin/model/exercise_parameters.hpp"

namespace physiotwin::detail {

void read_exercise(const JsonView& node, BodyModel& model) {
  static constexpr std::array<std::string_view, 5> members{
      "description", "active_muscle", "arterioles", "venous_return", "parameters"};
  node.reject_unknown_members(members);
  if (!model.baroreflex) node.fail("exercise needs a \"baroreflex\" section (central command)");
  if (!model.gas_exchange)
    node.fail("exercise needs a \"gas_exchange\" section (the muscles' O2 demand)");
  ExerciseBlock block;
  const JsonView muscle = node["active_muscle"];
  const std::string name = muscle.string();
  const auto& tissues = model.gas_exchange->tissues;
  auto tissue = std::find_if(tissues.begin(), tissues.end(),
                             [&](std::size_t c) { return model.compartments[c].name == name; });
  if (tissue == tissues.end())
    muscle.fail(fmt::format("\"{}\" is not a tissue of the gas exchange", name));
  block.active_muscle = *tissue;
  const JsonView arterioles = node["arterioles"];
  if (arterioles.array_size() == 0) arterioles.fail("give the active muscle's arterioles");
  for (std::size_t i = 0; i < arterioles.array_size(); ++i) {
    block.vasodilating.push_back(resistance_named(arterioles.at_index(i), model));
  }
  block.muscle_pump = resistance_named(node["venous_return"], model);
  block.muscle_veins = model.connections[block.muscle_pump].from;
  if (model.compartments[block.muscle_veins].kind != CompartmentKind::compliance)
    node["venous_return"].fail("the venous return must leave a vessel (the muscle's veins)");
  block.first_parameter =
      read_block_parameters(node, "exercise", blocks::exercise, model.parameters);
  model.exercise = block;
}

}  // namespace physiotwin::detail
