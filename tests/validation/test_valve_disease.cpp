// Valve disease as clinical parameters of the Mynard valve.
#include <gtest/gtest.h>

#include "../helpers.hpp"

using namespace physiotwin;

namespace {
struct Outcome {
  double lv_peak, aortic_peak_gradient, aortic_mean_gradient, mitral_rf, forward_sv;
};

Outcome simulate(const std::string& parameter = "", double value = 0.0) {
  CirculationModel model = test_support::reference_model();
  if (!parameter.empty()) model.set_parameter(parameter, value);
  test_support::RecordedTwin twin_run(std::move(model));
  auto& [twin, rec] = twin_run;
  twin.advance(40.0);
  auto m = [&](const char* name) { return test_support::last_beats_mean(twin, rec, name); };
  return {m("lv_peak_systolic_pressure"), m("aortic_valve_peak_gradient"),
          m("aortic_valve_mean_gradient"), m("mitral_valve_regurgitant_fraction"),
          m("stroke_volume")};
}
}  // namespace

// Severe aortic stenosis: valve area < 1.0 cm2 goes with a mean gradient >= 40 mmHg or a
// peak velocity >= 4 m/s, i.e. a peak gradient >= 64 mmHg (ACC/AHA 2020, Otto et al.,
// Circulation 143:e72, Table 12). Issue 2 asks at least 40 mmHg peak at 0.8 cm2.
TEST(ValveDisease, AorticStenosisRaisesLvPressureAndGradient) {
  const Outcome healthy = simulate();
  const Outcome stenosis = simulate("aortic_valve.max_area", 0.8);
  EXPECT_GT(stenosis.lv_peak, healthy.lv_peak + 20.0);
  EXPECT_GE(stenosis.aortic_peak_gradient, 40.0);
  EXPECT_LT(healthy.aortic_peak_gradient, 16.0);
}

// Severe primary mitral regurgitation: effective regurgitant orifice >= 0.40 cm2,
// regurgitant fraction >= 50 % (ACC/AHA 2020 Table 17). With a 0.4 cm2 orifice the twin
// must show a regurgitant fraction above 0.2 (issue 2) and a lower forward stroke volume.
TEST(ValveDisease, MitralRegurgitationLowersForwardStrokeVolume) {
  const Outcome healthy = simulate();
  const Outcome mr = simulate("mitral_valve.min_area", 0.4);
  EXPECT_GT(mr.mitral_rf, 0.2);
  EXPECT_LT(mr.forward_sv, healthy.forward_sv);
  EXPECT_LT(healthy.mitral_rf, 0.05);
}
