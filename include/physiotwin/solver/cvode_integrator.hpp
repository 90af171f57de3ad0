#pragma once
// RAII wrapper around SUNDIALS CVODE: variable-order BDF with Newton iteration. With a
// sparsity pattern (SolverOptions), the caller's Jacobian function (the model's analytic
// Jacobian) fills in the pattern's values and the Newton systems are solved by a sparse LU
// whose pivots are planned once from the pattern (solver/sparse_linear_solver.hpp,
// solver/sparse_lu.hpp); without one, by SUNDIALS' dense LU, with a dense Jacobian from the
// caller's function or, if there is none, from CVODE's difference quotients. The circulation
// is stiff (a closed valve's flow relaxes at about 500/s, against a heart cycle of 0.83 s),
// which is what BDF is for. Tolerances and their reasons: docs/solver.md.
//
// The integrator steps freely (CV_ONE_STEP) and callers read the solution at any time
// inside the last step from CVODE's interpolating polynomial (CVodeGetDky), so the output
// never depends on how a caller chops time into advance() calls. Discrete events (ideal
// valves opening and closing) are located by CVODE's root finding and applied at the start
// of the next step. A solver failure is a SolverError naming the time and, when CVODE can
// tell, the state with the largest local error.
#include <cvode/cvode.h>
#include <fmt/format.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "physiotwin/core/error.hpp"
#include "physiotwin/solver/fast_serial_vector.hpp"
#include "physiotwin/solver/sparse_linear_solver.hpp"

namespace physiotwin {

struct SolverOptions {
  double relative_tolerance = 1e-6;
  std::vector<double> absolute_tolerance;  ///< one per state
  double max_step = 0.02;                  ///< s: no step may jump over an atrial contraction
  /// s: a step this small means the model broke (e.g. non-finite values from some time on);
  /// without it CVODE would creep towards that time for ever with ever smaller steps.
  double min_step = 1e-10;
  long max_steps_per_call = 500000;
  /// Steps after which the Newton matrix is rebuilt from a fresh Jacobian at CVODE's next
  /// matrix setup (CVODE's own default is 51). The valves make the Jacobian change within a
  /// few steps; Newton iterations with a stale one converge slowly and loosely, and the
  /// leftover iteration error, extrapolated by the next step's predictor, fails error tests.
  /// With 1 (a fresh Jacobian at every setup) the reference adult takes about a quarter fewer
  /// steps and fewer instructions overall (docs/performance.md).
  long max_steps_between_jacobians = 1;
  /// Compressed-sparse-column pattern of the Jacobian, including the diagonal. With it the
  /// Newton systems are solved by a sparse LU whose pivots are planned once from the pattern
  /// (solver/sparse_lu.hpp) and the Jacobian function writes the pattern's values; without it by
  /// dense LU, and the function writes a dense column-major matrix (or CVODE differences the
  /// right-hand side if there is no function).
  std::vector<long long> sparse_column_starts;
  std::vector<long long> sparse_row_indices;
};

/// dy/dt = f(t, y): returns false if f could not be evaluated (e.g. non-finite values).
using RhsFunction = bool (*)(double t, const double* y, double* ydot, void* user) noexcept;
/// Discrete events located by CVODE's root finding (e.g. valves that open and close).
struct EventCallbacks {
  std::size_t count = 0;  ///< number of event functions; 0: no root finding
  /// g_i(t, y): an event happens when g_i crosses zero in the direction given.
  void (*functions)(double t, const double* y, double* g, void* user) noexcept = nullptr;
  /// +1: only rising crossings count, -1: only falling ones.
  void (*directions)(int* direction, void* user) noexcept = nullptr;
  /// Called at an event with the functions that fired; may change y (a jump).
  void (*apply)(const int* fired, double* y, void* user) noexcept = nullptr;
};

/// df/dy at (t, y): the sparse pattern's values in order, or a dense column-major n x n
/// array when no pattern is given (see SolverOptions).
using JacobianFunction = bool (*)(double t, const double* y, double* column_major,
                                  void* user) noexcept;

class CvodeIntegrator {
 public:
  CvodeIntegrator(RhsFunction f, void* user, std::span<const double> y0, double t0,
                  const SolverOptions& options, std::vector<std::string> state_names,
                  JacobianFunction jacobian = nullptr, EventCallbacks events = {})
      : f_(f), jacobian_(jacobian), events_(events), user_(user), names_(std::move(state_names)) {
    // Whatever was created before a failure is freed here: the destructor does not run for
    // a constructor that throws.
    try {
      initialise(y0, t0, options);
    } catch (...) {
      release();
      throw;
    }
  }

  CvodeIntegrator(const CvodeIntegrator&) = delete;
  CvodeIntegrator& operator=(const CvodeIntegrator&) = delete;

  ~CvodeIntegrator() { release(); }

  /// Takes one internal step towards `toward`; returns the time reached (may overshoot it).
  /// On the first step after (re)initialisation CVODE uses `toward` to guess a step size.
  ///
  /// At an event CVODE stops at the event time; the event is applied (and the integrator
  /// restarted) at the beginning of the next step, so that the caller can still read the
  /// solution up to the event from the interpolant, which a restart discards.
  double step(double toward) {
    if (event_pending_) apply_pending_event();
    double reached = time_;
    const int flag = CVode(memory_, toward, y_, &reached, CV_ONE_STEP);
    if (flag < 0) fail(flag);
    time_ = reached;
    if (flag == CV_ROOT_RETURN) event_pending_ = true;
    return reached;
  }

  /// Solution at time t, which must lie within the last step.
  void interpolate(double t, std::span<double> out) {
    const int flag = CVodeGetDky(memory_, t, 0, scratch_);
    if (flag < 0)
      throw SolverError(
          fmt::format("cannot interpolate the solution at t = {:.6f} s ({})", t, flag_name(flag)),
          t);
    const double* data = N_VGetArrayPointer(scratch_);
    std::copy(data, data + out.size(), out.begin());
  }

  /// Restarts from state y at time t (after a discontinuity, e.g. a parameter change).
  /// A pending event is dropped: restarting before it, the solver will find it again.
  void reinitialize(double t, std::span<const double> y) {
    std::copy(y.begin(), y.end(), N_VGetArrayPointer(y_));
    check(CVodeReInit(memory_, t, y_), "CVodeReInit");
    if (events_.count > 0) set_event_directions();
    event_pending_ = false;
    time_ = t;
  }

  [[nodiscard]] double time() const noexcept { return time_; }
  /// The size of the last step taken, s (0 before the first).
  [[nodiscard]] double last_step_size() const noexcept {
    double h = 0.0;
    CVodeGetLastStep(memory_, &h);
    return h;
  }
  [[nodiscard]] std::span<const double> state() const noexcept {
    return {N_VGetArrayPointer(y_), static_cast<std::size_t>(N_VGetLength(y_))};
  }

  struct Statistics {
    long steps = 0, rhs_evaluations = 0, jacobian_evaluations = 0, error_test_failures = 0,
         nonlinear_iterations = 0, convergence_failures = 0;
    /// Newton matrices the planned sparse LU could not pivot, solved by dense LU instead.
    long long dense_factorisations = 0;
  };
  [[nodiscard]] Statistics statistics() const {
    Statistics s;
    long ls_rhs = 0;
    CVodeGetNumSteps(memory_, &s.steps);
    CVodeGetNumRhsEvals(memory_, &s.rhs_evaluations);
    CVodeGetNumJacEvals(memory_, &s.jacobian_evaluations);
    CVodeGetNumLinRhsEvals(memory_, &ls_rhs);
    CVodeGetNumErrTestFails(memory_, &s.error_test_failures);
    CVodeGetNumNonlinSolvIters(memory_, &s.nonlinear_iterations);
    CVodeGetNumNonlinSolvConvFails(memory_, &s.convergence_failures);
    s.rhs_evaluations += ls_rhs;
    if (sparse_) s.dense_factorisations = sparse_solver::dense_fallbacks(linear_solver_);
    return s;
  }

 private:
  void initialise(std::span<const double> y0, double t0, const SolverOptions& options) {
    const auto n = static_cast<sunindextype>(y0.size());
    check(SUNContext_Create(nullptr, &context_), "SUNContext_Create");
    y_ = N_VNew_Serial(n, context_);
    scratch_ = N_VNew_Serial(n, context_);
    atol_ = N_VNew_Serial(n, context_);
    // Fused vector operations (one pass for a linear combination instead of several calls):
    // CVODE's prediction, correction and interpolation use them when enabled. Clones of y_
    // inherit the setting.
    N_VEnableFusedOps_Serial(y_, SUNTRUE);
    for (N_Vector v : {y_, scratch_, atol_}) fast_vector::accelerate(v);
    std::copy(y0.begin(), y0.end(), N_VGetArrayPointer(y_));
    std::copy(options.absolute_tolerance.begin(), options.absolute_tolerance.end(),
              N_VGetArrayPointer(atol_));
    memory_ = CVodeCreate(CV_BDF, context_);
    if (memory_ == nullptr) throw Error("CVodeCreate failed");
    check(CVodeSetErrHandlerFn(memory_, &CvodeIntegrator::record_message, this),
          "CVodeSetErrHandlerFn");
    check(CVodeInit(memory_, &CvodeIntegrator::rhs_adapter, t0, y_), "CVodeInit");
    check(CVodeSetUserData(memory_, this), "CVodeSetUserData");
    check(CVodeSVtolerances(memory_, options.relative_tolerance, atol_), "CVodeSVtolerances");
    if (!options.sparse_row_indices.empty()) {
      if (options.sparse_column_starts.size() != std::size_t(n) + 1) {
        throw Error(fmt::format("sparse Jacobian pattern: {} column starts for {} states",
                                options.sparse_column_starts.size(), n));
      }
      sparse_ = true;
      matrix_ = SUNSparseMatrix(n, n, static_cast<sunindextype>(options.sparse_row_indices.size()),
                                CSC_MAT, context_);
      if (matrix_ == nullptr) throw Error("cannot create the sparse matrix");
      sparse_solver::accelerate(matrix_);
      try {
        linear_solver_ = sparse_solver::make_linear_solver(context_, options.sparse_column_starts,
                                                           options.sparse_row_indices);
      } catch (const std::invalid_argument& e) {
        throw Error(fmt::format("sparse Jacobian pattern: {}", e.what()));
      }
    } else {
      matrix_ = SUNDenseMatrix(n, n, context_);
      linear_solver_ = SUNLinSol_Dense(y_, matrix_, context_);
    }
    if (matrix_ == nullptr || linear_solver_ == nullptr)
      throw Error("cannot create the linear solver");
    check(CVodeSetLinearSolver(memory_, linear_solver_, matrix_), "CVodeSetLinearSolver");
    if (jacobian_ != nullptr)
      check(CVodeSetJacFn(memory_, &CvodeIntegrator::jacobian_adapter), "CVodeSetJacFn");
    check(CVodeSetMaxStep(memory_, options.max_step), "CVodeSetMaxStep");
    check(CVodeSetMinStep(memory_, options.min_step), "CVodeSetMinStep");
    check(CVodeSetMaxNumSteps(memory_, options.max_steps_per_call), "CVodeSetMaxNumSteps");
    check(CVodeSetJacEvalFrequency(memory_, options.max_steps_between_jacobians),
          "CVodeSetJacEvalFrequency");
    if (events_.count > 0) {
      check(
          CVodeRootInit(memory_, static_cast<int>(events_.count), &CvodeIntegrator::event_adapter),
          "CVodeRootInit");
      fired_.assign(events_.count, 0);
      directions_.assign(events_.count, 0);
      set_event_directions();
    }
    time_ = t0;
  }

  void release() noexcept {
    if (memory_ != nullptr) CVodeFree(&memory_);
    if (linear_solver_ != nullptr) SUNLinSolFree(linear_solver_);
    if (matrix_ != nullptr) SUNMatDestroy(matrix_);
    for (N_Vector* v : {&atol_, &scratch_, &y_}) {
      if (*v != nullptr) N_VDestroy(*v);
      *v = nullptr;
    }
    linear_solver_ = nullptr;
    matrix_ = nullptr;
    if (context_ != nullptr) SUNContext_Free(&context_);
  }

  static int rhs_adapter(double t, N_Vector y, N_Vector ydot, void* self) noexcept {
    auto* me = static_cast<CvodeIntegrator*>(self);
    // A positive return asks CVODE to retry with a smaller step; if that keeps failing
    // it stops with CV_REPTD_RHSFUNC_ERR, which fail() reports with time and state.
    return me->f_(t, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot), me->user_) ? 0 : 1;
  }

  void apply_pending_event() {
    check(CVodeGetRootInfo(memory_, fired_.data()), "CVodeGetRootInfo");
    events_.apply(fired_.data(), N_VGetArrayPointer(y_), user_);
    check(CVodeReInit(memory_, time_, y_), "CVodeReInit");
    set_event_directions();
    event_pending_ = false;
  }

  void set_event_directions() {
    events_.directions(directions_.data(), user_);
    check(CVodeSetRootDirection(memory_, directions_.data()), "CVodeSetRootDirection");
  }

  static int event_adapter(double t, N_Vector y, double* g, void* self) noexcept {
    auto* me = static_cast<CvodeIntegrator*>(self);
    me->events_.functions(t, N_VGetArrayPointer(y), g, me->user_);
    return 0;
  }

  static int jacobian_adapter(double t, N_Vector y, N_Vector, SUNMatrix J, void* self, N_Vector,
                              N_Vector, N_Vector) noexcept {
    auto* me = static_cast<CvodeIntegrator*>(self);
    if (!me->sparse_) {
      // SUNDenseMatrix stores columns contiguously: SM_DATA_D is the column-major array.
      return me->jacobian_(t, N_VGetArrayPointer(y), SM_DATA_D(J), me->user_) ? 0 : 1;
    }
    // The new matrix has no pattern yet (and SUNDIALS' own zeroing would clear it): write it.
    sparse_solver::write_planned_pattern(me->linear_solver_, J);
    return me->jacobian_(t, N_VGetArrayPointer(y), SM_DATA_S(J), me->user_) ? 0 : 1;
  }

  static void record_message(int, const char*, const char* function, char* message,
                             void* self) noexcept {
    try {
      static_cast<CvodeIntegrator*>(self)->last_message_ = fmt::format("{}: {}", function, message);
    } catch (...) {
    }
  }

  void check(int flag, const char* what) const {
    if (flag != 0) throw Error(fmt::format("{} failed with flag {}", what, flag));
  }

  /// CVodeGetReturnFlagName returns a malloc'ed string: copy it and free it.
  static std::string flag_name(long flag) {
    char* name = CVodeGetReturnFlagName(flag);
    std::string copy = name != nullptr ? name : "unknown flag";
    free(name);  // NOLINT: allocated by SUNDIALS with malloc
    return copy;
  }

  [[noreturn]] void fail(int flag) {
    double t = time_;
    CVodeGetCurrentTime(memory_, &t);
    // Name the state that dominates the weighted local error: where the model broke.
    std::string culprit;
    N_Vector weights = N_VClone(y_);
    if (weights != nullptr && CVodeGetEstLocalErrors(memory_, scratch_) == CV_SUCCESS &&
        CVodeGetErrWeights(memory_, weights) == CV_SUCCESS) {
      const double* e = N_VGetArrayPointer(scratch_);
      const double* w = N_VGetArrayPointer(weights);
      const double* y = N_VGetArrayPointer(y_);
      std::size_t worst = 0;
      double worst_error = -1.0;
      for (std::size_t i = 0; i < names_.size(); ++i) {
        const double weighted = std::abs(e[i] * w[i]);
        if (!(weighted <= worst_error)) worst_error = weighted, worst = i;
      }
      if (!names_.empty()) {
        culprit =
            fmt::format("; largest local error in state {} (value {:g})", names_[worst], y[worst]);
      }
    }
    if (weights != nullptr) N_VDestroy(weights);
    throw SolverError(fmt::format("solver failed at t = {:.6f} s: {}{}{}", t, flag_name(flag),
                                  culprit, last_message_.empty() ? "" : " [" + last_message_ + "]"),
                      t);
  }

  RhsFunction f_;
  JacobianFunction jacobian_;
  EventCallbacks events_;
  std::vector<int> fired_, directions_;
  bool event_pending_ = false;
  bool sparse_ = false;  ///< planned sparse LU (sparse_solver); dense LU otherwise
  void* user_;
  std::vector<std::string> names_;
  SUNContext context_ = nullptr;
  N_Vector y_ = nullptr, scratch_ = nullptr, atol_ = nullptr;
  SUNMatrix matrix_ = nullptr;
  SUNLinearSolver linear_solver_ = nullptr;
  void* memory_ = nullptr;
  double time_ = 0.0;
  std::string last_message_;
};

}  // namespace physiotwin
