#pragma once
// Optimised operations for SUNDIALS serial vectors.
//
// Debian 12's libsundials (6.4.1) is built without compiler optimisation: its serial vector
// loops keep every index and pointer on the stack (about 19 instructions per element for a
// linear sum). When this was measured (a 37-state model; docs/performance.md), CVODE spent half
// of its time in those loops. SUNDIALS lets each vector carry its own table of operations, so
// we keep the serial vector (its memory layout, which the linear solver and the sparse matrix
// rely on, is unchanged) and point the hot operations at the loops below, compiled with the
// project's optimisation. Clones copy the table, so every vector CVODE makes from ours uses
// them too.
#include <nvector/nvector_serial.h>

#include <cmath>

// On x86-64 every loop below is compiled twice, for the baseline instruction set and for
// x86-64-v3 (AVX2, FMA), and the loader picks the one the processor runs (GCC and Clang
// function multi-versioning). The vectors CVODE uses are short (tens of states), so the
// wider registers roughly halve the instructions per call. With FMA a*x + b*y is rounded
// once instead of twice: results differ between the two kinds of processor in the last bit.
// Not under ThreadSanitizer: the loader runs the clones' resolvers before TSan's runtime is
// up, and the instrumented resolver crashes (GCC 12; the tsan preset).
#if defined(__SANITIZE_THREAD__)
#define PHYSIOTWIN_NO_VECTOR_CLONES
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(__INTEL_COMPILER) && !defined(PHYSIOTWIN_NO_VECTOR_CLONES)
#define PHYSIOTWIN_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define PHYSIOTWIN_VECTOR_CLONES
#endif

namespace physiotwin::fast_vector {

namespace detail {
inline sunindextype length(N_Vector v) noexcept {
  return NV_LENGTH_S(v);
}
inline double* data(N_Vector v) noexcept {
  return NV_DATA_S(v);
}

PHYSIOTWIN_VECTOR_CLONES inline void linear_sum(double a, N_Vector x, double b, N_Vector y,
                                                N_Vector z) noexcept {
  const double *xd = data(x), *yd = data(y);
  double* zd = data(z);
  const sunindextype n = length(x);
  for (sunindextype i = 0; i < n; ++i) zd[i] = a * xd[i] + b * yd[i];
}
PHYSIOTWIN_VECTOR_CLONES inline void constant(double c, N_Vector z) noexcept {
  double* zd = data(z);
  const sunindextype n = length(z);
  for (sunindextype i = 0; i < n; ++i) zd[i] = c;
}
PHYSIOTWIN_VECTOR_CLONES inline void product(N_Vector x, N_Vector y, N_Vector z) noexcept {
  const double *xd = data(x), *yd = data(y);
  double* zd = data(z);
  const sunindextype n = length(x);
  for (sunindextype i = 0; i < n; ++i) zd[i] = xd[i] * yd[i];
}
PHYSIOTWIN_VECTOR_CLONES inline void divide(N_Vector x, N_Vector y, N_Vector z) noexcept {
  const double *xd = data(x), *yd = data(y);
  double* zd = data(z);
  const sunindextype n = length(x);
  for (sunindextype i = 0; i < n; ++i) zd[i] = xd[i] / yd[i];
}
PHYSIOTWIN_VECTOR_CLONES inline void scale(double c, N_Vector x, N_Vector z) noexcept {
  const double* xd = data(x);
  double* zd = data(z);
  const sunindextype n = length(x);
  for (sunindextype i = 0; i < n; ++i) zd[i] = c * xd[i];
}
PHYSIOTWIN_VECTOR_CLONES inline void absolute(N_Vector x, N_Vector z) noexcept {
  const double* xd = data(x);
  double* zd = data(z);
  const sunindextype n = length(x);
  for (sunindextype i = 0; i < n; ++i) zd[i] = std::abs(xd[i]);
}
PHYSIOTWIN_VECTOR_CLONES inline void inverse(N_Vector x, N_Vector z) noexcept {
  const double* xd = data(x);
  double* zd = data(z);
  const sunindextype n = length(x);
  for (sunindextype i = 0; i < n; ++i) zd[i] = 1.0 / xd[i];
}
PHYSIOTWIN_VECTOR_CLONES inline void add_constant(N_Vector x, double b, N_Vector z) noexcept {
  const double* xd = data(x);
  double* zd = data(z);
  const sunindextype n = length(x);
  for (sunindextype i = 0; i < n; ++i) zd[i] = xd[i] + b;
}
PHYSIOTWIN_VECTOR_CLONES inline double weighted_square_sum(N_Vector x, N_Vector w) noexcept {
  const double *xd = data(x), *wd = data(w);
  const sunindextype n = length(x);
  // Four partial sums, so that the loop vectorises (a single running sum may not be
  // reordered by the compiler); the order is fixed, so every build sums alike.
  double sum[4] = {0.0, 0.0, 0.0, 0.0};
  sunindextype i = 0;
  for (; i + 4 <= n; i += 4) {
    for (int k = 0; k < 4; ++k) {
      const double p = xd[i + k] * wd[i + k];
      sum[k] += p * p;
    }
  }
  for (; i < n; ++i) {
    const double p = xd[i] * wd[i];
    sum[0] += p * p;
  }
  return (sum[0] + sum[1]) + (sum[2] + sum[3]);
}
inline double wrms_norm(N_Vector x, N_Vector w) noexcept {
  return std::sqrt(weighted_square_sum(x, w) / double(length(x)));
}
PHYSIOTWIN_VECTOR_CLONES inline double max_norm(N_Vector x) noexcept {
  const double* xd = data(x);
  const sunindextype n = length(x);
  double m = 0.0;
  for (sunindextype i = 0; i < n; ++i) m = std::max(m, std::abs(xd[i]));
  return m;
}
/// z = sum c_j X_j; z may be X_0 (and only X_0). Vector by vector, so that the inner loop
/// runs along the vector and vectorises; each element still sums c_0 x_0 + c_1 x_1 + ... in
/// that order, as a running sum would.
PHYSIOTWIN_VECTOR_CLONES inline int linear_combination(int nvec, double* c, N_Vector* X,
                                                       N_Vector z) noexcept {
  double* zd = data(z);
  const sunindextype n = length(z);
  if (nvec <= 0) return 0;
  const double* x0 = data(X[0]);
  const double c0 = c[0];
  for (sunindextype i = 0; i < n; ++i) zd[i] = c0 * x0[i];
  for (int j = 1; j < nvec; ++j) {
    const double* xj = data(X[j]);
    const double cj = c[j];
    for (sunindextype i = 0; i < n; ++i) zd[i] += cj * xj[i];
  }
  return 0;
}
/// Z_j = a_j x + Y_j; Z_j may be Y_j.
PHYSIOTWIN_VECTOR_CLONES inline int scale_add_multi(int nvec, double* a, N_Vector x, N_Vector* Y,
                                                    N_Vector* Z) noexcept {
  const double* xd = data(x);
  const sunindextype n = length(x);
  for (int j = 0; j < nvec; ++j) {
    const double* yd = data(Y[j]);
    double* zd = data(Z[j]);
    const double aj = a[j];
    for (sunindextype i = 0; i < n; ++i) zd[i] = aj * xd[i] + yd[i];
  }
  return 0;
}
/// Z_j = c_j X_j; Z_j may be X_j (CVODE rescales its history this way at every step-size
/// change).
PHYSIOTWIN_VECTOR_CLONES inline int scale_vector_array(int nvec, double* c, N_Vector* X,
                                                       N_Vector* Z) noexcept {
  for (int j = 0; j < nvec; ++j) {
    const double* xd = data(X[j]);
    double* zd = data(Z[j]);
    const sunindextype n = length(X[j]);
    const double cj = c[j];
    for (sunindextype i = 0; i < n; ++i) zd[i] = cj * xd[i];
  }
  return 0;
}
}  // namespace detail

/// Points v's hot operations at the optimised loops; v must be a serial vector.
inline void accelerate(N_Vector v) noexcept {
  N_Vector_Ops ops = v->ops;
  ops->nvlinearsum = detail::linear_sum;
  ops->nvconst = detail::constant;
  ops->nvprod = detail::product;
  ops->nvdiv = detail::divide;
  ops->nvscale = detail::scale;
  ops->nvabs = detail::absolute;
  ops->nvinv = detail::inverse;
  ops->nvaddconst = detail::add_constant;
  ops->nvwrmsnorm = detail::wrms_norm;
  ops->nvwsqrsumlocal = detail::weighted_square_sum;
  ops->nvmaxnorm = detail::max_norm;
  ops->nvlinearcombination = detail::linear_combination;
  ops->nvscaleaddmulti = detail::scale_add_multi;
  ops->nvscalevectorarray = detail::scale_vector_array;
}

}  // namespace physiotwin::fast_vector
