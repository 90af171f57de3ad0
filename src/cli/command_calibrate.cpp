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
    } else if (a == "--out") {
      out = value();
    } else if (!a.starts_with("--") && options.patient_file.empty()) {
      options.patient_file = a;
    } else {
      throw UsageError(fmt::format("calibrate: unknown option \"{}\"", a));
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
