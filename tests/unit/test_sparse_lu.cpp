// The solver's sparse LU (solver/sparse_lu.hpp) and the SUNDIALS matrix operations and linear
// solver built on it (solver/sparse_linear_solver.hpp), checked against Eigen's dense LU and
// SUNDIALS' own sparse-matrix functions.
#include <gtest/gtest.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include <Eigen/Dense>
#include <physiotwin/physiotwin.hpp>
#include <physiotwin/solver/sparse_linear_solver.hpp>
#include <physiotwin/solver/sparse_lu.hpp>
#include <random>
#include <vector>

#include "../helpers.hpp"

using namespace physiotwin;

namespace {

struct SparseMatrix {
  std::size_t n = 0;
  std::vector<long long> starts, rows;
  std::vector<double> values;

  [[nodiscard]] Eigen::MatrixXd dense() const {
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(Eigen::Index(n), Eigen::Index(n));
    for (std::size_t c = 0; c < n; ++c) {
      for (auto k = starts[c]; k < starts[c + 1]; ++k) {
        a(Eigen::Index(rows[std::size_t(k)]), Eigen::Index(c)) = values[std::size_t(k)];
      }
    }
    return a;
  }
};

/// A random n x n matrix with about `per_column` off-diagonal entries per column and a
/// diagonal that dominates its column by `dominance` (a Newton matrix I - gamma J is like
/// this); the diagonal entry is first in its column only when `diagonal_first`.
SparseMatrix random_matrix(std::size_t n, int per_column, double dominance, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<std::size_t> row(0, n - 1);
  std::uniform_real_distribution<double> value(-1.0, 1.0);
  SparseMatrix m;
  m.n = n;
  m.starts.push_back(0);
  for (std::size_t c = 0; c < n; ++c) {
    std::vector<char> used(n, 0);
    used[c] = 1;
    for (int k = 0; k < per_column; ++k) used[row(random)] = 1;
    double column_sum = 0.0;
    std::size_t diagonal = 0;
    for (std::size_t r = 0; r < n; ++r) {
      if (!used[r]) continue;
      if (r == c) diagonal = m.values.size();
      m.rows.push_back((long long)r);
      m.values.push_back(r == c ? 0.0 : value(random));
      column_sum += std::abs(m.values.back());
    }
    m.values[diagonal] = (value(random) < 0 ? -1.0 : 1.0) * (dominance * column_sum + 0.1);
    m.starts.push_back((long long)m.rows.size());
  }
  return m;
}

Eigen::VectorXd random_vector(std::size_t n, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> value(-10.0, 10.0);
  Eigen::VectorXd b(static_cast<Eigen::Index>(n));
  for (Eigen::Index i = 0; i < b.size(); ++i) b(i) = value(random);
  return b;
}

SUNMatrix to_sundials(const SparseMatrix& m, SUNContext context) {
  SUNMatrix a = SUNSparseMatrix(sunindextype(m.n), sunindextype(m.n), sunindextype(m.values.size()),
                                CSC_MAT, context);
  std::copy(m.starts.begin(), m.starts.end(), SM_INDEXPTRS_S(a));
  std::copy(m.rows.begin(), m.rows.end(), SM_INDEXVALS_S(a));
  std::copy(m.values.begin(), m.values.end(), SM_DATA_S(a));
  return a;
}

SparseMatrix from_sundials(SUNMatrix a) {
  SparseMatrix m;
  m.n = std::size_t(SM_COLUMNS_S(a));
  m.starts.assign(SM_INDEXPTRS_S(a), SM_INDEXPTRS_S(a) + m.n + 1);
  const auto nnz = std::size_t(m.starts.back());
  m.rows.assign(SM_INDEXVALS_S(a), SM_INDEXVALS_S(a) + nnz);
  m.values.assign(SM_DATA_S(a), SM_DATA_S(a) + nnz);
  return m;
}

struct Context {
  Context() { SUNContext_Create(nullptr, &context); }
  ~Context() { SUNContext_Free(&context); }
  SUNContext context = nullptr;
};

}  // namespace

// Solutions agree with dense LU with partial pivoting to round-off (relative 1e-12: the
// matrices are well conditioned, so both are accurate to a few ulps times n).
TEST(SparseLu, SolvesLikeDenseLu) {
  for (std::size_t n : {1u, 2u, 7u, 40u, 120u}) {
    for (unsigned seed = 1; seed <= 5; ++seed) {
      const SparseMatrix m = random_matrix(n, 3, 1.5, seed);
      StaticPivotSparseLu lu(m.starts, m.rows);
      ASSERT_TRUE(lu.factorize(m.values)) << "n " << n << " seed " << seed;
      const Eigen::VectorXd b = random_vector(n, seed + 100);
      const Eigen::VectorXd expected = m.dense().partialPivLu().solve(b);
      Eigen::VectorXd x = b;
      lu.solve({x.data(), n});
      EXPECT_LE((x - expected).norm(), 1e-12 * expected.norm()) << "n " << n << " seed " << seed;
    }
  }
}

// Refactorising with new values over the same pattern gives the new matrix's solution.
TEST(SparseLu, RefactorisesWithNewValues) {
  SparseMatrix m = random_matrix(30, 2, 2.0, 7);
  StaticPivotSparseLu lu(m.starts, m.rows);
  ASSERT_TRUE(lu.factorize(m.values));
  for (auto& v : m.values) v *= -3.0;
  ASSERT_TRUE(lu.factorize(m.values));
  const Eigen::VectorXd b = random_vector(30, 8);
  Eigen::VectorXd x = b;
  lu.solve({x.data(), 30});
  EXPECT_LE((m.dense() * x - b).norm(), 1e-12 * b.norm());
}

// An arrow matrix (a hub row and column) has no fill-in when the hub is eliminated last,
// which the minimum-degree order does; eliminated first it would fill the whole matrix.
TEST(SparseLu, MinimumDegreeOrderAvoidsFillIn) {
  const std::size_t n = 20;
  SparseMatrix m;
  m.n = n;
  m.starts.push_back(0);
  for (std::size_t c = 0; c < n; ++c) {
    for (std::size_t r = 0; r < n; ++r) {
      if (r == c || r == 0 || c == 0) {
        m.rows.push_back((long long)r);
        m.values.push_back(r == c ? 10.0 : 1.0);
      }
    }
    m.starts.push_back((long long)m.rows.size());
  }
  StaticPivotSparseLu lu(m.starts, m.rows);
  EXPECT_EQ(lu.factor_nonzeros(), m.values.size());
  ASSERT_TRUE(lu.factorize(m.values));
  const Eigen::VectorXd b = random_vector(n, 3);
  Eigen::VectorXd x = b;
  lu.solve({x.data(), n});
  EXPECT_LE((m.dense() * x - b).norm(), 1e-12 * b.norm());
}

// The reference adult's Newton matrix: the pattern the twin uses. Its fill-in stays small
// (measured: 197 factor entries for 143 non-zeros; twice the pattern would mean the order
// had stopped working).
TEST(SparseLu, ReferenceAdultPatternFactorisesWithLittleFillIn) {
  const auto model =
      load_circulation(std::string(PHYSIOTWIN_MODELS_DIR) + "/circulation/adult.json");
  const auto& pattern = model.sparsity_pattern();
  StaticPivotSparseLu lu(pattern.column_starts, pattern.row_indices);
  EXPECT_EQ(lu.size(), model.solver_state_size());
  EXPECT_LT(lu.factor_nonzeros(), 2 * pattern.row_indices.size());
}

TEST(SparseLu, RejectsMalformedPatterns) {
  const std::vector<long long> no_diagonal_starts{0, 1, 2}, no_diagonal_rows{1, 0};
  EXPECT_THROW(StaticPivotSparseLu(no_diagonal_starts, no_diagonal_rows), std::invalid_argument);
  const std::vector<long long> bad_starts{0, 2, 1}, rows{0, 1};
  EXPECT_THROW(StaticPivotSparseLu(bad_starts, rows), std::invalid_argument);
  const std::vector<long long> starts{0, 1, 2}, out_of_range{0, 5};
  EXPECT_THROW(StaticPivotSparseLu(starts, out_of_range), std::invalid_argument);
  EXPECT_THROW(StaticPivotSparseLu(std::vector<long long>{}, rows), std::invalid_argument);
  const std::vector<long long> twice_starts{0, 2, 3}, twice_rows{0, 0, 1};  // (0, 0) twice
  EXPECT_THROW(StaticPivotSparseLu(twice_starts, twice_rows), std::invalid_argument);
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

// A zero pivot in the planned order is reported, not divided by.
TEST(SparseLu, ReportsAZeroPivot) {
  const std::vector<long long> starts{0, 2, 4}, rows{0, 1, 0, 1};
  StaticPivotSparseLu lu(starts, rows);
  EXPECT_FALSE(lu.factorize(std::vector<double>{0.0, 1.0, 1.0, 0.0}));  // [[0 1] [1 0]]
  EXPECT_TRUE(lu.factorize(std::vector<double>{2.0, 1.0, 1.0, 2.0}));
}

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
