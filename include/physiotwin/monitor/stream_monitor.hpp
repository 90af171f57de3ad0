#pragma once
// The whole monitor as `physiotwin monitor` and Python's pt.Monitor run it (issue 16;
// docs/monitoring.md): lines of a stream are read (monitor/observation_stream.hpp), sorted in
// time within the reorder window (monitor/reorder_buffer.hpp), assimilated by the ensemble
// once per analysis interval (monitor/monitor.hpp), and checked by the alert rules
// (monitor/alert_rules.hpp). It keeps the history a file is written from.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "physiotwin/monitor/alert_rules.hpp"
#include "physiotwin/monitor/monitor.hpp"
#include "physiotwin/monitor/reorder_buffer.hpp"
#include "physiotwin/trust/signing_key.hpp"

namespace physiotwin::monitor {

struct StreamMonitorOptions {
  MonitorOptions ensemble;
  AlertOptions alerts;
  std::int64_t reorder_window = 120;  ///< s a late observation may be late by
};

/// What one call gave: the alerts raised and the warnings about lines.
struct MonitorOutput {
  std::vector<Alert> alerts;
  std::vector<std::string> warnings;
};

class StreamMonitor {
 public:
  /// `twin`: the patient's twin at rest. The monitor starts at the stream's first observation:
  /// the twin's time then is one analysis interval before it.
  explicit StreamMonitor(const Twin& twin, StreamMonitorOptions options = {});

  /// Reads line `number` of the stream; `now` is the reader's clock (the time the line
  /// arrived, s since the epoch): a value later than now + 5 minutes is refused.
  MonitorOutput read_line(std::string_view line, std::size_t number, std::int64_t now);
  /// Takes observations (in any order within the reorder window).
  MonitorOutput observe(const std::vector<Observation>& observations);
  /// The stream has ended: what waits is assimilated and the last interval closed.
  MonitorOutput finish();

  [[nodiscard]] bool started() const noexcept { return monitor_.has_value(); }
  /// The stream's first observation's time minus one analysis interval (the members' start).
  [[nodiscard]] std::int64_t start() const;
  [[nodiscard]] const std::vector<Analysis>& analyses() const noexcept { return analyses_; }
  [[nodiscard]] const std::vector<Alert>& alerts() const noexcept { return alerts_; }
  [[nodiscard]] const AlertRules& rules() const noexcept { return rules_; }
  [[nodiscard]] const StreamMonitorOptions& options() const noexcept { return options_; }
  [[nodiscard]] std::size_t warning_count() const noexcept { return warning_count_; }
  /// The ensemble (after the first observation).
  [[nodiscard]] const Monitor* ensemble() const noexcept { return monitor_ ? &*monitor_ : nullptr; }

 private:
  MonitorOutput assimilate(const std::vector<Observation>& ordered);

  Twin twin_;
  StreamMonitorOptions options_;
  ObservationReader reader_;
  ReorderBuffer buffer_;
  AlertRules rules_;
  std::optional<Monitor> monitor_;
  std::vector<Observation> gathering_;  ///< the current interval's, for the alert rules
  std::vector<Analysis> analyses_;
  std::vector<Alert> alerts_;
  std::size_t warning_count_ = 0;
};

/// Writes a monitor's history as an HDF5 file (format "physiotwin-monitor"; docs/monitoring.md,
/// "The file"): /estimates, /observations, /alerts, /bands. Atomic: written beside `path` and
/// renamed, so a failed write leaves nothing. `signing_key`: signed with it before the rename
/// (docs/security.md); none: unsigned.
void write_monitor_file(const std::filesystem::path& path, const StreamMonitor& monitor,
                        const trust::SigningKey* signing_key = nullptr);

}  // namespace physiotwin::monitor
