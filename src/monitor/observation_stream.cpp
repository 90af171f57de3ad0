// Observation streams (include/physiotwin/monitor/observation_stream.hpp), compiled into
// physiotwin::physiotwin.
#include "physiotwin/monitor/observation_stream.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "files/fhir_observation.hpp"
#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/patient/dates.hpp"

namespace physiotwin::monitor {

namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

/// The cells of a CSV line: split at commas, each trimmed and unquoted ("..." around a cell).
/// The documented format has no commas inside cells.
std::vector<std::string_view> cells_of(std::string_view line) {
  std::vector<std::string_view> cells;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    std::string_view cell = trimmed(line.substr(start, comma - start));
    if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"')
      cell = cell.substr(1, cell.size() - 2);
    cells.push_back(cell);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return cells;
}

/// A stream's time: an ISO 8601 / FHIR dateTime with a time of day (a date alone is not
/// precise enough to monitor with).
std::optional<dates::Instant> stream_time(std::string_view text) {
  if (text.find('T') == std::string_view::npos) return std::nullopt;
  return dates::parse(text);
}

/// Statuses of a measurement a monitor can use: a gateway's live values are often
/// preliminary.
bool monitor_status(const JsonView& obs) {
  if (!obs.has("status") || !obs["status"].raw().is_string()) return false;
  const std::string s = obs["status"].string();
  return s == "final" || s == "amended" || s == "corrected" || s == "preliminary";
}

}  // namespace

Measure measure_named(std::string_view name) noexcept {
  for (std::size_t m = 0; m < measure_specs.size(); ++m) {
    if (measure_specs[m].name == name) return Measure(m);
    for (std::string_view code : measure_specs[m].loinc)
      if (!code.empty() && code == name) return Measure(m);
  }
  return Measure::count;
}

ObservationReader::ObservationReader(std::int64_t now, std::int64_t future_tolerance)
    : now_(now), future_tolerance_(future_tolerance) {}

LineReading ObservationReader::read(std::string_view line, std::size_t number) {
  LineReading out;
  const std::string_view text = trimmed(line);
  if (text.empty()) return out;
  if (format_ == StreamFormat::undecided) {
    if (text.front() == '{') {
      format_ = StreamFormat::ndjson;
    } else if (text.front() == '#') {
      return out;  // a comment before a CSV header
    } else {
      read_csv_header(text, number, out);
      return out;
    }
  }
  if (format_ == StreamFormat::ndjson) {
    read_ndjson(text, number, out);
  } else if (text.front() != '#') {
    read_csv_row(text, number, out);
  }
  return out;
}

void ObservationReader::accept(Observation o, LineReading& out) const {
  if (o.time > now_ + future_tolerance_) {
    out.warnings.push_back(
        fmt::format("line {}: dated after the reader's clock: not used", o.line));
    return;
  }
  out.observations.push_back(o);
}

void ObservationReader::read_ndjson(std::string_view line, std::size_t number,
                                    LineReading& out) const {
  auto warn = [&](std::string_view why) {
    out.warnings.push_back(fmt::format("line {}: {}: not used", number, why));
  };
  nlohmann::json parsed;
  try {
    parsed = parse_json_text(line, fmt::format("line {}", number), /*redact=*/true);
  } catch (const std::exception&) {
    return warn("not a JSON object (NDJSON: one FHIR Observation per line)");
  }
  if (!parsed.is_object()) return warn("not a JSON object (NDJSON: one FHIR Observation per line)");
  const JsonView obs(parsed, fmt::format("line {}", number), "", /*redact=*/true);
  if (!obs.has("resourceType") || !obs["resourceType"].raw().is_string() ||
      obs["resourceType"].string() != "Observation") {
    return warn("not a FHIR Observation");
  }
  const auto text = detail::effective_text(obs);
  const auto time = text ? stream_time(*text) : std::nullopt;
  if (!time) return warn("no effective time with a time of day");
  if (!monitor_status(obs))
    return warn("its status is not final, amended, corrected or preliminary");
  auto candidates = detail::observation_candidates(obs, time, true);
  if (candidates.empty()) return warn("no LOINC code of a measure the monitor takes");
  bool any = false;
  for (const auto& [m, c] : candidates) {
    if (!is_streamed(m)) continue;
    any = true;
    if (!c.problem.empty()) {
      out.warnings.push_back(
          fmt::format("line {}: {}: {}: not used", number, spec_of(m).name, c.problem));
      continue;
    }
    accept({c.instant, m, c.value, number}, out);
  }
  if (!any) warn("no LOINC code of a measure the monitor takes");
}

void ObservationReader::read_csv_header(std::string_view line, std::size_t number,
                                        LineReading& out) {
  const auto cells = cells_of(line);
  constexpr std::size_t none = std::string::npos;
  std::size_t time = none, measure = none, value = none, unit = none;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (cells[i] == "time") time = i;
    if (cells[i] == "measure") measure = i;
    if (cells[i] == "value") value = i;
    if (cells[i] == "unit") unit = i;
  }
  if (time == none || measure == none || value == none) {
    out.warnings.push_back(fmt::format(
        "line {}: neither an NDJSON Observation nor the CSV header (columns time, measure, "
        "value and optionally unit): skipped",
        number));
    return;
  }
  format_ = StreamFormat::csv;
  time_column_ = time;
  measure_column_ = measure;
  value_column_ = value;
  unit_column_ = unit;
  column_count_ = cells.size();
}

void ObservationReader::read_csv_row(std::string_view line, std::size_t number,
                                     LineReading& out) const {
  auto warn = [&](std::string_view why) {
    out.warnings.push_back(fmt::format("line {}: {}: not used", number, why));
  };
  const auto cells = cells_of(line);
  if (cells.size() != column_count_)
    return warn(fmt::format("{} cells where the header has {}", cells.size(), column_count_));
  const Measure m = measure_named(cells[measure_column_]);
  if (m == Measure::count || !is_streamed(m)) return warn("not a measure the monitor takes");
  const auto time = stream_time(cells[time_column_]);
  if (!time) return warn("its time is not an ISO 8601 date and time of day");
  double value = 0.0;
  const std::string_view v = cells[value_column_];
  const auto [end, error] = std::from_chars(v.data(), v.data() + v.size(), value);
  if (error != std::errc{} || end != v.data() + v.size() || !std::isfinite(value))
    return warn("its value is not a number");
  // The unit, conversion and range checks of an Observation's valueQuantity, as for records.
  const MeasureSpec& spec = spec_of(m);
  nlohmann::json quantity{
      {"valueQuantity",
       {{"value", value},
        {"code", unit_column_ == std::string::npos || cells[unit_column_].empty()
                     ? std::string(spec.units[0].ucum)
                     : std::string(cells[unit_column_])}}}};
  const JsonView node(quantity, fmt::format("line {}", number), "", /*redact=*/true);
  const detail::Candidate c = detail::candidate(node, m, time, true);
  if (!c.problem.empty()) return warn(fmt::format("{}: {}", spec.name, c.problem));
  accept({time->seconds, m, c.value, number}, out);
}

}  // namespace physiotwin::monitor
