// Trailing-window SDNN and RMSSD (metrics/heart_rate_variability.hpp) on beat series whose
// answers are known in closed form.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "physiotwin/metrics/heart_rate_variability.hpp"

using physiotwin::TrailingHeartRateVariability;

namespace {

/// Feeds beats whose intervals follow mean + amplitude sin(2 pi f t) (t the beat's start)
/// for `seconds`; returns the analyser.
TrailingHeartRateVariability sinusoidal_beats(double mean, double amplitude, double frequency,
                                              double seconds) {
  TrailingHeartRateVariability hrv;
  for (double t = 0.0; t < seconds;) {
    const double rr = mean + amplitude * std::sin(2.0 * std::numbers::pi * frequency * t);
    hrv.add(t, rr);
    t += rr;
  }
  return hrv;
}

}  // namespace

TEST(HeartRateVariability, EmptyUntilTheWindowIsFull) {
  TrailingHeartRateVariability hrv;
  double t = 0.0;
  for (; t + 1.0 < TrailingHeartRateVariability::window_seconds; t += 1.0) {
    hrv.add(t, 1.0);
    EXPECT_TRUE(std::isnan(hrv.sdnn_ms())) << t;
    EXPECT_TRUE(std::isnan(hrv.rmssd_ms())) << t;
  }
  hrv.add(t, 1.0);  // ends at 60 s: the first beat began a full window before
  EXPECT_DOUBLE_EQ(hrv.sdnn_ms(), 0.0);
  EXPECT_DOUBLE_EQ(hrv.rmssd_ms(), 0.0);
}

TEST(HeartRateVariability, SinusoidalModulationGivesTheClosedForms) {
  // A sinusoidal modulation of amplitude A (s) at f (Hz) of a mean interval T has SDNN
  // A/sqrt(2) and RMSSD sqrt(2) A sin(pi f T) (successive samples T apart). 0.1 Hz and 0.25 Hz:
  // paced breathing at 6 /min and spontaneous at 15 /min. Tolerance 3 %: the window holds a
  // whole number of beats, not of cycles, and the beats sample the sine unevenly.
  for (double f : {0.1, 0.25}) {
    const double mean = 0.85, amplitude = 0.05;
    const auto hrv = sinusoidal_beats(mean, amplitude, f, 300.0);
    EXPECT_NEAR(hrv.sdnn_ms(), 1000.0 * amplitude / std::sqrt(2.0), 0.03 * 35.4) << f;
    const double rmssd =
        1000.0 * std::sqrt(2.0) * amplitude * std::sin(std::numbers::pi * f * mean);
    EXPECT_NEAR(hrv.rmssd_ms(), rmssd, 0.03 * rmssd) << f;
  }
}

TEST(HeartRateVariability, ForgetsBeatsOlderThanTheWindow) {
  // A minute of alternating intervals, then a steady minute: the window then holds only steady
  // beats, so both measures return to zero.
  TrailingHeartRateVariability hrv;
  double t = 0.0;
  for (int i = 0; t < 60.0; ++i) {
    const double rr = i % 2 ? 0.9 : 1.1;
    hrv.add(t, rr);
    t += rr;
  }
  EXPECT_GT(hrv.rmssd_ms(), 150.0);
  for (; t < 125.0; t += 1.0) hrv.add(t, 1.0);
  EXPECT_DOUBLE_EQ(hrv.sdnn_ms(), 0.0);
  EXPECT_DOUBLE_EQ(hrv.rmssd_ms(), 0.0);
}

TEST(HeartRateVariability, AFastHeartOverflowsTheRingWithoutHarm) {
  // 400 /min (beyond any rate the model reaches) for two minutes: the ring keeps its last
  // `capacity` beats, all equal, so the measures are zero and nothing is read out of bounds
  // (the sanitizer build runs this).
  TrailingHeartRateVariability hrv;
  for (int i = 0; i < 800; ++i) hrv.add(0.15 * i, 0.15);
  EXPECT_NEAR(hrv.sdnn_ms(), 0.0, 1e-9);  // round-off of the mean only
  EXPECT_NEAR(hrv.rmssd_ms(), 0.0, 1e-9);
}
