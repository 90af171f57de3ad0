// Simulates the reference adult male for 10 s and records it into an HDF5 file (the format
// of docs/hdf5-format.md) through physiotwin::io, the compiled part of the library.
//   record_to_hdf5 OUT.h5   (models from $PHYSIOTWIN_MODELS, else ./models)
#include <physiotwin/io/hdf5.hpp>
#include <physiotwin/physiotwin.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: record_to_hdf5 OUT.h5\n");
    return 2;
  }
  const char* env = std::getenv("PHYSIOTWIN_MODELS");
  const std::string models = env != nullptr ? env : "models";
  try {
    physiotwin::BodyModel model = physiotwin::load_circulation(models + "/circulation/adult.json");
    const physiotwin::Patient patient =
        physiotwin::load_patient(models + "/patients/adult_male.json");
    physiotwin::scale_to_patient(model, patient);
    physiotwin::RunDescription run;
    run.patient_id = patient.id;
    run.patient_description = patient.description;
    run.model_file = model.name;
    physiotwin::io::Hdf5Recorder file(argv[1]);
    physiotwin::Twin twin(std::move(model));
    twin.add_recorder(file, run);
    twin.advance(10.0);
    file.commit();
    std::printf("wrote %s: %zu signals over %.0f s\n", argv[1], twin.signals().size(), twin.time());
  } catch (const physiotwin::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
