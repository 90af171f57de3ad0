#pragma once
// A stream of a patient's measurements as a wearable gateway delivers them (issue 16, remote
// monitoring; docs/monitoring.md, "Observation streams"), read one line at a time as it
// arrives: FHIR R4 Observation resources as NDJSON (one resource per line), or the documented
// CSV (a header naming `time`, `measure` and `value`, and optionally `unit`). The measures,
// their LOINC codes, units and the range a living person can have are those of
// patient/record_measures.hpp; the monitor takes heart rate, SpO2, breathing rate and cuff
// pressures (streamed_measures).
//
// A line that cannot be used gets one warning naming its number and why, never quoting it
// (a stream carries a patient's values), and reading goes on: text that is neither, an
// Observation of no monitored measure, a value outside what a living person can have, a time
// without a time of day or after the reader's clock. Ordering is the ReorderBuffer's
// (monitor/reorder_buffer.hpp): late arrivals are sorted in within its window.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "physiotwin/patient/record_measures.hpp"

namespace physiotwin::monitor {

/// The measures a monitor assimilates: what wearables and home cuffs measure.
inline constexpr std::array<Measure, 5> streamed_measures{
    Measure::heart_rate, Measure::spo2, Measure::respiratory_rate, Measure::systolic_pressure,
    Measure::diastolic_pressure};

/// Whether measure m is one the monitor takes from a stream.
[[nodiscard]] constexpr bool is_streamed(Measure m) noexcept {
  for (Measure s : streamed_measures)
    if (s == m) return true;
  return false;
}

/// One measured value, in the model's unit (patient/record_measures.hpp).
struct Observation {
  std::int64_t time = 0;  ///< seconds since 1970-01-01T00:00:00Z
  Measure measure = Measure::heart_rate;
  double value = 0.0;
  std::size_t line = 0;  ///< the stream's line it came from (1-based)
};

enum class StreamFormat { undecided, ndjson, csv };

/// What one line gave: its observations (a blood-pressure panel gives two) and its warnings
/// ("line 12: ...").
struct LineReading {
  std::vector<Observation> observations;
  std::vector<std::string> warnings;
};

/// Reads a stream line by line. The format is the first meaningful line's: '{' opens NDJSON,
/// anything else must be the CSV header. Blank lines, and lines starting with '#' in CSV, are
/// skipped.
class ObservationReader {
 public:
  /// `now`: the reader's clock (seconds since the epoch); an observation later than
  /// now + `future_tolerance` s is in the future (a gateway's clock may run a little ahead).
  explicit ObservationReader(std::int64_t now, std::int64_t future_tolerance = 300);

  /// Reads line `number` (1-based) of the stream, without its line ending.
  [[nodiscard]] LineReading read(std::string_view line, std::size_t number);

  /// Moves the reader's clock on (a live stream: the time a line arrived).
  void set_now(std::int64_t now) noexcept { now_ = now; }
  [[nodiscard]] StreamFormat format() const noexcept { return format_; }

 private:
  void read_ndjson(std::string_view line, std::size_t number, LineReading& out) const;
  void read_csv_header(std::string_view line, std::size_t number, LineReading& out);
  void read_csv_row(std::string_view line, std::size_t number, LineReading& out) const;
  /// Adds the observation, or a warning if its time is in the future.
  void accept(Observation o, LineReading& out) const;

  std::int64_t now_;
  std::int64_t future_tolerance_;
  StreamFormat format_ = StreamFormat::undecided;
  /// CSV: the columns of time, measure, value and unit (unit: npos if absent), and how many.
  std::size_t time_column_ = 0, measure_column_ = 0, value_column_ = 0;
  std::size_t unit_column_ = std::string::npos, column_count_ = 0;
};

/// The measure named by a CSV `measure` cell: its name (heart_rate, spo2, ...) or a LOINC
/// code of it; nullopt-like `Measure::count` if none.
[[nodiscard]] Measure measure_named(std::string_view name) noexcept;

}  // namespace physiotwin::monitor
