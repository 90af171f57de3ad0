#pragma once
// A cohort description (docs/cohorts.md): which members (patient files, FHIR records, twin
// parameter files, or a virtual population drawn from distributions), what each runs (a model,
// a scenario, a duration) and what is kept (per-beat and per-breath metrics, time series at a
// rate, summary statistics over windows). Read by src/cohort/cohort_description.cpp; every
// error names the file and the JSON path.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "physiotwin/cohort/distribution.hpp"
#include "physiotwin/cohort/sampling.hpp"
#include "physiotwin/cohort/sensitivity.hpp"
#include "physiotwin/patient/body.hpp"

namespace physiotwin::cohort {

inline constexpr const char* cohort_format_name = "physiotwin-cohort";
inline constexpr int cohort_format_version = 1;
/// The most members a description may have unless it says otherwise ("max_members").
inline constexpr std::size_t default_max_members = 100000;

/// One statistic of one beat or breath metric over a window of simulated time: a column of
/// the cohort's summary, named "<metric>.<statistic>[<from>,<to>]" unless named.
enum class Statistic { mean, min, max, sd, last };
struct SummarySpec {
  std::string metric;  ///< a beat metric or a breath metric of the model
  Statistic statistic = Statistic::mean;
  double from = 0.0, to = 0.0;  ///< s of simulated time; beats/breaths starting in [from, to)
  std::string column;           ///< the summary column's name
};

struct Outputs {
  bool beats = true;             ///< every member's per-beat metrics
  bool breaths = true;           ///< every member's per-breath metrics
  double timeseries_rate = 0.0;  ///< Hz; 0: no time series (they are most of a file's size)
  std::vector<SummarySpec> summaries;
};

/// A member given by its file: a patient file, a FHIR record, a twin parameter file.
/// A member given in the description: by its file (a patient file, a FHIR record, a twin
/// parameter file), as a record from Bulk Data NDJSON, or as a patient object inline; with its
/// own parameter values and scenario if it has them.
struct ListedMember {
  std::filesystem::path file;      ///< empty for a record from NDJSON or an inline patient
  std::string record;              ///< a FHIR Bundle assembled from Bulk Data NDJSON
  std::optional<Patient> patient;  ///< a patient object given inline (patient-file format)
  std::string label;               ///< for messages: "members[3]" or "members[2] (patient 5 of 40)"
  std::filesystem::path scenario;  ///< its own scenario; empty: the cohort's
  /// Parameter values (name, value in the parameter's unit) set after personalising.
  std::vector<std::pair<std::string, double>> parameters;
  std::string parameters_path;  ///< their JSON path, for messages
};

/// An input a virtual population varies: "age" (years), "height" (cm), "weight" (kg) or a
/// model parameter by name (its unit).
struct VariedInput {
  std::string name;
  Distribution distribution;           ///< everyone's, or men's when `female` is given
  std::optional<Distribution> female;  ///< women's, when the input is given by sex
  std::string where;                   ///< the JSON path, for messages

  [[nodiscard]] const Distribution& for_sex(const std::string& sex) const {
    return female && sex == "female" ? *female : distribution;
  }
  /// Whether it takes a dimension of the design (fixed values do not).
  [[nodiscard]] bool varies() const noexcept {
    return distribution.kind != DistributionKind::fixed ||
           (female && female->kind != DistributionKind::fixed);
  }
};

/// A correlation between two varied inputs (Spearman-like: imposed through a Gaussian copula).
struct Correlation {
  std::string first, second;
  double coefficient = 0.0;
};

struct Population {
  std::size_t size = 0;
  SamplingDesign design = SamplingDesign::sobol;
  std::uint64_t seed = 1;
  double male_fraction = 0.5;
  std::vector<VariedInput> inputs;  ///< age, height and weight first (defaults filled in)
  std::vector<Correlation> correlations;
};

/// A sensitivity analysis (docs/sensitivity.md): one patient, model parameters varied
/// uniformly over ranges by a Saltelli (Sobol indices) or Morris design; each design point is
/// a member, its summaries the outputs analysed.
enum class SensitivityMethod { sobol, morris };
struct SensitivitySpec {
  SensitivityMethod method = SensitivityMethod::sobol;
  std::filesystem::path patient;  ///< empty: the reference adult male (models/patients)
  std::vector<SensitivityInput> inputs;
  std::vector<std::string> input_paths;  ///< each input's JSON path, for messages
  std::size_t base_samples = 64;         ///< Sobol: N, the design has N (k + 2) points
  std::size_t trajectories = 20;         ///< Morris: r, the design has r (k + 1) points
  std::size_t levels = 4;                ///< Morris: p
  std::uint64_t seed = 1;
  std::size_t bootstrap = 1000;  ///< Sobol: resamples for the confidence intervals
  double confidence = 0.95;

  [[nodiscard]] std::size_t design_size() const noexcept {
    return method == SensitivityMethod::sobol ? base_samples * (inputs.size() + 2)
                                              : trajectories * (inputs.size() + 1);
  }
};

struct CohortDescription {
  std::filesystem::path file;  ///< where it was read from
  std::string sha256;          ///< of its bytes: a rerun resumes only the same description
  std::string name;
  std::filesystem::path model_file;  ///< empty: the caller's default model
  std::filesystem::path scenario;    ///< shared by every member without its own; may be empty
  double duration = 60.0;            ///< s (a scenario's duration when it has one)
  bool calibrate = true;             ///< members with measured vitals are calibrated to them
  std::vector<ListedMember> members;
  std::optional<Population> population;
  std::optional<SensitivitySpec> sensitivity;
  Outputs outputs;
  std::size_t max_members = default_max_members;

  [[nodiscard]] std::size_t size() const noexcept {
    return population    ? population->size
           : sensitivity ? sensitivity->design_size()
                         : members.size();
  }
};

/// Reads a cohort description; paths in it are relative to its folder. InputError naming the
/// file and the JSON path for anything wrong (an unknown key, an impossible distribution, a
/// member file that cannot be read, more members than max_members). Model parameters named in
/// a population are checked against the model when the population is drawn.
[[nodiscard]] CohortDescription load_cohort_description(const std::filesystem::path& file);

/// "mean", "min", ...
[[nodiscard]] const char* statistic_name(Statistic s) noexcept;

}  // namespace physiotwin::cohort
