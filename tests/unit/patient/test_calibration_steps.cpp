// The pieces calibration (src/patient/calibration.cpp) is built from (calibration_steps.hpp),
// each checked against what it must satisfy by construction. Whether calibrated twins hold
// their targets is checked by re-simulating them: tests/validation/test_calibration.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>
#include "patient/calibration_steps.hpp"

#include "../../helpers.hpp"

using namespace physiotwin;

// The shunt found for an SpO2 gives that SpO2 back through the lungs' O2 balance
// C_a = C_c'(P_A) - s VO2 / (CO (1 - s)): the inverse, computed forward.
TEST(Calibration, ShuntForSpo2InvertsTheOxygenBalance) {
  BodyModel model = test_support::reference_model();
  RestingValues v;
  v.alveolar_po2 = 100.0;
  v.arterial_pco2 = 40.0;
  v.cardiac_output = 5.0;    // L/min
  v.o2_consumption = 250.0;  // mL/min
  const auto& d = gas::dissociation_for(model.parameters.value("gas.hemoglobin"));
  for (double spo2 : {95.0, 90.0, 80.0}) {
    const double s = physiotwin::detail::shunt_for_spo2(model, v, spo2);
    ASSERT_GT(s, 0.0) << spo2;
    const double end_capillary = gas::blood_content(d, 100.0, 40.0).o2;
    const double arterial = end_capillary - s * 250.0 / (5000.0 * (1.0 - s));
    const auto p = gas::partial_pressures(d, arterial, gas::blood_content(d, 100.0, 40.0).co2);
    EXPECT_NEAR(100.0 * p.saturation, spo2, 0.05) << "shunt " << s;
  }
  // Above what blood at the alveolar PO2 carries: no shunt can give it (negative answer).
  EXPECT_LT(physiotwin::detail::shunt_for_spo2(model, v, 99.9), 0.0);
}

// The mechanics alone (what the pressures are fitted on): no gas or chemoreflex states, both
// reflexes off, and its states move into the whole model by name.
TEST(Calibration, OpenLoopMechanicsKeepsTheMechanicsAndMovesStatesByName) {
  const BodyModel model = test_support::reference_model();
  const BodyModel open = physiotwin::detail::open_loop_mechanics(model);
  EXPECT_LT(open.state_size(), model.state_size());
  EXPECT_FALSE(open.gas_exchange);
  EXPECT_FALSE(open.chemoreflex);
  EXPECT_EQ(open.parameters.value("baroreflex.enabled"), 0.0);
  std::vector<double> y(open.state_size());
  open.initial_state(y);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] += 0.25 * double(i);  // a recognisable state
  const auto moved = physiotwin::detail::transfer_state(open, y, model);
  const auto& names = model.state_names();
  for (std::size_t i = 0; i < open.state_size(); ++i) {
    const auto at = std::find(names.begin(), names.end(), open.state_names()[i]);
    ASSERT_NE(at, names.end()) << open.state_names()[i];
    if (open.state_names()[i].starts_with("baroreflex.") &&
        open.state_names()[i] != "baroreflex.filtered_pressure") {
      continue;  // the effectors start at the whole model's rest
    }
    EXPECT_EQ(moved[std::size_t(at - names.begin())], y[i]) << open.state_names()[i];
  }
}
