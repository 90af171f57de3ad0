// Per-beat metrics (metrics/beat_analyzer.hpp), checked on a running twin.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>

#include "../../helpers.hpp"
#include "physiotwin/metrics/beat_analyzer.hpp"

using namespace physiotwin;

namespace {

struct StenosisGradients {
  double aortic_peak_gradient;         ///< the beat analyzer's, mean of the last five beats
  double peak_instantaneous_gradient;  ///< max of LV minus aortic pressure over the last beats
};

/// The reference adult with an aortic valve of `max_area` cm2, after 40 s.
StenosisGradients stenosis_gradients(double max_area) {
  BodyModel model = test_support::reference_model();
  model.set_parameter("aortic_valve.max_area", max_area);
  test_support::RecordedTwin twin_run(std::move(model));
  auto& [twin, rec] = twin_run;
  twin.advance(40.0);
  const std::size_t lv = twin.signals().index_of("lv.pressure");
  const std::size_t aorta = twin.signals().index_of("aorta.pressure");
  double instantaneous = 0.0;
  for (std::size_t i = 0; i < rec.times.size(); ++i) {
    if (rec.times[i] > 35.0)
      instantaneous = std::max(instantaneous, rec.samples[i][lv] - rec.samples[i][aorta]);
  }
  return {test_support::last_beats_mean(twin, rec, "aortic_valve_peak_gradient"), instantaneous};
}

}  // namespace

// A check of the beat analyzer, not a validation: its Doppler peak gradient (rho v^2 / 2 at
// the beat's peak velocity, counted only while the jet carries a tenth of the peak flow) is
// the largest instantaneous LV-aortic pressure difference, which at peak flow the valve law
// makes equal by construction (the inertial term vanishes there). Within 10 %: the samples are
// at 100 Hz, so the instantaneous maximum is caught to a few percent. It guards the analyzer
// against counting a closing transient as the jet (before that rule, 221 against 74 mmHg).
TEST(ValveDisease, BeatAnalyzerDopplerGradientIsThePeakPressureDifference) {
  for (double area : {1.0, 0.8, 0.6}) {
    const StenosisGradients stenosis = stenosis_gradients(area);
    EXPECT_NEAR(stenosis.aortic_peak_gradient, stenosis.peak_instantaneous_gradient,
                0.1 * stenosis.peak_instantaneous_gradient)
        << area << " cm2";
  }
}
