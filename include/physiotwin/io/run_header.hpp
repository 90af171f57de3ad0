#pragma once
// What every recorder is told before the first sample: the run (who, from which files, what
// was calibrated or overridden) and the model as it began, its sample rate and the metrics
// each beat and breath will carry. Recorders start from this, not from a twin: a file can be
// written after the run from a stored header and an in-memory record.
#include <string>
#include <vector>

#include "physiotwin/metrics/beat_analyzer.hpp"
#include "physiotwin/metrics/breath_analyzer.hpp"
#include "physiotwin/model/body_model.hpp"

namespace physiotwin {

/// Facts about the run that outputs record beside the model's own. De-identified: labels,
/// never paths of the user's files (patient/personalise.hpp makes them).
struct RunDescription {
  std::string patient_id;
  std::string patient_description;
  std::string model_file;              ///< the model's name and its file's digest
  std::string patient_file;            ///< how the patient's source is named (never its path)
  std::vector<std::string> overrides;  ///< "--set" assignments, as given
  /// From a health record: what was taken from it and what was assumed (de-identified).
  std::vector<std::string> patient_measured, patient_assumed;
  /// The calibration report: per target measured, twin, residual; warnings.
  std::vector<std::string> calibration;
};

struct RunHeader {
  RunDescription description;
  BodyModel model;  ///< as the run began
  double sample_rate = 100.0;
  std::vector<MetricInfo> beat_metrics;
  std::vector<MetricInfo> breath_metrics;  ///< empty for a model without lungs

  [[nodiscard]] static RunHeader of(const BodyModel& model, double sample_rate,
                                    RunDescription description = {}) {
    RunHeader h{std::move(description), model, sample_rate, BeatAnalyzer(model).metrics(), {}};
    if (model.respiration) h.breath_metrics = BreathAnalyzer(model.signals()).metrics();
    return h;
  }
};

}  // namespace physiotwin
