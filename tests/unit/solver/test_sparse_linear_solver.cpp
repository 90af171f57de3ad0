// CVODE's linear solver and sparse-matrix operations (solver/sparse_linear_solver.hpp), built
// on the planned sparse LU: checked against SUNDIALS' own sparse-matrix functions, through
// SUNDIALS, and on the reference adult's Newton matrices.
#include <gtest/gtest.h>
#include <nvector/nvector_serial.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include <Eigen/Dense>
#include <algorithm>
#include <physiotwin/solver/sparse_linear_solver.hpp>
#include <vector>

#include "../../helpers.hpp"
#include "sparse_matrices.hpp"

using namespace physiotwin;
using namespace physiotwin::test_support::sparse;

// Through SUNDIALS: a matrix the planned pivots cannot factorise is solved by dense LU
// with partial pivoting; a singular one is a recoverable failure for CVODE.
TEST(SparseLinearSolver, FallsBackToDenseLuAndReportsSingularMatrices) {
  Context c;
  SparseMatrix m;
  m.n = 2;
  m.starts = {0, 2, 4};
  m.rows = {0, 1, 0, 1};
  m.values = {0.0, 3.0, 2.0, 0.0};  // [[0 2] [3 0]]
  SUNMatrix a = to_sundials(m, c.context);
  SUNLinearSolver s = sparse_solver::make_linear_solver(c.context, m.starts, m.rows);
  ASSERT_EQ(SUNLinSolInitialize(s), SUNLS_SUCCESS);
  ASSERT_EQ(SUNLinSolSetup(s, a), SUNLS_SUCCESS);
  EXPECT_EQ(sparse_solver::dense_fallbacks(s), 1);
  N_Vector x = N_VNew_Serial(2, c.context), b = N_VNew_Serial(2, c.context);
  NV_Ith_S(b, 0) = 4.0;
  NV_Ith_S(b, 1) = 9.0;
  ASSERT_EQ(SUNLinSolSolve(s, a, x, b, 0.0), SUNLS_SUCCESS);
  EXPECT_NEAR(NV_Ith_S(x, 0), 3.0, 1e-14);  // 3 x0 = 9
  EXPECT_NEAR(NV_Ith_S(x, 1), 2.0, 1e-14);  // 2 x1 = 4

  std::fill_n(SM_DATA_S(a), 4, 0.0);
  SM_DATA_S(a)[0] = 1.0;  // [[1 0] [0 0]]: singular
  EXPECT_EQ(SUNLinSolSetup(s, a), SUNLS_LUFACT_FAIL);
  N_VDestroy(x);
  N_VDestroy(b);
  SUNLinSolFree(s);
  SUNMatDestroy(a);
}

TEST(SparseLinearSolver, SolvesThroughSundials) {
  Context c;
  const SparseMatrix m = random_matrix(25, 3, 1.2, 11);
  SUNMatrix a = to_sundials(m, c.context);
  SUNLinearSolver s = sparse_solver::make_linear_solver(c.context, m.starts, m.rows);
  ASSERT_EQ(SUNLinSolSetup(s, a), SUNLS_SUCCESS);
  EXPECT_EQ(sparse_solver::dense_fallbacks(s), 0);
  N_Vector x = N_VNew_Serial(25, c.context), b = N_VNew_Serial(25, c.context);
  const Eigen::VectorXd rhs = random_vector(25, 12);
  std::copy(rhs.begin(), rhs.end(), N_VGetArrayPointer(b));
  ASSERT_EQ(SUNLinSolSolve(s, a, x, b, 0.0), SUNLS_SUCCESS);
  const Eigen::Map<Eigen::VectorXd> solution(N_VGetArrayPointer(x), 25);
  EXPECT_LE((m.dense() * solution - rhs).norm(), 1e-12 * rhs.norm());
  N_VDestroy(x);
  N_VDestroy(b);
  SUNLinSolFree(s);
  SUNMatDestroy(a);
}

// The accelerated zero, copy and scale-add-identity give what SUNDIALS' own functions give,
// including when the diagonal is missing from the pattern (SUNDIALS then inserts it).
TEST(SparseMatrixOps, MatchSundials) {
  Context c;
  const SparseMatrix m = random_matrix(15, 2, 1.0, 21);
  SUNMatrix fast = to_sundials(m, c.context), reference = to_sundials(m, c.context);
  sparse_solver::accelerate(fast);
  ASSERT_EQ(SUNMatScaleAddI(-0.37, fast), 0);
  ASSERT_EQ(SUNMatScaleAddI_Sparse(-0.37, reference), 0);
  EXPECT_EQ(from_sundials(fast).values, from_sundials(reference).values);

  SUNMatrix copy = SUNMatClone(fast);  // clones are accelerated too
  EXPECT_EQ(copy->ops->copy, fast->ops->copy);
  ASSERT_EQ(SUNMatCopy(fast, copy), 0);
  EXPECT_EQ(from_sundials(copy).values, from_sundials(fast).values);
  EXPECT_EQ(from_sundials(copy).rows, from_sundials(fast).rows);

  ASSERT_EQ(SUNMatZero(copy), 0);
  for (double v : from_sundials(copy).values) EXPECT_EQ(v, 0.0);

  SparseMatrix no_diagonal;  // [[0 1] [1 0]] without diagonal entries
  no_diagonal.n = 2;
  no_diagonal.starts = {0, 1, 2};
  no_diagonal.rows = {1, 0};
  no_diagonal.values = {1.0, 1.0};
  SUNMatrix off = to_sundials(no_diagonal, c.context);
  sparse_solver::accelerate(off);
  ASSERT_EQ(SUNMatScaleAddI(2.0, off), 0);
  EXPECT_EQ(from_sundials(off).dense(), (Eigen::Matrix2d() << 1.0, 2.0, 2.0, 1.0).finished());
  for (SUNMatrix x : {fast, reference, copy, off}) SUNMatDestroy(x);
}

// The claim in sparse_lu.hpp: the twin's Newton matrices factorise with the planned diagonal
// pivots, through systole, diastole and breathing, without the dense fallback.
TEST(SparseLinearSolver, PlannedPivotsSufficeForTheReferenceAdult) {
  Twin twin(test_support::reference_model());
  twin.advance(10.0);
  const auto statistics = twin.solver_statistics();
  EXPECT_GT(statistics.jacobian_evaluations, 100);
  EXPECT_EQ(statistics.dense_factorisations, 0);
}
