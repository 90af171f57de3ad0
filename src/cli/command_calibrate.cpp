// `physiotwin calibrate PATIENT [--model FILE] [--as-of DATE] [--out TWIN.json]`: scales the
// model to a patient (a patient file or a FHIR health record), fits it to the patient's
// measured vitals, prints the report (docs/patient-records.md, "Calibration") and writes the
// personalised parameters as a twin parameter file, which `run --patient` accepts.
#include <fmt/format.h>

#include "cli/cli.hpp"
#include "physiotwin/patient/twin_parameters.hpp"

namespace physiotwin::cli {

int command_calibrate(const std::vector<std::string>& args) {
  ModelOptions options;
  std::filesystem::path out;
  ArgumentReader r(args, "calibrate");
  while (r.next()) {
    if (r.read_model_option(options, model_option | as_of_option)) continue;
    if (r.is("--out")) {
      out = r.value();
    } else if (!r.current().starts_with("--") && options.patient_file.empty()) {
      options.patient_file = r.current();
    } else {
      r.unknown();
    }
  }
  if (options.patient_file.empty()) {
    throw UsageError("calibrate needs a patient file or health record");
  }
  if (!out.empty() && std::filesystem::is_directory(out)) {
    throw UsageError(fmt::format("--out {}: is a directory; name the file to write", out.string()));
  }
  const PreparedModel prepared = prepare_model(options);
  if (!prepared.calibrated) {
    fmt::print(
        "Patient {}: no measured vitals to calibrate to; the parameters are those of the "
        "body alone.\n",
        prepared.patient.id);
  }
  if (!out.empty()) {
    write_twin_parameters(out, prepared.model,
                          {prepared.patient, prepared.calibration, prepared.calibrated});
    fmt::print("Wrote {} ({} parameters; `physiotwin run --patient {}` runs this twin).\n",
               out.string(), prepared.model.parameters.size(), out.string());
  }
  return exit_ok;
}

}  // namespace physiotwin::cli
