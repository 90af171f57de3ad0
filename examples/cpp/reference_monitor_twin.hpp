#pragma once
// The patient the monitor's validations watch (monitor_validation.cpp, trend_validation.cpp):
// the reference man's twin, sampled once a second (the monitor reads beats and breaths, not
// waveforms), settled 300 s at rest as `physiotwin monitor --settle 300` does.
#include <string>
#include <utility>

#include <physiotwin/model/model_loader.hpp>
#include <physiotwin/patient/body.hpp>
#include <physiotwin/patient/personalise.hpp>
#include <physiotwin/twin.hpp>

inline physiotwin::Twin reference_monitor_twin(const std::string& models_dir) {
  using namespace physiotwin;
  BodyModel model = load_circulation(models_dir + "/circulation/adult.json");
  scale_to_patient(model, load_patient(models_dir + "/patients/adult_male.json"));
  TwinOptions options;
  options.sample_rate = 1.0;
  Twin twin(std::move(model), options);
  twin.advance(300.0);
  return twin;
}
