// Twin's members (include/physiotwin/twin-inl.hpp), compiled once into physiotwin::physiotwin:
// the engine (the model's right-hand side and Jacobian inlined into the solver's callbacks,
// the analyzers) is compiled here, not in every program that steps a twin.
#include "physiotwin/twin.hpp"

#ifndef PHYSIOTWIN_HEADER_ONLY
#include "physiotwin/twin-inl.hpp"
#endif
