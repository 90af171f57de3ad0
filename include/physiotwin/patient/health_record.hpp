#pragma once
// A patient's health record as HL7 FHIR R4 JSON (docs/patient-records.md): a Bundle holding a
// Patient and its Observations, or a Patient with contained Observations. Read into the few
// measurements a twin is built from, de-identified on the way: no name, address, identifier,
// telecom or free text is kept, so none can reach an output file, a log or an error message;
// no date finer than the year leaves the reader (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)).
//
// Records as they come: Observations are matched on LOINC system and code only; values are
// converted from UCUM to the model's units. For each measurement the latest valid value
// within its window before the as-of date is used (record_measures.hpp). An Observation that
// cannot be used (not final, entered in error, data absent, no unit, a unit of another
// quantity, no number, a value no living person has, no date) is skipped with a one-line
// warning naming its JSON path when it would have been the latest; the record is refused
// only when a required input is unusable (the Patient, its sex, its birth date) or the
// patient is a child. Errors and warnings name the record by its digest and the JSON path,
// never a value or a date of the record.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "physiotwin/core/error.hpp"
#include "physiotwin/patient/dates.hpp"
#include "physiotwin/patient/record_measures.hpp"

namespace physiotwin {

/// The value a twin uses for one measurement.
struct RecordValue {
  double value = std::numeric_limits<double>::quiet_NaN();  ///< in the measure's unit
  int year = 0;                   ///< calendar year of its Observation (outputs show no more)
  double years_before_as_of = 0;  ///< its age at the as-of date, years
  std::string where;              ///< JSON path of the value, for messages
  std::int64_t instant = std::numeric_limits<std::int64_t>::min();
  [[nodiscard]] bool present() const noexcept { return !std::isnan(value); }
};

/// What a twin takes from a health record: nothing that identifies the person.
struct HealthRecord {
  std::string label;  ///< "health record sha256 <16 hex digits>": how messages name it
  /// Random code of the record's patient, from the local record-code table
  /// (patient/record_codes.hpp): not derived from the record, so outputs may carry it.
  std::string pseudonym;
  std::string record_digest;  ///< SHA-256 of the record file: for the table, never an output
  std::string sex;            ///< "male" or "female"
  /// Completed years at the as-of date. Outputs never show it past 89 ("90 or older").
  int age_years = 0;
  int as_of_year = 0;  ///< the as-of date's year
  std::array<RecordValue, std::size_t(Measure::count)> values{};
  /// Why a measurement the record has is not used (empty: used, or none in the record).
  std::array<std::string, std::size_t(Measure::count)> not_used{};
  /// One line each: what was skipped and why (the record's label, JSON paths, never values).
  std::vector<std::string> warnings;

  [[nodiscard]] const RecordValue& operator[](Measure m) const noexcept {
    return values[std::size_t(m)];
  }
};

/// The ages records may give (outside: refused). Past 120 no person is living; a twin of
/// someone over 89 uses the model's oldest age (patient/body.hpp) and shows "90 or older".
inline constexpr int adult_age = 18;
inline constexpr int oldest_living_age = 120;

/// Reads a FHIR R4 record from its text; `name` (how messages name the record: its digest)
/// prefixes every error and warning. `as_of` (YYYY-MM-DD) is the date the twin describes the
/// patient on: the age is taken then, later observations are ignored, older ones count only
/// within their window. Without it, the date of the record's latest usable Observation of
/// any kind. Throws InputError naming the record and JSON path.
[[nodiscard]] HealthRecord read_health_record_text(std::string_view bytes, const std::string& name,
                                                   std::optional<std::string> as_of = {},
                                                   std::string digest = {});

/// Reads a FHIR R4 record file (see read_health_record_text()).
[[nodiscard]] HealthRecord read_health_record(const std::filesystem::path& file,
                                              std::optional<std::string> as_of = {});

}  // namespace physiotwin
