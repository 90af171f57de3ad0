// Actions while running: haemorrhage and infusion.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../helpers.hpp"
#include "physiotwin/actions/action_details.hpp"

using namespace physiotwin;
using test_support::hemorrhage;
using test_support::infusion;

namespace {}  // namespace

// Fluid is conserved apart from what haemorrhage and infusion remove and add (issue 3): blood
// plus interstitial fluid minus the recorded external volume stays at its initial value to
// 1e-9, and the external volume is exactly the prescribed amounts once they are over.
TEST(Actions, HemorrhageAndInfusionMoveExactlyTheirVolumes) {
  test_support::RecordedTwin twin_run(test_support::reference_model());
  auto& [twin, rec] = twin_run;
  twin.schedule(hemorrhage(10.0, 100.0, 500.0));  // 10 to 310 s
  twin.schedule(infusion(400.0, 50.0, 250.0));    // 400 to 700 s
  const std::size_t total = twin.signals().index_of("blood.total_volume");
  const std::size_t interstitial = twin.signals().index_of("interstitial.volume");
  const std::size_t external = twin.signals().index_of("blood.external_volume");
  const double fluid = twin.signal("blood.total_volume") + twin.signal("interstitial.volume");
  twin.advance(800.0);
  for (const auto& s : rec.samples)
    ASSERT_NEAR((s[total] + s[interstitial] - s[external]) / fluid, 1.0, 1e-9);
  EXPECT_NEAR(rec.samples[31000][external], -500.0, 1e-6);  // t = 310 s
  EXPECT_NEAR(rec.samples.back()[external], -250.0, 1e-6);
  EXPECT_NEAR(twin.signal("blood.total_volume") + twin.signal("interstitial.volume"), fluid - 250.0,
              1e-6);
  ASSERT_EQ(rec.actions.size(), 2u);
  EXPECT_EQ(rec.action_times[0], 10.0);
  EXPECT_STREQ(action_name(rec.actions[1].kind), "infusion");
  const auto details = nlohmann::json::parse(action_details(rec.actions[1]));
  EXPECT_EQ(details.at("fluid"), "saline");
  EXPECT_EQ(details.at("volume"), 250.0);
}

// A 10 % haemorrhage lowers mean arterial pressure (here by about 3 %: the baroreflex, the
// cardiopulmonary reflex and transcapillary refill hold it up, as ATLS class I expects an
// about normal pressure; more than 2 % shows the direction), and an equal transfusion of blood
// brings it back: the direction any circulation model must show. The sizes are validated with the
// reflexes (test_baroreflex.cpp) and the refill (test_fluid_exchange.cpp).
TEST(Actions, HemorrhageLowersPressureAndInfusionRestoresIt) {
  test_support::RecordedTwin twin_run(test_support::reference_model());
  auto& [twin, rec] = twin_run;
  twin.schedule(hemorrhage(30.0, 100.0, 482.4));  // 10 % of the reference man's blood volume
  twin.schedule(infusion(400.0, 100.0, 482.4, "blood"));
  twin.advance(30.0);
  const double baseline = test_support::last_beats_mean(twin, rec, "mean_arterial_pressure");
  twin.advance(370.0);
  const double bled = test_support::last_beats_mean(twin, rec, "mean_arterial_pressure");
  twin.advance(400.0);
  const double restored = test_support::last_beats_mean(twin, rec, "mean_arterial_pressure");
  EXPECT_LT(bled, 0.98 * baseline);
  EXPECT_NEAR(restored, baseline, 0.01 * baseline);
}
