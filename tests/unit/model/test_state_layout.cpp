// model/state_layout.hpp: every state's name, kind and index agree, and the solver's
// tolerances follow the kinds.
#include <gtest/gtest.h>

#include "../../helpers.hpp"
#include "physiotwin/model/state_layout.hpp"
#include "physiotwin/twin.hpp"

using namespace physiotwin;

TEST(StateLayout, NamesKindsAndIndicesAgree) {
  const BodyModel model = test_support::reference_model();
  const StateLayout& l = model.layout();
  ASSERT_EQ(l.names.size(), l.kinds.size());
  EXPECT_EQ(l.count, l.names.size());
  EXPECT_EQ(l.names[l.heart_phase], "heart.phase");
  EXPECT_EQ(l.names[l.external_volume], "blood.external_volume");
  EXPECT_EQ(l.names[l.airway_volume], "respiration.larynx_volume");
  EXPECT_EQ(l.names[l.breath_phase], "respiration.phase");
  EXPECT_EQ(l.names[l.baroreflex], "baroreflex.filtered_pressure");
  EXPECT_EQ(l.names[l.chemoreflex].rfind("chemoreflex.", 0), 0u);
  EXPECT_EQ(l.names[l.gas_blood], "gas." + model.compartments[0].name + ".o2");
  EXPECT_EQ(l.names[l.gas_air], "gas.larynx.o2");
  for (std::size_t c = 0; c < model.compartments.size(); ++c) {
    EXPECT_EQ(l.names[c], model.compartments[c].name + ".volume");
    EXPECT_EQ(l.kinds[c], StateKind::blood_volume);
  }
  for (std::size_t k = 0; k < model.connections.size(); ++k) {
    if (!has_flow_state(model.connections[k].kind)) continue;
    EXPECT_EQ(l.names[l.flow[k]], model.connections[k].name + ".flow");
    EXPECT_EQ(l.kinds[l.flow[k]], StateKind::blood_flow);
    if (model.connections[k].kind == ConnectionKind::valve) {
      EXPECT_EQ(l.names[l.opening[k]], model.connections[k].name + ".opening");
      EXPECT_EQ(l.kinds[l.opening[k]], StateKind::valve_opening);
    }
  }
  // The gases, and only they, come after the solver's states.
  for (std::size_t i = 0; i < l.count; ++i) {
    EXPECT_EQ(l.kinds[i] == StateKind::gas_amount, i >= l.solver_size) << l.names[i];
  }
}

// Tolerances are chosen by kind; the choice must be the one the names imply (a flow gets the
// flow tolerance, a valve opening the opening tolerance, the phases 1e-9 cycles, the rest the
// volume tolerance), for every solver state.
TEST(StateLayout, SolverTolerancesFollowTheStateKinds) {
  const BodyModel model = test_support::reference_model();
  TwinOptions o;
  o.volume_tolerance = 1.0;
  o.flow_tolerance = 2.0;
  o.opening_tolerance = 3.0;
  const auto atol = absolute_tolerances(model, o);
  ASSERT_EQ(atol.size(), model.solver_state_size());
  for (std::size_t i = 0; i < atol.size(); ++i) {
    const std::string& n = model.state_names()[i];
    const double expected = n.ends_with(".flow")      ? 2.0
                            : n.ends_with(".opening") ? 3.0
                            : n.ends_with(".phase")   ? 1e-9
                                                      : 1.0;
    EXPECT_EQ(atol[i], expected) << n;
  }
}
