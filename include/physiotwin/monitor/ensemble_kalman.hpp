#pragma once
// The analysis step of the ensemble Kalman filter with perturbed observations (Burgers, van
// Leeuwen & Evensen 1998, Mon Weather Rev 126:1719; Evensen 2003, Ocean Dynamics 53:343,
// eqs. 44-52), for the monitor (docs/monitoring.md, "Data assimilation"):
//
//   A = X - mean(X),  B = Y - mean(Y)                 (n x N and m x N anomalies)
//   P_xy = A B^T / (N - 1),  P_yy = B B^T / (N - 1) + R
//   X_a = X + P_xy P_yy^{-1} (y 1^T + E - Y)           (E: N(0, R) draws, centred)
//
// X holds each member's augmented vector (the quantities the filter estimates: states and
// slowly varying parameters), Y each member's prediction of the m observations y, R their
// error variances (independent errors). The anomalies can be inflated first (multiplicative
// inflation, Anderson & Anderson 1999, Mon Weather Rev 127:2741), which keeps a small ensemble
// from collapsing onto a wrong value. Centring the perturbations removes their sampling error
// from the analysis mean. The estimated quantities are then held inside their ranges.
#include <Eigen/Dense>

#include <cmath>
#include <cstddef>
#include <random>
#include <stdexcept>
#include <vector>

namespace physiotwin::monitor {

struct EnsembleAnalysisOptions {
  double inflation = 1.0;  ///< multiplies the anomalies of X and Y before the analysis (>= 1)
};

/// Updates ensemble `x` (n x N, one column per member) with observations `y` (m) whose
/// predictions by the members are `predicted` (m x N) and whose error variances are
/// `variance` (m). `lower` / `upper` (n, may be empty): each row is clipped into them after
/// the update. `rng` draws the observation perturbations. Throws std::invalid_argument on
/// shapes that do not match, fewer than 2 members, or a variance that is not positive.
inline void ensemble_analysis(Eigen::MatrixXd& x, const Eigen::MatrixXd& predicted,
                              const Eigen::VectorXd& y, const Eigen::VectorXd& variance,
                              std::mt19937_64& rng, const EnsembleAnalysisOptions& options = {},
                              const Eigen::VectorXd& lower = {},
                              const Eigen::VectorXd& upper = {}) {
  const Eigen::Index n = x.rows(), members = x.cols(), m = y.size();
  if (members < 2) throw std::invalid_argument("an ensemble needs at least 2 members");
  if (predicted.rows() != m || predicted.cols() != members || variance.size() != m)
    throw std::invalid_argument("observations, predictions and variances do not match");
  if ((lower.size() != 0 && lower.size() != n) || (upper.size() != 0 && upper.size() != n))
    throw std::invalid_argument("bounds do not match the ensemble");
  if (m == 0) return;
  for (Eigen::Index i = 0; i < m; ++i) {
    if (!(variance[i] > 0.0))
      throw std::invalid_argument("an observation variance is not positive");
  }
  const Eigen::VectorXd x_mean = x.rowwise().mean();
  const Eigen::VectorXd y_mean = predicted.rowwise().mean();
  Eigen::MatrixXd a = (x.colwise() - x_mean) * options.inflation;
  const Eigen::MatrixXd b = (predicted.colwise() - y_mean) * options.inflation;
  x = a.colwise() + x_mean;  // the inflated prior
  const Eigen::MatrixXd yp = b.colwise() + y_mean;

  const double scale = 1.0 / double(members - 1);
  const Eigen::MatrixXd p_xy = scale * a * b.transpose();
  Eigen::MatrixXd p_yy = scale * b * b.transpose();
  p_yy.diagonal() += variance;

  // Perturbed observations, centred so that their mean is y exactly.
  Eigen::MatrixXd e(m, members);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (Eigen::Index j = 0; j < members; ++j)
    for (Eigen::Index i = 0; i < m; ++i) e(i, j) = normal(rng) * std::sqrt(variance[i]);
  e = e.colwise() - e.rowwise().mean();
  const Eigen::MatrixXd innovation = (e.colwise() + y) - yp;

  x += p_xy * p_yy.ldlt().solve(innovation);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < members; ++j) {
      if (lower.size() != 0 && x(i, j) < lower[i]) x(i, j) = lower[i];
      if (upper.size() != 0 && x(i, j) > upper[i]) x(i, j) = upper[i];
    }
  }
}

}  // namespace physiotwin::monitor
