// The smallest useful program: load the default adult circulation, scale it to the
// reference male, simulate 30 s and print the last beat's vitals. An engine would call
// twin.advance(frame_seconds) once per frame and read twin.signal("lv.volume") instead.
#include <physiotwin/physiotwin.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

int main() {
  const char* env = std::getenv("PHYSIOTWIN_MODELS");
  const std::string models = env != nullptr ? env : "models";
  try {
    physiotwin::BodyModel model = physiotwin::load_circulation(models + "/circulation/adult.json");
    physiotwin::scale_to_patient(model,
                                 physiotwin::load_patient(models + "/patients/adult_male.json"));
    physiotwin::Twin twin(std::move(model));
    physiotwin::MemoryRecorder recorder;
    twin.add_recorder(recorder);
    twin.advance(30.0);
    const auto& metrics = twin.beats().metrics();
    const auto& last = recorder.beats.back();
    for (std::size_t i = 0; i < metrics.size() && i < 12; ++i) {
      std::printf("%-32s %8.2f %s\n", metrics[i].name.c_str(), last[i], metrics[i].unit.c_str());
    }
  } catch (const physiotwin::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
