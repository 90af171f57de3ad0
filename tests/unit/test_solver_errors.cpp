#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "../helpers.hpp"

using namespace physiotwin;

namespace {
// dy/dt = -y, but the "model" breaks (returns non-finite values) after t = 0.5.
bool breaks_at_half_second(double t, const double* y, double* ydot, void*) noexcept {
  ydot[0] = -y[0];
  ydot[1] = t > 0.5 ? std::numeric_limits<double>::quiet_NaN() : -y[1];
  return std::isfinite(ydot[1]);
}
}  // namespace

TEST(SolverErrors, FailureReportsTimeAndState) {
  SolverOptions options;
  options.absolute_tolerance = {1e-8, 1e-8};
  const double y0[] = {1.0, 1.0};
  CvodeIntegrator solver(&breaks_at_half_second, nullptr, y0, 0.0, options, {"first", "second"});
  try {
    while (solver.time() < 1.0) solver.step(1.0);
    FAIL() << "expected a SolverError";
  } catch (const SolverError& e) {
    EXPECT_NEAR(e.time(), 0.5, 0.01);
    const std::string m = e.what();
    EXPECT_NE(m.find("solver failed at t = 0.5"), std::string::npos) << m;
    EXPECT_NE(m.find("state"), std::string::npos) << m;
  }
}

TEST(SolverErrors, AdvanceRejectsNonPositiveSteps) {
  Twin twin(test_support::reference_model());
  EXPECT_THROW(twin.advance(0.0), InputError);
  EXPECT_THROW(twin.advance(-1.0), InputError);
  EXPECT_THROW(twin.advance(std::numeric_limits<double>::quiet_NaN()), InputError);
}

// How advance() is chunked must not change the result: outputs are interpolated.
TEST(Twin, ResultDoesNotDependOnHowTimeIsChunked) {
  Twin whole(test_support::reference_model()), frames(test_support::reference_model());
  whole.advance(2.0);
  for (int i = 0; i < 180; ++i) frames.advance(2.0 / 180.0);
  ASSERT_NEAR(frames.time(), 2.0, 1e-12);
  for (std::size_t i = 0; i < whole.signal_values().size(); ++i) {
    EXPECT_NEAR(whole.signal_values()[i], frames.signal_values()[i],
                1e-9 * (1.0 + std::abs(whole.signal_values()[i])))
        << whole.signals().at(i).name;
  }
}

// The analytic Jacobian agrees with central differences of the right-hand side for the
// circulation and the airways. Left out of the analytic one on purpose (see
// BodyModel::jacobian): the phase columns, the slow baroreflex's couplings and the
// pleural pressure's effect of the airway volumes on the blood compartments; those entries
// are skipped.
TEST(Jacobian, MatchesFiniteDifferencesAcrossTheBeat) {
  BodyModel model = test_support::reference_model();
  Twin twin(test_support::reference_model());
  const std::size_t n = model.state_size();
  std::vector<double> jac(n * n), plus(n), minus(n);
  for (double t : {0.05, 0.2, 0.3, 0.5, 0.7}) {
    twin.advance(t - twin.time() + 1.0);  // states from a running twin, mid-beat
    std::vector<double> y(twin.state().begin(), twin.state().end());
    model.dense_jacobian(y.data(), jac.data());
    for (std::size_t j = 0; j < n; ++j) {
      // The reflexes' couplings are left out of the Newton matrix on purpose (they are slow;
      // see BodyModel::jacobian()).
      if (j == model.phase_state() || model.state_names()[j].starts_with("baroreflex.") ||
          model.state_names()[j].starts_with("chemoreflex.")) {
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
        if (row.starts_with("baroreflex.") || row.starts_with("chemoreflex.")) continue;
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
