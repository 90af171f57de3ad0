// Fluid exchange between blood and interstitium (fluid/fluid_exchange.hpp) against published
// human responses: the refill of the vessels during a bleed, a crystalloid leaving them, and
// the haemodilution it causes. Sources and derivations: docs/models/fluid-exchange.md. The
// model has no kidneys, which in conscious adults excrete part of an infused crystalloid within
// the hour (Hahn 2016: half-life 20-40 min) and far less after a bleed (Drobin & Hahn 1999):
// tolerances allow for it, and each says why.
#include <gtest/gtest.h>

#include "../helpers.hpp"

using namespace physiotwin;
using test_support::hemorrhage;
using test_support::infusion;

namespace {

/// The reference adult male after two minutes at rest; each test runs a copy (a fork).
const Twin& resting_adult() {
  static const Twin twin = [] {
    Twin t(test_support::reference_model());
    t.advance(120.0);
    return t;
  }();
  return twin;
}

double blood_volume(const Twin& twin) {
  return twin.signal("blood.total_volume");
}

}  // namespace

// Ringer's lactate in a normovolaemic adult: plasma volume expands by 50-60 % of the infused
// volume while an infusion runs, 15-20 % is left 30 min after it ends (Hahn, Acta Anaesthesiol
// Scand 2020, doi:10.1111/aas.13533, volunteers). 1 L over 10 min (15 mL/kg in 10 min is the
// protocol of Hahn's Anesth Analg 2009;108:128). At the end: 40-65 % (the range, widened by 10
// points for the rate); 30 min later 10-25 % (the range, 5 points lower for the kidneys' share
// the model leaves in and 5 higher for rounding in the review).
TEST(FluidExchange, CrystalloidLeavesTheVesselsAsVolumeKineticsMeasure) {
  Twin twin = resting_adult();
  const double before = blood_volume(twin);
  twin.schedule(infusion(twin.time(), 100.0, 1000.0, "ringer_lactate"));
  twin.advance(600.0);
  const double at_end = (blood_volume(twin) - before) / 1000.0;
  twin.advance(1800.0);
  const double later = (blood_volume(twin) - before) / 1000.0;
  EXPECT_GE(at_end, 0.40);
  EXPECT_LE(at_end, 0.65);
  EXPECT_GE(later, 0.10);
  EXPECT_LE(later, 0.25);
}

// An iso-oncotic colloid (5 % albumin) has no distribution phase and an intravascular
// half-life of 2-3 h (Hahn 2020): 85-90 % left after 30 min. The model keeps less (about
// 75 %: the raised capillary pressure filters water with no oncotic pull back, and albumin's
// own slow leak and lymph return are lumped; docs/models/fluid-exchange.md), so at least 70 %,
// against a crystalloid's 10-25 % above.
TEST(FluidExchange, IsoOncoticAlbuminStays) {
  Twin twin = resting_adult();
  const double before = blood_volume(twin);
  twin.schedule(infusion(twin.time(), 100.0, 500.0, "colloid"));
  twin.advance(1800.0);
  EXPECT_GE((blood_volume(twin) - before) / 500.0, 0.7);
}

// Refill during a bleed: withdrawing 450 or 900 mL over 10-15 min recruited 100-150 mL of fluid
// into the plasma (Hahn group, Clin Hemorheol Microcirc, "Interstitial washdown during
// crystalloid fluid loading in graded hypovolemia"); a blood donation shifted 127 +- 81 mL
// (325 donors; Deepika et al. 2018). 900 mL over 15 min: 70-220 mL (the range, widened by a
// half for the unknown timing); 470 mL over 10 min: 46-208 mL (mean +- SD).
TEST(FluidExchange, TheVesselsRefillDuringABleed) {
  Twin graded = resting_adult();
  const double before = blood_volume(graded);
  graded.schedule(hemorrhage(graded.time(), 60.0, 900.0));
  graded.advance(900.0);
  const double refilled = blood_volume(graded) - (before - 900.0);
  EXPECT_GE(refilled, 70.0);
  EXPECT_LE(refilled, 220.0);

  Twin donor = resting_adult();
  donor.schedule(hemorrhage(donor.time(), 47.0, 470.0));
  donor.advance(600.0);
  const double shifted = blood_volume(donor) - (before - 470.0);
  EXPECT_GE(shifted, 46.0);
  EXPECT_LE(shifted, 208.0);
  // The refill dilutes the red cells; the haemoglobin falls (0.7 g/dL in 40 h after a 10 %
  // loss when the plasma is fully restored, Ross et al. 2018's equilibration term): here,
  // minutes in, by less than that and more than nothing.
  const double hb_before = resting_adult().signal("blood.hemoglobin");
  EXPECT_LT(donor.signal("blood.hemoglobin"), hb_before - 0.05);
  EXPECT_GT(donor.signal("blood.hemoglobin"), hb_before - 0.7);
}

// Haemodilution by crystalloid after a bleed: Ross et al. 2018 (J Am Coll Surg 227:321, 157
// donors randomised): after 500 mL donated, 2 L of saline or Ringer's lactate left the
// haemoglobin 1.0-1.1 g/dL below the no-fluid group's (12.1 / 12.2 against 13.2 g/dL); their
// fit, 2.617 g/dL per infused volume over blood volume, gives -1.08 here. The trial does not
// publish the infusion time (donation to last sample within 2 h): 2 L over 60 min, sampled at
// its end; -0.6 to -1.8 g/dL (+-0.5 for the timing, 0.2 more below for the kidneys).
TEST(FluidExchange, CrystalloidDilutesTheHaemoglobinAsAfterBloodDonation) {
  Twin donor = resting_adult();
  donor.schedule(hemorrhage(donor.time(), 50.0, 500.0));
  donor.advance(600.0);
  Twin control = donor, crystalloid = donor;
  crystalloid.schedule(infusion(crystalloid.time(), 2000.0 / 60.0, 2000.0, "ringer_lactate"));
  control.advance(3600.0);
  crystalloid.advance(3600.0);
  const double change = crystalloid.signal("blood.hemoglobin") - control.signal("blood.hemoglobin");
  EXPECT_LE(change, -0.6);
  EXPECT_GE(change, -1.8);
}

// Jacob et al. 2012 (Crit Care 16:R86, 10 women): 1,097 mL of blood withdrawn while 3,430 mL of
// Ringer's lactate ran: blood volume -459 mL, a volume effect of 17 +- 10 %. Their timing is
// not in the abstract; here both over 60 min, blood volume 15 min later: within 2 SD, 0-37 %.
TEST(FluidExchange, RingersVolumeEffectDuringHaemodilutionIsBelowAThird) {
  Twin twin = resting_adult();
  const double before = blood_volume(twin);
  twin.schedule(hemorrhage(twin.time(), 1097.0 / 60.0, 1097.0));
  twin.schedule(infusion(twin.time(), 3430.0 / 60.0, 3430.0, "ringer_lactate"));
  twin.advance(4500.0);
  const double effect = (blood_volume(twin) - before + 1097.0) / 3430.0;
  EXPECT_GE(effect, 0.0);
  EXPECT_LE(effect, 0.37);
}

// A change of gas.hemoglobin while the twin runs gives the blood that haemoglobin at once (red
// cells exchanged for plasma at constant volume), and it stays: the red cells carry it.
TEST(FluidExchange, SettingHaemoglobinChangesTheRedCells) {
  Twin twin = resting_adult();
  const double volume = blood_volume(twin);
  twin.set_parameter("gas.hemoglobin", 10.0);
  twin.advance(0.5);
  EXPECT_NEAR(twin.signal("blood.hemoglobin"), 10.0, 0.01);
  EXPECT_NEAR(blood_volume(twin), volume, 1.0);
  twin.advance(60.0);
  EXPECT_NEAR(twin.signal("blood.hemoglobin"), 10.0, 0.05);
  EXPECT_LT(twin.signal("arterial.o2_content"), 15.0);  // 1.34 x 10 x 0.97 + dissolved
}

// The same on a model with a stored start (a calibrated twin's settled state): its red cells
// take the new haemoglobin, so `--set gas.hemoglobin=...` on a twin file is not ignored.
TEST(FluidExchange, SettingHaemoglobinChangesAStoredStart) {
  BodyModel model = test_support::reference_model();
  model.start_state.assign(resting_adult().state().begin(), resting_adult().state().end());
  model.set_parameter("gas.hemoglobin", 9.0);
  Twin twin(std::move(model));
  EXPECT_NEAR(twin.signal("blood.hemoglobin"), 9.0, 1e-9);
  EXPECT_NEAR(twin.signal("blood.total_volume"), blood_volume(resting_adult()), 1e-9);
}
