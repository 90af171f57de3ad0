// The autonomic_blockade action (control/baroreflex.hpp; docs/models/control.md, "Autonomic
// blockade") on the reference man against pharmacological blockade in healthy people: atropine
// (the sinus node's muscarinic receptors), a beta-blocker (the heart's beta-adrenergic
// receptors, a competitive antagonist) and both. Sources beside each expected number;
// docs/research/exercise-vagal-withdrawal.md, section 3, has the table they come from.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>

#include "../helpers.hpp"
#include "physiotwin/actions/action.hpp"
#include "physiotwin/twin.hpp"

using namespace physiotwin;

namespace {

/// The blockade action at `time` s: NaN leaves a share as it is.
Action blockade(double time, double vagal, double beta) {
  Action a = test_support::action_at(ActionKind::autonomic_blockade, time);
  a.vagal_blockade = vagal;
  a.beta_blockade = beta;
  return a;
}

/// Means over the last minute of a beat metric.
double last_minute(const test_support::RecordedTwin& run, const std::string& metric) {
  return test_support::metric_mean_since(run.rec.beat_times, run.rec.beats,
                                         run.twin.beats().find(metric), run.twin.time() - 60.0);
}

struct Rest {
  double heart_rate, rmssd, cardiac_output;
};

/// Two minutes at rest, then `action` and five minutes more: the rest's last minute.
Rest rest_then(test_support::RecordedTwin& run, const Action& action) {
  run.twin.advance(120.0);
  const Rest rest{last_minute(run, "heart_rate"), last_minute(run, "rmssd"),
                  last_minute(run, "cardiac_output")};
  run.twin.apply(action);
  run.twin.advance(300.0);
  return rest;
}

}  // namespace

// Atropine 0.04 mg/kg at rest, supine young men: 70 -> 119 /min (x 1.70, n = 11; Maciel et al.
// 1985, Braz J Med Biol Res 18:303), 65 -> 112 (x 1.72, n = 10; a second study), and 81 -> 128
// at 16 years (x 1.58; Cumming & Mir 1970, Br Heart J 32:766). Expected x 1.45-1.75 after 5
// min: the studies' range, widened below for the reference man's 40 years (vagal tone falls
// with age); the baroreflex's sympathetic arm answers the pressure's rise, as under atropine.
// Ursino's heart-period arms gave x 2.0 with the other arm held (docs/models/control.md, "The
// autonomic balance of the heart period"). Atropine abolishes the respiratory sinus arrhythmia
// (Katona & Jih 1975, J Appl Physiol 39:801; MSSD 2.2 ms under atropine at peak exercise,
// Goldberger et al. 2006): accepted an RMSSD below a tenth of rest's.
TEST(AutonomicBlockade, AtropineRaisesTheRateAndAbolishesTheArrhythmia) {
  test_support::RecordedTwin run(test_support::reference_model());
  const Rest rest = rest_then(run, blockade(0.0, 1.0, std::nan("")));
  const double blocked = last_minute(run, "heart_rate");
  EXPECT_GT(blocked / rest.heart_rate, 1.45) << blocked;
  EXPECT_LT(blocked / rest.heart_rate, 1.75) << blocked;
  EXPECT_LT(last_minute(run, "rmssd"), 0.1 * rest.rmssd);
}

// Both arms blocked (atropine and propranolol): the intrinsic rate. 81 -> 102 /min at 16 years
// (x 1.26; Cumming & Mir 1970); 118.1 - 0.57 age = 95 /min at 40 years (Jose & Collison 1970,
// Cardiovasc Res 4:160), x 1.31 for a resting 72.7. Accepted x 1.2-1.4 (the two sources and
// the intrinsic rate's spread between people, about +-10 /min).
TEST(AutonomicBlockade, BothArmsBlockedLeaveTheIntrinsicRate) {
  test_support::RecordedTwin run(test_support::reference_model());
  const Rest rest = rest_then(run, blockade(0.0, 1.0, 1.0));
  const double intrinsic = last_minute(run, "heart_rate");
  EXPECT_GT(intrinsic / rest.heart_rate, 1.2) << intrinsic;
  EXPECT_LT(intrinsic / rest.heart_rate, 1.4) << intrinsic;
}

// Propranolol in six normal subjects, supine ("Hemodynamic response to exercise after
// propranolol in normal subjects", abstract read; the route and dose not in it:
// docs/research/exercise-vagal-withdrawal.md, section 3): resting heart rate -13 %, resting
// cardiac output -20 %, exercise heart rate -21 %, exercise cardiac output -17 %. Oral
// propranolol: 68 -> 56 /min (-18 %, n = 10; LeWinter et al. 1975, Clin Pharmacol Ther
// 17:709). The dose that blocks the resting heart does not block it in exercise (Sutton et al.
// 1977, Clin Pharmacol Ther 21:700): a competitive antagonist, here 70 % of the receptors
// occupied, the share chosen to match this study (so this checks a fit of one number to four,
// not an independent prediction). Accepted within 8 points of each of the study's means (the
// two studies' resting falls differ by 5; the abstract gives no spread): at rest the heart
// rate 5-21 % and the output 12-28 % lower, after 6 min at 60 % of the VO2 reserve the heart
// rate 13-29 % and the output 9-25 % lower than the same work unblocked, and the heart rate's
// fall larger in exercise than at rest. Independent of the fit: after propranolol the heart
// rate is about 40 /min lower than after atropine at every load (Ekblom et al. 1972, Scand J
// Clin Lab Invest 30:35): accepted 25-55 /min at 60 % (40 +- 15, the research note's band for
// how a blockade is mimicked).
TEST(AutonomicBlockade, ABetaBlockerSlowsTheHeartMoreInExerciseThanAtRest) {
  auto run_with = [](double vagal, double beta) {
    auto run = std::make_unique<test_support::RecordedTwin>(test_support::reference_model());
    run->twin.advance(120.0);
    if (vagal > 0.0 || beta > 0.0) run->twin.apply(blockade(0.0, vagal, beta));
    run->twin.advance(300.0);
    return run;
  };
  auto control = run_with(0.0, 0.0), blocked = run_with(0.0, 0.7), atropine = run_with(1.0, 0.0);
  auto fall = [&](const std::string& metric) {
    return 1.0 - last_minute(*blocked, metric) / last_minute(*control, metric);
  };
  const double rest_rate_fall = fall("heart_rate");
  EXPECT_GT(rest_rate_fall, 0.05);
  EXPECT_LT(rest_rate_fall, 0.21);
  EXPECT_GT(fall("cardiac_output"), 0.12);
  EXPECT_LT(fall("cardiac_output"), 0.28);
  for (auto* run : {control.get(), blocked.get(), atropine.get()}) {
    run->twin.apply(test_support::exercise(0.0, 0.6 * (1897.0 - 246.0) / 10.29));
    run->twin.advance(360.0);
  }
  EXPECT_GT(fall("heart_rate"), 0.13);
  EXPECT_LT(fall("heart_rate"), 0.29);
  EXPECT_GT(fall("heart_rate"), rest_rate_fall);
  EXPECT_GT(fall("cardiac_output"), 0.09);
  EXPECT_LT(fall("cardiac_output"), 0.25);
  const double below_atropine =
      last_minute(*atropine, "heart_rate") - last_minute(*blocked, "heart_rate");
  EXPECT_GT(below_atropine, 25.0);
  EXPECT_LT(below_atropine, 55.0);
}

// The dose response at rest: more of either arm's receptors blocked never moves the heart rate
// the other way (a share above about 0.43 silences the resting sympathetic drive at the heart:
// Ursino's threshold; docs/models/control.md, "Autonomic blockade").
TEST(AutonomicBlockade, TheRateFollowsTheShareBlockedMonotonically) {
  for (const bool vagal : {true, false}) {
    double previous = vagal ? 0.0 : 1e9;
    for (const double share : {0.0, 0.25, 0.5, 0.75, 1.0}) {
      test_support::RecordedTwin run(test_support::reference_model());
      run.twin.apply(vagal ? blockade(0.0, share, std::nan(""))
                           : blockade(0.0, std::nan(""), share));
      run.twin.advance(240.0);
      const double rate = last_minute(run, "heart_rate");
      if (vagal)
        EXPECT_GE(rate, previous - 0.2) << "vagal share " << share;  // 0.2 /min: the RSA's sampling
      else
        EXPECT_LE(rate, previous + 0.2) << "beta share " << share;
      previous = rate;
    }
  }
}

// A share outside 0-1, or an action that names neither arm, is refused with what is allowed.
TEST(AutonomicBlockade, BadSharesAreRefused) {
  const BodyModel model = test_support::reference_model();
  Action too_much = blockade(0.0, 1.5, std::nan(""));
  try {
    validate_action(too_much, model);
    FAIL() << "a vagal share of 1.5 was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("vagal 1.5 is outside the allowed range [0, 1]"),
              std::string::npos)
        << e.what();
  }
  Action neither = blockade(0.0, std::nan(""), std::nan(""));
  EXPECT_THROW(validate_action(neither, model), InputError);
}
