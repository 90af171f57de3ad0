// The JSON text of an action (include/physiotwin/actions/action_details.hpp), compiled here so
// that the core's headers need no JSON library.
#include "physiotwin/actions/action_details.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <system_error>

#include "physiotwin/core/units.hpp"

namespace physiotwin {

namespace detail {
/// A pressure kept in mmHg, back in the cmH2O it was given in. The way there and back can leave
/// an ulp (7 cmH2O would read 6.999999999999999); 15 significant digits (DBL_DIG: what every
/// double keeps through decimal text) drop it.
[[nodiscard]] inline double in_cmH2O(double mmHg) {
  const double cmH2O = mmHg / units::mmHg_per_cmH2O;
  const std::string text = fmt::format("{:.15g}", cmH2O);
  double rounded = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), rounded);
  return ec == std::errc{} && end == text.data() + text.size() ? rounded : cmH2O;
}
}  // namespace detail

/// The action's fields as a JSON object, for the /actions group of the HDF5 file and
/// Twin.actions() in Python: written by nlohmann::json (strings escaped, numbers with every
/// digit a double needs to read back the same; NaN, a fraction left unchanged, as null).
std::string action_details(const Action& a) {
  using Json = nlohmann::ordered_json;  // the fields in the order written here
  auto or_null = [](double x) { return std::isnan(x) ? Json(nullptr) : Json(x); };
  Json details = Json::object();
  switch (a.kind) {
    case ActionKind::hemorrhage:
      details = {{"rate", a.rate}, {"volume", a.volume}, {"compartment", a.compartment}};
      break;
    case ActionKind::infusion:
      details = {{"rate", a.rate},
                 {"volume", a.volume},
                 {"fluid", a.fluid},
                 {"compartment", a.compartment}};
      break;
    case ActionKind::set_parameter:
      details = {{"parameter", a.parameter}, {"value", a.value}};
      break;
    case ActionKind::ventilator: {
      const auto& v = a.ventilator;
      const char* mode = v.mode == resp::VentilatorMode::off              ? "off"
                         : v.mode == resp::VentilatorMode::volume_control ? "volume_control"
                                                                          : "pressure_control";
      details = {{"mode", mode},
                 {"rate", v.rate},
                 {"ie_ratio", v.ie_ratio},
                 {"peep_cmH2O", detail::in_cmH2O(v.peep)},
                 {"inspiratory_pressure_cmH2O", detail::in_cmH2O(v.inspiratory_pressure)},
                 {"tidal_volume", v.tidal_volume},
                 {"fio2", v.fio2}};
      break;
    }
    case ActionKind::stress:
      details = {{"level", a.value}};
      break;
    case ActionKind::paced_breathing:
      details = {{"rate", a.value}};
      break;
    case ActionKind::exercise:
      details = {{"watts", a.value}, {"ramp", a.ramp}, {"mets", or_null(a.mets)}};
      break;
    case ActionKind::inspired_gas:
      details = {{"fio2", or_null(a.fio2)}, {"fico2", or_null(a.fico2)}};
      break;
    case ActionKind::autonomic_blockade:
      details = {{"vagal", or_null(a.vagal_blockade)}, {"beta", or_null(a.beta_blockade)}};
      break;
  }
  // Names are checked against the model before an action runs; text that is not UTF-8 all
  // the same is written with U+FFFD in its place rather than throw from a recorder.
  return details.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace physiotwin
