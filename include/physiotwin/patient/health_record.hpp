#pragma once
// A patient's health record as HL7 FHIR R4 JSON (docs/patient-records.md): a Bundle holding a
// Patient and its Observations, or a Patient with contained Observations. Read into the few
// measurements a twin is built from, de-identified on the way: no name, address, identifier,
// telecom or free text is kept, so none can reach an output file, a log or an error message.
//
// Observations are matched on LOINC system and code only; values are converted from UCUM to
// the model's units; the latest valid value of each measurement wins; an Observation that
// is not final (or amended, corrected), carries a dataAbsentReason or has no value is
// skipped. A value no living person can have (records span childhood too), a unit that
// cannot be converted, a birth date in the future or an age outside the model's 18-90 years
// is an error naming the file and JSON path.
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "physiotwin/core/error.hpp"
#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/core/sha256.hpp"
#include "physiotwin/patient/dates.hpp"

namespace physiotwin {

/// The measurements a twin can use, in the model's units.
enum class Measure : std::size_t {
  height,                ///< cm
  weight,                ///< kg
  body_mass_index,       ///< kg/m2
  heart_rate,            ///< 1/min
  systolic_pressure,     ///< mmHg
  diastolic_pressure,    ///< mmHg
  respiratory_rate,      ///< 1/min
  spo2,                  ///< %
  hemoglobin,            ///< g/dL
  hematocrit,            ///< %
  arterial_po2,          ///< mmHg
  arterial_pco2,         ///< mmHg
  lv_ejection_fraction,  ///< %
  count
};

struct UnitFactor {
  std::string_view ucum;
  double factor;  ///< value in the canonical unit = value x factor
};

/// What a measurement is in a record: LOINC codes, unit, conversions, and the range a
/// living person of any age can have (beyond it the record is wrong, not the patient
/// unusual; adult limits apply to the values a twin uses, patient/body.hpp).
struct MeasureSpec {
  std::string_view name;
  std::array<std::string_view, 3> loinc;  ///< empty entries unused
  std::string_view unit;
  std::array<UnitFactor, 6> units;  ///< accepted UCUM codes; empty entries unused
  double min, max;                  ///< living person
};

inline constexpr std::array<MeasureSpec, std::size_t(Measure::count)> measure_specs{{
    {"height",
     {"8302-2"},
     "cm",
     {{{"cm", 1.0},
       {"m", 100.0},
       {"mm", 0.1},
       {"[in_i]", 2.54},
       {"[in_us]", 2.54},
       {"[ft_i]", 30.48}}},
     30,
     250},
    {"weight",
     {"29463-7", "3141-9"},
     "kg",
     {{{"kg", 1.0}, {"g", 0.001}, {"[lb_av]", 0.45359237}, {"[oz_av]", 0.028349523125}}},
     0.3,
     400},
    {"body_mass_index", {"39156-5"}, "kg/m2", {{{"kg/m2", 1.0}}}, 5, 100},
    {"heart_rate",
     {"8867-4"},
     "1/min",
     {{{"/min", 1.0}, {"{beats}/min", 1.0}, {"{Beats}/min", 1.0}, {"1/min", 1.0}}},
     20,
     300},
    {"systolic_pressure", {"8480-6"}, "mmHg", {{{"mm[Hg]", 1.0}, {"kPa", 7.500617}}}, 40, 300},
    {"diastolic_pressure", {"8462-4"}, "mmHg", {{{"mm[Hg]", 1.0}, {"kPa", 7.500617}}}, 15, 200},
    {"respiratory_rate",
     {"9279-1"},
     "1/min",
     {{{"/min", 1.0}, {"{breaths}/min", 1.0}, {"{Breaths}/min", 1.0}, {"1/min", 1.0}}},
     2,
     100},
    {"spo2", {"59408-5", "2708-6", "20564-1"}, "%", {{{"%", 1.0}, {"1", 100.0}}}, 30, 100},
    {"hemoglobin",
     {"718-7", "30313-1"},
     "g/dL",
     // 1 mmol/L of haemoglobin (monomer, 16.114 g/mol) is 1.6114 g/dL.
     {{{"g/dL", 1.0}, {"g/L", 0.1}, {"mg/dL", 0.001}, {"mmol/L", 1.6114}}},
     2,
     25},
    {"hematocrit", {"4544-3", "20570-8"}, "%", {{{"%", 1.0}, {"1", 100.0}, {"L/L", 100.0}}}, 5, 75},
    {"arterial_po2", {"2703-7"}, "mmHg", {{{"mm[Hg]", 1.0}, {"kPa", 7.500617}}}, 10, 700},
    {"arterial_pco2", {"2019-8"}, "mmHg", {{{"mm[Hg]", 1.0}, {"kPa", 7.500617}}}, 5, 200},
    {"lv_ejection_fraction", {"10230-1", "8806-2"}, "%", {{{"%", 1.0}, {"1", 100.0}}}, 5, 90},
}};

/// Blood-pressure panels whose components carry systolic and diastolic pressure.
inline constexpr std::array<std::string_view, 2> blood_pressure_panels{"85354-9", "55284-4"};

inline constexpr std::string_view loinc_system = "http://loinc.org";

struct RecordValue {
  double value = std::numeric_limits<double>::quiet_NaN();  ///< in the measure's unit
  std::string date;   ///< effective date (YYYY-MM-DD) of the observation it came from
  std::string where;  ///< JSON path of that value, for messages
  std::int64_t instant = std::numeric_limits<std::int64_t>::min();  ///< for "latest"
  [[nodiscard]] bool present() const noexcept { return !std::isnan(value); }
};

/// What a twin takes from a health record: nothing that identifies the person.
struct HealthRecord {
  std::string pseudonym;      ///< keyed hash of the record's patient identifier
  std::string record_digest;  ///< SHA-256 of the record file
  std::string sex;            ///< "male" or "female"
  int age_years = 0;
  std::array<RecordValue, std::size_t(Measure::count)> values{};
  std::vector<std::string> notes;  ///< observations skipped and why (codes and paths only)

  [[nodiscard]] const RecordValue& operator[](Measure m) const noexcept {
    return values[std::size_t(m)];
  }
};

/// The key of the pseudonymous ids: $PHYSIOTWIN_PSEUDONYM_KEY, else a random key kept per
/// installation in $XDG_CONFIG_HOME/physiotwin/pseudonym.key (~/.config/... by default),
/// created on first use. Whoever holds the key and the record can recompute the id; nobody
/// else can link it to the person.
[[nodiscard]] inline std::string pseudonym_key() {
  if (const char* key = std::getenv("PHYSIOTWIN_PSEUDONYM_KEY"); key != nullptr && *key != 0) {
    return key;
  }
  std::filesystem::path dir;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != 0) {
    dir = xdg;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != 0) {
    dir = std::filesystem::path(home) / ".config";
  } else {
    throw InputError("no key for pseudonymous patient ids: set PHYSIOTWIN_PSEUDONYM_KEY (or HOME)");
  }
  const auto file = dir / "physiotwin" / "pseudonym.key";
  auto read_key = [&]() -> std::string {
    std::ifstream in(file);
    std::string key;
    if (in) std::getline(in, key);
    return key;
  };
  if (std::string key = read_key(); !key.empty()) return key;
  try {
    std::filesystem::create_directories(file.parent_path());
    // Created owner-only before anything is written to it, then linked into place whole, so
    // a concurrent first run either sees no key or a complete one, and all read the same.
    const std::string tmp = file.string() + fmt::format(".{}.tmp", std::random_device{}());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) throw InputError(fmt::format("{}: cannot create the pseudonym key", tmp));
    std::random_device random;
    std::string key;
    for (int i = 0; i < 4; ++i) key += fmt::format("{:08x}", random());
    const std::string line = key + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == ssize_t(line.size());
    ::close(fd);
    if (!written) throw InputError(fmt::format("{}: cannot write the pseudonym key", tmp));
    // link() fails if the key exists already: the first run to get here wins.
    (void)::link(tmp.c_str(), file.c_str());
    std::filesystem::remove(tmp);
  } catch (const std::filesystem::filesystem_error& e) {
    throw InputError(fmt::format("pseudonym key {}: {}", file.string(), e.what()));
  }
  std::string key = read_key();
  if (key.empty()) throw InputError(fmt::format("{}: empty pseudonym key", file.string()));
  return key;
}

namespace detail {

/// Converts a Quantity to the measure's unit; fails naming the path if the unit is unknown.
inline double quantity_value(const JsonView& quantity, const MeasureSpec& spec) {
  const double raw = quantity["value"].number();
  std::string code;
  if (quantity.has("code")) {
    code = quantity["code"].string();
  } else if (quantity.has("unit")) {
    code = quantity["unit"].string();
  } else {
    quantity.fail(fmt::format("a {} without a unit", spec.name));
  }
  if (code == "mmHg") code = "mm[Hg]";  // the common non-UCUM spelling
  for (const auto& u : spec.units) {
    if (!u.ucum.empty() && u.ucum == code) return raw * u.factor;
  }
  std::string accepted;
  for (const auto& u : spec.units) {
    if (u.ucum.empty()) continue;
    accepted += accepted.empty() ? "" : ", ";
    accepted += u.ucum;
  }
  quantity.fail(fmt::format("unit \"{}\" of {} cannot be converted to {} (accepted: {})", code,
                            spec.name, spec.unit, accepted));
}

/// The LOINC codes of a CodeableConcept.
inline std::vector<std::string> loinc_codes(const JsonView& concept_node) {
  std::vector<std::string> codes;
  if (!concept_node.has("coding")) return codes;
  const JsonView coding = concept_node["coding"];
  for (std::size_t i = 0; i < coding.array_size(); ++i) {
    const JsonView c = coding.at_index(i);
    if (c.has("system") && c.has("code") && c["system"].raw().is_string() &&
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

/// The Observation's effective time: effectiveDateTime, effectiveInstant, effectivePeriod
/// (end, else start), else issued (when it was reported). Bad dates are not quoted.
inline std::optional<dates::Instant> effective_time(const JsonView& obs) {
  auto parse = [](const JsonView& node) {
    const auto t = dates::parse(node.string());
    if (!t) node.fail("not a FHIR date or dateTime");
    return t;
  };
  for (const char* key : {"effectiveDateTime", "effectiveInstant"}) {
    if (obs.has(key)) return parse(obs[key]);
  }
  if (obs.has("effectivePeriod")) {
    const JsonView p = obs["effectivePeriod"];
    for (const char* key : {"end", "start"}) {
      if (p.has(key)) return parse(p[key]);
    }
  }
  if (obs.has("issued")) return parse(obs["issued"]);
  return std::nullopt;
}

class RecordReader {
 public:
  /// `until`: observations after this instant are ignored (the as-of date).
  RecordReader(HealthRecord& record, std::optional<std::int64_t> until)
      : record_(record), until_(until) {}

  /// One Observation (or a component, whose status and time are the Observation's).
  void observation(const JsonView& obs) {
    const std::string status = obs.has("status") ? obs["status"].string() : "";
    if (status != "final" && status != "amended" && status != "corrected") {
      note(obs, fmt::format("status \"{}\"", status));
      return;
    }
    if (!obs.has("code")) return;
    const auto codes = loinc_codes(obs["code"]);
    const auto time = effective_time(obs);
    if (until_ && time && time->seconds > *until_) {
      note(obs, "after the as-of date");
      return;
    }
    bool panel = false;
    for (const auto& code : codes) {
      for (const auto& p : blood_pressure_panels) panel = panel || code == p;
    }
    if (panel && obs.has("component")) {
      const JsonView components = obs["component"];
      for (std::size_t i = 0; i < components.array_size(); ++i) {
        const JsonView c = components.at_index(i);
        if (!c.has("code")) continue;
        if (const auto m = measure_of(loinc_codes(c["code"]))) value(c, *m, time);
      }
      return;
    }
    if (const auto m = measure_of(codes)) value(obs, *m, time);
  }

 private:
  void value(const JsonView& node, Measure m, const std::optional<dates::Instant>& time) {
    const MeasureSpec& spec = measure_specs[std::size_t(m)];
    if (node.has("dataAbsentReason")) {
      note(node, fmt::format("{}: data absent", spec.name));
      return;
    }
    if (!node.has("valueQuantity")) {
      note(node, fmt::format("{}: no valueQuantity", spec.name));
      return;
    }
    const JsonView quantity = node["valueQuantity"];
    if (!quantity.has("value")) {
      note(node, fmt::format("{}: no value", spec.name));
      return;
    }
    const double v = quantity_value(quantity, spec);
    if (!std::isfinite(v) || v < spec.min || v > spec.max) {
      quantity["value"].fail(
          fmt::format("{} {:g} {} is outside what a living person can have [{:g}, {:g}] {}",
                      spec.name, v, spec.unit, spec.min, spec.max, spec.unit));
    }
    RecordValue& slot = record_.values[std::size_t(m)];
    const std::int64_t instant = time ? time->seconds : std::numeric_limits<std::int64_t>::min();
    if (slot.present() && instant < slot.instant) return;  // keep the latest
    slot.value = v;
    slot.where = quantity.where();
    slot.instant = instant;
    slot.date = time ? dates::format_date(*time) : "";
  }

  void note(const JsonView& node, const std::string& why) {
    record_.notes.push_back(fmt::format("{}: skipped ({})", node.path(), why));
  }

  HealthRecord& record_;
  std::optional<std::int64_t> until_;
};

}  // namespace detail

/// Reads a FHIR R4 record from its text; `name` (the file) prefixes every error message.
/// `as_of` (YYYY-MM-DD) fixes the date of the age; without it the age is taken at the latest
/// observation used. Throws InputError naming the file and JSON path.
[[nodiscard]] inline HealthRecord read_health_record_text(std::string_view bytes,
                                                          const std::string& name,
                                                          std::optional<std::string> as_of = {}) {
  const nlohmann::json document = parse_json_text(bytes, name, true);
  const JsonView root(document, name, "", true);  // messages never quote the record
  root.require_object();
  const std::string type = root.has("resourceType") && root["resourceType"].raw().is_string()
                               ? root["resourceType"].string()
                               : "";
  if (type != "Bundle" && type != "Patient") {
    root.fail(type.empty() ? std::string("not a FHIR resource (no \"resourceType\")")
                           : fmt::format("a FHIR {}, not a Bundle or Patient", type));
  }
  HealthRecord record;
  record.record_digest = crypto::hex(crypto::sha256(bytes));
  std::optional<dates::Instant> as_of_date;
  if (as_of) {
    as_of_date = dates::parse(*as_of);
    if (!as_of_date) {
      throw InputError(fmt::format("as-of date \"{}\" is not a date (YYYY-MM-DD)", *as_of));
    }
  }
  detail::RecordReader reader(
      record, as_of_date ? std::optional(as_of_date->seconds + 86399) : std::nullopt);
  std::vector<JsonView> patients, observations;
  auto collect = [&](const JsonView& resource) {
    if (!resource.raw().is_object() || !resource.has("resourceType")) return;
    const std::string t = resource["resourceType"].string();
    if (t == "Patient") patients.push_back(resource);
    if (t == "Observation") observations.push_back(resource);
  };
  if (type == "Bundle") {
    if (root.has("entry")) {
      const JsonView entries = root["entry"];
      for (std::size_t i = 0; i < entries.array_size(); ++i) {
        const JsonView entry = entries.at_index(i);
        if (entry.raw().is_object() && entry.has("resource")) collect(entry["resource"]);
      }
    }
  } else {
    patients.push_back(root);
    if (root.has("contained")) {
      const JsonView contained = root["contained"];
      for (std::size_t i = 0; i < contained.array_size(); ++i) collect(contained.at_index(i));
    }
  }
  if (patients.empty()) root.fail("the record holds no Patient");
  if (patients.size() > 1) {
    patients[1].fail(fmt::format("a second Patient (the first is at {}): one record, one patient",
                                 patients[0].path()));
  }
  const JsonView patient = patients.front();
  {
    const std::string gender = patient.has("gender") ? patient["gender"].string() : "";
    if (gender != "male" && gender != "female") {
      (patient.has("gender") ? patient["gender"] : patient)
          .fail(fmt::format("gender \"{}\": the model's body-size equations need male or female",
                            gender));
    }
    record.sex = gender;
  }
  // Pseudonym: keyed hash of the first identifier (system|value), else of the resource id.
  {
    std::string identity;
    if (patient.has("identifier") && patient["identifier"].array_size() > 0) {
      const JsonView id = patient["identifier"].at_index(0);
      identity = (id.has("system") ? id["system"].string() : "") + "|" +
                 (id.has("value") ? id["value"].string() : "");
    } else if (patient.has("id")) {
      identity = patient["id"].string();
    } else {
      patient.fail("the Patient has neither an identifier nor an id to derive a pseudonym from");
    }
    record.pseudonym = "pt-" + crypto::hex(crypto::hmac_sha256(pseudonym_key(), identity), 8);
  }
  for (const auto& obs : observations) reader.observation(obs);

  if (!patient.has("birthDate")) patient.fail("missing required member \"birthDate\"");
  const auto birth = dates::parse(patient["birthDate"].string());
  if (!birth) patient["birthDate"].fail("not a FHIR date");
  std::optional<dates::Instant> age_date;
  if (as_of) {
    age_date = as_of_date;
  } else {
    for (const auto& v : record.values) {
      if (v.present() && !v.date.empty() && (!age_date || v.instant > age_date->seconds)) {
        age_date = dates::parse(v.date);
        age_date->seconds = v.instant;
      }
    }
    if (!age_date) {
      root.fail("no dated observation to take the age at: give --as-of YYYY-MM-DD");
    }
  }
  // Dates are not repeated in messages: with the age they would narrow down the person.
  if (birth->seconds > age_date->seconds) {
    patient["birthDate"].fail(as_of ? "the birth date is after the --as-of date"
                                    : "the birth date is after the latest observation used "
                                      "(a birth date in the future?)");
  }
  record.age_years = dates::age_in_years(*birth, *age_date);
  if (record.age_years < 18 || record.age_years > 90) {
    patient["birthDate"].fail(fmt::format(
        "the patient is {} years old {}; the model is for adults of 18 to 90 years "
        "(its equations and parameters are adult physiology)",
        record.age_years, as_of ? "on the --as-of date" : "at the latest observation used"));
  }
  return record;
}

/// Reads a FHIR R4 record file (see read_health_record_text()).
[[nodiscard]] inline HealthRecord read_health_record(const std::filesystem::path& file,
                                                     std::optional<std::string> as_of = {}) {
  // Errors name the record by its digest: record file names often hold the patient's name.
  const std::string bytes = read_text_file(file);
  const std::string label = "health record sha256 " + crypto::hex(crypto::sha256(bytes), 8);
  return read_health_record_text(bytes, label, std::move(as_of));
}

}  // namespace physiotwin
