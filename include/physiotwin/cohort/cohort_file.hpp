#pragma once
// A cohort's HDF5 file (docs/hdf5-format.md, "Cohort files"): one group per member in the
// single-twin layout under /members, and /summary, one row per member, readable in one call
// (h5py: f["summary"][()]; pandas: pd.DataFrame(f["summary"][()])). Written under a partial
// name beside the output (".NAME.partial"): each member's group is flushed to disk once
// complete, so a run that is interrupted keeps its finished members, and a rerun of the same
// description with the same output resumes from them. finish() writes /summary and renames
// the file into place; until then no file of the output's name is touched.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "physiotwin/cohort/cohort_run.hpp"
#include "physiotwin/trust/signing_key.hpp"

namespace physiotwin::cohort {

/// What `physiotwin info` shows of a cohort file.
struct CohortFileSummary {
  std::vector<std::pair<std::string, std::string>> attributes;  ///< root attributes, as text
  struct Column {
    std::string name, unit, description;
    double mean = 0.0;  ///< over the members that ran (NaN: none)
    std::size_t values = 0;
  };
  std::vector<Column> columns;  ///< the numeric columns of /summary
  std::vector<std::pair<long long, std::string>> failures;
  std::size_t members = 0, sensitivity_rows = 0;
};

/// Reads a finished cohort file; IoError if it is not one.
[[nodiscard]] CohortFileSummary read_cohort_file_summary(const std::filesystem::path& path);

class CohortFileWriter {
 public:
  /// Opens the partial file of `out` if it holds members of this same description (the
  /// description's digest and the library version match), else creates it anew.
  CohortFileWriter(std::filesystem::path out, const CohortPlan& plan);
  ~CohortFileWriter();
  CohortFileWriter(const CohortFileWriter&) = delete;
  CohortFileWriter& operator=(const CohortFileWriter&) = delete;

  /// Members the file does not hold yet, in index order.
  [[nodiscard]] std::vector<std::size_t> remaining() const;
  /// Members found complete in a partial file from an earlier run (0: started anew).
  [[nodiscard]] std::size_t resumed() const noexcept;
  /// Why an earlier partial file was not resumed ("" when there was none or it was).
  [[nodiscard]] const std::string& not_resumed_because() const noexcept;

  /// Writes one member's group and flushes the file.
  void write(const MemberResult& result);

  /// Every member's summary values (MemberResult::summary), in member order, as written
  /// (resumed members included). Every member must have been written.
  [[nodiscard]] std::vector<std::vector<double>> member_summaries();

  /// Writes /sensitivity: one row per output and input (docs/hdf5-format.md).
  void write_sensitivity(const std::vector<SensitivityRow>& rows);

  /// Writes /summary (members in index order) and moves the file into place. Every member
  /// must have been written. Returns how many members failed (resumed ones included).
  std::size_t finish(const trust::SigningKey* signing_key = nullptr);

  /// The partial name used for `out`.
  [[nodiscard]] static std::filesystem::path partial_path(const std::filesystem::path& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace physiotwin::cohort
