#pragma once
// One error family for the whole library. Every message says what is wrong and where
// (file, JSON path or parameter name, the value, the allowed range), so that the
// command-line tool can print it as one line and the bindings can forward it unchanged. The
// exception is a health record's values: messages about a record name the path and never
// quote what the record holds (patient/health_record.hpp, core/json_reader.hpp's `redact`).
#include <stdexcept>
#include <string>

namespace physiotwin {

/// Base of every error physiotwin throws.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bad input: a model, patient or parameter that cannot be used. Nothing was simulated.
class InputError : public Error {
 public:
  using Error::Error;
};

/// The ODE solver could not continue. The message names the simulated time and the state
/// (the variable that failed the error test, when the solver knows it).
class SolverError : public Error {
 public:
  SolverError(const std::string& message, double time) : Error(message), time_(time) {}
  [[nodiscard]] double time() const noexcept { return time_; }

 private:
  double time_;
};

/// Calibration could not give a valid twin (the vitals lie beyond what the model represents).
/// The message names the parameter and the rule, never the record's values (the command-line
/// tool exits 3, as for a solver failure: the input was valid).
class CalibrationError : public Error {
 public:
  using Error::Error;
};

/// A file could not be read or written.
class IoError : public Error {
 public:
  using Error::Error;
};

}  // namespace physiotwin
