// The arterial baroreflex (Ursino 1998) defending blood pressure.
#include <gtest/gtest.h>

#include "../helpers.hpp"

using namespace physiotwin;

namespace {
struct Response {
  double map_before, map_after, hr_before, hr_after;
};

// A haemorrhage of `fraction` of blood volume over `minutes`, observed at its end.
Response bleed(double fraction, double minutes, bool reflex) {
  BodyModel model = test_support::reference_model();
  if (!reflex) model.set_parameter("baroreflex.enabled", 0.0);
  const double volume = fraction * model.parameters.value("blood.volume");
  test_support::RecordedTwin twin_run(std::move(model));
  auto& [twin, rec] = twin_run;
  Action a;
  a.kind = ActionKind::hemorrhage;
  a.time = 60.0;
  a.volume = volume;
  a.rate = volume / minutes;
  twin.schedule(a);
  twin.advance(60.0);
  const double map0 = test_support::last_beats_mean(twin, rec, "mean_arterial_pressure");
  const double hr0 = test_support::last_beats_mean(twin, rec, "heart_rate");
  twin.advance(minutes * 60.0);
  return {map0, test_support::last_beats_mean(twin, rec, "mean_arterial_pressure"), hr0,
          test_support::last_beats_mean(twin, rec, "heart_rate")};
}
}  // namespace

// Issue 3: a haemorrhage of 10 % of blood volume over 5 minutes keeps mean arterial
// pressure within about 10 % of baseline with the heart rate rising, and pressure falls
// clearly further with the baroreflex off. (Blood donors losing 450-500 mL, about 10 %,
// typically keep their arterial pressure; the reflex tachycardia is modest.)
TEST(Baroreflex, DefendsPressureInATenPercentHemorrhage) {
  const Response on = bleed(0.10, 5.0, true);
  const Response off = bleed(0.10, 5.0, false);
  EXPECT_GT(on.map_after, 0.90 * on.map_before);
  EXPECT_GT(on.hr_after, on.hr_before + 1.0);
  const double drop_on = 1.0 - on.map_after / on.map_before;
  const double drop_off = 1.0 - off.map_after / off.map_before;
  EXPECT_GT(drop_off, 1.5 * drop_on);
  EXPECT_NEAR(off.hr_after, off.hr_before, 1e-6);  // no reflex, no tachycardia
}

// Issue 3: a haemorrhage of 30 % of blood volume (here over 10 minutes) brings hypotension
// and tachycardia. Published: ATLS class III (30-40 % loss): decreased systolic pressure and
// pulse pressure, pulse 120-140/min (American College of Surgeons, as tabulated by Rossaint
// et al. 2010, Crit Care 14:R52, Table 2); conscious patients who had lost 36 +- 4 % had
// 81/55 mmHg (Sander-Jensen et al. 1986, BMJ 292:364), their heart rate 73/min held down
// by vagal activity. The model: mean pressure falls by a fifth to below 80 mmHg and the
// heart rate rises by 8-25 /min, short of ATLS's 120 (docs/validation.md discusses why; issue
// 16 takes it up); the bands check hypotension and tachycardia, not ATLS's rate. (The rise was
// 15 /min before transcapillary refill, which returns about 200 mL during the bleed: now 10.)
TEST(Baroreflex, ThirtyPercentHemorrhageBringsHypotensionAndTachycardia) {
  const Response on = bleed(0.30, 10.0, true);
  const Response off = bleed(0.30, 10.0, false);
  EXPECT_LT(on.map_after, 80.0);
  EXPECT_LT(on.map_after, 0.85 * on.map_before);
  EXPECT_GT(on.hr_after, on.hr_before + 8.0);
  EXPECT_LT(on.hr_after, on.hr_before + 60.0);
  EXPECT_LT(off.map_after, on.map_after - 5.0);  // the reflex still defends some pressure
}

// At rest the reflex is at its operating point: it leaves the validated resting state
// (docs/validation.md) almost unchanged.
TEST(Baroreflex, RestsAtItsOperatingPoint) {
  Twin on(test_support::reference_model());
  BodyModel off_model = test_support::reference_model();
  off_model.set_parameter("baroreflex.enabled", 0.0);
  Twin off(std::move(off_model));
  MemoryRecorder a, b;
  on.add_recorder(a);
  off.add_recorder(b);
  on.advance(60.0);
  off.advance(60.0);
  const double map_on = test_support::last_beats_mean(on, a, "mean_arterial_pressure");
  const double map_off = test_support::last_beats_mean(off, b, "mean_arterial_pressure");
  EXPECT_NEAR(map_on, map_off, 0.03 * map_off);
}
