// The analytic Jacobian (model/model_jacobian.hpp, through BodyModel::dense_jacobian()) against
// central differences of the right-hand side.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "../../helpers.hpp"
#include "physiotwin/actions/scenario.hpp"
#include "physiotwin/core/json_reader.hpp"

using namespace physiotwin;

// The analytic Jacobian agrees with central differences of the right-hand side for the
// circulation and the airways. Left out of the analytic one on purpose (see
// BodyModel::jacobian): the phase columns, the slow baroreflex's couplings and the
// pleural pressure's effect of the airway volumes on the blood compartments; those entries
// are skipped. So are the fluid exchange's own rows and columns, and its coupling of every
// blood volume through plasma protein and haematocrit (model_jacobian.hpp): its filtration
// coefficient is set to its smallest here so that the coupling stays below the comparison's
// 1e-4, while filtration's dependence on the beds' pressures, which is in the matrix, is
// still compared.
TEST(Jacobian, MatchesFiniteDifferencesAcrossTheBeat) {
  auto with_slow_fluid = [](BodyModel m) {
    m.set_parameter("fluid.filtration_coefficient", 0.1);
    m.set_parameter("fluid.lymph_conductance", 0.0);
    return m;
  };
  BodyModel model = with_slow_fluid(test_support::reference_model());
  Twin twin(with_slow_fluid(test_support::reference_model()));
  const std::size_t n = model.state_size();
  std::vector<double> jac(n * n), plus(n), minus(n);
  for (double t : {0.05, 0.2, 0.3, 0.5, 0.7}) {
    twin.advance(t - twin.time() + 1.0);  // states from a running twin, mid-beat
    std::vector<double> y(twin.state().begin(), twin.state().end());
    model.dense_jacobian(y.data(), jac.data());
    for (std::size_t j = 0; j < n; ++j) {
      // The reflexes' couplings (and exercise's, which acts through them, the muscles'
      // conductance and the pump, and the beds' local O2 tone's) are left out of the Newton
      // matrix on purpose (they are slow; see BodyModel::jacobian()).
      if (j == model.phase_state() || model.state_names()[j].starts_with("baroreflex.") ||
          model.state_names()[j].starts_with("chemoreflex.") ||
          model.state_names()[j].starts_with("cardiopulmonary.") ||
          model.state_names()[j].starts_with("fluid.") ||
          model.state_names()[j].starts_with("exercise.") ||
          model.state_names()[j].starts_with("local_oxygen.")) {
        continue;
      }
      const double h = 1e-6 * std::max(1.0, std::abs(y[j]));
      // Opening states have kinks where central differences average two one-sided slopes:
      // the clamp at 1, and near 0 both the clamp and the closed-area floor (1e-4 cm2, reached
      // at zeta = 1e-4 / A_max, between 7e-6 and 2e-3 for the allowed areas).
      if (model.state_names()[j].ends_with(".opening") && (y[j] < 1e-3 || y[j] > 1.0 - 10 * h))
        continue;
      std::vector<double> yp = y, ym = y;
      yp[j] += h;
      ym[j] -= h;
      model.rhs(0.0, yp.data(), plus.data());
      model.rhs(0.0, ym.data(), minus.data());
      const bool airway_column = model.state_names()[j].starts_with("respiration.");
      if (model.state_names()[j] == "respiration.phase") continue;
      for (std::size_t i = 0; i < n; ++i) {
        const std::string& row = model.state_names()[i];
        // The chemoreflex's and the local O2 tone's input is the last gas step's arterial
        // blood in the solver (the full rhs here reads it from the gas states).
        if (row.starts_with("baroreflex.") || row.starts_with("chemoreflex.") ||
            row.starts_with("cardiopulmonary.") || row.starts_with("fluid.") ||
            row.starts_with("local_oxygen.")) {
          continue;
        }
        if (airway_column && !row.starts_with("respiration.")) continue;
        // The gases enter the Newton matrix by their diagonal only (each amount's dependence
        // on itself; see GasTransport::jacobian_diagonal()), so only that is compared.
        if (row.starts_with("gas.") && i != j) continue;
        const double fd = (plus[i] - minus[i]) / (2.0 * h);
        EXPECT_NEAR(jac[j * n + i], fd, 1e-4 * (1.0 + std::abs(fd)))
            << "d(" << model.state_names()[i] << ")/d(" << model.state_names()[j]
            << ") at t=" << twin.time();
      }
    }
  }
}

// The sparse Newton matrix (BodyModel::sparse_jacobian(), its pattern recorded once at rest)
// holds every entry the analytic Jacobian writes in any state, not only at rest: an entry
// outside the pattern would be added to another. Checked where exercise's piecewise targets
// have switched: the work stopped while the muscles still use O2 (the vasodilation follows the
// O2 demand), and hard work (the vagal withdrawal asks for all of it).
TEST(Jacobian, SparseMatrixHoldsEveryEntryAwayFromRest) {
  BodyModel model = test_support::reference_model();
  const std::size_t n = model.state_size(), m = model.solver_state_size();
  const auto& names = model.state_names();
  const auto index = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  };
  const SparsityPattern& pattern = model.sparsity_pattern();
  for (const auto& [work_rate, o2_demand] : {std::pair{0.0, 5.0}, std::pair{150.0, 20.0}}) {
    std::vector<double> y(n);
    model.initial_state(y);
    y[index("exercise.work_rate")] = work_rate;
    y[index("exercise.o2_demand")] = o2_demand;
    y[index("exercise.vagal_withdrawal")] = 0.5;
    y[index("exercise.post_dilation")] = 0.4;
    std::vector<double> dense(n * n), sparse(pattern.row_indices.size());
    model.dense_jacobian(y.data(), dense.data());
    model.sparse_jacobian(y.data(), sparse.data());
    std::vector<double> scattered(m * m, 0.0);
    for (std::size_t col = 0; col < m; ++col) {
      for (auto k = pattern.column_starts[col]; k < pattern.column_starts[col + 1]; ++k) {
        const auto row = static_cast<std::size_t>(pattern.row_indices[static_cast<std::size_t>(k)]);
        scattered[col * m + row] = sparse[static_cast<std::size_t>(k)];
      }
    }
    for (std::size_t col = 0; col < m; ++col) {
      for (std::size_t row = 0; row < m; ++row) {
        EXPECT_DOUBLE_EQ(scattered[col * m + row], dense[col * n + row])
            << "d(" << names[row] << ")/d(" << names[col] << ") at " << work_rate << " W";
      }
    }
    EXPECT_EQ(model.jacobian_entries_outside_pattern(), 0u) << "at " << work_rate << " W";
  }
}

// Every action through a running twin, compressed into 4 minutes (each shipped scenario's
// kind, the work stopped while the muscles still use O2 among them): the solver's Newton
// matrix never meets an entry outside the pattern recorded at rest
// (BodyModel::jacobian_entries_outside_pattern(); before 2026-12-06 such an entry went to the
// matrix's first value unseen).
TEST(Jacobian, NoEntryFallsOutsideThePatternUnderAnyAction) {
  Twin twin(test_support::reference_model());
  const nlohmann::json actions = parse_json_text(R"([
    {"time": 5, "action": "exercise", "watts": 120, "ramp": 5},
    {"time": 50, "action": "exercise", "watts": 0},
    {"time": 70, "action": "stress", "level": 1},
    {"time": 85, "action": "paced_breathing", "rate": 6},
    {"time": 110, "action": "stress", "level": 0},
    {"time": 110, "action": "paced_breathing", "rate": 0},
    {"time": 112, "action": "autonomic_blockade", "vagal": 1, "beta": 0.7},
    {"time": 114, "action": "autonomic_blockade", "vagal": 0, "beta": 0},
    {"time": 115, "action": "inspired_gas", "fio2": 0.12, "fico2": 0},
    {"time": 140, "action": "inspired_gas", "fio2": 0.2094, "fico2": 0.00042},
    {"time": 145, "action": "ventilator", "mode": "pressure_control", "rate": 14,
     "inspiratory_pressure": 5, "peep": 15, "ie_ratio": 0.5},
    {"time": 175, "action": "ventilator", "mode": "off"},
    {"time": 180, "action": "hemorrhage", "rate": 1000, "volume": 1000},
    {"time": 220, "action": "infusion", "rate": 1000, "volume": 500, "fluid": "saline"}
  ])",
                                                 "actions");
  for (std::size_t i = 0; i < actions.size(); ++i)
    twin.schedule(parse_action(JsonView(actions, "actions", "").at_index(i)));
  twin.advance(240.0);
  EXPECT_GT(twin.solver_statistics().jacobian_evaluations, 0L);
  EXPECT_EQ(twin.model().jacobian_entries_outside_pattern(), 0u);
}
