#pragma once
// Random sparse matrices in compressed sparse columns and their SUNDIALS form, shared by the
// tests of solver/sparse_lu.hpp (test_sparse_lu.cpp) and solver/sparse_linear_solver.hpp
// (test_sparse_linear_solver.cpp).
#include <sundials/sundials_context.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

namespace physiotwin::test_support::sparse {

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
inline SparseMatrix random_matrix(std::size_t n, int per_column, double dominance, unsigned seed) {
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

inline Eigen::VectorXd random_vector(std::size_t n, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> value(-10.0, 10.0);
  Eigen::VectorXd b(static_cast<Eigen::Index>(n));
  for (Eigen::Index i = 0; i < b.size(); ++i) b(i) = value(random);
  return b;
}

inline SUNMatrix to_sundials(const SparseMatrix& m, SUNContext context) {
  SUNMatrix a = SUNSparseMatrix(sunindextype(m.n), sunindextype(m.n), sunindextype(m.values.size()),
                                CSC_MAT, context);
  std::copy(m.starts.begin(), m.starts.end(), SM_INDEXPTRS_S(a));
  std::copy(m.rows.begin(), m.rows.end(), SM_INDEXVALS_S(a));
  std::copy(m.values.begin(), m.values.end(), SM_DATA_S(a));
  return a;
}

inline SparseMatrix from_sundials(SUNMatrix a) {
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

}  // namespace physiotwin::test_support::sparse
