// libFuzzer target: the health-record reader over arbitrary bytes (seeded with the records of
// tests/data/fhir). Any outcome but a result or an InputError is a bug: a crash, a sanitizer
// report, another exception type. The same bytes then go line by line through the monitor's
// observation-stream reader, which must take anything without throwing (a bad line is a
// warning).
//   ./scripts/fuzz.sh [seconds]     (CI runs it briefly; docs/patient-records.md)
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "physiotwin/monitor/observation_stream.hpp"
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
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  physiotwin::monitor::ObservationReader stream(/*now=*/1'800'000'000);
  std::size_t number = 0, start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    (void)stream.read(text.substr(start, end - start), ++number);
    start = end + 1;
  }
  return 0;
}
