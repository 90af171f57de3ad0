#include <gtest/gtest.h>

#include "../helpers.hpp"

using namespace physiotwin;

// Every flow leaves one compartment and enters another, and BDF preserves linear invariants
// up to round-off, so total blood volume must hold to 1e-9 relative over 10 minutes (issue 2).
TEST(Conservation, TotalBloodVolumeOverTenMinutes) {
  test_support::RecordedTwin twin_run(test_support::reference_model());
  auto& [twin, rec] = twin_run;
  const std::size_t total = twin.signals().index_of("blood.total_volume");
  const double expected = twin.model().parameters.value("blood.volume");
  twin.advance(600.0);
  double worst = 0.0;
  for (const auto& sample : rec.samples)
    worst = std::max(worst, std::abs(sample[total] / expected - 1.0));
  EXPECT_LT(worst, 1e-9);
  EXPECT_EQ(rec.samples.size(), 60001u);
}
