// libFuzzer target: the C interface (bindings/c/include/physiotwin_c.h) driven by random call
// sequences, as a buggy engine plugin might make them: NULL and destroyed-slot handles, out of
// range indices, buffers too small, unknown names, random text as JSON, NaN and infinite
// values, budgets, forks, snapshots restored with some bytes changed. Every call must return a
// status the header declares, and every failure must leave a message (pt_last_error); a crash,
// a sanitizer report or an abort is a bug. Each input steps forks of one twin made once, so an
// input costs milliseconds.
//   ./scripts/fuzz.sh [seconds]     (CI runs it briefly under ASan + UBSan)
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "physiotwin_c.h"

namespace {

/// Reads the fuzzer's bytes in order; past the end, zeros.
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  [[nodiscard]] bool done() const { return at_ >= size_; }
  std::uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }
  double number() {
    switch (byte() % 8) {
      case 0:
        return std::numeric_limits<double>::quiet_NaN();
      case 1:
        return std::numeric_limits<double>::infinity();
      case 2:
        return -double(byte());
      case 3:
        return 0.0;
      case 4: {  // any bit pattern
        std::uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = bits << 8 | byte();
        double value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
      }
      default:
        return double(byte()) * (1.0 + double(byte()) / 16.0);
    }
  }
  /// A string of up to 64 of the next bytes (NUL-terminated by std::string).
  std::string text() {
    std::string s;
    const std::size_t n = byte() % 64;
    for (std::size_t i = 0; i < n && !done(); ++i) s.push_back(char(byte()));
    return s;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_c_api: %s (last error: %s)\n", what, pt_last_error());
    std::abort();
  }
}

/// A status the header declares; a failure leaves a message.
pt_status checked(pt_status status) {
  check(status >= PT_OK && status <= PT_ERROR_INTERNAL, "a status outside pt_status");
  check(status != PT_ERROR_INTERNAL, "an internal error");
  if (status != PT_OK) check(std::strlen(pt_last_error()) > 0, "a failure without a message");
  return status;
}

void check_text(const char* text) {
  if (text != nullptr) (void)std::strlen(text);  // readable up to its NUL (ASan checks)
}

const std::string& model_file() {
  static const std::string file = std::string(PHYSIOTWIN_MODELS_DIR) + "/circulation/adult.json";
  return file;
}

const pt_twin* base_twin() {
  static pt_twin* twin = [] {
    pt_twin* t = nullptr;
    check(pt_twin_create_from_files(model_file().c_str(), nullptr, &t) == PT_OK, "the base twin");
    return t;
  }();
  return twin;
}

const char* const parameter_names[] = {"heart.rate", "heart.rate ", "lv.emax", "no.such", ""};
const char* const action_templates[] = {
    R"({"action": "hemorrhage", "rate": %g, "volume": %g})",
    R"({"action": "infusion", "rate": %g, "volume": %g, "fluid": "saline"})",
    R"({"action": "set", "parameter": "heart.rate", "value": %g, "time": %g})",
    R"({"action": "hemorrhage", "rate": %g, "volume": %g, "compartment": "aorta"})",
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  pt_twin* slots[3] = {nullptr, nullptr, nullptr};
  checked(pt_twin_fork(base_twin(), &slots[0]));
  std::vector<double> buffer(512);
  for (int call = 0; call < 64 && !in.done(); ++call) {
    const std::uint8_t op = in.byte();
    pt_twin*& twin = slots[in.byte() % 3];
    const std::size_t capacity = std::min<std::size_t>(in.byte() * 2u + 1u, buffer.size());
    double start = 0.0;
    std::uint64_t publication = 0;
    switch (op % 17) {
      case 0:  // small steps keep an input fast
        checked(pt_twin_advance(twin, double(in.byte()) / 4096.0));
        break;
      case 1: {  // NaN, infinities, negatives, zero, denormals; long steps cut below 50 ms
        double seconds = in.number();
        if (std::isfinite(seconds) && seconds > 0.05) seconds = std::fmod(seconds, 0.05);
        checked(pt_twin_advance(twin, seconds));
        break;
      }
      case 2:
        checked(pt_twin_read_signals(twin, buffer.data(), capacity));
        break;
      case 3:
        checked(pt_twin_read_latest(twin, buffer.data(), capacity, &publication));
        break;
      case 4:
        checked(pt_twin_latest_beat(twin, buffer.data(), capacity, &start));
        checked(pt_twin_latest_breath(twin, buffer.data(), capacity, nullptr));
        break;
      case 5: {
        const std::size_t index = in.byte() + (in.byte() % 2 ? 0u : 1000u);
        check_text(pt_twin_signal_name(twin, index));
        check_text(pt_twin_signal_unit(twin, index));
        check_text(pt_twin_signal_description(twin, index));
        check_text(pt_twin_signal_region(twin, index));
        check_text(pt_twin_beat_metric_name(twin, index % 32));
        check_text(pt_twin_breath_metric_unit(twin, index % 32));
        break;
      }
      case 6: {
        std::size_t index = 0;
        const std::string name = in.byte() % 2 ? "aorta.pressure" : in.text();
        checked(pt_twin_signal_index(twin, name.c_str(), &index));
        break;
      }
      case 7: {
        char action[256];
        std::snprintf(action, sizeof action, action_templates[in.byte() % 4], in.number(),
                      in.number());
        checked(pt_twin_apply_action(twin, action));
        break;
      }
      case 8:
        checked(pt_twin_apply_action(twin, in.text().c_str()));
        break;
      case 9:
        checked(pt_twin_set_parameter(twin, parameter_names[in.byte() % 5], in.number()));
        break;
      case 10: {
        double value = 0.0;
        checked(pt_twin_get_parameter(twin, parameter_names[in.byte() % 5], &value));
        break;
      }
      case 11: {
        pt_twin*& into = slots[in.byte() % 3];
        pt_twin* fork = nullptr;
        if (checked(pt_twin_fork(twin, &fork)) == PT_OK) {
          pt_twin_destroy(into);
          into = fork;
        }
        break;
      }
      case 12:
        pt_twin_destroy(twin);
        twin = nullptr;
        break;
      case 13:
        checked(pt_twin_set_budget(twin, in.byte() % 4, in.number()));
        break;
      case 14: {
        pt_twin* created = nullptr;
        const std::string model = in.text();
        if (checked(pt_twin_create_from_json(model.c_str(), nullptr, &created)) == PT_OK) {
          pt_twin_destroy(created);
        } else {
          check(created == nullptr, "a failed create left a handle");
        }
        break;
      }
      case 15: {  // a snapshot, some of its bytes changed, restored
        std::size_t snapshot_size = 0;
        if (checked(pt_twin_snapshot(twin, nullptr, 0, &snapshot_size)) != PT_OK) break;
        std::vector<std::uint8_t> bytes(snapshot_size);
        if (checked(pt_twin_snapshot(twin, bytes.data(), bytes.size(), &snapshot_size)) != PT_OK)
          break;
        for (int change = in.byte() % 4; change > 0; --change)
          bytes[(std::size_t(in.byte()) << 8 | in.byte()) % bytes.size()] ^= in.byte();
        bytes.resize(bytes.size() -
                     std::min<std::size_t>(in.byte() % 2 ? in.byte() : 0, snapshot_size));
        pt_twin* restored = nullptr;
        if (checked(pt_twin_restore_from_file(model_file().c_str(), bytes.data(), bytes.size(),
                                              &restored)) == PT_OK) {
          pt_twin_destroy(twin);
          twin = restored;
        } else {
          check(restored == nullptr, "a failed restore left a handle");
        }
        break;
      }
      default:
        (void)pt_twin_time(twin);
        (void)pt_twin_signal_count(twin);
        (void)pt_twin_latest_size(twin);
        check_text(pt_status_name(pt_status(in.byte() % 16)));
        break;
    }
  }
  for (pt_twin* twin : slots) pt_twin_destroy(twin);
  return 0;
}
