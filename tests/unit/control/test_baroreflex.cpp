// The arterial baroreflex (control/baroreflex.hpp): the resting set point calibration gives it.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <numbers>
#include <vector>

#include "../../helpers.hpp"
#include "physiotwin/control/baroreflex.hpp"

using namespace physiotwin;

// The resting set point puts the reflex at rest for the filtered pressures it is given, and
// the reflex's excess grows with the set point (more sympathetic drive at a higher set
// point, for the same pressures): the one answer bisection finds.
TEST(Calibration, RestingSetPointPutsTheBaroreflexAtRest) {
  const BodyModel model = test_support::reference_model();
  control::BaroreflexCoefficients c = model.baroreflex_coefficients();
  std::vector<double> filtered;
  for (int i = 0; i < 500; ++i)  // a pulsatile filtered pressure: 120 +- 40 mmHg at 1.2 Hz
    filtered.push_back(120.0 + 40.0 * std::sin(2.0 * std::numbers::pi * 1.2 * i / 50.0));
  const double set_point = control::resting_set_point(c, filtered, {}, 40.0, 200.0);
  EXPECT_GT(set_point, 100.0);
  EXPECT_LT(set_point, 140.0);
  c.set_point = set_point;
  EXPECT_NEAR(control::resting_excess(c, filtered, {}), 0.0, 1e-9);
  c.set_point = set_point + 5.0;
  EXPECT_GT(control::resting_excess(c, filtered, {}), 0.0);
  c.set_point = set_point - 5.0;
  EXPECT_LT(control::resting_excess(c, filtered, {}), 0.0);
  // A steady chemoreceptor drive excites the sympathetic neurons: the reflex rests at a
  // lower set point to make up for it.
  const std::vector<double> chemo(filtered.size(), 2.0);
  EXPECT_LT(control::resting_set_point(c, filtered, chemo, 40.0, 200.0), set_point);
}

namespace {
/// The reference man's reflex at its set point: its coefficients (to change), the pressure, the
/// effectors' drives before the change and the sympathetic firing (which neither the
/// catecholamines nor a blockade move).
struct AtSetPoint {
  control::BaroreflexCoefficients c = test_support::reference_model().baroreflex_coefficients();
  double p = c.set_point;
  std::array<double, control::effector_count> before = control::effector_drive(c, p);
  double f_es = control::sympathetic_rate(c, control::afferent_rate(c, p));
};
}  // namespace

// Circulating catecholamines add firing to what the sinus node answers only: the heart
// period's sympathetic drive grows as Ursino's log of the summed firing, the vessels' and the
// ventricles' do not, and the reflex's rest (without_stress) does not carry them.
TEST(Baroreflex, CirculatingCatecholaminesActOnTheHeartPeriodOnly) {
  AtSetPoint reflex;
  auto& [c, p, before, f_es] = reflex;
  c.circulating_catecholamine = 3.5;
  const auto after = control::effector_drive(c, p);
  EXPECT_NEAR(
      after[control::sympathetic_period],
      c.gain[control::sympathetic_period] * std::log(f_es + 3.5 - c.sympathetic_threshold + 1.0),
      1e-12);
  EXPECT_NE(after[control::sympathetic_period], before[control::sympathetic_period]);
  for (auto e : {control::lv_elastance, control::extrasplanchnic_resistance,
                 control::splanchnic_venous_volume, control::vagal_period})
    EXPECT_EQ(after[e], before[e]) << control::effector_names[e];
  EXPECT_EQ(control::without_stress(c).circulating_catecholamine, 0.0);
}

// Blockade acts on the heart's receptors only: atropine takes the vagal heart-period drive in
// proportion, a beta-blocker divides the firing the sinus node and the ventricles answer by
// its dose ratio, and the vessels' effectors (alpha) keep theirs; the reflex's rest is the
// unblocked one.
TEST(Baroreflex, BlockadeActsOnTheHeartsReceptorsOnly) {
  AtSetPoint reflex;
  auto& [c, p, before, f_es] = reflex;
  c.vagal_blockade = 0.25;
  c.beta_blockade = 0.2;
  const auto after = control::effector_drive(c, p);
  EXPECT_NEAR(after[control::vagal_period], 0.75 * before[control::vagal_period], 1e-12);
  for (auto e : {control::sympathetic_period, control::lv_elastance, control::rv_elastance}) {
    EXPECT_NEAR(after[e], c.gain[e] * std::log(0.8 * f_es - c.sympathetic_threshold + 1.0), 1e-12)
        << control::effector_names[e];
  }
  for (auto e : {control::splanchnic_resistance, control::extrasplanchnic_resistance,
                 control::splanchnic_venous_volume, control::extrasplanchnic_venous_volume})
    EXPECT_EQ(after[e], before[e]) << control::effector_names[e];
  EXPECT_EQ(control::without_stress(c).vagal_blockade, 0.0);
  EXPECT_EQ(control::without_stress(c).beta_blockade, 0.0);
}

// The sinus node's ceiling: a rate well below the maximum passes (within 0.01 /min below 85 %),
// the maximum asked for gives 2^(-1/40) of it, no drive passes it, it never turns back (a
// faster rate asked for is a faster rate given).
TEST(Baroreflex, TheHeartRateStaysBelowItsCeiling) {
  const double maximal = 180.0;
  EXPECT_NEAR(control::held_below_maximum(72.0, maximal), 72.0, 1e-9);
  EXPECT_NEAR(control::held_below_maximum(0.85 * maximal, maximal), 0.85 * maximal, 0.01);
  EXPECT_NEAR(control::held_below_maximum(maximal, maximal), maximal * std::pow(2.0, -1.0 / 40.0),
              1e-9);
  EXPECT_LT(control::held_below_maximum(400.0, maximal), maximal);
  EXPECT_GT(control::held_below_maximum(400.0, maximal), 0.999 * maximal);
  double previous = 0.0;
  for (double asked = 60.0; asked <= 300.0; asked += 1.0) {
    const double given = control::held_below_maximum(asked, maximal);
    EXPECT_GT(given, previous) << asked;
    previous = given;
  }
}
