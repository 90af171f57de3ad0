#pragma once
// HDF5 output, format version 1 (docs/hdf5-format.md): the contract VR front ends and
// analysis tools read. Compiled part of the library: link physiotwin::io.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "physiotwin/io/recorder.hpp"
#include "physiotwin/trust/signing_key.hpp"

namespace physiotwin::io {

inline constexpr const char* hdf5_format_name = "physiotwin-hdf5";
inline constexpr int hdf5_format_version = 1;

/// How a twin's file stores its signals.
struct FileOptions {
  /// /timeseries signals as 32-bit floats: 7 significant digits (a pressure of 100 mmHg to
  /// 0.00001 mmHg), a file 0.4 times the size (docs/performance.md, "Files"); the time axis,
  /// beats, breaths and parameters stay 64-bit.
  bool single_precision_signals = false;
  /// The key commit() signs the file with (io/hdf5_signature.hpp, docs/security.md) before it
  /// is moved into place; none: an unsigned file.
  std::shared_ptr<const trust::SigningKey> signing_key;
};

/// Records a twin into an HDF5 file. Everything is written to a new temporary name beside
/// <path> (core/atomic_file.hpp) and renamed to <path> by commit(); a recorder destroyed
/// without commit() removes the temporary file, so a failed or interrupted run never leaves a
/// partial file behind and never touches an existing file of that name.
class Hdf5Recorder final : public Recorder {
 public:
  /// Opens the temporary file now, so an unwritable path fails before any simulation.
  explicit Hdf5Recorder(std::filesystem::path path, FileOptions options = {});
  ~Hdf5Recorder() override;
  Hdf5Recorder(const Hdf5Recorder&) = delete;
  Hdf5Recorder& operator=(const Hdf5Recorder&) = delete;

  void begin(const RunHeader& header) override;
  void sample(double t, std::span<const double> signals) override;
  void beat(double beat_time, std::span<const double> metrics) override;
  void breath(double breath_time, std::span<const double> metrics) override;
  void action(double t, const Action& action) override;

  /// Keeps a snapshot of the twin (Twin::snapshot()) taken at simulated time t, written as
  /// /snapshots/<t> at commit (docs/hdf5-format.md, docs/snapshots.md).
  void snapshot(double t, std::vector<std::uint8_t> bytes);

  /// Writes what is buffered, closes the file and renames it into place.
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Stops the C library from giving freed heap memory back to the system after each chunk:
/// HDF5's gzip filter sets up zlib's state (about 260 kB) for every chunk it compresses, and
/// glibc's default trim threshold returned it each time, so that the next chunk faulted it in
/// again: on a 600 s run, 2.1 s of system time, more than the simulation took (docs/performance.md,
/// "Files"). Process-wide (mallopt; it also fixes glibc's mmap threshold): the physiotwin tool
/// calls it, as it owns its process; a host program (Python, an engine) decides for itself.
/// Without glibc it does nothing.
void keep_freed_memory_for_compression() noexcept;

/// A file's kind: its root `format` ("physiotwin-hdf5", "physiotwin-plan-result",
/// "physiotwin-cohort") and `format_version` (-1 when absent) attributes, and a plan's branches.
struct FileFormat {
  std::string name;
  int version = -1;
  std::vector<std::string> branches;  ///< a plan's (/branches), in the file's order
};
/// IoError when there is no such file, it is not HDF5, or it has no `format` attribute.
FileFormat read_file_format(const std::filesystem::path& path);

/// What `physiotwin info` prints: the contents of a file, read back.
struct FileSummary {
  std::map<std::string, std::string> attributes;  ///< root attributes, as text
  std::size_t samples = 0;
  std::size_t beats = 0;
  std::size_t actions = 0;
  std::size_t breaths = 0;
  std::size_t parameters = 0;
  std::size_t compartments = 0;
  std::size_t connections = 0;
  struct Dataset {
    std::string name, unit, description;
    double last = 0.0;
  };
  std::vector<Dataset> signals;
  std::vector<Dataset> metrics;
  std::vector<Dataset> breath_metrics;
};

/// A snapshot stored in a run file: its time and its bytes (Twin::restore()).
struct StoredSnapshot {
  double time = 0.0;
  std::vector<std::uint8_t> bytes;
};

/// The snapshot a run file holds at simulated time `time`, or, without a time, its latest.
/// IoError if the file is not a physiotwin file; InputError, listing the times it holds, if it
/// has no snapshot at that time.
[[nodiscard]] StoredSnapshot read_snapshot(const std::filesystem::path& path,
                                           std::optional<double> time);

/// Reads a physiotwin HDF5 file; throws IoError if it is not one.
[[nodiscard]] FileSummary read_summary(const std::filesystem::path& path);

}  // namespace physiotwin::io
