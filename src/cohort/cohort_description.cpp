// Reads cohort descriptions (cohort/cohort_description.hpp; the format: docs/cohorts.md).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <sstream>
#include <string_view>

#include "physiotwin/cohort/cohort_description.hpp"
#include "physiotwin/cohort/summary.hpp"
#include "physiotwin/core/json_reader.hpp"
#include "physiotwin/core/sha256.hpp"

namespace physiotwin::cohort {

namespace {

namespace fs = std::filesystem;

/// A path in the description, relative to its folder; the file must exist and be a regular
/// file (its contents are checked when the member runs: a bad record fails that member only).
fs::path input_file(const JsonView& node, const fs::path& folder) {
  const fs::path path = folder / node.string();
  std::error_code error;
  if (!fs::is_regular_file(path, error)) node.fail("no such file, or not a regular file");
  return path;
}

Distribution read_distribution(const JsonView& node) {
  Distribution d;
  if (node.raw().is_number()) {
    d.value = node.number();
    if (!std::isfinite(d.value)) node.fail("must be a finite number");
    return d;
  }
  static constexpr std::array<std::string_view, 8> keys{"distribution", "value", "mean", "sd",
                                                        "median",       "sigma", "min",  "max"};
  node.reject_unknown_members(keys);
  const std::string kind = node.has("distribution") ? node["distribution"].string() : "fixed";
  auto number = [&](const char* key) { return node[key].number(); };
  if (node.has("min")) d.min = number("min");
  if (node.has("max")) d.max = number("max");
  if (kind == "fixed") {
    d.kind = DistributionKind::fixed;
    d.value = number("value");
  } else if (kind == "uniform") {
    d.kind = DistributionKind::uniform;
    (void)node["min"], (void)node["max"];  // both required
  } else if (kind == "normal") {
    d.kind = DistributionKind::normal;
    d.mean = number("mean");
    d.sd = number("sd");
  } else if (kind == "lognormal") {
    d.kind = DistributionKind::lognormal;
    d.median = number("median");
    d.sigma = number("sigma");
  } else {
    node["distribution"].fail(
        fmt::format("unknown distribution \"{}\" (uniform, normal, lognormal or fixed)", kind));
  }
  if (const auto problem = distribution_problem(d)) node.fail(*problem);
  return d;
}

/// An input's distribution: one for everyone, or {"male": ..., "female": ...}.
VariedInput read_input(const std::string& name, const JsonView& node) {
  VariedInput input{name, {}, std::nullopt, node.where()};
  if (node.raw().is_object() && (node.has("male") || node.has("female"))) {
    static constexpr std::array<std::string_view, 2> sexes{"male", "female"};
    node.reject_unknown_members(sexes);
    input.distribution = read_distribution(node["male"]);
    input.female = read_distribution(node["female"]);
  } else {
    input.distribution = read_distribution(node);
  }
  return input;
}

Population read_population(const JsonView& node) {
  static constexpr std::array<std::string_view, 10> keys{
      "size",   "design", "seed",       "male_fraction", "age",
      "height", "weight", "parameters", "correlations",  "comment"};
  node.reject_unknown_members(keys);
  Population p;
  const double size = node["size"].number();
  if (!(size >= 1.0) || size != std::floor(size) || size > 1e9)
    node["size"].fail("must be a whole number of members, at least 1");
  p.size = std::size_t(size);
  if (node.has("design")) {
    const std::string design = node["design"].string();
    if (design == "sobol") {
      p.design = SamplingDesign::sobol;
    } else if (design == "latin_hypercube") {
      p.design = SamplingDesign::latin_hypercube;
    } else {
      node["design"].fail(fmt::format("unknown design \"{}\" (sobol or latin_hypercube)", design));
    }
  }
  if (node.has("seed")) {
    const double seed = node["seed"].number();
    if (!(seed >= 0.0) || seed != std::floor(seed) || seed > 9007199254740992.0)
      node["seed"].fail("must be a whole number from 0 to 2^53");
    p.seed = std::uint64_t(seed);
  }
  if (node.has("male_fraction")) {
    p.male_fraction = node["male_fraction"].number();
    if (!(p.male_fraction >= 0.0 && p.male_fraction <= 1.0))
      node["male_fraction"].fail("must be between 0 and 1");
  }
  for (const char* body : {"age", "height", "weight"})
    if (node.has(body)) p.inputs.push_back(read_input(body, node[body]));
  if (node.has("parameters")) {
    const JsonView parameters = node["parameters"];
    for (const std::string& name : parameters.member_names())
      p.inputs.push_back(read_input(name, parameters[name]));
  }
  if (node.has("correlations")) {
    const JsonView list = node["correlations"];
    for (std::size_t i = 0; i < list.array_size(); ++i) {
      const JsonView c = list.at_index(i);
      static constexpr std::array<std::string_view, 2> correlation_keys{"between", "coefficient"};
      c.reject_unknown_members(correlation_keys);
      const JsonView between = c["between"];
      if (between.array_size() != 2) between.fail("names exactly two varied inputs");
      Correlation correlation{between.at_index(0).string(), between.at_index(1).string(),
                              c["coefficient"].number()};
      for (const std::string* name : {&correlation.first, &correlation.second}) {
        const bool varied = std::any_of(p.inputs.begin(), p.inputs.end(), [&](const auto& v) {
          return v.name == *name && v.varies();
        });
        if (!varied)
          between.fail(fmt::format("\"{}\" is not an input this population varies", *name));
      }
      if (correlation.first == correlation.second) between.fail("names the same input twice");
      if (!(std::abs(correlation.coefficient) < 1.0))
        c["coefficient"].fail("must lie strictly between -1 and 1");
      p.correlations.push_back(correlation);
    }
  }
  if (p.design == SamplingDesign::sobol && p.inputs.size() + 1 > sobol_max_dimensions())
    node.fail(fmt::format("a Sobol design has at most {} dimensions", sobol_max_dimensions()));
  return p;
}

/// Every Patient of Patient.ndjson as a Bundle with the Observations whose subject is it.
std::vector<ListedMember> read_bulk_data(const JsonView& node, const fs::path& folder,
                                         const std::string& label) {
  static constexpr std::array<std::string_view, 2> keys{"patients", "observations"};
  node.reject_unknown_members(keys);
  const fs::path patients_file = input_file(node["patients"], folder);
  const fs::path observations_file = input_file(node["observations"], folder);
  // Lines are read without quoting them in messages: they are health records.
  auto lines_of = [](const fs::path& file, const JsonView& where) {
    std::vector<nlohmann::json> resources;
    std::istringstream text(read_text_file(file));
    std::string line;
    std::size_t number = 0;
    while (std::getline(text, line)) {
      ++number;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      try {
        resources.push_back(parse_json_text(line, "line", true));
      } catch (const InputError&) {
        where.fail(fmt::format("line {} is not a JSON resource", number));
      }
    }
    return resources;
  };
  const std::vector<nlohmann::json> patients = lines_of(patients_file, node["patients"]);
  std::map<std::string, std::vector<const nlohmann::json*>> by_subject;
  const std::vector<nlohmann::json> observations =
      lines_of(observations_file, node["observations"]);
  for (const nlohmann::json& o : observations) {
    if (!o.is_object() || !o.contains("subject") || !o["subject"].is_object() ||
        !o["subject"].contains("reference") || !o["subject"]["reference"].is_string())
      continue;  // without a subject it belongs to no member
    std::string reference = o["subject"]["reference"].get<std::string>();
    for (const char* prefix : {"Patient/", "urn:uuid:"})
      if (reference.starts_with(prefix)) reference.erase(0, std::string_view(prefix).size());
    by_subject[reference].push_back(&o);
  }
  std::vector<ListedMember> members;
  for (std::size_t i = 0; i < patients.size(); ++i) {
    const nlohmann::json& patient = patients[i];
    if (!patient.is_object() || patient.value("resourceType", "") != "Patient")
      node["patients"].fail(fmt::format("line {} is not a Patient resource", i + 1));
    nlohmann::json bundle{{"resourceType", "Bundle"}, {"type", "collection"}};
    bundle["entry"].push_back({{"resource", patient}});
    const std::string id = patient.contains("id") && patient["id"].is_string()
                               ? patient["id"].get<std::string>()
                               : std::string();
    if (auto it = by_subject.find(id); !id.empty() && it != by_subject.end())
      for (const nlohmann::json* o : it->second) bundle["entry"].push_back({{"resource", *o}});
    ListedMember member;
    member.record = bundle.dump();
    member.label = fmt::format("{} (patient {} of {})", label, i + 1, patients.size());
    members.push_back(std::move(member));
  }
  return members;
}

std::vector<ListedMember> read_members(const JsonView& list, const fs::path& folder) {
  std::vector<ListedMember> members;
  for (std::size_t i = 0; i < list.array_size(); ++i) {
    const JsonView item = list.at_index(i);
    ListedMember member;
    member.label = fmt::format("members[{}]", i);
    if (item.raw().is_string()) {
      member.file = input_file(item, folder);
      members.push_back(std::move(member));
      continue;
    }
    static constexpr std::array<std::string_view, 6> keys{
        "file", "patient", "scenario", "parameters", "fhir_folder", "fhir_ndjson"};
    item.reject_unknown_members(keys);
    const int kinds = int(item.has("file")) + int(item.has("patient")) +
                      int(item.has("fhir_folder")) + int(item.has("fhir_ndjson"));
    if (kinds != 1)
      item.fail("needs exactly one of \"file\", \"patient\", \"fhir_folder\", \"fhir_ndjson\"");
    if (item.has("scenario")) member.scenario = input_file(item["scenario"], folder);
    if (item.has("parameters")) {
      const JsonView parameters = item["parameters"];
      member.parameters_path = parameters.where();
      for (const std::string& name : parameters.member_names()) {
        const double value = parameters[name].number();
        if (!std::isfinite(value)) parameters[name].fail("must be a finite number");
        member.parameters.emplace_back(name, value);
      }
    }
    if (item.has("file")) {
      member.file = input_file(item["file"], folder);
      members.push_back(std::move(member));
    } else if (item.has("patient")) {
      member.patient = read_patient(item["patient"]);
      members.push_back(std::move(member));
    } else if (item.has("fhir_folder")) {
      const fs::path records = folder / item["fhir_folder"].string();
      std::error_code error;
      if (!fs::is_directory(records, error)) item["fhir_folder"].fail("no such folder");
      std::vector<fs::path> files;
      for (const auto& entry : fs::directory_iterator(records, error))
        if (entry.is_regular_file() && entry.path().extension() == ".json")
          files.push_back(entry.path());
      std::sort(files.begin(), files.end());  // the same order on every machine
      if (files.empty()) item["fhir_folder"].fail("holds no .json file");
      for (std::size_t f = 0; f < files.size(); ++f) {
        ListedMember record = member;
        record.file = files[f];
        record.label = fmt::format("{} (record {} of {})", member.label, f + 1, files.size());
        members.push_back(std::move(record));
      }
    } else {
      for (ListedMember& m : read_bulk_data(item["fhir_ndjson"], folder, member.label)) {
        m.scenario = member.scenario;
        m.parameters = member.parameters;
        m.parameters_path = member.parameters_path;
        members.push_back(std::move(m));
      }
    }
  }
  return members;
}

/// A whole number in [least, most] at `node`.
std::size_t whole_number(const JsonView& node, double least, double most) {
  const double v = node.number();
  if (!(v >= least && v <= most) || v != std::floor(v))
    node.fail(fmt::format("must be a whole number from {:g} to {:g}", least, most));
  return std::size_t(v);
}

SensitivitySpec read_sensitivity(const JsonView& node, const fs::path& folder) {
  static constexpr std::array<std::string_view, 11> keys{
      "method", "patient",   "inputs",     "base_samples", "trajectories", "levels",
      "seed",   "bootstrap", "confidence", "comment",      "description"};
  node.reject_unknown_members(keys);
  SensitivitySpec s;
  if (node.has("method")) {
    const std::string method = node["method"].string();
    if (method == "sobol") {
      s.method = SensitivityMethod::sobol;
    } else if (method == "morris") {
      s.method = SensitivityMethod::morris;
    } else {
      node["method"].fail(fmt::format("unknown method \"{}\" (sobol or morris)", method));
    }
  }
  if (node.has("patient")) s.patient = input_file(node["patient"], folder);
  const JsonView inputs = node["inputs"];
  for (const std::string& name : inputs.member_names()) {
    const JsonView range = inputs[name];
    static constexpr std::array<std::string_view, 2> range_keys{"min", "max"};
    range.reject_unknown_members(range_keys);
    SensitivityInput in{name, range["min"].number(), range["max"].number()};
    if (!(in.min < in.max) || !std::isfinite(in.min) || !std::isfinite(in.max))
      range.fail(fmt::format("the range [{:g}, {:g}] is empty", in.min, in.max));
    s.inputs.push_back(in);
    s.input_paths.push_back(range.where());
  }
  if (s.inputs.empty()) inputs.fail("names no input");
  if (node.has("base_samples")) s.base_samples = whole_number(node["base_samples"], 8, 1e6);
  if (node.has("trajectories")) s.trajectories = whole_number(node["trajectories"], 2, 1e6);
  if (node.has("levels")) {
    s.levels = whole_number(node["levels"], 2, 100);
    if (s.levels % 2 != 0) node["levels"].fail("must be even (Morris 1991)");
  }
  if (node.has("seed")) s.seed = whole_number(node["seed"], 0, 9007199254740992.0);
  if (node.has("bootstrap")) s.bootstrap = whole_number(node["bootstrap"], 0, 1e6);
  if (node.has("confidence")) {
    s.confidence = node["confidence"].number();
    if (!(s.confidence > 0.0 && s.confidence < 1.0))
      node["confidence"].fail("must lie between 0 and 1 (e.g. 0.95)");
  }
  return s;
}

Outputs read_outputs(const JsonView& node) {
  static constexpr std::array<std::string_view, 4> keys{"beats", "breaths", "timeseries_rate",
                                                        "summaries"};
  node.reject_unknown_members(keys);
  Outputs o;
  if (node.has("beats")) o.beats = node["beats"].boolean();
  if (node.has("breaths")) o.breaths = node["breaths"].boolean();
  if (node.has("timeseries_rate")) {
    o.timeseries_rate = node["timeseries_rate"].number();
    if (!(o.timeseries_rate >= 0.0 && o.timeseries_rate <= 1000.0))
      node["timeseries_rate"].fail("allowed range [0, 1000] Hz (0: no time series)");
  }
  if (node.has("summaries")) {
    const JsonView list = node["summaries"];
    for (std::size_t i = 0; i < list.array_size(); ++i) {
      const JsonView s = list.at_index(i);
      static constexpr std::array<std::string_view, 4> summary_keys{"metric", "statistic", "window",
                                                                    "name"};
      s.reject_unknown_members(summary_keys);
      SummarySpec spec = read_summary_spec(s);
      for (const SummarySpec& other : o.summaries)
        if (other.column == spec.column)
          s.fail(fmt::format("a second column \"{}\": give one of them a \"name\"", spec.column));
      o.summaries.push_back(std::move(spec));
    }
  }
  return o;
}

}  // namespace

const char* statistic_name(Statistic s) noexcept {
  switch (s) {
    case Statistic::mean:
      return "mean";
    case Statistic::min:
      return "min";
    case Statistic::max:
      return "max";
    case Statistic::sd:
      return "sd";
    case Statistic::last:
      return "last";
  }
  return "mean";
}

CohortDescription load_cohort_description(const fs::path& file) {
  CohortDescription c;
  c.file = file;
  const std::string bytes = read_text_file(file);
  c.sha256 = crypto::hex(crypto::sha256(bytes));
  const nlohmann::json document = parse_json_text(bytes, file.string());
  const JsonView root(document, file.string(), "");
  static constexpr std::array<std::string_view, 14> keys{
      "format",  "version",    "name",        "model",   "scenario",    "duration", "calibrate",
      "members", "population", "sensitivity", "outputs", "max_members", "comment",  "description"};
  root.reject_unknown_members(keys);
  if (root["format"].string() != cohort_format_name)
    root["format"].fail(fmt::format("expected \"{}\"", cohort_format_name));
  if (root["version"].number() != cohort_format_version)
    root["version"].fail(fmt::format("only version {} is supported", cohort_format_version));
  const fs::path folder = file.parent_path();
  c.name = root.has("name") ? root["name"].string() : file.stem().string();
  if (root.has("model")) c.model_file = input_file(root["model"], folder);
  if (root.has("scenario")) c.scenario = input_file(root["scenario"], folder);
  if (root.has("duration")) {
    if (!c.scenario.empty())
      root["duration"].fail("the scenario sets the duration: give one or the other");
    c.duration = root["duration"].number();
    if (!(c.duration > 0.0 && c.duration <= 86400.0))
      root["duration"].fail("allowed range (0, 86400] s");
  }
  if (root.has("calibrate")) c.calibrate = root["calibrate"].boolean();
  if (root.has("max_members")) {
    const double limit = root["max_members"].number();
    if (!(limit >= 1.0) || limit != std::floor(limit))
      root["max_members"].fail("must be a whole number, at least 1");
    c.max_members = std::size_t(std::min(limit, 1e12));
  }
  const int kinds =
      int(root.has("members")) + int(root.has("population")) + int(root.has("sensitivity"));
  if (kinds != 1)
    root.fail("needs one of \"members\" (listed), \"population\" (virtual) or \"sensitivity\"");
  if (root.has("members")) {
    c.members = read_members(root["members"], folder);
    if (c.members.empty()) root["members"].fail("lists no member");
  } else if (root.has("population")) {
    c.population = read_population(root["population"]);
  } else {
    c.sensitivity = read_sensitivity(root["sensitivity"], folder);
  }
  if (c.size() > c.max_members) {
    (root.has("members")      ? root["members"]
     : root.has("population") ? root["population"]["size"]
                              : root["sensitivity"])
        .fail(fmt::format("{} members, more than max_members ({})", c.size(), c.max_members));
  }
  if (root.has("outputs")) c.outputs = read_outputs(root["outputs"]);
  return c;
}

}  // namespace physiotwin::cohort
