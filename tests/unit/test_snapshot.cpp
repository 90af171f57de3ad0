// Twin::snapshot() and Twin::restore() (docs/snapshots.md): a twin restored from a snapshot,
// on a freshly loaded model file, continues bit for bit as the twin that took it, taken at
// several times, with actions pending, with bleeding and an infusion in progress, under a
// ventilator, on a personalised model, where a budget stopped it; a snapshot of another
// model, or damaged bytes, is refused with a message naming both.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <span>

#include "../helpers.hpp"
#include "physiotwin/twin.hpp"

using namespace physiotwin;
using test_support::contains;
using test_support::hemorrhage;
using test_support::infusion;

namespace {

/// The adult model file as a user loads it, before any personalisation: what restore() takes.
BodyModel fresh_adult() {
  return load_circulation(test_support::model_path("circulation/adult.json"));
}

/// The same values in every bit (NaN included: a metric before its first beat).
bool same_bits(std::span<const double> a, std::span<const double> b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size_bytes()) == 0;
}

/// Frames of 1/90 s until `time`.
void frames_until(Twin& twin, double time) {
  while (twin.time() < time - 1e-12) twin.advance(1.0 / 90.0);
}

/// Advances both twins in 1/90 s frames for `seconds`, and counts the frames after which any
/// state, signal, time or last-beat metric differs in any bit.
int frames_that_differ(Twin& a, Twin& b, double seconds) {
  int differ = 0;
  const double end = a.time() + seconds;
  while (a.time() < end) {
    a.advance(1.0 / 90.0);
    b.advance(1.0 / 90.0);
    const bool same =
        a.time() == b.time() && same_bits(a.state(), b.state()) &&
        same_bits(a.signal_values(), b.signal_values()) &&
        a.beats().completed() == b.beats().completed() &&
        same_bits(a.beats().last_beat(), b.beats().last_beat()) &&
        (!a.breaths() || same_bits(a.breaths()->last_breath(), b.breaths()->last_breath()));
    if (!same) ++differ;
  }
  return differ;
}

Action set_heart_rate(double time, double value) {
  Action a;
  a.kind = ActionKind::set_parameter;
  a.time = time;
  a.parameter = "heart.rate";
  a.value = value;
  return a;
}

}  // namespace

// At the start, mid-beat a few seconds in, and after half a minute (breaths completed).
TEST(Snapshot, ARestoredTwinContinuesBitForBitFromSeveralTimes) {
  for (const double at : {0.0, 7.3, 31.05}) {
    Twin original(test_support::reference_model());
    frames_until(original, at);
    Twin restored = Twin::restore(fresh_adult(), original.snapshot());
    EXPECT_EQ(restored.time(), original.time()) << "at " << at << " s";
    EXPECT_EQ(frames_that_differ(original, restored, 12.0), 0) << "taken at " << at << " s";
  }
}

// Bleeding under way, an infusion under way, a parameter change and a blockade (whose shares
// are the action's own fields) still to come: the restored twin ends the streams and applies
// the changes at the same instants.
TEST(Snapshot, CarriesBleedingInfusionAndPendingActions) {
  Twin original(test_support::reference_model());
  original.schedule(hemorrhage(2.0, 600.0, 400.0));  // 40 s of bleeding
  original.schedule(infusion(5.0, 300.0, 100.0));    // 20 s of saline
  original.schedule(set_heart_rate(30.0, 95.0));
  Action blockade;
  blockade.kind = ActionKind::autonomic_blockade;
  blockade.time = 35.0;
  blockade.beta_blockade = 0.5;  // vagal left as it is (NaN)
  original.schedule(blockade);
  frames_until(original, 12.0);
  const auto bytes = original.snapshot();
  Twin restored = Twin::restore(fresh_adult(), bytes);
  EXPECT_EQ(frames_that_differ(original, restored, 40.0), 0);
  EXPECT_EQ(restored.model().parameters.value("heart.rate"), 95.0);
  EXPECT_EQ(restored.model().parameters.value("baroreflex.beta_blockade"), 0.5);
  EXPECT_EQ(restored.model().parameters.value("baroreflex.vagal_blockade"), 0.0);
  // The same snapshot restores again, identically: it is a value, not a handle.
  Twin again = Twin::restore(fresh_adult(), bytes);
  frames_until(again, restored.time());
  EXPECT_TRUE(same_bits(again.state(), restored.state()));
}

// The bleeds and infusions so far, which a failure's message names (FluidHistory): the latest
// in words and the earlier ones as totals.
TEST(Snapshot, CarriesTheBleedsAFailureNames) {
  Twin original(test_support::reference_model());
  for (int i = 0; i < 6; ++i) original.schedule(hemorrhage(0.5 * i, 600.0, 1.0));
  frames_until(original, 4.0);
  Twin restored = Twin::restore(fresh_adult(), original.snapshot());
  restored.set_parameter("brain_arterioles.resistance", 1e-5);  // drives the O2 below zero
  const std::string e = test_support::solver_error_after(restored, 30.0);
  EXPECT_TRUE(contains(e,
                       "2 earlier hemorrhage and infusion actions (2 mL bled, 0 mL infused), "
                       "hemorrhage of 1 mL from 1 s"))
      << e;
  EXPECT_TRUE(contains(e, "hemorrhage of 1 mL from 2.5 s")) << e;
}

// The ventilator's settings and the breath in progress under it.
TEST(Snapshot, CarriesAVentilator) {
  Twin original(test_support::reference_model());
  Action ventilate;
  ventilate.kind = ActionKind::ventilator;
  ventilate.time = 3.0;
  ventilate.ventilator = {
      resp::VentilatorMode::volume_control, 16, 0.5, 5 * units::mmHg_per_cmH2O, 0.0, 480};
  original.schedule(ventilate);
  frames_until(original, 9.1);
  Twin restored = Twin::restore(fresh_adult(), original.snapshot());
  EXPECT_EQ(restored.model().ventilator().mode, resp::VentilatorMode::volume_control);
  EXPECT_EQ(frames_that_differ(original, restored, 15.0), 0);
}

// A twin of another body (the reference woman) with a changed parameter: the snapshot brings
// the personalisation, the plain model file is enough to restore it.
TEST(Snapshot, CarriesThePersonalisation) {
  Twin original(test_support::reference_model("adult_female"));
  frames_until(original, 4.0);
  original.set_parameter("heart.rate", 64.0);
  frames_until(original, 6.0);
  Twin restored = Twin::restore(fresh_adult(), original.snapshot());
  EXPECT_EQ(restored.model().parameters.value("blood.volume"),
            original.model().parameters.value("blood.volume"));
  EXPECT_EQ(frames_that_differ(original, restored, 10.0), 0);
}

// Where a step budget stopped a call: the restored twin catches up as the original does.
TEST(Snapshot, TakenWhereABudgetStopped) {
  Twin original(test_support::reference_model());
  frames_until(original, 3.0);
  ASSERT_FALSE(original.advance(1.0, AdvanceBudget{2, 0.0}));
  Twin restored = Twin::restore(fresh_adult(), original.snapshot());
  EXPECT_EQ(restored.time(), original.time());
  EXPECT_EQ(frames_that_differ(original, restored, 5.0), 0);
}

// Smith 2004's ideal valves: their open or closed state is history, not a function of the
// state vector, and must travel in the snapshot.
TEST(Snapshot, CarriesIdealValveStates) {
  const auto smith = [] {
    return load_circulation(test_support::model_path("circulation/smith2004.json"));
  };
  Twin original(smith());
  for (const double at : {0.37, 1.77}) {
    frames_until(original, at);
    Twin restored = Twin::restore(smith(), original.snapshot());
    Twin reference(original);
    EXPECT_EQ(frames_that_differ(reference, restored, 3.0), 0) << "taken at " << at << " s";
  }
}

TEST(Snapshot, RefusesAnotherModel) {
  Twin original(test_support::reference_model());
  original.advance(0.5);
  const auto bytes = original.snapshot();
  try {
    (void)Twin::restore(load_circulation(test_support::model_path("circulation/smith2004.json")),
                        bytes);
    FAIL() << "restored on another model";
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.what(), "taken of model")) << e.what();
    EXPECT_TRUE(contains(e.what(), "smith2004.json")) << e.what();
  }
}

TEST(Snapshot, RefusesDamagedBytes) {
  Twin original(test_support::reference_model());
  original.advance(0.5);
  auto bytes = original.snapshot();
  const std::vector<std::uint8_t> not_cbor{'h', 'e', 'l', 'l', 'o'};
  EXPECT_THROW((void)Twin::restore(fresh_adult(), not_cbor), InputError);
  std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + long(bytes.size() / 2));
  EXPECT_THROW((void)Twin::restore(fresh_adult(), cut), InputError);
  // One bit changed anywhere in the content: the seal (SHA-256) refuses it.
  bytes[bytes.size() / 2] ^= 0x10;
  try {
    (void)Twin::restore(fresh_adult(), bytes);
    FAIL() << "restored a damaged snapshot";
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.what(), "damaged")) << e.what();
  }
  const std::vector<std::uint8_t> other_json = nlohmann::json::to_cbor(nlohmann::json{{"a", 1}});
  EXPECT_THROW((void)Twin::restore(fresh_adult(), other_json), InputError);
}
