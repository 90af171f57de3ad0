// Members' results as CBOR (cohort/member_transfer.hpp).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "physiotwin/cohort/member_transfer.hpp"

namespace physiotwin::cohort {

namespace {

using json = nlohmann::json;

json rows_json(const std::vector<std::vector<double>>& rows) {
  json out = json::array();
  for (const auto& row : rows) out.push_back(row);
  return out;
}

std::vector<std::vector<double>> rows_of(const json& j) {
  return j.get<std::vector<std::vector<double>>>();
}

}  // namespace

std::vector<std::uint8_t> member_to_bytes(const MemberResult& r) {
  const Patient& p = r.patient;
  json j{{"index", r.index},
         {"status", int(r.status)},
         {"error", r.error},
         {"patient",
          {{"id", p.id},
           {"description", p.description},
           {"sex", p.sex},
           {"age", p.age_years},
           {"age_90_or_older", p.age_90_or_older},
           {"height", p.height_cm},
           {"weight", p.weight_kg},
           {"source", p.source},
           {"from_health_record", p.from_health_record}}},
         {"inputs", r.inputs},
         {"summary", r.summary},
         {"simulated", r.simulated},
         {"seconds", r.seconds}};
  if (r.header) {
    const RunHeader& h = *r.header;
    const RunDescription& d = h.description;
    std::vector<double> values;
    for (const Parameter& parameter : h.model.parameters.all()) values.push_back(parameter.value);
    j["header"] = {{"patient_id", d.patient_id},
                   {"patient_description", d.patient_description},
                   {"model_file", d.model_file},
                   {"patient_file", d.patient_file},
                   {"overrides", d.overrides},
                   {"patient_measured", d.patient_measured},
                   {"patient_assumed", d.patient_assumed},
                   {"calibration", d.calibration},
                   {"sample_rate", h.sample_rate},
                   {"parameters", values}};
    const MemoryRecorder& m = r.record;
    j["record"] = {{"keep_samples", m.keep_samples},  {"times", m.times},
                   {"samples", rows_json(m.samples)}, {"beat_times", m.beat_times},
                   {"beats", rows_json(m.beats)},     {"breath_times", m.breath_times},
                   {"breaths", rows_json(m.breaths)}, {"action_times", m.action_times},
                   {"action_names", r.action_names},  {"action_details", r.action_details}};
  }
  return json::to_cbor(j);
}

MemberResult member_from_bytes(std::span<const std::uint8_t> bytes, const CohortPlan& plan) {
  try {
    const json j = json::from_cbor(bytes.begin(), bytes.end());
    MemberResult r;
    r.index = j.at("index").get<std::size_t>();
    if (r.index >= plan.size()) throw IoError("a member index beyond the cohort");
    r.status = MemberStatus(j.at("status").get<int>());
    r.error = j.at("error").get<std::string>();
    const json& p = j.at("patient");
    r.patient.id = p.at("id").get<std::string>();
    r.patient.description = p.at("description").get<std::string>();
    r.patient.sex = p.at("sex").get<std::string>();
    r.patient.age_years = p.at("age").get<double>();
    r.patient.age_90_or_older = p.at("age_90_or_older").get<bool>();
    r.patient.height_cm = p.at("height").get<double>();
    r.patient.weight_kg = p.at("weight").get<double>();
    r.patient.source = p.at("source").get<std::string>();
    r.patient.from_health_record = p.at("from_health_record").get<bool>();
    r.inputs = j.at("inputs").get<std::vector<double>>();
    r.summary = j.at("summary").get<std::vector<double>>();
    r.simulated = j.at("simulated").get<double>();
    r.seconds = j.at("seconds").get<double>();
    if (j.contains("header")) {
      const json& h = j.at("header");
      BodyModel model = plan.model;
      const auto values = h.at("parameters").get<std::vector<double>>();
      if (values.size() != model.parameters.size())
        throw IoError("a member of a model with other parameters");
      for (std::size_t i = 0; i < values.size(); ++i)
        model.parameters.set_derived(i, values[i], "a transferred member");
      model.refresh();
      RunDescription d{h.at("patient_id").get<std::string>(),
                       h.at("patient_description").get<std::string>(),
                       h.at("model_file").get<std::string>(),
                       h.at("patient_file").get<std::string>(),
                       h.at("overrides").get<std::vector<std::string>>(),
                       h.at("patient_measured").get<std::vector<std::string>>(),
                       h.at("patient_assumed").get<std::vector<std::string>>(),
                       h.at("calibration").get<std::vector<std::string>>()};
      r.header = RunHeader::of(model, h.at("sample_rate").get<double>(), std::move(d));
      const json& m = j.at("record");
      r.record.keep_samples = m.at("keep_samples").get<bool>();
      r.record.times = m.at("times").get<std::vector<double>>();
      r.record.samples = rows_of(m.at("samples"));
      r.record.beat_times = m.at("beat_times").get<std::vector<double>>();
      r.record.beats = rows_of(m.at("beats"));
      r.record.breath_times = m.at("breath_times").get<std::vector<double>>();
      r.record.breaths = rows_of(m.at("breaths"));
      r.record.action_times = m.at("action_times").get<std::vector<double>>();
      r.action_names = m.at("action_names").get<std::vector<std::string>>();
      r.action_details = m.at("action_details").get<std::vector<std::string>>();
    }
    return r;
  } catch (const json::exception& e) {
    throw IoError(fmt::format("a transferred cohort member could not be read: {}", e.what()));
  }
}

}  // namespace physiotwin::cohort
