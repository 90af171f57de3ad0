#include <gtest/gtest.h>

#include "../helpers.hpp"

using namespace physiotwin;

// Every flow leaves one compartment and enters another (or the interstitium: filtration and
// lymph), and BDF preserves linear invariants up to round-off, so blood plus interstitial
// fluid must hold to 1e-9 relative over 10 minutes (issue 2), and the red cells, which never
// leave the vessels, too.
TEST(Conservation, TotalBloodVolumeOverTenMinutes) {
  test_support::RecordedTwin twin_run(test_support::reference_model());
  auto& [twin, rec] = twin_run;
  const std::size_t total = twin.signals().index_of("blood.total_volume");
  const std::size_t interstitial = twin.signals().index_of("interstitial.volume");
  const std::size_t hematocrit = twin.signals().index_of("blood.hematocrit");
  const double expected = twin.signal("blood.total_volume") + twin.signal("interstitial.volume");
  const double red_cells = twin.signal("blood.total_volume") * twin.signal("blood.hematocrit");
  twin.advance(600.0);
  double worst = 0.0, worst_red_cells = 0.0;
  for (const auto& sample : rec.samples) {
    worst = std::max(worst, std::abs((sample[total] + sample[interstitial]) / expected - 1.0));
    worst_red_cells =
        std::max(worst_red_cells, std::abs(sample[total] * sample[hematocrit] / red_cells - 1.0));
  }
  EXPECT_LT(worst, 1e-9);
  EXPECT_LT(worst_red_cells, 1e-9);
  EXPECT_EQ(rec.samples.size(), 60001u);
}
