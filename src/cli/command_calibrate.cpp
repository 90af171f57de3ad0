// `physiotwin calibrate PATIENT [--model FILE] [--as-of DATE] [--out TWIN.json]`: scales the
// model to a patient (a patient file or a FHIR health record), fits it to the patient's
// measured vitals on the settled closed loop, prints the report (docs/patient-records.md,
// "Calibration") and writes the personalised twin, settled state included, as a twin
// parameter file, which `run --patient` accepts.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "cli/encryption_options.hpp"
#include "cli/model_options.hpp"
#include "cli/signing_options.hpp"
#include "physiotwin/core/atomic_file.hpp"
#include "physiotwin/io/audit_trail.hpp"
#include "physiotwin/patient/twin_parameters.hpp"
#include "physiotwin/trust/json_signature.hpp"

namespace physiotwin::cli {

namespace {
struct CalibrateOptions {
  ModelOptions model;
  std::filesystem::path out;
  std::filesystem::path encrypt_to;  ///< --encrypt-to: the recipient's public key
  SigningOptions signing;            ///< --signing-key, --unsigned
};

int calibrate(const CalibrateOptions& options) {
  check_model_options(options.model);
  if (!options.encrypt_to.empty() && options.out.empty())
    throw UsageError("--encrypt-to encrypts the twin --out writes; give --out");
  if (!options.out.empty()) {
    std::vector<io::InputFile> inputs = inputs_of(options.model);
    if (!options.encrypt_to.empty())
      inputs.push_back({options.encrypt_to, "the recipient's key (--encrypt-to)"});
    check_output(options.out, inputs);
  }
  const std::optional<trust::PublicKey> recipient = resolve_recipient(options.encrypt_to);
  const auto signing_key =
      options.out.empty() ? nullptr : resolve_signing_key(options.signing);  // bad: nothing run
  const PreparedModel prepared = prepare_model(options.model);
  if (!prepared.calibrated) {
    fmt::print(
        "Patient {}: no measured vitals to calibrate to; the parameters are those of the "
        "body alone.\n",
        prepared.patient.id);
  }
  if (!options.out.empty()) {
    check_interrupted();
    const TwinParameters twin{prepared.patient, prepared.calibration, prepared.calibrated};
    std::string text = io::with_audit_trail(
        twin_parameters_text(prepared.model, twin),
        io::twin_parameters_audit_trail(
            prepared.model.name, model_digest(prepared.model),
            io::personalisation_entry(prepared.patient.id, prepared.patient_source,
                                      prepared.calibrated, options.model.overrides)));
    if (signing_key) text = trust::sign_json_text(text, *signing_key);  // signed, then sealed
    // Sealed in memory: the plain twin never touches the disk.
    write_text_file_atomically(options.out, recipient ? trust::seal(text, *recipient) : text);
    fmt::print(
        "Wrote {} ({} parameters and the settled state{}; `physiotwin run --patient {}` "
        "runs this twin).\n",
        options.out.string(), prepared.model.parameters.size(),
        recipient ? fmt::format(", encrypted to key {}", recipient->id()) : "",
        options.out.string());
  }
  return exit_ok;
}
}  // namespace

Command add_calibrate_command(CLI::App& tool) {
  auto options = std::make_shared<CalibrateOptions>();
  CLI::App* command = tool.add_subcommand(
      "calibrate",
      "fit the model to a patient's measured vitals, print the report, store the twin");
  command
      ->add_option("patient", options->model.patient_file,
                   "patient file or FHIR R4 health record with measured vitals")
      ->type_name("PATIENT")
      ->required();
  add_model_options(*command, options->model, model_option | as_of_option | decryption_option);
  command
      ->add_option("--out", options->out,
                   "write the calibrated twin as a twin parameter file (default: none); a new "
                   "name or a regular file, never an input")
      ->type_name("TWIN.json");
  add_encrypt_to_option(*command, options->encrypt_to, "the twin --out writes");
  add_signing_options(*command, options->signing);
  return {command, [options] { return calibrate(*options); }};
}

}  // namespace physiotwin::cli
