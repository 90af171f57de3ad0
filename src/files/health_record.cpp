// FHIR R4 health records (include/physiotwin/patient/health_record.hpp), compiled into
// physiotwin::physiotwin.
#include "physiotwin/patient/health_record.hpp"

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

#include "files/fhir_observation.hpp"
#include "physiotwin/core/error.hpp"
#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/core/sha256.hpp"
#include "physiotwin/patient/dates.hpp"
#include "physiotwin/patient/record_codes.hpp"
#include "physiotwin/patient/record_measures.hpp"

namespace physiotwin {

namespace detail {

/// Picks each measurement's value among its candidates: the latest usable one within the
/// measure's window before the as-of date. Fills record.values, not_used and warnings.
inline void choose_values(std::array<std::vector<Candidate>, std::size_t(Measure::count)>& all,
                          std::int64_t as_of, HealthRecord& record) {
  constexpr double year = 365.2425 * 86400.0;
  constexpr std::size_t listed = 3;  // skipped observations named one by one, per measure
  for (std::size_t m = 0; m < all.size(); ++m) {
    auto& candidates = all[m];
    if (candidates.empty()) continue;
    const MeasureSpec& spec = measure_specs[m];
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.instant > b.instant; });
    std::size_t chosen = candidates.size();
    for (std::size_t i = 0; i < candidates.size() && chosen == candidates.size(); ++i)
      if (candidates[i].problem.empty()) chosen = i;
    // What would have been the latest, but cannot be used.
    for (std::size_t i = 0; i < std::min(chosen, listed); ++i) {
      record.warnings.push_back(fmt::format("{}: {}: {} skipped: {}", record.label,
                                            candidates[i].where, spec.name, candidates[i].problem));
    }
    if (chosen > listed) {
      record.warnings.push_back(fmt::format("{}: {} more newer {} observations skipped likewise",
                                            record.label, chosen - listed, spec.name));
    }
    if (chosen == candidates.size()) {
      record.not_used[m] =
          fmt::format("the record's {} {} observation{} cannot be used", candidates.size(),
                      spec.name, candidates.size() == 1 ? "" : "s");
      continue;
    }
    const Candidate& c = candidates[chosen];
    const double age = double(as_of - c.instant) / year;
    if (age > spec.window_years) {
      record.not_used[m] = fmt::format(
          "the record's latest is more than {:g} years before the "
          "as-of date",
          spec.window_years);
      record.warnings.push_back(
          fmt::format("{}: {}: {} is more than {:g} years older than the "
                      "as-of date: not used",
                      record.label, c.where, spec.name, spec.window_years));
      continue;
    }
    RecordValue& v = record.values[m];
    v.value = c.value;
    v.year = c.year;
    v.years_before_as_of = std::max(age, 0.0);
    v.where = c.where;
    v.instant = c.instant;
  }
}

}  // namespace detail

/// Reads a FHIR R4 record from its text; `name` (how messages name the record: its digest)
/// prefixes every error and warning. `as_of` (YYYY-MM-DD) is the date the twin describes the
/// patient on: the age is taken then, later observations are ignored, older ones count only
/// within their window. Without it, the date of the record's latest usable Observation of
/// any kind. Throws InputError naming the record and JSON path.
HealthRecord read_health_record_text(std::string_view bytes, const std::string& name,
                                     std::optional<std::string> as_of, std::string digest) {
  const nlohmann::json document = parse_json_text(bytes, name, true);
  const JsonView root(document, name, "", true);  // messages never quote the record
  root.require_object();
  const std::string type = root.has("resourceType") && root["resourceType"].raw().is_string()
                               ? root["resourceType"].string()
                               : "";
  if (type.empty()) root.fail("not a FHIR resource (no \"resourceType\")");
  if (type != "Bundle" && type != "Patient") {
    root["resourceType"].fail("a FHIR resource other than a Bundle or a Patient");
  }
  HealthRecord record;
  record.label = name;
  // `digest`: the bytes' SHA-256 when the caller has it already (each input is hashed once).
  record.record_digest = digest.empty() ? crypto::hex(crypto::sha256(bytes)) : std::move(digest);
  std::optional<dates::Instant> as_of_date;
  if (as_of) {
    as_of_date = dates::parse(*as_of);
    if (!as_of_date || as_of->size() != 10) {
      throw InputError("the as-of date is not a date of the form YYYY-MM-DD");
    }
  }
  std::vector<JsonView> patients, observations;
  auto collect = [&](const JsonView& resource) {
    if (!resource.raw().is_object() || !resource.has("resourceType") ||
        !resource["resourceType"].raw().is_string())
      return;
    const std::string t = resource["resourceType"].string();
    if (t == "Patient") patients.push_back(resource);
    if (t == "Observation") observations.push_back(resource);
  };
  const char* list = type == "Bundle" ? "entry" : "contained";
  if (type == "Patient") patients.push_back(root);
  if (root.has(list)) {
    const JsonView items = root[list];
    for (std::size_t i = 0; i < items.array_size(); ++i) {
      const JsonView item = items.at_index(i);
      if (type == "Patient") {
        collect(item);
      } else if (item.raw().is_object() && item.has("resource")) {
        collect(item["resource"]);
      }
    }
  }
  if (patients.empty()) root.fail("the record holds no Patient");
  if (patients.size() > 1) {
    patients[1].fail(fmt::format("a second Patient (the first is at {}): one record, one patient",
                                 patients[0].path()));
  }
  const JsonView patient = patients.front();
  {
    const bool known =
        patient.has("gender") && patient["gender"].raw().is_string() &&
        (patient["gender"].string() == "male" || patient["gender"].string() == "female");
    if (!known) {
      (patient.has("gender") ? patient["gender"] : patient)
          .fail("the model's body-size equations need a gender of male or female");
    }
    record.sex = patient["gender"].string();
  }
  // The patient's identity, for the record-code table: the first identifier (system|value),
  // else the resource id. Its code is looked up once the record has been read in full.
  std::string identity;
  {
    auto text = [](const JsonView& node, const char* key) {
      return node.has(key) && node[key].raw().is_string() ? node[key].string() : std::string();
    };
    if (patient.has("identifier") && patient["identifier"].raw().is_array() &&
        patient["identifier"].array_size() > 0 &&
        patient["identifier"].at_index(0).raw().is_object() &&
        !text(patient["identifier"].at_index(0), "value").empty()) {
      const JsonView id = patient["identifier"].at_index(0);
      identity = text(id, "system") + "|" + text(id, "value");
    } else if (patient.has("id") && patient["id"].raw().is_string() &&
               !patient["id"].string().empty()) {
      identity = patient["id"].string();
    } else {
      patient.fail("the Patient has neither an identifier nor an id to link a code to");
    }
  }

  // Observations dated after today are entry errors: never used (one warning with their
  // count), whatever the as-of date, rather than age the twin or stand for a measurement.
  const std::int64_t today = dates::now_seconds();
  auto after_today = [&](const std::optional<dates::Instant>& t) {
    return t && t->seconds > today;
  };
  const auto future_dated =
      std::count_if(observations.begin(), observations.end(),
                    [&](const auto& obs) { return after_today(detail::effective_time(obs)); });
  if (future_dated > 0) {
    record.warnings.push_back(fmt::format("{}: {} Observation(s) dated after today: not used",
                                          record.label, future_dated));
  }
  // The as-of date: given, or the latest usable Observation of any kind.
  if (!as_of_date) {
    for (const auto& obs : observations) {
      if (!detail::usable_status(obs)) continue;
      const auto t = detail::effective_time(obs);
      if (after_today(t)) continue;
      if (t && (!as_of_date || t->seconds > as_of_date->seconds)) as_of_date = t;
    }
    if (!as_of_date) root.fail("no dated Observation to take the age at: give --as-of YYYY-MM-DD");
  } else {
    as_of_date->seconds += 86399;  // the whole day
  }
  record.as_of_year = as_of_date->year;

  std::array<std::vector<detail::Candidate>, std::size_t(Measure::count)> candidates;
  for (const auto& obs : observations) {
    const auto time = detail::effective_time(obs);
    if (time && time->seconds > as_of_date->seconds) continue;  // after the as-of date
    if (after_today(time)) continue;
    for (auto& [m, c] : detail::observation_candidates(obs, time, detail::usable_status(obs)))
      candidates[std::size_t(m)].push_back(std::move(c));
  }
  detail::choose_values(candidates, as_of_date->seconds, record);

  // Dates are never repeated in messages: with the age they would narrow down the person.
  if (!patient.has("birthDate") || !patient["birthDate"].raw().is_string()) {
    patient.fail("no birthDate: the model needs the patient's age");
  }
  const auto birth = dates::parse(patient["birthDate"].string());
  if (!birth) patient["birthDate"].fail("not a FHIR date");
  if (birth->seconds > as_of_date->seconds) {
    patient["birthDate"].fail(as_of ? "the birth date is after the as-of date"
                                    : "the birth date is after the record's latest Observation "
                                      "(a birth date in the future?)");
  }
  record.age_years = dates::age_in_years(*birth, *as_of_date);
  if (record.age_years < adult_age) {
    patient["birthDate"].fail(
        fmt::format("the patient is younger than {} years at the as-of date; the model is for "
                    "adults (its equations and parameters are adult physiology)",
                    adult_age));
  }
  if (record.age_years > oldest_living_age) {
    patient["birthDate"].fail(
        fmt::format("the patient would be over {} years old at the as-of date", oldest_living_age));
  }
  record.pseudonym = record_code(identity, record.record_digest);
  return record;
}

/// Reads a FHIR R4 record file (see read_health_record_text()).
HealthRecord read_health_record(const std::filesystem::path& file,
                                std::optional<std::string> as_of) {
  // Named by its digest: record file names often hold the patient's name.
  const std::string bytes = read_text_file(file);
  std::string digest = crypto::hex(crypto::sha256(bytes));
  const std::string label = "health record sha256 " + digest.substr(0, 16);
  return read_health_record_text(bytes, label, std::move(as_of), std::move(digest));
}

}  // namespace physiotwin
