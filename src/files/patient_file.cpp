// Patient files (docs/patient-format.md) and the patient of a health record, declared in
// include/physiotwin/patient/body.hpp; compiled into physiotwin::physiotwin.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "files/parameter_reader.hpp"
#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/patient/body.hpp"
#include "physiotwin/patient/fitness.hpp"
#include "physiotwin/patient/health_record.hpp"

namespace physiotwin {

/// Reads a patient object (docs/patient-format.md): the root of a patient file without its
/// "format" and "version", or the "patient" member of a twin parameter file.
Patient read_patient(const JsonView& root) {
  static constexpr std::array<std::string_view, 12> members{
      "format", "version", "id",     "description",  "sex",           "age",
      "height", "weight",  "source", "measurements", "record_sha256", "age_90_or_older"};
  static constexpr std::array<std::string_view, 2> lists{"measured", "assumed"};
  std::vector<std::string_view> allowed(members.begin(), members.end());
  allowed.insert(allowed.end(), lists.begin(), lists.end());
  root.reject_unknown_members(allowed);
  Patient p;
  p.id = root["id"].string();
  p.description = root["description"].string();
  p.sex = root["sex"].string();
  if (p.sex != "male" && p.sex != "female") root["sex"].fail("expected \"male\" or \"female\"");
  p.age_years = detail::read_parameter(root["age"], "age", patient_age_spec).value;
  if (root.has("age_90_or_older")) {
    p.age_90_or_older = root["age_90_or_older"].boolean();
    if (p.age_90_or_older && p.age_years != patient_age_spec.max) {
      root["age"]["value"].fail(fmt::format("{:g}: with age_90_or_older the age is {:g}",
                                            p.age_years, patient_age_spec.max));
    }
  }
  p.height_cm = detail::read_parameter(root["height"], "height", patient_height_spec).value;
  p.weight_kg = detail::read_parameter(root["weight"], "weight", patient_weight_spec).value;
  p.source = root["source"].string();
  // "record_sha256": written by versions before 0.2 (a digest of the record, which Safe
  // Harbor's re-identification rule does not allow in outputs); accepted, never carried on.
  if (root.has("measurements")) {
    // {"heart_rate": {"value": 64, "unit": "1/min", "source": "..."}, ...}: the names and
    // units of health records (docs/patient-format.md), height and weight excepted.
    const JsonView measures = root["measurements"];
    std::vector<std::string_view> names;
    for (const auto& spec : measure_specs) {
      if (spec.name != "height" && spec.name != "weight") names.push_back(spec.name);
    }
    measures.reject_unknown_members(names);
    for (std::size_t m = 0; m < measure_specs.size(); ++m) {
      const MeasureSpec& spec = measure_specs[m];
      const std::string name(spec.name);
      if (!measures.has(name)) continue;
      const ParameterSpec as_parameter{spec.name, spec.unit, spec.min, spec.max, spec.name};
      p.measurements[m] =
          detail::read_parameter(measures[name], "measurements." + name, as_parameter).value;
    }
  }
  for (std::string_view list : lists) {
    if (!root.has(std::string(list))) continue;
    const JsonView items = root[std::string(list)];
    auto& target = list == "measured" ? p.measured : p.assumed;
    for (std::size_t i = 0; i < items.array_size(); ++i)
      target.push_back(items.at_index(i).string());
  }
  return p;
}

/// Reads a patient file's text (`file` names it in messages).
Patient load_patient_text(std::string_view text, const std::filesystem::path& file) {
  const nlohmann::json document = parse_json_text(text, file.string());
  const JsonView root(document, file.string(), "");
  if (root["format"].string() != "physiotwin-patient")
    root["format"].fail("expected \"physiotwin-patient\"");
  if (root["version"].number() != 1) root["version"].fail("only version 1 is supported");
  return read_patient(root);
}

/// Reads a patient file.
Patient load_patient(const std::filesystem::path& file) {
  return load_patient_text(read_text_file(file), file);
}

/// A patient as a patient object (the inverse of read_patient()), without format and version.
/// Holds only what a patient file holds: the pseudonymous id, never a name.
nlohmann::ordered_json patient_json(const Patient& p) {
  auto quantity = [](double value, std::string_view unit, const std::string& source) {
    return nlohmann::ordered_json{{"value", value}, {"unit", unit}, {"source", source}};
  };
  nlohmann::ordered_json j{{"id", p.id},
                           {"description", p.description},
                           {"sex", p.sex},
                           {"age", quantity(p.age_years, patient_age_spec.unit, p.source)},
                           {"height", quantity(p.height_cm, patient_height_spec.unit, p.source)},
                           {"weight", quantity(p.weight_kg, patient_weight_spec.unit, p.source)},
                           {"source", p.source}};
  nlohmann::ordered_json measures = nlohmann::ordered_json::object();
  for (std::size_t m = 0; m < measure_specs.size(); ++m) {
    const MeasureSpec& spec = measure_specs[m];
    if (std::isnan(p.measurements[m]) || spec.name == "height" || spec.name == "weight") continue;
    measures[std::string(spec.name)] = quantity(p.measurements[m], spec.unit, p.source);
  }
  if (p.age_90_or_older) j["age_90_or_older"] = true;
  if (!measures.empty()) j["measurements"] = measures;
  if (!p.measured.empty()) j["measured"] = p.measured;
  if (!p.assumed.empty()) j["assumed"] = p.assumed;
  return j;
}

/// The patient of a health record: its sex and age, its latest height and weight (population
/// values where it has none usable, listed as assumed), and its latest measurements within
/// their windows. Outputs carry years, never dates, and no age past 89.
Patient patient_from_record(const HealthRecord& record) {
  Patient p;
  p.id = record.pseudonym;
  p.description =
      "patient of a FHIR health record (random code; only the record-code table of the "
      "record's holder links it to the record)";
  p.sex = record.sex;
  p.age_90_or_older = record.age_years > 89;
  p.age_years = std::min<double>(record.age_years, patient_age_spec.max);
  p.source = "FHIR health record";
  p.from_health_record = true;
  p.warnings = record.warnings;
  const PopulationValues population = population_values(record.sex);
  for (std::size_t m = 0; m < measure_specs.size(); ++m) {
    const RecordValue& v = record.values[m];
    if (!v.present()) continue;
    p.measurements[m] = v.value;
    p.measured.push_back(fmt::format("{} {:.4g} {} ({})", measure_specs[m].name, v.value,
                                     measure_specs[m].unit, v.year));
  }
  // Height and weight: the latest usable adult value, else the population value, said why.
  auto body = [&](Measure m, double fallback, const ParameterSpec& adult, double& target) {
    const MeasureSpec& spec = spec_of(m);
    std::string why = record.not_used[std::size_t(m)];
    if (record[m].present() && (record[m].value < adult.min || record[m].value > adult.max)) {
      why = fmt::format("the record's latest is outside the adult range [{:g}, {:g}] {}", adult.min,
                        adult.max, adult.unit);
      p.warnings.push_back(fmt::format("{}: {}: {}: not used", record.label, record[m].where, why));
      p.measurements[std::size_t(m)] = std::nan("");
      std::erase_if(p.measured, [&](const std::string& s) { return s.starts_with(spec.name); });
    } else if (record[m].present()) {
      target = record[m].value;
      return;
    }
    target = fallback;
    p.assumed.push_back(fmt::format("{} {:.4g} {} (population value: {})", spec.name, fallback,
                                    spec.unit, why.empty() ? "the record has none" : why));
  };
  body(Measure::height, population.height_cm, patient_height_spec, p.height_cm);
  body(Measure::weight, population.weight_kg, patient_weight_spec, p.weight_kg);
  // Haemoglobin outside what the model's dissociation curves cover (blocks::gas_exchange):
  // not used, like a child's height, and said so; the population value stands in.
  std::string hemoglobin_why = record.not_used[std::size_t(Measure::hemoglobin)];
  static constexpr const ParameterSpec& hemoglobin_spec =
      blocks::spec_named(blocks::gas_exchange, "hemoglobin");
  if (const RecordValue& hb = record[Measure::hemoglobin];
      hb.present() && (hb.value < hemoglobin_spec.min || hb.value > hemoglobin_spec.max)) {
    hemoglobin_why =
        fmt::format("the record's latest is outside the model's range [{:g}, {:g}] g/dL",
                    hemoglobin_spec.min, hemoglobin_spec.max);
    p.warnings.push_back(
        fmt::format("{}: {}: {}: not used", record.label, hb.where, hemoglobin_why));
    p.measurements[std::size_t(Measure::hemoglobin)] = std::nan("");
    std::erase_if(p.measured, [](const std::string& m) { return m.starts_with("hemoglobin "); });
  }
  if (std::isnan(p.measurement(Measure::hemoglobin))) {
    p.assumed.push_back(
        fmt::format("hemoglobin {:.3g} g/dL (population value: {})", population.hemoglobin_g_per_dl,
                    hemoglobin_why.empty() ? "the record has none" : hemoglobin_why));
  }
  // Vitals the record lacks are not calibrated to: the model's resting value for this body
  // (docs/validation.md: within the published normal ranges) stands in, and says so.
  for (Measure m : {Measure::heart_rate, Measure::systolic_pressure, Measure::diastolic_pressure,
                    Measure::respiratory_rate, Measure::spo2, Measure::lv_ejection_fraction}) {
    if (record[m].present()) continue;
    const std::string& why = record.not_used[std::size_t(m)];
    p.assumed.push_back(fmt::format("{}: {}; the model's resting value for this body stands",
                                    spec_of(m).name, why.empty() ? "none in the record" : why));
  }
  return p;
}

void scale_to_patient(BodyModel& model, const Patient& patient) {
  const BodyScale s = body_scale(model.reference_body, patient);
  const std::string cause = fmt::format("scaling to patient {} (blood volume x{:.3f}, BSA x{:.3f})",
                                        patient.id, s.volume, s.flow);
  for (std::size_t i = 0; i < model.parameters.size(); ++i) {
    const Parameter& p = model.parameters.at(i);
    double factor = 1.0;
    switch (p.scaling) {
      case BodyScaling::none:
        break;
      case BodyScaling::volume:
      case BodyScaling::compliance:
        factor = s.volume;
        break;
      case BodyScaling::elastance:
      case BodyScaling::stiffness:
        factor = 1.0 / s.volume;
        break;
      case BodyScaling::resistance:
      case BodyScaling::inertance:
        factor = 1.0 / s.flow;
        break;
      case BodyScaling::metabolic:
        factor = s.flow;
        break;
      case BodyScaling::resting_pressure:
        factor = s.volume / s.flow;
        break;
    }
    if (factor != 1.0) model.parameters.set_derived(i, p.value * factor, cause);
  }
  // Fitness: the patient's measured VO2peak, else the registry's median for the sex and age.
  if (model.parameters.contains("exercise.peak_o2_uptake")) {
    const double measured = patient.measurement(Measure::peak_o2_uptake);
    const double per_kg = std::isnan(measured)
                              ? median_cycle_peak_o2_uptake(patient.sex, patient.age_years)
                              : measured;
    const std::size_t i = model.parameters.index_of("exercise.peak_o2_uptake");
    const Parameter& p = model.parameters.at(i);
    model.parameters.set_derived(
        i, std::clamp(per_kg * patient.weight_kg, p.min, p.max),
        std::isnan(measured)
            ? fmt::format("patient {}: median cycle VO2peak for the sex and age (FRIEND)",
                          patient.id)
            : fmt::format("patient {}: measured VO2peak", patient.id));
  }
  // Haemoglobin: the patient's own, else the population value for the sex.
  if (model.parameters.contains("gas.hemoglobin")) {
    const double measured = patient.measurement(Measure::hemoglobin);
    const double hb =
        std::isnan(measured) ? population_values(patient.sex).hemoglobin_g_per_dl : measured;
    const std::size_t i = model.parameters.index_of("gas.hemoglobin");
    const Parameter& p = model.parameters.at(i);
    if (!(hb >= p.min && hb <= p.max)) {  // never quoted: it may be a record's value
      throw InputError(fmt::format(
          "patient {}: the haemoglobin is outside the model's range {} (its dissociation curves)",
          patient.id, describe_range(p)));
    }
    if (hb != p.value) {
      model.parameters.set_derived(
          i, hb,
          fmt::format("patient {}: {}", patient.id,
                      std::isnan(measured) ? "population value for the sex" : "measured"));
    }
  }
  age_to_patient(model, patient.age_years);
  model.set_initial_volume_scale(s.volume);
  model.refresh();
}

}  // namespace physiotwin
