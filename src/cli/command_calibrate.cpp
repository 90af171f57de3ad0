// `physiotwin calibrate PATIENT [--model FILE] [--as-of DATE]`: scales the model to a patient
// (a patient file or a FHIR health record), fits it to the patient's measured vitals and
// prints the report (docs/patient-records.md, "Calibration").
#include <fmt/format.h>

#include "cli/cli.hpp"

namespace physiotwin::cli {

int command_calibrate(const std::vector<std::string>& args) {
  ModelOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(fmt::format("{} needs a value", a));
      return args[++i];
    };
    if (a == "--model") {
      options.model_file = value();
    } else if (a == "--as-of") {
      options.as_of = value();
    } else if (!a.starts_with("--") && options.patient_file.empty()) {
      options.patient_file = a;
    } else {
      throw UsageError(fmt::format("calibrate: unknown option \"{}\"", a));
    }
  }
  if (options.patient_file.empty()) {
    throw UsageError("calibrate needs a patient file or health record");
  }
  Patient patient;
  std::vector<std::string> report;
  (void)prepare_model(options, patient, &report);
  if (report.empty()) fmt::print("Patient {}: no measured vitals to calibrate to.\n", patient.id);
  return exit_ok;
}

}  // namespace physiotwin::cli
