// The CVODE wrapper (solver/cvode_integrator.hpp): a failure names the time and the state, and
// a malformed sparse pattern is refused when the integrator is created.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "physiotwin/solver/cvode_integrator.hpp"

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

// A malformed pattern given to the integrator is a physiotwin Error naming the pattern, and
// what the integrator had created is freed (the sanitizer build checks for leaks).
TEST(SparseLinearSolver, IntegratorRejectsMalformedPatterns) {
  SolverOptions options;
  options.absolute_tolerance = {1e-8, 1e-8};
  options.sparse_column_starts = {0, 1, 2};
  options.sparse_row_indices = {1, 0};  // no diagonal
  const double y0[] = {1.0, 1.0};
  auto decay = [](double, const double* y, double* ydot, void*) noexcept {
    ydot[0] = -y[0];
    ydot[1] = -y[1];
    return true;
  };
  try {
    CvodeIntegrator solver(decay, nullptr, y0, 0.0, options, {"a", "b"});
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("sparse Jacobian pattern"), std::string::npos) << e.what();
  }
  options.sparse_column_starts = {0, 2};  // one column start too few
  EXPECT_THROW(CvodeIntegrator(decay, nullptr, y0, 0.0, options, {"a", "b"}), Error);
}
