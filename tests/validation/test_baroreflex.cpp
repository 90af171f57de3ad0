// The arterial baroreflex (Ursino 1998) defending blood pressure.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "../helpers.hpp"

using namespace physiotwin;

namespace {
struct Vitals {
  double map, hr, sbp, pp, co, cvp;  ///< beat means: mmHg, /min, mmHg, mmHg, L/min, mmHg
  double sv, rr;                     ///< stroke volume (mL), breaths per minute
};
struct Response {
  Vitals before, after;
};

// A haemorrhage of `fraction` of blood volume over `minutes`, observed at its end (beat means
// over the last beats). `off`: a reflex switched off ("baroreflex", "cardiopulmonary").
Response bleed(double fraction, double minutes, bool reflex, const char* off = nullptr) {
  BodyModel model = test_support::reference_model();
  if (!reflex) model.set_parameter("baroreflex.enabled", 0.0);
  if (off) model.set_parameter(std::string(off) + ".enabled", 0.0);
  const double volume = fraction * model.parameters.value("blood.volume");
  test_support::RecordedTwin twin_run(std::move(model));
  auto& [twin, rec] = twin_run;
  Action a;
  a.kind = ActionKind::hemorrhage;
  a.time = 60.0;
  a.volume = volume;
  a.rate = volume / minutes;
  twin.schedule(a);
  auto vitals = [&] {
    auto mean = [&](const char* metric) {
      return test_support::last_beats_mean(twin, rec, metric);
    };
    return Vitals{mean("mean_arterial_pressure"),
                  mean("heart_rate"),
                  mean("systolic_pressure"),
                  mean("pulse_pressure"),
                  mean("cardiac_output"),
                  mean("central_venous_pressure"),
                  mean("stroke_volume"),
                  test_support::last_breaths_mean(twin, rec, "respiratory_rate")};
  };
  twin.advance(60.0);
  const Vitals before = vitals();
  twin.advance(minutes * 60.0);
  return {before, vitals()};
}
}  // namespace

// Issue 3: a haemorrhage of 10 % of blood volume over 5 minutes keeps mean arterial
// pressure within about 10 % of baseline with the heart rate rising, and pressure falls
// clearly further with the baroreflex off. (Blood donors losing 450-500 mL, about 10 %,
// typically keep their arterial pressure; the reflex tachycardia is modest.)
TEST(Baroreflex, DefendsPressureInATenPercentHemorrhage) {
  const Response on = bleed(0.10, 5.0, true);
  const Response off = bleed(0.10, 5.0, false);
  EXPECT_GT(on.after.map, 0.90 * on.before.map);
  EXPECT_GT(on.after.hr, on.before.hr + 0.5);
  const double drop_on = 1.0 - on.after.map / on.before.map;
  const double drop_off = 1.0 - off.after.map / off.before.map;
  EXPECT_GT(drop_off, 1.5 * drop_on);
  EXPECT_NEAR(off.after.hr, off.before.hr, 1e-6);  // no reflex, no tachycardia
}

// Issue 16: graded haemorrhage, 10 / 20 / 30 / 40 % of blood volume over 10 minutes
// (docs/validation.md, "Graded haemorrhage", has the table and the sources).
// - Class I (ATLS: <= 15 %; pulse, systolic and pulse pressure normal) and blood donors
//   (375-500 mL: heart rate unchanged, Leonetti et al. 2004 Clin Auton Res 14:176): 10 %
//   keeps systolic pressure within 5 % and the heart rate within +5 /min.
// - 1,000 mL withdrawn from conscious volunteers (about 20 %; Johnson et al. 2014,
//   J Appl Physiol 117:131): heart rate 59 -> 66 /min (not significant), mean pressure
//   89.5 -> 80.8 mmHg (-10 %), central venous pressure 5.8 -> 1.1 mmHg. The model at 20 %:
//   mean pressure down 3-15 %, heart rate up by 0-12 /min, central venous pressure down by
//   1.5-6 mmHg (the tolerances: the volunteers' spread, n = 6, and a 20 % loss against their
//   15-20 %).
// - ATLS class II (15-30 %): systolic pressure normal, pulse pressure decreased: at 20 %
//   systolic stays above 100 mmHg and the pulse pressure falls.
// - ATLS classes III-IV (30 % and more): systolic pressure decreased, pulse pressure
//   decreased, heart rate increased: at 30 % and 40 % systolic pressure falls by more than
//   10 %, and heart rate, systolic and pulse pressure and cardiac output move monotonically
//   with the loss.
// - The heart rate in severe loss as people show it (docs/research/haemorrhage-evidence.md;
//   ATLS 9th edition's 120-140 /min in class III is not a target: the 10th edition replaced
//   its numbers with arrows because patients do not follow them). At 30 % and 40 % the heart
//   rate is raised (ATLS 10th: "raised" from class III; at least +3 /min) and lies between
//   conscious patients in reversible shock at 36 +- 4 % loss, 73 +- 3 /min (Sander-Jensen et
//   al. 1986, BMJ 292:364; the lower bound is their mean less twice the abstract's +- 3) and
//   the highest class IV figure of the TARN registry, 114 /min (Guly et al. 2011,
//   Resuscitation 82:556).
// - Against lower-body negative pressure at the same fall in stroke volume: LBNP's heart
//   rate rises by 19.1 /min when stroke volume has fallen by a third (-45 mmHg: 59.9 -> 79.0
//   /min, stroke volume 99.3 -> 66.0 mL; Rosenberg et al. 2021, J Appl Physiol 130:380, Table
//   2), and LBNP overstates the heart rate's rise against a real bleed (Johnson et al. 2014,
//   above: heart rate per mmHg of pulse pressure -1.85 +- 0.45 with LBNP, -0.46 +- 0.27 with
//   blood loss). The 40 % loss (stroke volume down by a third too) raises the heart rate by
//   less than LBNP's 19.1 /min, and at 20 % the heart rate per mmHg of pulse pressure lies
//   within 2 spreads of the blood loss's -0.46 (the abstract does not say SD or SE) and
//   outside 2 spreads of LBNP's.
// - Breathing rate: unchanged in people with central hypovolaemia up to presyncope (LBNP:
//   14.3 -> 15.3 /min, n.s.; PMC10424721, Table 2), in blood donors (Zollei et al. 2004,
//   Auton Neurosci 110:114) and across the ATLS classes in 16,269 trauma patients (Guly
//   2011): within 2 /min of rest through 40 % (ATLS 9th's 30-40 /min in class III is not a
//   target, as above).
TEST(Baroreflex, GradedHemorrhageFollowsTheClinicalClasses) {
  const Response r10 = bleed(0.10, 10.0, true);
  const Response r20 = bleed(0.20, 10.0, true);
  const Response r30 = bleed(0.30, 10.0, true);
  const Response r40 = bleed(0.40, 10.0, true);
  EXPECT_GT(r10.after.sbp, 0.95 * r10.before.sbp);
  EXPECT_LT(r10.after.hr, r10.before.hr + 5.0);

  const double map_fall = 1.0 - r20.after.map / r20.before.map;
  EXPECT_GT(map_fall, 0.03);
  EXPECT_LT(map_fall, 0.15);
  EXPECT_GE(r20.after.hr, r20.before.hr);
  EXPECT_LT(r20.after.hr, r20.before.hr + 12.0);
  EXPECT_GT(r20.before.cvp - r20.after.cvp, 1.5);
  EXPECT_LT(r20.before.cvp - r20.after.cvp, 6.0);
  EXPECT_GT(r20.after.sbp, 100.0);
  EXPECT_LT(r20.after.pp, r20.before.pp);

  EXPECT_LT(r30.after.sbp, 0.90 * r30.before.sbp);
  EXPECT_LT(r40.after.sbp, 0.85 * r40.before.sbp);
  const Response* graded[] = {&r10, &r20, &r30, &r40};
  for (int i = 1; i < 4; ++i) {
    EXPECT_GT(graded[i]->after.hr, graded[i - 1]->after.hr) << i;
    EXPECT_LT(graded[i]->after.sbp, graded[i - 1]->after.sbp) << i;
    EXPECT_LT(graded[i]->after.pp, graded[i - 1]->after.pp) << i;
    EXPECT_LT(graded[i]->after.co, graded[i - 1]->after.co) << i;
  }
  EXPECT_GT(r40.after.hr, r40.before.hr + 8.0);

  for (const Response* r : {&r30, &r40}) {
    EXPECT_GT(r->after.hr, r->before.hr + 3.0);  // raised (ATLS 10th)
    EXPECT_GT(r->after.hr, 73.0 - 2.0 * 3.0);    // Sander-Jensen 1986
    EXPECT_LT(r->after.hr, 114.0);               // Guly 2011, class IV
  }
  const double sv_fall = 1.0 - r40.after.sv / r40.before.sv;
  EXPECT_GT(sv_fall, 0.25);  // the comparison with LBNP's -33.5 % holds at about a third
  EXPECT_LT(sv_fall, 0.42);
  EXPECT_LT(r40.after.hr - r40.before.hr, 19.1);  // Rosenberg 2021, LBNP -45 mmHg
  const double hr_per_pp = (r20.after.hr - r20.before.hr) / (r20.after.pp - r20.before.pp);
  EXPECT_GT(hr_per_pp, -0.46 - 2.0 * 0.27);  // Johnson 2014, blood loss
  EXPECT_LT(hr_per_pp, -0.46 + 2.0 * 0.27);
  EXPECT_GT(hr_per_pp, -1.85 + 2.0 * 0.45);  // not LBNP's
  for (const Response* r : graded) EXPECT_NEAR(r->after.rr, r->before.rr, 2.0);
}

// Issue 16: the cardiopulmonary reflex carries part of the defence of pressure in a
// moderate loss, when the right atrium has unloaded but arterial pressure has hardly fallen
// (Heldt et al. 2002's purpose for it; Johnson, Rowell et al. 1974, Circ Res 34:515:
// unloading these receptors alone raises vascular resistance). Without it a 20 % loss
// lowers mean pressure clearly more.
TEST(Baroreflex, CardiopulmonaryReflexHelpsDefendPressure) {
  const Response with = bleed(0.20, 10.0, true);
  const Response without = bleed(0.20, 10.0, true, "cardiopulmonary");
  const double fall_with = with.before.map - with.after.map;
  const double fall_without = without.before.map - without.after.map;
  EXPECT_GT(fall_without, fall_with + 1.5);
  EXPECT_NEAR(with.before.hr, without.before.hr, 0.5);  // at rest it does nothing
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

// Issue 16: acute mental stress (the stress action, level 1 for 5 minutes) as published for
// laboratory stressors, and recovery when it ends (docs/models/control.md, "Mental stress").
// The two gains were chosen so that level 1 gives mental arithmetic's heart rate +27 % (Jatoi,
// Kyvelou & Feely 2014, Artery Res 8:44; 23 young adults) and a mean-pressure rise between
// Vianna et al. 2014's women (11 mmHg) and men (16 mmHg) (Stroop-type task, J Physiol Sci):
// the heart rate is checked within +-5 points of the fit and the mean pressure within that
// range. Then predictions: systolic and diastolic pressure (Jatoi: +16 % and +15 %; within
// 8-24 %, a stressor's usual spread), cardiac output rising (the beta-adrenergic pattern of
// mental arithmetic; youth meta-analysis: a small rise, effect size 0.15) by less than 25 %,
// and recovery: 10 minutes after the stress ends, heart rate and mean pressure are back
// within 2 %. (People keep blood pressure about 5 mmHg up 15 minutes after a 2-minute
// task, a hormonal tail the model has not got: docs/models/control.md.)
// Breathing (docs/research/stress-breathing.md): silent laboratory stressors quicken breathing
// with the tidal volume about unchanged (Clin Sci 1977;52:269: "tidal volume was unchanged";
// Grassmann et al. 2016's review: amplitude "rather stable"); the two breathing gains were
// chosen for +3 /min (the direction is every study's, the size an estimate read from their
// abstracts, so the check is +2 to +4) with the tidal volume within 10 %. Then predictions:
// minute ventilation up by 5-30 % and end-tidal CO2 down by 1-4 mmHg, the "minor" or "mild"
// hyperventilation of Wientjes 1998 and Garssen 1980 (estimates from abstracts, the ranges
// of the research note).
TEST(Baroreflex, MentalStressRaisesHeartRateAndPressureAndRecovers) {
  test_support::RecordedTwin twin_run(test_support::reference_model());
  auto& [twin, rec] = twin_run;
  auto stress = [](double time, double level) {
    Action a;
    a.kind = ActionKind::stress;
    a.time = time;
    a.value = level;
    return a;
  };
  twin.schedule(stress(120.0, 1.0));
  twin.schedule(stress(420.0, 0.0));
  auto mean = [&](const char* metric) { return test_support::last_beats_mean(twin, rec, metric); };
  twin.advance(120.0);
  const double hr0 = mean("heart_rate"), map0 = mean("mean_arterial_pressure");
  const double sbp0 = mean("systolic_pressure"), dbp0 = mean("diastolic_pressure");
  const double co0 = mean("cardiac_output");
  auto breaths = [&](const char* metric) {
    return test_support::last_breaths_mean(twin, rec, metric, 10);
  };
  const double rr0 = breaths("respiratory_rate"), vt0 = breaths("tidal_volume");
  const double ve0 = breaths("minute_ventilation"), etco2_0 = breaths("end_tidal_co2");
  twin.advance(300.0);
  EXPECT_GT(breaths("respiratory_rate") - rr0, 2.0);
  EXPECT_LT(breaths("respiratory_rate") - rr0, 4.0);
  EXPECT_NEAR(breaths("tidal_volume") / vt0, 1.0, 0.10);
  EXPECT_GT(breaths("minute_ventilation") / ve0, 1.05);
  EXPECT_LT(breaths("minute_ventilation") / ve0, 1.30);
  EXPECT_LT(breaths("end_tidal_co2") - etco2_0, -1.0);
  EXPECT_GT(breaths("end_tidal_co2") - etco2_0, -4.0);
  EXPECT_NEAR(mean("heart_rate") / hr0, 1.27, 0.05);
  EXPECT_GT(mean("mean_arterial_pressure") - map0, 11.0);
  EXPECT_LT(mean("mean_arterial_pressure") - map0, 16.0);
  for (auto [after, before] :
       {std::pair{mean("systolic_pressure"), sbp0}, std::pair{mean("diastolic_pressure"), dbp0}}) {
    EXPECT_GT(after / before, 1.08);
    EXPECT_LT(after / before, 1.24);
  }
  EXPECT_GT(mean("cardiac_output"), co0);
  EXPECT_LT(mean("cardiac_output"), 1.25 * co0);
  twin.advance(600.0);
  EXPECT_NEAR(mean("heart_rate"), hr0, 0.02 * hr0);
  EXPECT_NEAR(mean("mean_arterial_pressure"), map0, 0.02 * map0);
  EXPECT_NEAR(breaths("respiratory_rate"), rr0, 0.5);
  EXPECT_NEAR(breaths("end_tidal_co2"), etco2_0, 0.5);
}
