// What a file's audit trail records of the command line (io/audit_trail.hpp, Invocation): the
// command and its options as given, with only numbers and NAME=number settings written out.
// Everything else (paths, whose names often hold a patient's; dates, finer than Safe Harbor's
// year; key files) is recorded as given, never its value.
#include <CLI/CLI.hpp>
#include <charconv>
#include <string>

#include "cli/cli.hpp"
#include "physiotwin/io/audit_trail.hpp"

namespace physiotwin::cli {

namespace {

bool is_number(const std::string& text) {
  double value = 0.0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value, std::chars_format::general);
  return !text.empty() && error == std::errc{} && stop == end;
}

/// A value as the trail may hold it: a number, or NAME=number (a --set); else "(given)".
std::string recorded(const std::string& value) {
  if (is_number(value)) return value;
  const auto equals = value.find('=');
  if (equals != std::string::npos && equals > 0 && is_number(value.substr(equals + 1)) &&
      value.find('/') == std::string::npos)
    return value;
  return "(given)";
}

nlohmann::json options_of(const CLI::App& command) {
  nlohmann::json options = nlohmann::json::object();
  for (const CLI::Option* option : command.get_options()) {
    if (option->count() == 0 || option->get_name() == "--help") continue;
    const std::string name =
        option->get_name(false, true).empty() ? option->get_name() : option->get_name(false, true);
    if (option->get_type_size() == 0) {  // a flag
      options[name] = true;
      continue;
    }
    nlohmann::json values = nlohmann::json::array();
    for (const std::string& value : option->results()) values.push_back(recorded(value));
    options[name] = values.size() == 1 ? values[0] : values;
  }
  for (const CLI::App* sub : command.get_subcommands()) options[sub->get_name()] = options_of(*sub);
  return options;
}

}  // namespace

void record_invocation(const CLI::App& command) {
  io::set_invocation({"command line", command.get_name(), options_of(command)});
}

}  // namespace physiotwin::cli
