// libFuzzer target: the health-record reader over arbitrary bytes (seeded with the records of
// tests/data/fhir). Any outcome but a result or an InputError is a bug: a crash, a sanitizer
// report, another exception type.
//   ./scripts/fuzz.sh [seconds]     (CI runs it briefly; docs/patient-records.md)
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "physiotwin/patient/health_record.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Records that read get a code: from a table of the fuzzer's own, not the user's.
  static const bool table_set =
      setenv("PHYSIOTWIN_RECORD_CODES", "/tmp/physiotwin_fuzz_record_codes.tsv", 0) == 0;
  (void)table_set;
  try {
    (void)physiotwin::read_health_record_text(
        std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
  } catch (const physiotwin::InputError&) {
    // a clear error: what bad input must give
  }
  return 0;
}
