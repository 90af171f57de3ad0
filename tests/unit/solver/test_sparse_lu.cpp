// The solver's sparse LU (solver/sparse_lu.hpp), checked against Eigen's dense LU.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <physiotwin/physiotwin.hpp>
#include <physiotwin/solver/sparse_lu.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "sparse_matrices.hpp"

using namespace physiotwin;
using namespace physiotwin::test_support::sparse;

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

// A zero pivot in the planned order is reported, not divided by.
TEST(SparseLu, ReportsAZeroPivot) {
  const std::vector<long long> starts{0, 2, 4}, rows{0, 1, 0, 1};
  StaticPivotSparseLu lu(starts, rows);
  EXPECT_FALSE(lu.factorize(std::vector<double>{0.0, 1.0, 1.0, 0.0}));  // [[0 1] [1 0]]
  EXPECT_TRUE(lu.factorize(std::vector<double>{2.0, 1.0, 1.0, 2.0}));
}
