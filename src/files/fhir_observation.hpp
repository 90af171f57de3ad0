#pragma once
// The measurements in a FHIR R4 Observation (docs/patient-records.md): its LOINC codes, its
// effective time, its status, and each value as a candidate for a measure of
// patient/record_measures.hpp, converted to the model's unit and checked against what a
// living person can have. Shared by the health-record reader (files/health_record.cpp) and the
// monitor's observation stream (monitor/observation_stream.cpp). Problems never quote the
// Observation's values.
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/patient/dates.hpp"
#include "physiotwin/patient/record_measures.hpp"

namespace physiotwin::detail {

/// One Observation value of a measurement, usable or not.
struct Candidate {
  double value = std::nan("");
  std::int64_t instant = std::numeric_limits<std::int64_t>::min();
  int year = 0;
  std::string where;
  std::string problem;  ///< empty: usable
};

/// The LOINC codes of a CodeableConcept.
inline std::vector<std::string> loinc_codes(const JsonView& concept_node) {
  std::vector<std::string> codes;
  if (!concept_node.raw().is_object() || !concept_node.has("coding") ||
      !concept_node["coding"].raw().is_array()) {
    return codes;
  }
  const JsonView coding = concept_node["coding"];
  for (std::size_t i = 0; i < coding.array_size(); ++i) {
    const JsonView c = coding.at_index(i);
    if (c.raw().is_object() && c.has("system") && c.has("code") && c["system"].raw().is_string() &&
        c["system"].string() == loinc_system && c["code"].raw().is_string()) {
      codes.push_back(c["code"].string());
    }
  }
  return codes;
}

inline std::optional<Measure> measure_of(const std::vector<std::string>& codes) {
  for (std::size_t m = 0; m < measure_specs.size(); ++m) {
    for (const auto& code : measure_specs[m].loinc) {
      for (const auto& c : codes) {
        if (!code.empty() && c == code) return Measure(m);
      }
    }
  }
  return std::nullopt;
}

/// The text of the Observation's effective time: effectiveDateTime, effectiveInstant,
/// effectivePeriod (end, else start), else issued (when it was reported); nullopt if it has
/// none that is a string.
inline std::optional<std::string> effective_text(const JsonView& obs) {
  auto text = [](const JsonView& node) -> std::optional<std::string> {
    if (!node.raw().is_string()) return std::nullopt;
    return node.string();
  };
  for (const char* key : {"effectiveDateTime", "effectiveInstant"}) {
    if (obs.has(key)) return text(obs[key]);
  }
  if (obs.has("effectivePeriod") && obs["effectivePeriod"].raw().is_object()) {
    const JsonView p = obs["effectivePeriod"];
    for (const char* key : {"end", "start"}) {
      if (p.has(key)) return text(p[key]);
    }
  }
  if (obs.has("issued")) return text(obs["issued"]);
  return std::nullopt;
}

/// The Observation's effective time (effective_text()); nullopt if it has none that parses.
inline std::optional<dates::Instant> effective_time(const JsonView& obs) {
  const auto text = effective_text(obs);
  if (!text) return std::nullopt;
  return dates::parse(*text);
}

/// Final, amended or corrected: a result that stands.
inline bool usable_status(const JsonView& obs) {
  if (!obs.has("status") || !obs["status"].raw().is_string()) return false;
  const std::string s = obs["status"].string();
  return s == "final" || s == "amended" || s == "corrected";
}

/// A value node (an Observation or a panel's component) as a candidate for measure m.
inline Candidate candidate(const JsonView& node, Measure m, const std::optional<dates::Instant>& t,
                           bool status_ok) {
  const MeasureSpec& spec = spec_of(m);
  Candidate c;
  c.where = node.path();
  if (t) {
    c.instant = t->seconds;
    c.year = t->year;
  }
  auto problem = [&](std::string what) {
    c.problem = std::move(what);
    return c;
  };
  if (!status_ok) return problem("its status is not final, amended or corrected");
  if (!t) return problem("no date");
  if (node.has("dataAbsentReason")) return problem("its data are absent");
  if (!node.has("valueQuantity") || !node["valueQuantity"].raw().is_object())
    return problem("no valueQuantity");
  const JsonView q = node["valueQuantity"];
  c.where = q.path();
  if (!q.has("value")) return problem("no value");
  if (!q["value"].raw().is_number()) return problem("its value is not a number");
  std::string code;
  for (const char* key : {"code", "unit"}) {
    if (code.empty() && q.has(key) && q[key].raw().is_string()) code = q[key].string();
  }
  if (code.empty()) return problem("no unit");
  if (code == "mmHg") code = "mm[Hg]";  // the common non-UCUM spelling
  double factor = std::nan("");
  for (const auto& u : spec.units) {
    if (!u.ucum.empty() && u.ucum == code) factor = u.factor;
  }
  if (std::isnan(factor)) {
    std::string accepted;
    for (const auto& u : spec.units) {
      if (u.ucum.empty()) continue;
      accepted += accepted.empty() ? "" : ", ";
      accepted += u.ucum;
    }
    return problem(fmt::format("a unit that is not one of {}'s ({})", spec.name, accepted));
  }
  c.value = q["value"].raw().get<double>() * factor;
  if (!std::isfinite(c.value) || c.value < spec.min || c.value > spec.max) {
    return problem(fmt::format("a value outside what a living person can have [{:g}, {:g}] {}",
                               spec.min, spec.max, spec.unit));
  }
  return c;
}

/// The Observation's values: its own, or each component's when it is a blood-pressure panel,
/// as candidates for the measures they are (codes of no measure are left out).
inline std::vector<std::pair<Measure, Candidate>> observation_candidates(
    const JsonView& obs, const std::optional<dates::Instant>& time, bool status_ok) {
  std::vector<std::pair<Measure, Candidate>> out;
  if (!obs.has("code")) return out;
  const auto codes = loinc_codes(obs["code"]);
  bool panel = false;
  for (const auto& code : codes) {
    for (const auto& p : blood_pressure_panels) panel = panel || code == p;
  }
  if (panel && obs.has("component") && obs["component"].raw().is_array()) {
    const JsonView components = obs["component"];
    for (std::size_t i = 0; i < components.array_size(); ++i) {
      const JsonView c = components.at_index(i);
      if (!c.raw().is_object() || !c.has("code")) continue;
      if (const auto m = measure_of(loinc_codes(c["code"])))
        out.emplace_back(*m, candidate(c, *m, time, status_ok));
    }
    return out;
  }
  if (const auto m = measure_of(codes)) out.emplace_back(*m, candidate(obs, *m, time, status_ok));
  return out;
}

}  // namespace physiotwin::detail
