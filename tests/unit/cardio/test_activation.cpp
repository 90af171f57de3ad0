// Chamber activation (cardio/activation.hpp): the double-Hill curve, normalised.
#include <gtest/gtest.h>

#include <algorithm>
#include <physiotwin/cardio/activation.hpp>

using namespace physiotwin::cardio;

TEST(Activation, DoubleHillIsNormalisedToOne) {
  DoubleHill h{0.269, 0.452, 1.32, 27.4};
  h.normalise();
  double peak = 0.0;
  for (int i = 0; i <= 10000; ++i) peak = std::max(peak, h(i / 10000.0));
  EXPECT_NEAR(peak, 1.0, 1e-6);
  EXPECT_EQ(h(0.0), 0.0);
  EXPECT_LT(h(0.99), 1e-6);  // relaxed well before the next beat
}
