#pragma once
// LU factorisation of a small sparse matrix whose pattern never changes, with the pivot
// order chosen once from the pattern.
//
// CVODE's Newton matrix M = I - gamma J has the same sparsity pattern for the whole run (the
// model's analytic Jacobian pattern plus the diagonal) and is refactorised every few steps.
// For systems as small as the twin's (the reference adult: 53 states, 143 non-zeros, 197 with
// the fill-in), SuiteSparse's KLU, which this replaced, spent most of its time in bookkeeping
// that is general-purpose (its own refactorisation also reuses the first pivot order, as this
// one does). Here the work is planned once: a minimum-degree symmetric
// ordering of the pattern, the fill-in it causes, and for every elimination step the list of
// positions it updates. Factorising is then one pass over that list (a few hundred
// multiply-adds), solving one pass over the factors.
//
// Pivots are the diagonal entries in the planned order (no row exchanges). That is safe for
// M = I - gamma J here, whose diagonal dominates (each state's own derivative is damped:
// volumes drain through their connections, valve flows through their resistance, openings
// relax), but not guaranteed for every matrix: factorize() reports a pivot that is small
// against its row, and the caller then solves that matrix another way (dense LU with
// partial pivoting, solver/sparse_linear_solver.hpp).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

namespace physiotwin {

class StaticPivotSparseLu {
 public:
  /// pattern: compressed sparse columns (column_starts has n + 1 entries, row_indices one per
  /// non-zero); every diagonal entry must be in it.
  StaticPivotSparseLu(std::span<const long long> column_starts,
                      std::span<const long long> row_indices) {
    if (column_starts.empty()) throw std::invalid_argument("sparse LU: empty pattern");
    if (row_indices.size() >= std::size_t{1} << 31) {
      throw std::invalid_argument("sparse LU: pattern too large");
    }
    n_ = column_starts.size() - 1;
    const std::size_t nnz = row_indices.size();
    if (column_starts.front() != 0 || std::size_t(column_starts.back()) != nnz) {
      throw std::invalid_argument("sparse LU: column starts do not match the row indices");
    }
    // Dense boolean pattern: the systems this is for have tens to a few hundred states.
    std::vector<char> filled(n_ * n_, 0);
    auto at = [&](std::size_t r, std::size_t c) -> char& { return filled[r * n_ + c]; };
    for (std::size_t c = 0; c < n_; ++c) {
      if (column_starts[c] > column_starts[c + 1]) {
        throw std::invalid_argument("sparse LU: column starts must not decrease");
      }
      for (auto k = column_starts[c]; k < column_starts[c + 1]; ++k) {
        const auto r = std::size_t(row_indices[std::size_t(k)]);
        if (r >= n_) throw std::invalid_argument("sparse LU: row index out of range");
        if (at(r, c)) throw std::invalid_argument("sparse LU: an entry appears twice");
        at(r, c) = 1;
      }
    }
    for (std::size_t i = 0; i < n_; ++i) {
      if (!at(i, i)) throw std::invalid_argument("sparse LU: the pattern lacks a diagonal entry");
    }
    choose_order(filled);
    plan_factors(filled, column_starts, row_indices);
  }

  [[nodiscard]] std::size_t size() const noexcept { return n_; }
  /// Non-zeros of L and U together (the original pattern plus fill-in).
  [[nodiscard]] std::size_t factor_nonzeros() const noexcept { return factors_.size(); }
  /// Multiply-adds per factorisation.
  [[nodiscard]] std::size_t update_count() const noexcept { return update_target_.size(); }

  /// Factorises the matrix with the constructor's pattern and these values (in the pattern's
  /// order). Returns false if a pivot is zero, not finite or below 1e-12 of the largest
  /// entry of its row (the factors are then unusable).
  [[nodiscard]] bool factorize(std::span<const double> values) noexcept {
    std::fill(factors_.begin(), factors_.end(), 0.0);
    for (std::size_t k = 0; k < values.size(); ++k) factors_[value_position_[k]] = values[k];
    const Index* target = update_target_.data();
    for (std::size_t i = 0; i < n_; ++i) {
      double row_scale = 0.0;
      for (Index p = row_start_[i]; p < row_start_[i + 1]; ++p) {
        row_scale = std::max(row_scale, std::abs(factors_[p]));
      }
      // Eliminate row i's entries left of the diagonal, in column order.
      for (Index p = row_start_[i]; p < diagonal_[i]; ++p) {
        const Index k = column_[p];
        const double l = factors_[p] * inverse_pivot_[k];
        factors_[p] = l;
        for (Index q = diagonal_[k] + 1; q < row_start_[k + 1]; ++q) {
          factors_[*target++] -= l * factors_[q];
        }
      }
      const double pivot = factors_[diagonal_[i]];
      if (!std::isfinite(pivot) || !(std::abs(pivot) > 1e-12 * row_scale)) return false;
      inverse_pivot_[i] = 1.0 / pivot;
    }
    for (std::size_t e = 0; e < lower_value_.size(); ++e)
      lower_value_[e] = factors_[lower_slot_[e]];
    for (std::size_t i = 0; i < n_; ++i) inverse_pivot_original_[order_[i]] = inverse_pivot_[i];
    for (std::size_t e = 0; e < upper_value_.size(); ++e) {
      upper_value_[e] = factors_[upper_slot_[e]] * inverse_pivot_[upper_pivot_row_[e]];
    }
    return true;
  }

  /// Solves A x = b in place (b in, x out) with the last successful factorisation.
  /// Both substitutions run over flat lists of (row, column) pairs in the original
  /// numbering, so there is no permutation and no per-row loop overhead.
  void solve(std::span<double> b) const noexcept {
    double* x = b.data();
    const double* l = lower_value_.data();
    for (std::size_t e = 0; e < lower_value_.size(); ++e) {  // L y = b (unit diagonal)
      x[lower_row_[e]] -= l[e] * x[lower_column_[e]];
    }
    for (std::size_t i = 0; i < n_; ++i) x[i] *= inverse_pivot_original_[i];
    const double* u = upper_value_.data();
    for (std::size_t e = 0; e < upper_value_.size(); ++e) {  // D^-1 U x = D^-1 y, backwards
      x[upper_row_[e]] -= u[e] * x[upper_column_[e]];
    }
  }

 private:
  /// Minimum-degree order on the symmetric pattern A + A^T: eliminate next the unknown with
  /// the fewest remaining neighbours (ties: the lowest index, so the order is reproducible).
  void choose_order(const std::vector<char>& filled) {
    std::vector<char> graph(n_ * n_, 0);
    for (std::size_t r = 0; r < n_; ++r) {
      for (std::size_t c = 0; c < n_; ++c) {
        if (r != c && (filled[r * n_ + c] || filled[c * n_ + r])) graph[r * n_ + c] = 1;
      }
    }
    std::vector<char> done(n_, 0);
    order_.clear();
    for (std::size_t step = 0; step < n_; ++step) {
      std::size_t best = n_, best_degree = n_ + 1;
      for (std::size_t v = 0; v < n_; ++v) {
        if (done[v]) continue;
        std::size_t degree = 0;
        for (std::size_t w = 0; w < n_; ++w) degree += graph[v * n_ + w] && !done[w];
        if (degree < best_degree) best = v, best_degree = degree;
      }
      // Eliminating `best` joins all its remaining neighbours (the fill-in).
      for (std::size_t a = 0; a < n_; ++a) {
        if (done[a] || !graph[best * n_ + a]) continue;
        for (std::size_t b = 0; b < n_; ++b) {
          if (b != a && !done[b] && graph[best * n_ + b]) graph[a * n_ + b] = 1;
        }
      }
      done[best] = 1;
      order_.push_back(Index(best));
    }
  }

  /// Symbolic factorisation in the chosen order: the factors' pattern row by row, where each
  /// original value goes, and the target of every multiply-add of factorize().
  void plan_factors(const std::vector<char>& filled, std::span<const long long> column_starts,
                    std::span<const long long> row_indices) {
    std::vector<std::size_t> position_of(n_);  // new index of each original index
    for (std::size_t i = 0; i < n_; ++i) position_of[order_[i]] = i;
    std::vector<char> lu(n_ * n_, 0);  // pattern in the new order, with fill-in
    for (std::size_t r = 0; r < n_; ++r) {
      for (std::size_t c = 0; c < n_; ++c) {
        if (filled[r * n_ + c]) lu[position_of[r] * n_ + position_of[c]] = 1;
      }
    }
    // Row-oriented elimination: row i gains row k's upper part for every k < i it has.
    for (std::size_t i = 0; i < n_; ++i) {
      for (std::size_t k = 0; k < i; ++k) {
        if (!lu[i * n_ + k]) continue;
        for (std::size_t j = k + 1; j < n_; ++j) {
          if (lu[k * n_ + j]) lu[i * n_ + j] = 1;
        }
      }
    }
    std::vector<Index> index(n_ * n_, 0);  // (row, column) -> factors_ slot
    row_start_.assign(1, 0);
    for (std::size_t i = 0; i < n_; ++i) {
      for (std::size_t j = 0; j < n_; ++j) {
        if (!lu[i * n_ + j]) continue;
        const auto slot = Index(column_.size());
        if (j == i) diagonal_.push_back(slot);
        index[i * n_ + j] = slot;
        column_.push_back(Index(j));
      }
      row_start_.push_back(Index(column_.size()));
    }
    factors_.assign(column_.size(), 0.0);
    inverse_pivot_.assign(n_, 0.0);
    inverse_pivot_original_.assign(n_, 0.0);
    // The substitutions' entries, in the order they must run, numbered as the caller's.
    for (std::size_t i = 0; i < n_; ++i) {
      for (Index p = row_start_[i]; p < diagonal_[i]; ++p) {
        lower_slot_.push_back(p);
        lower_row_.push_back(order_[i]);
        lower_column_.push_back(order_[column_[p]]);
      }
    }
    for (std::size_t i = n_; i-- > 0;) {
      for (Index p = diagonal_[i] + 1; p < row_start_[i + 1]; ++p) {
        upper_slot_.push_back(p);
        upper_pivot_row_.push_back(Index(i));
        upper_row_.push_back(order_[i]);
        upper_column_.push_back(order_[column_[p]]);
      }
    }
    lower_value_.assign(lower_slot_.size(), 0.0);
    upper_value_.assign(upper_slot_.size(), 0.0);
    for (std::size_t c = 0; c < n_; ++c) {
      for (auto k = column_starts[c]; k < column_starts[c + 1]; ++k) {
        const std::size_t r = std::size_t(row_indices[std::size_t(k)]);
        value_position_.push_back(index[position_of[r] * n_ + position_of[c]]);
      }
    }
    for (std::size_t i = 0; i < n_; ++i) {
      for (Index p = row_start_[i]; p < diagonal_[i]; ++p) {
        const Index k = column_[p];
        for (Index q = diagonal_[k] + 1; q < row_start_[k + 1]; ++q) {
          update_target_.push_back(index[i * n_ + column_[q]]);
        }
      }
    }
  }

  using Index = std::uint32_t;  // compact index lists: they are read on every solve
  std::size_t n_ = 0;
  std::vector<Index> order_;           ///< order_[new] = original index
  std::vector<Index> row_start_;       ///< factors of row i: [row_start_[i], row_start_[i+1])
  std::vector<Index> diagonal_;        ///< slot of row i's pivot
  std::vector<Index> column_;          ///< column (new order) of each slot
  std::vector<Index> value_position_;  ///< slot of each original non-zero
  std::vector<Index> update_target_;   ///< slot each multiply-add of factorize() updates
  std::vector<double> factors_;        ///< L (unit diagonal, not stored) and U, by rows
  std::vector<double> inverse_pivot_;  ///< 1 / U's diagonal
  // The factors again as the substitutions read them, in the caller's numbering: L's
  // entries row by row; 1 / pivot by original index; D^-1 U's entries from the last row up.
  std::vector<Index> lower_slot_, lower_row_, lower_column_;
  std::vector<Index> upper_slot_, upper_pivot_row_, upper_row_, upper_column_;
  std::vector<double> lower_value_, upper_value_, inverse_pivot_original_;
};

}  // namespace physiotwin
