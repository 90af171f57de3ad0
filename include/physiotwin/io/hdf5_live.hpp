#pragma once
// A live HDF5 file (docs/hdf5-format.md, "Live files"): the layout of format version 1, written
// so that readers can open and follow it while the twin runs (HDF5's single-writer /
// multiple-reader mode, SWMR). Compiled part of the library: link physiotwin::io.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "physiotwin/io/recorder.hpp"
#include "physiotwin/trust/signing_key.hpp"

namespace physiotwin::io {

struct LiveFileOptions {
  /// Wall-clock time between flushes: how far behind the run a reader is, at most (plus the
  /// length of one call to Twin::advance()). Shorter costs more writing: each flush writes the
  /// new part of every signal's last chunk and the file's metadata.
  std::chrono::duration<double> flush_interval{0.25};
  /// The simulated times at which snapshot() will be called: a live file's objects are all
  /// created before it goes live (SWMR cannot add one later), so each snapshot's dataset is
  /// made empty at begin() and filled when the snapshot is taken.
  std::vector<double> snapshot_times;
  /// /timeseries signals as 32-bit floats (FileOptions::single_precision_signals).
  bool single_precision_signals = false;
  /// The key commit() signs the finished file with (io/hdf5_signature.hpp); none: unsigned.
  /// SWMR cannot add /signature to the live file, so a signed copy replaces it (see commit()).
  std::shared_ptr<const trust::SigningKey> signing_key = nullptr;  // initialised: may be omitted
};

/// Records a twin into an HDF5 file that readers follow while it grows. The file is built under
/// a temporary name, every object created (root attributes, /parameters, /model, the empty
/// series of /timeseries, /beats, /breaths, /actions and /snapshots), and at begin() it goes
/// live (SWMR) and is renamed into place: from then on a reader opening it (h5py:
/// `h5py.File(path, "r", swmr=True)`) sees the series grow at each flush. The root attribute
/// `complete` is 0 until commit() has written everything and sets it to 1; a run that fails or
/// is interrupted leaves the file with what was flushed and `complete` 0, never looking whole.
/// A finished file has the content of Hdf5Recorder's, in the HDF5 1.10 format SWMR needs.
class Hdf5LiveRecorder final : public Recorder {
 public:
  /// Opens the temporary file now, so an unwritable path fails before any simulation.
  explicit Hdf5LiveRecorder(std::filesystem::path path, LiveFileOptions options = {});
  ~Hdf5LiveRecorder() override;
  Hdf5LiveRecorder(const Hdf5LiveRecorder&) = delete;
  Hdf5LiveRecorder& operator=(const Hdf5LiveRecorder&) = delete;

  void begin(const RunHeader& header) override;
  void sample(double t, std::span<const double> signals) override;
  void beat(double beat_time, std::span<const double> metrics) override;
  void breath(double breath_time, std::span<const double> metrics) override;
  void action(double t, const Action& action) override;

  /// Writes a snapshot (Twin::snapshot()) taken at simulated time t, one of the options'
  /// snapshot_times (IoError otherwise, or if that one was written already), and flushes.
  void snapshot(double t, std::span<const std::uint8_t> bytes);

  /// Appends everything buffered and makes it visible to readers now (otherwise done every
  /// flush_interval).
  void flush();

  /// Flushes, sets `complete` to 1 and closes the file. With a signing key, the finished file
  /// is then copied under a temporary name, the copy signed and renamed over it: readers that
  /// still hold the live file open keep reading it (the same content, unsigned), and whoever
  /// opens the name afterwards finds it signed. IoError if that fails, the file left complete
  /// and unsigned; so too if this process has the file open elsewhere (readers in other
  /// processes are fine).
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace physiotwin::io
