// Compiled by ctest twice (tests/CMakeLists.txt): with the key the table has it must compile,
// with a misspelt one it must not. A parameter read by key cannot silently read another.
#include "physiotwin/model/block_types.hpp"

double read(const physiotwin::ParameterSet& parameters) {
  const physiotwin::blocks::BlockValues<physiotwin::blocks::chamber> v(parameters, 0);
#ifdef PHYSIOTWIN_MISSPELT_KEY
  return v.get<"dead_volme">();
#else
  return v.get<"dead_volume">();
#endif
}
