// The ensemble Kalman analysis (monitor/ensemble_kalman.hpp) against the Kalman filter's
// closed form on linear Gaussian problems: with centred perturbations its mean update is the
// Kalman update computed from the ensemble's own covariances (exact), and its spread shrinks as
// the Kalman posterior's (within sampling error).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "physiotwin/monitor/ensemble_kalman.hpp"

using namespace physiotwin::monitor;

namespace {

double variance_of(const Eigen::RowVectorXd& v) {
  return (v.array() - v.mean()).square().sum() / double(v.size() - 1);
}

}  // namespace

TEST(EnsembleKalman, MeanUpdateIsTheKalmanUpdateOfTheEnsembleCovariances) {
  // Two quantities, the second unobserved but correlated with the first (as blood volume is
  // with the pressure a cuff measures): it moves through the covariance alone.
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  const int members = 500;
  Eigen::MatrixXd x(2, members);
  for (int j = 0; j < members; ++j) {
    const double a = normal(rng), b = normal(rng);
    x(0, j) = 10.0 + 2.0 * a;
    x(1, j) = 5.0 + 1.5 * (0.8 * a + 0.6 * b);  // correlation 0.8
  }
  const Eigen::MatrixXd predicted = x.topRows(1);  // the first is observed directly
  const Eigen::VectorXd y = Eigen::VectorXd::Constant(1, 12.0);
  const Eigen::VectorXd r = Eigen::VectorXd::Constant(1, 1.0);

  const Eigen::VectorXd mean = x.rowwise().mean();
  const Eigen::MatrixXd a = x.colwise() - mean;
  const Eigen::MatrixXd p = a * a.transpose() / double(members - 1);
  const double gain0 = p(0, 0) / (p(0, 0) + 1.0), gain1 = p(1, 0) / (p(0, 0) + 1.0);

  ensemble_analysis(x, predicted, y, r, rng);
  const Eigen::VectorXd after = x.rowwise().mean();
  EXPECT_NEAR(after[0], mean[0] + gain0 * (12.0 - mean[0]), 1e-9);
  EXPECT_NEAR(after[1], mean[1] + gain1 * (12.0 - mean[0]), 1e-9);
  EXPECT_GT(after[1], mean[1]);  // pulled up with the first
}

TEST(EnsembleKalman, SpreadShrinksAsTheKalmanPosterior) {
  // Prior N(10, 4), observation 12 with variance 1: posterior variance 0.8 (Kalman). With
  // 4,000 members a sample variance is within 3 % of its own (sqrt(2/N) = 2.2 %); 10 % allows
  // for the prior's sampling too.
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal(10.0, 2.0);
  const int members = 4000;
  Eigen::MatrixXd x(1, members);
  for (int j = 0; j < members; ++j) x(0, j) = normal(rng);
  const double prior = variance_of(x.row(0));
  const Eigen::MatrixXd predicted = x;
  ensemble_analysis(x, predicted, Eigen::VectorXd::Constant(1, 12.0),
                    Eigen::VectorXd::Constant(1, 1.0), rng);
  const double expected = prior * 1.0 / (prior + 1.0);
  EXPECT_NEAR(variance_of(x.row(0)), expected, 0.10 * expected);
  EXPECT_NEAR(x.row(0).mean(), 11.6, 0.15);  // 10 + 4/5 * 2, within the prior's sampling
}

TEST(EnsembleKalman, InflationWidensTheBoundsHoldAndBadShapesAreRefused) {
  std::mt19937_64 rng(3);
  Eigen::MatrixXd x(1, 4);
  x << 1.0, 2.0, 3.0, 4.0;
  Eigen::MatrixXd inflated = x;
  // An observation far less precise than the spread leaves the members almost where they
  // were, so what remains is the inflation.
  ensemble_analysis(inflated, inflated, Eigen::VectorXd::Constant(1, 2.5),
                    Eigen::VectorXd::Constant(1, 1e12), rng, {.inflation = 2.0});
  EXPECT_NEAR(variance_of(inflated.row(0)), 4.0 * variance_of(x.row(0)), 1e-3);  // gain ~1e-11

  Eigen::MatrixXd bounded = x;
  ensemble_analysis(bounded, bounded, Eigen::VectorXd::Constant(1, 100.0),
                    Eigen::VectorXd::Constant(1, 0.01), rng, {}, Eigen::VectorXd::Constant(1, 0.0),
                    Eigen::VectorXd::Constant(1, 5.0));
  EXPECT_LE(bounded.maxCoeff(), 5.0);
  EXPECT_DOUBLE_EQ(bounded.maxCoeff(), 5.0);

  Eigen::MatrixXd one(1, 1);
  one << 1.0;
  EXPECT_THROW(ensemble_analysis(one, one, Eigen::VectorXd::Constant(1, 1.0),
                                 Eigen::VectorXd::Constant(1, 1.0), rng),
               std::invalid_argument);
  EXPECT_THROW(ensemble_analysis(x, x, Eigen::VectorXd::Constant(1, 1.0),
                                 Eigen::VectorXd::Constant(1, 0.0), rng),
               std::invalid_argument);
  EXPECT_THROW(ensemble_analysis(x, Eigen::MatrixXd(2, 4), Eigen::VectorXd::Constant(1, 1.0),
                                 Eigen::VectorXd::Constant(1, 1.0), rng),
               std::invalid_argument);
}
