#pragma once
// CVODE's Newton systems through StaticPivotSparseLu (solver/sparse_lu.hpp), and faster
// operations for the sparse matrix CVODE assembles them in.
//
// Each Newton matrix setup CVODE does (zero, Jacobian, copy to its saved Jacobian, M = I -
// gamma J) runs through the matrix's operation table. Debian's SUNDIALS is built without
// optimisation (docs/performance.md), and its sparse copy, zero and scale-add loops cost as
// much as the factorisation; so, as for the vectors (solver/fast_serial_vector.hpp), the
// matrix keeps its layout and its hot operations point at loops compiled with our flags.
// The linear solver is a SUNDIALS "custom direct" solver: CVODE hands it M in compressed
// sparse columns; it factorises it with the pattern's planned pivots, or, when a pivot is
// too small (or the matrix does not have the planned pattern), with dense LU and partial
// pivoting (Eigen) for that matrix. A singular matrix is a failure CVODE recovers from (with a
// smaller step).
#include <nvector/nvector_serial.h>
#include <sundials/sundials_linearsolver.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "physiotwin/solver/sparse_lu.hpp"

namespace physiotwin::sparse_solver {

namespace detail {

inline bool compatible(SUNMatrix a, SUNMatrix b) noexcept {
  return SUNMatGetID(a) == SUNMATRIX_SPARSE && SUNMatGetID(b) == SUNMATRIX_SPARSE &&
         SM_SPARSETYPE_S(a) == SM_SPARSETYPE_S(b) && SM_ROWS_S(a) == SM_ROWS_S(b) &&
         SM_COLUMNS_S(a) == SM_COLUMNS_S(b);
}

/// A = 0: the values only. The pattern stays, which is still a zero matrix; CVODE's
/// Jacobian function rewrites the pattern anyway (CvodeIntegrator::jacobian_adapter).
inline int zero(SUNMatrix a) noexcept {
  std::fill_n(SM_DATA_S(a), SM_NNZ_S(a), 0.0);
  return 0;
}

/// B = A, pattern and values, when B has room; otherwise SUNDIALS' copy (which reallocates).
inline int copy(SUNMatrix a, SUNMatrix b) noexcept {
  if (!compatible(a, b)) return SUNMatCopy_Sparse(a, b);
  const sunindextype used = SM_INDEXPTRS_S(a)[SM_NP_S(a)];
  if (used > SM_NNZ_S(b)) return SUNMatCopy_Sparse(a, b);
  std::memcpy(SM_INDEXPTRS_S(b), SM_INDEXPTRS_S(a), sizeof(sunindextype) * (SM_NP_S(a) + 1));
  std::memcpy(SM_INDEXVALS_S(b), SM_INDEXVALS_S(a), sizeof(sunindextype) * used);
  std::memcpy(SM_DATA_S(b), SM_DATA_S(a), sizeof(realtype) * used);
  return 0;
}

/// A = c A + I, when every diagonal entry is in A's pattern; otherwise SUNDIALS' version
/// (which inserts the missing ones).
inline int scale_add_identity(realtype c, SUNMatrix a) noexcept {
  if (SM_SPARSETYPE_S(a) != CSC_MAT || SM_ROWS_S(a) != SM_COLUMNS_S(a)) {
    return SUNMatScaleAddI_Sparse(c, a);
  }
  const sunindextype n = SM_COLUMNS_S(a);
  const sunindextype* starts = SM_INDEXPTRS_S(a);
  const sunindextype* rows = SM_INDEXVALS_S(a);
  sunindextype diagonals = 0;
  for (sunindextype j = 0; j < n; ++j) {
    for (sunindextype k = starts[j]; k < starts[j + 1]; ++k) diagonals += rows[k] == j;
  }
  if (diagonals != n) return SUNMatScaleAddI_Sparse(c, a);
  realtype* values = SM_DATA_S(a);
  for (sunindextype j = 0; j < n; ++j) {
    for (sunindextype k = starts[j]; k < starts[j + 1]; ++k) {
      values[k] = c * values[k] + (rows[k] == j ? 1.0 : 0.0);
    }
  }
  return 0;
}

inline SUNMatrix clone(SUNMatrix a) noexcept;

inline void point_at_fast_ops(SUNMatrix a) noexcept {
  a->ops->zero = zero;
  a->ops->copy = copy;
  a->ops->scaleaddi = scale_add_identity;
  a->ops->clone = clone;
}

/// Clones (CVODE's saved Jacobian) get the fast operations too.
inline SUNMatrix clone(SUNMatrix a) noexcept {
  SUNMatrix b = SUNMatClone_Sparse(a);
  if (b != nullptr) point_at_fast_ops(b);
  return b;
}

/// The solver's state: the planned sparse LU, and dense LU for matrices it cannot pivot.
struct Content {
  Content(std::span<const long long> column_starts, std::span<const long long> row_indices)
      : lu(column_starts, row_indices),
        pattern_starts(column_starts.begin(), column_starts.end()),
        pattern_rows(row_indices.begin(), row_indices.end()) {}
  StaticPivotSparseLu lu;
  /// The pattern the LU was planned for, in SUNDIALS' index type (matrices are compared with
  /// it and have it written into them).
  std::vector<sunindextype> pattern_starts, pattern_rows;
  bool dense = false;  ///< the last setup fell back to dense LU
  Eigen::PartialPivLU<Eigen::MatrixXd> dense_lu;
  long long last_flag = 0;
  long long dense_fallbacks = 0;

  /// Whether m has exactly the pattern the LU was planned for.
  [[nodiscard]] bool has_planned_pattern(SUNMatrix m) const noexcept {
    if (SM_SPARSETYPE_S(m) != CSC_MAT || std::size_t(SM_COLUMNS_S(m)) != lu.size() ||
        std::size_t(SM_ROWS_S(m)) != lu.size()) {
      return false;
    }
    const sunindextype* starts = SM_INDEXPTRS_S(m);
    if (std::size_t(starts[lu.size()]) != pattern_rows.size()) return false;
    return std::equal(pattern_starts.begin(), pattern_starts.end(), starts) &&
           std::equal(pattern_rows.begin(), pattern_rows.end(), SM_INDEXVALS_S(m));
  }

  int setup(SUNMatrix m) {
    if (SUNMatGetID(m) != SUNMATRIX_SPARSE || std::size_t(SM_COLUMNS_S(m)) != lu.size() ||
        SM_ROWS_S(m) != SM_COLUMNS_S(m)) {
      return int(last_flag = SUNLS_ILL_INPUT);
    }
    if (has_planned_pattern(m)) {
      dense = !lu.factorize({SM_DATA_S(m), pattern_rows.size()});
    } else {
      dense = true;
    }
    if (dense) {
      ++dense_fallbacks;
      const auto n = Eigen::Index(lu.size());
      Eigen::MatrixXd a = Eigen::MatrixXd::Zero(n, n);
      for (Eigen::Index c = 0; c < n; ++c) {
        for (auto k = SM_INDEXPTRS_S(m)[c]; k < SM_INDEXPTRS_S(m)[c + 1]; ++k) {
          a(Eigen::Index(SM_INDEXVALS_S(m)[k]), c) += SM_DATA_S(m)[k];
        }
      }
      dense_lu.compute(a);
      // A singular Newton matrix is recoverable for CVODE: it retries with a smaller step.
      // (Eigen's rcond() estimate is not reliable for exactly singular matrices; the pivots
      // of partial pivoting are.)
      const Eigen::VectorXd pivots = dense_lu.matrixLU().diagonal().cwiseAbs();
      if (!(pivots.minCoeff() > 1e-14 * pivots.maxCoeff()) || !std::isfinite(pivots.maxCoeff())) {
        return int(last_flag = SUNLS_LUFACT_FAIL);
      }
    }
    return int(last_flag = SUNLS_SUCCESS);
  }

  void solve(double* x, const double* b) {
    const auto n = std::size_t(lu.size());
    if (dense) {
      Eigen::Map<Eigen::VectorXd>(x, Eigen::Index(n)) =
          dense_lu.solve(Eigen::Map<const Eigen::VectorXd>(b, Eigen::Index(n)));
    } else {
      std::copy(b, b + n, x);
      lu.solve({x, n});
    }
  }
};

inline Content* content(SUNLinearSolver s) noexcept {
  return static_cast<Content*>(s->content);
}
inline SUNLinearSolver_Type type(SUNLinearSolver) noexcept {
  return SUNLINEARSOLVER_DIRECT;
}
inline SUNLinearSolver_ID id(SUNLinearSolver) noexcept {
  return SUNLINEARSOLVER_CUSTOM;
}
inline int initialize(SUNLinearSolver s) noexcept {
  content(s)->last_flag = SUNLS_SUCCESS;
  return SUNLS_SUCCESS;
}
inline int setup(SUNLinearSolver s, SUNMatrix m) noexcept {
  try {
    return content(s)->setup(m);
  } catch (...) {  // allocation in the dense fallback
    return int(content(s)->last_flag = SUNLS_MEM_FAIL);
  }
}
inline int solve(SUNLinearSolver s, SUNMatrix, N_Vector x, N_Vector b, realtype) noexcept {
  content(s)->solve(N_VGetArrayPointer(x), N_VGetArrayPointer(b));
  return int(content(s)->last_flag = SUNLS_SUCCESS);
}
inline sunindextype last_flag(SUNLinearSolver s) noexcept {
  return sunindextype(content(s)->last_flag);
}
inline int free_solver(SUNLinearSolver s) noexcept {
  if (s == nullptr) return SUNLS_SUCCESS;
  delete content(s);
  s->content = nullptr;
  SUNLinSolFreeEmpty(s);
  return SUNLS_SUCCESS;
}

}  // namespace detail

/// Points a SUNDIALS sparse matrix's zero, copy, scale-add-identity and clone operations at
/// the optimised versions above (its clones inherit them).
inline void accelerate(SUNMatrix m) noexcept {
  detail::point_at_fast_ops(m);
}

/// A SUNDIALS direct linear solver for matrices with this CSC pattern (diagonal included).
/// Free it with SUNLinSolFree. Throws std::invalid_argument for a malformed pattern.
[[nodiscard]] inline SUNLinearSolver make_linear_solver(SUNContext context,
                                                        std::span<const long long> column_starts,
                                                        std::span<const long long> row_indices) {
  auto content = std::make_unique<detail::Content>(column_starts, row_indices);
  SUNLinearSolver s = SUNLinSolNewEmpty(context);
  if (s == nullptr) return nullptr;
  s->ops->gettype = detail::type;
  s->ops->getid = detail::id;
  s->ops->initialize = detail::initialize;
  s->ops->setup = detail::setup;
  s->ops->solve = detail::solve;
  s->ops->lastflag = detail::last_flag;
  s->ops->free = detail::free_solver;
  s->content = content.release();
  return s;
}

/// Writes the pattern the solver was planned for into m (n + 1 column starts and the row
/// indices): CVODE's matrix starts without one.
inline void write_planned_pattern(SUNLinearSolver s, SUNMatrix m) noexcept {
  const detail::Content& c = *detail::content(s);
  std::copy(c.pattern_starts.begin(), c.pattern_starts.end(), SM_INDEXPTRS_S(m));
  std::copy(c.pattern_rows.begin(), c.pattern_rows.end(), SM_INDEXVALS_S(m));
}

/// How often the solver fell back to dense LU (for tests and diagnostics).
[[nodiscard]] inline long long dense_fallbacks(SUNLinearSolver s) noexcept {
  return detail::content(s)->dense_fallbacks;
}

}  // namespace physiotwin::sparse_solver
