#pragma once
// Reading parameters from model and patient files: a value with its unit, converted to the
// unit its spec declares and checked against its range; a block's whole parameter set; a
// block's name. Shared by the model loader and the patient file reader (src/files).
#include <fmt/format.h>

#include <array>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/core/parameters.hpp"
#include "physiotwin/core/units.hpp"

namespace physiotwin::detail {

/// Reads {"value": x, "unit": "u", "source": "s"} for one declared parameter.
inline Parameter read_parameter(const JsonView& node, const std::string& full_name,
                                const ParameterSpec& spec) {
  static constexpr std::array<std::string_view, 4> members{"value", "unit", "source", "note"};
  node.reject_unknown_members(members);
  const double raw = node["value"].number();
  const std::string unit = node["unit"].string();
  const auto factor = units::factor(unit, spec.unit);
  if (!factor) {
    node["unit"].fail(fmt::format("unit \"{}\" is not a unit of {} (expected \"{}\")", unit,
                                  full_name, spec.unit));
  }
  Parameter p{full_name, std::string(spec.unit),        raw * *factor,           spec.min,
              spec.max,  std::string(spec.description), node["source"].string(), spec.scaling};
  if (p.source.empty()) node["source"].fail("a parameter's source must not be empty");
  if (!std::isfinite(p.value) || p.value < p.min || p.value > p.max) {
    node["value"].fail(fmt::format("{} = {:g} {} is outside the allowed range {}", full_name,
                                   p.value, p.unit, describe_range(p)));
  }
  return p;
}

/// Reads a block's "parameters" object: exactly the keys its type declares.
template <std::size_t N>
std::size_t read_block_parameters(const JsonView& block, const std::string& block_name,
                                  const std::array<ParameterSpec, N>& specs, ParameterSet& out) {
  const JsonView params = block["parameters"];
  std::array<std::string_view, N> keys{};
  for (std::size_t i = 0; i < N; ++i) keys[i] = specs[i].key;
  params.reject_unknown_members(keys);
  std::size_t first = out.size();
  for (const auto& spec : specs) {
    const std::string key(spec.key);
    out.add(read_parameter(params[key], block_name + "." + key, spec));
  }
  return first;
}

/// Block names become parts of signal names, HDF5 dataset names and file names: letters,
/// digits, "_" and "-", starting with a letter. The message shows a bad name escaped.
inline void check_block_name(const JsonView& node, const std::string& name) {
  bool ok = !name.empty() && std::isalpha(static_cast<unsigned char>(name[0])) && name.size() <= 64;
  for (unsigned char c : name) ok = ok && (std::isalnum(c) || c == '_' || c == '-');
  if (!ok) {
    node.fail(fmt::format(
        "block name {} must be 1 to 64 letters, digits, \"_\" or \"-\", starting with a letter "
        "(it becomes part of signal and HDF5 dataset names)",
        nlohmann::json(name).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace)));
  }
}

}  // namespace physiotwin::detail
