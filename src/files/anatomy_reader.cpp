// A compartment's "anatomy" in a model file (model/anatomy.hpp, docs/anatomy.md): the codes
// are checked for their form (a SNOMED CT id is 6 to 18 digits, an FMA id "FMA:" and digits),
// the position for its unit and for lying within 3 m of the frame's origin.
#include "files/anatomy_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <string_view>

#include "physiotwin/core/units.hpp"

namespace physiotwin::detail {

namespace {

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::string non_empty(const JsonView& node) {
  std::string text = node.string();
  if (text.empty()) node.fail("must not be empty");
  return text;
}

}  // namespace

Anatomy read_anatomy(const JsonView& node) {
  static constexpr std::array<std::string_view, 5> members{"snomed_ct", "snomed_ct_display", "fma",
                                                           "fma_display", "position"};
  node.reject_unknown_members(members);
  Anatomy anatomy;
  anatomy.snomed_ct = node["snomed_ct"].string();
  if (!all_digits(anatomy.snomed_ct) || anatomy.snomed_ct.size() < 6 ||
      anatomy.snomed_ct.size() > 18) {
    node["snomed_ct"].fail("a SNOMED CT concept id is 6 to 18 digits (\"87878005\")");
  }
  anatomy.snomed_ct_display = non_empty(node["snomed_ct_display"]);
  anatomy.fma = node["fma"].string();
  if (anatomy.fma.rfind("FMA:", 0) != 0 || !all_digits(std::string_view(anatomy.fma).substr(4))) {
    node["fma"].fail("an FMA id is \"FMA:\" and digits (\"FMA:7101\")");
  }
  anatomy.fma_display = non_empty(node["fma_display"]);

  const JsonView position = node["position"];
  static constexpr std::array<std::string_view, 4> position_members{"value", "unit", "uncertainty",
                                                                    "basis"};
  position.reject_unknown_members(position_members);
  const std::string unit = position["unit"].string();
  const auto to_centimetres = units::factor(unit, "cm");  // the table's canonical length
  if (!to_centimetres) {
    position["unit"].fail(fmt::format("\"{}\" is not a length (expected \"m\")", unit));
  }
  const double to_metres = *to_centimetres / 100.0;
  const JsonView value = position["value"];
  if (value.array_size() != 3) value.fail("a position is [x, y, z]");
  for (std::size_t i = 0; i < 3; ++i) {
    anatomy.position[i] = value.at_index(i).number() * to_metres;
    if (!(std::abs(anatomy.position[i]) <= 3.0)) {
      value.at_index(i).fail("outside the body: allowed range [-3, 3] m from the frame's origin");
    }
  }
  anatomy.position_uncertainty = position["uncertainty"].number() * to_metres;
  if (!(anatomy.position_uncertainty >= 0.0 && anatomy.position_uncertainty <= 1.0)) {
    position["uncertainty"].fail("allowed range [0, 1] m");
  }
  anatomy.position_basis = non_empty(position["basis"]);
  return anatomy;
}

}  // namespace physiotwin::detail
